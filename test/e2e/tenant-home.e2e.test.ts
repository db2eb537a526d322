/**
 * The tenant's overview tells the admin what matters, in the demo world, at a laptop (1366 px) and a
 * phone (390 px) width:
 *   Beta Networks' admin   "Waiting for you" holds Fabrikam MSP's access request, the sidebar's Overview
 *                          entry counts it, and its button opens Partners with access, where it is answered
 *   Acme Fiber's admin     figures from its invoices and tickets, recent partner activity in words, the
 *                          spending chart; nothing waits, and the page says so
 *   Delta Broadband's admin a time-limited access request waits, the sidebar counts it, and its button opens
 *                          Time-limited access, where it is approved or rejected
 *   Acme Fiber's user      what the role does not read is absent: no waiting list, no alerts, no partner
 *                          activity — and never "Nothing waits for you" nor a $0.00 in their place
 *   a failed load          the figures say they could not be loaded, not $0.00
 * No id or permission code on screen, no sideways scroll, and axe-core finds no serious or critical
 * violation. Screenshots: artifacts/screenshots/tenant-home-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { signedIn as signIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';
import { newId } from '../../src/platform/ids.ts';


let portal: Portal;
let world: DemoWorld;

/** the balance of Acme Fiber's two open invoices due on the same day, before any other open one */
let sameDayCents = 0;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
  const acme = tenant('acme-fiber');
  const db = portal.t.services.db.kysely;
  const first = await db.selectFrom('invoices').select('due_at').where('tenant_id', '=', acme.id).where('status', '=', 'open').orderBy('due_at').executeTakeFirst();
  const due = new Date(Math.min(Date.now() + 86_400_000, first ? Date.parse(first.due_at) - 86_400_000 : Infinity));
  const ban = (await db.selectFrom('billing_accounts').select('id').where('tenant_id', '=', acme.id).executeTakeFirstOrThrow()).id;
  const made = new Date(due.getTime() - 20 * 86_400_000).toISOString();
  const invoice = (n: string, cents: number) => ({ id: newId('ivc'), tenant_id: acme.id, ban_id: ban, period: made.slice(0, 7), number: n, issued_at: made, due_at: due.toISOString(), currency: 'USD', subtotal_cents: cents, tax_cents: 0, total_cents: cents, balance_cents: cents, status: 'open' as const, paid_at: null, created_at: made });
  await db.insertInto('invoices').values([invoice('INV-SAME-DAY-1', 41_250), invoice('INV-SAME-DAY-2', 203_775)]).execute();
  sameDayCents = 41_250 + 203_775;
}, 180_000);
afterAll(() => portal?.close());

const tenant = (slug: string) => world.tenants.find((x) => x.slug === slug)!;

/** Waits until every figure has loaded, checks accessibility, sideways scroll and codes on screen, saves a screenshot; returns the main area's text. */
async function check(page: Page, name: string): Promise<string> {
  await page.getByTestId('overview-figures').waitFor();
  return walkPage(page, `tenant-home-${name}`);
}

async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
}

async function signedIn(email: string, password: string, size: (typeof WIDTHS)[number]): Promise<Page> {
  return signIn(portal, email, password, size);
}

async function closeMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) > 0) await burger.click();
}

/** Overview in the sidebar (on a phone, the menu closes again: the login may have landed there already). */
async function openOverview(page: Page, phone: boolean): Promise<void> {
  await openMenu(page, phone);
  await page.getByTestId('nav-tenant').getByRole('link', { name: /^Overview/ }).click();
  await closeMenu(page, phone);
  await page.getByTestId('overview-figures').waitFor();
}

