/**
 * Customers act on their own records, in the portal, in the demo world, at a laptop (1366 px) and a
 * phone (390 px) width, by clicking only:
 *   tenant admin  Orders, invoices and tickets → Tickets: opens a ticket waiting on them, reads the
 *                 conversation (who wrote each message, when), replies — the ticket is open again —
 *                 opens a new ticket; Invoices: opens an invoice (lines, totals, account) and
 *                 downloads it as "Invoice <number>.pdf"
 *   tenant user   whose role (the provider's catalog, which is data) only reads tickets: the
 *                 conversation, no reply form and no "Open a ticket", and a sentence saying why
 * No id or permission code on screen, no sideways scroll, and axe-core finds no serious or critical
 * violation. Screenshots: artifacts/screenshots/customer-records-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';
import { systemContext } from '../../src/platform/http/request-context.ts';


const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

/** An id (tkt_…, ivc_…, usr_…, ban_…) or a permission code (support.tickets.update) shown as text. */
const CODES = /\b(?:tkt|ivc|ptr|tnt|usr|ban)_[0-9a-z]{10,}\b|\b[a-z]+\.[a-z_]+\.[a-z_]+\b/;

let portal: Portal;
let world: DemoWorld;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
  // The demo's tickets take their statuses and their times at random, so a ticket already waiting on
  // Acme Fiber may be months old, past the list's first page. Three tickets are put waiting now (one
  // per reply below and one for the reader), each with the provider's question, as its help desk
  // would: the newest change, they head the list at both widths.
  const s = portal.t.services;
  const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
  const scope = [{ tenantId: acme.id, bans: null }];
  const tickets = (await s.resources.list('tickets', scope, { limit: 200, eq: {} })).data;
  const desk = { tenantId: acme.id, bans: null, partnerId: null, userId: null, clientId: null, delegationId: null, persona: null, billTo: null };
  // the demo's statuses are random: open ones first, then waiting ones, then resolved ones (reopened first)
  const order = ['open', 'in_progress', 'waiting_on_customer', 'resolved'];
  const ready = tickets.filter((y) => order.includes(y.status)).sort((x, y) => order.indexOf(x.status) - order.indexOf(y.status));
  expect(ready.length, 'the demo has three tickets on Acme Fiber that can be put waiting').toBeGreaterThanOrEqual(3);
  for (const x of ready.slice(0, 3)) {
    if (x.status === 'resolved') await s.resources.updateTicket(systemContext('e2e'), desk, x.id, { status: 'open' }, 'support');
    await s.resources.updateTicket(systemContext('e2e'), desk, x.id, { status: 'waiting_on_customer', comment: 'Could you tell us since when this happens, and at which site?' }, 'support');
  }
}, 180_000);
afterAll(() => portal?.close());

/** Checks accessibility, sideways scroll and codes on screen in `testId`, saves a screenshot; returns its text. */
async function check(page: Page, testId: string, name: string): Promise<string> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `customer-records-${name}`);
  const text = await page.getByTestId(testId).innerText();
  expect(text, `${name}: an id or a permission code on screen`).not.toMatch(CODES);
  return text;
}

/**
 * On a phone the navigation is behind the menu button. The menu closes when the page navigates
 * (the sign-in's redirect can land after a first click), so open it until the entry is on screen.
 */