describe("the tenant's overview", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`Beta Networks' admin at ${w}px: the waiting request, counted in the sidebar, one click from where it is answered`, { timeout: 180_000 }, async () => {
      const beta = tenant('beta-networks');
      const page = await signedIn(beta.admin.email, beta.admin.password, size);
      await openOverview(page, phone);
      const waiting = page.getByTestId('waiting-for-you');
      await waiting.locator('[data-row]').first().waitFor();
      const text = await check(page, `beta-admin-${w}`);
      const rows = waiting.locator('[data-row]');
      expect(await rows.count()).toBe(1);
      const row = rows.first();
      expect(await row.getAttribute('data-kind')).toBe('link_request');
      expect(await row.innerText()).toContain('Fabrikam MSP asks for access to your data');
      expect(await row.innerText()).toContain('Proposal: first-line support');
      expect(text).not.toContain('Nothing waits for you');
      // the sidebar's Overview entry counts it
      await openMenu(page, phone);
      await expect.poll(() => page.getByTestId('nav-badge-tenant-waiting').innerText()).toBe('1');
      await closeMenu(page, phone);

      await row.getByRole('link', { name: 'Review the request' }).click();
      await page.waitForURL(`**/tenant/${beta.id}/partners`);
      const pending = page.getByTestId('pending-requests');
      await pending.locator('[data-partner="fabrikam-msp"]').waitFor();
      expect(await pending.innerText()).toContain('Fabrikam MSP');
      await page.close();
    });

    it(`Acme Fiber's admin at ${w}px: money, tickets, alerts and partner activity in words`, { timeout: 180_000 }, async () => {
      const acme = tenant('acme-fiber');
      const page = await signedIn(acme.admin.email, acme.admin.password, size);
      await openOverview(page, phone);
      await page.getByTestId('partner-activity').locator('[data-row], [data-testid="partner-activity-empty"]').first().waitFor();
      const text = await check(page, `acme-admin-${w}`);
      // nothing waits for Acme's admin in the demo world, and the page says so
      expect(await page.getByTestId('waiting-empty').innerText()).toContain('Nothing waits for you');
      await expect(page.getByTestId('nav-badge-tenant-waiting').count()).resolves.toBe(0);
      // the figures, from its invoices and tickets
      for (const id of ['figure-overdue', 'figure-next-due', 'figure-tickets', 'figure-alerts', 'figure-notifications']) await page.getByTestId(id).waitFor();
      expect(await page.getByTestId('figure-overdue-value').innerText()).toMatch(/\$[\d,]+\.\d\d/);
      expect(await page.getByTestId('figure-tickets-value').innerText()).toMatch(/^\d+$/);
      expect(Number(await page.getByTestId('figure-tickets-value').innerText())).toBeGreaterThan(0);
      // what Fabrikam's people did, in the audit log's words
      const activity = await page.getByTestId('partner-activity').innerText();
      expect(activity).toContain('Fabrikam');
      expect(activity).not.toMatch(/\b[a-z]+\.[a-z_]+\b.*\b(?:approved|created|updated)\b/);
      // months to compare: the chart
      expect(await page.getByTestId('chart').innerText()).toContain('Invoiced per month');
      expect(text).toContain('At a glance');

      // the next payment is every invoice due that day (here two, added on the same day), not one of them
      const next = page.getByTestId('figure-next-due');
      expect(await next.innerText()).toMatch(/2 invoices due /);
      expect(await page.getByTestId('figure-next-due-value').innerText()).toBe(`$${(sameDayCents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);

      // a figure is one click from where it is dealt with: the tickets, not the first tab
      await page.getByTestId('figure-tickets').getByRole('link', { name: 'See tickets' }).click();
      await page.waitForURL(`**/tenant/${acme.id}/services?tab=tickets`);
      await expect.poll(() => page.getByRole('tab', { name: 'Tickets' }).getAttribute('aria-selected')).toBe('true');
      await page.goBack();
      await page.getByTestId('figure-overdue').getByRole('link', { name: 'See invoices' }).click();
      await page.waitForURL(`**/tenant/${acme.id}/services?tab=invoices`);
      await expect.poll(() => page.getByRole('tab', { name: 'Invoices' }).getAttribute('aria-selected')).toBe('true');
      await page.close();
    });

    it(`Delta Broadband's admin at ${w}px: a time-limited access request, counted in the sidebar, answered on its page`, { timeout: 180_000 }, async () => {
      // Alice administers Fabrikam's small customers too; Owen asked Delta Broadband for time-limited access
      const acme = tenant('acme-fiber');
      const delta = (await portal.t.services.tenants.findBySlug('delta-broadband'))!;
      const page = await signedIn(acme.admin.email, acme.admin.password, size);
      // the sidebar's tenant switcher, then the overview of the tenant switched to
      await openMenu(page, phone);
      await page.getByTestId('tenant-switcher').click();
      await page.getByRole('option', { name: delta.name }).click();
      // the switcher keeps the page: the overview, now of Delta Broadband
      await page.waitForURL(`**/tenant/${delta.id}`);
      await closeMenu(page, phone);
      const waiting = page.getByTestId('waiting-for-you');
      await waiting.locator('[data-row]').first().waitFor();
      await check(page, `delta-admin-${w}`);
      const row = waiting.locator('[data-row][data-kind="activation"]');
      expect(await row.count()).toBe(1);
      expect(await row.innerText()).toContain('Owen Fabrikam (Fabrikam MSP) asks for time-limited access');
      expect(await row.innerText()).toContain('for 2 hours');
      await openMenu(page, phone);
      await expect.poll(() => page.getByTestId('nav-badge-time-limited').innerText()).toBe('1');
      await closeMenu(page, phone);
      await row.getByRole('link', { name: 'Approve or reject' }).click();
      await page.waitForURL(`**/tenant/${delta.id}/time-limited`);
      await page.getByTestId('waiting-activations').getByText('Owen Fabrikam (Fabrikam MSP)').first().waitFor();
      await page.close();
    });

    it(`Acme Fiber's user at ${w}px: what the role does not read is absent, not zero`, { timeout: 180_000 }, async () => {
      const acme = tenant('acme-fiber');
      const page = await signedIn(acme.user.email, acme.user.password, size);
      await openOverview(page, phone);
      const text = await check(page, `acme-user-${w}`);
      // a user answers no partner request and reads neither the alerts nor the audit log
      for (const id of ['waiting-for-you', 'figure-alerts', 'partner-activity', 'nav-badge-tenant-waiting']) expect(await page.getByTestId(id).count(), id).toBe(0);
      expect(text).not.toContain('Nothing waits for you');
      expect(text).not.toContain('Open alerts');
      expect(text).not.toContain('Recent partner activity');
      // what the role reads is there
      expect(await page.getByTestId('figure-overdue-value').innerText()).toMatch(/\$[\d,]+\.\d\d/);
      await page.getByTestId('figure-tickets').waitFor();
      expect(text).toContain('Its administrators answer partner requests');
      await page.close();
    });
  }

  it('a figure that fails to load says so, instead of $0.00', { timeout: 180_000 }, async () => {
    const acme = tenant('acme-fiber');
    const page = await signedIn(acme.admin.email, acme.admin.password, WIDTHS[0]);
    // the summary's connection drops (the server itself is fine): the browser sees a network failure
    await page.route('**/self/summary', (route) => route.abort('connectionreset'));
    await page.goto(`/tenant/${acme.id}`);
    const overdue = page.getByTestId('figure-overdue');
    await page.locator('[data-testid="figure-overdue"][data-state="error"]').waitFor({ timeout: 30_000 });
    expect(await overdue.innerText()).toContain('Could not be loaded');
    expect(await overdue.innerText()).not.toMatch(/\$0\.00/);
    expect(await page.getByTestId('figure-tickets').innerText()).toContain('Could not be loaded');
    await screenshot(page, 'tenant-home-failed-load');
    await page.close();
  });
});