async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  const entry = page.getByTestId('nav-tenant').getByRole('link', { name: 'Orders, invoices and tickets' });
  const onScreen = () =>
    entry.evaluate((el) => {
      const r = (el as unknown as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
      return r.right > 0 && r.left < (globalThis as unknown as { innerWidth: number }).innerWidth;
    });
  await burger.waitFor();
  await expect
    .poll(
      async () => {
        if ((await entry.count()) > 0 && (await onScreen())) return true;
        if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
        return false;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

async function records(email: string, password: string, size: (typeof WIDTHS)[number], tab: 'Tickets' | 'Invoices'): Promise<Page> {
  const page = await portal.newPage();
  await page.setViewportSize(size);
  await login(page, email, password);
  await openMenu(page, size.width === 390);
  await page.getByTestId('nav-tenant').getByRole('link', { name: 'Orders, invoices and tickets' }).click();
  await page.getByRole('tab', { name: tab }).click();
  await page.getByTestId(tab === 'Tickets' ? 'self-tickets' : 'self-invoices').locator('[data-row]').first().waitFor({ timeout: 45_000 });
  return page;
}

const waitingRow = (page: Page) => page.getByTestId('self-tickets').locator('[data-row]').filter({ has: page.locator('[data-status="waiting_on_customer"]') });

describe('customers act on their own tickets and invoices', () => {
  for (const size of WIDTHS) {
    const w = size.width;

    it(`the tenant admin at ${w}px: replies to a ticket waiting on them, opens a new one, opens an invoice and downloads its PDF`, { timeout: 240_000 }, async () => {
      const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
      const page = await records(acme.admin.email, acme.admin.password, size, 'Tickets');
      expect(await page.getByTestId('self-tickets').innerText()).toMatch(/waiting on you/i);
      const before = await waitingRow(page).count();
      expect(before, 'a demo ticket waits on the customer').toBeGreaterThan(0);

      // the ticket waiting on them: its conversation, with the provider's support named
      await waitingRow(page).first().click();
      const drawer = page.getByTestId('own-ticket');
      await drawer.getByTestId('ticket-conversation').waitFor();
      const convo = await check(page, 'own-ticket', `ticket-waiting-${w}`);
      expect(convo).toContain('Partnergate support');
      expect(convo).toContain('waiting for your answer');
      await drawer.getByTestId('reply-text').fill('The router was restarted at 9:40; the line is still down.');
      await drawer.getByRole('button', { name: 'Send reply' }).click();
      await drawer.locator('[data-status="open"]').waitFor();
      const replied = await check(page, 'own-ticket', `ticket-replied-${w}`);
      expect(replied).toContain('The router was restarted at 9:40');
      expect(replied).toMatch(/\bYou\b/);
      await drawer.getByRole('button', { name: 'Close the ticket' }).click();
      await expect.poll(() => waitingRow(page).count()).toBe(before - 1);

      // a new ticket, about one billing account
      await page.getByTestId('new-ticket').click();
      const dialog = page.getByRole('dialog', { name: 'Open a ticket' });
      await dialog.getByTestId('new-ticket-subject').fill(`Static IP block not routed (${w}px)`);
      await dialog.getByTestId('new-ticket-description').fill('The /29 block on the head office line answers no ping since this morning.');
      await dialog.getByTestId('new-ticket-account').click();
      await page.getByRole('option', { name: /Head office/ }).click();
      await settled(page);
      expect(await seriousViolations(page), `new ticket ${w}: accessibility`).toEqual([]);
      await screenshot(page, `customer-records-new-ticket-${w}`);
      await dialog.getByRole('button', { name: 'Open ticket' }).click();
      await drawer.getByText(`Static IP block not routed (${w}px)`).waitFor();
      const opened = await check(page, 'own-ticket', `ticket-new-${w}`);
      expect(opened).toContain('Opened by you');
      expect(opened).toMatch(/About billing account .*Head office \(BAN-1000000001\)/);
      await drawer.getByRole('button', { name: 'Close the ticket' }).click();
      await page.getByTestId('self-tickets').getByText(`Static IP block not routed (${w}px)`).first().waitFor();

      // an invoice: its lines and totals, then the PDF
      await page.getByRole('tab', { name: 'Invoices' }).click();
      const row = page.getByTestId('self-invoices').locator('[data-row]').first();
      await row.waitFor();
      const number = await row.getAttribute('data-number');
      await row.click();
      const inv = page.getByTestId('own-invoice');
      await inv.getByTestId('invoice-lines').waitFor();
      const detail = await check(page, 'own-invoice', `invoice-${w}`);
      for (const words of ['Subtotal', 'Tax', 'Total', 'To pay', 'Billing account BAN-']) expect(detail).toContain(words);
      expect(detail).toMatch(/\$[\d,]+\.\d\d/);
      const [download] = await Promise.all([page.waitForEvent('download'), inv.getByTestId('invoice-pdf').click()]);
      expect(download.suggestedFilename()).toBe(`Invoice ${number}.pdf`);
      await page.close();
    });

    it(`a tenant user who may only read at ${w}px: the conversation, no reply form, and why`, { timeout: 180_000 }, async () => {
      const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
      // The role catalog is data: this provider's tenant users read tickets but neither reply nor open them.
      const role = portal.t.services.roles.get('TENANT_USER')!;
      const grants = role.grants;
      role.grants = grants.filter((g) => g !== 'support.tickets.create' && g !== 'support.tickets.update');
      try {
        const page = await records(acme.user.email, acme.user.password, size, 'Tickets');
        expect(await page.getByTestId('new-ticket').count()).toBe(0);
        await waitingRow(page).first().click();
        const drawer = page.getByTestId('own-ticket');
        await drawer.getByTestId('ticket-conversation').waitFor();
        await drawer.getByTestId('reply-refused').waitFor();
        const text = await check(page, 'own-ticket', `ticket-read-only-${w}`);
        expect(text).toContain('lets you read tickets but not reply');
        expect(await drawer.getByTestId('reply-text').count()).toBe(0);
        await page.close();
      } finally {
        role.grants = grants;
      }
    });
  }
});
