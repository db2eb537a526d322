/**
 * The MSP's customers page with more customers than one page: the server orders them (by name, or
 * by a figure either way) and pages them, so page 1 of "most overdue first" holds the customer that
 * owes the most overdue of ALL customers, page 2 continues the order, and a customer whose billing
 * the MSP's access does not show comes last, saying so. Each row's link comes with its figures, so
 * the page never loads the list of links (only the requests still waiting); a search is the
 * server's too, with its count. Checked at 1366 and 390 px with axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type Portal } from './helpers/portal.ts';
import { signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { mutate } from '../../src/platform/db/database.ts';
import { asSystem } from '../../src/platform/db/db-context.ts';
import { invoiceRow } from '../api/resources/invoice-rows.ts';
import { ends } from '../api/gateway/helpers.ts';

/** The page's size (ActiveCustomers.tsx) and one customer more than a page, plus the hidden one. */
const PAGE = 25;
let portal: Portal;
let msp: TestPartner;
let full: TestTenant[];
let hidden: TestTenant;
let top: TestTenant;
const overdue = new Map<string, number>();

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  full = [];
  for (let i = 0; i < PAGE + 3; i++) full.push(await t.world.tenant());
  hidden = await t.world.tenant();
  for (const x of full) await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  // support only: its billing is not the MSP's to see, though it owes the most of all
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: hidden.id, origin: 'link', role: 'MSP_SUPPORT', banIds: null, endsAt: ends(), status: 'active' });
  await t.services.feed.drain();
  // the customer last by name owes the most overdue: by name it is on page 2, by overdue first on page 1
  const byName = [...full].sort((a, b) => a.name.localeCompare(b.name));
  top = byName[byName.length - 1]!;
  for (const [i, x] of byName.entries()) overdue.set(x.slug, x === top ? 900_000 : (i + 1) * 1_000);
  await asSystem(() =>
    mutate(t.services.db, async (trx) => {
      await trx
        .insertInto('invoices')
        .values([...full.map((x) => invoiceRow(x, 0, '2026-09', 'overdue', overdue.get(x.slug)!)), invoiceRow(hidden, 0, '2026-09', 'overdue', 5_000_000)])
        .execute();
    }),
  );
}, 300_000);
afterAll(() => portal?.close());

/** The customers of the active table, in the order shown. */
async function shownSlugs(page: Page): Promise<string[]> {
  const rows = page.locator('[data-testid="active-customer-rows"] tbody tr[data-tenant]');
  await rows.first().waitFor();
  return (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-tenant') ?? '')));
}

/** Waits until the table shows `page` of the server's order `sort`, done loading. */
async function shows(page: Page, n: number, sort: string) {
  await page.locator(`[data-testid="active-customers"][data-page="${n}"][data-sort="${sort}"]`).waitFor();
  // the count line shows only with the server's answer for this page and order
  await page.getByTestId('active-page-of').getByText(`Page ${n} of 2`).waitFor();
}

describe('the MSP customers page pages and sorts on the server', () => {
  it('most overdue first: page 1 starts with the largest of all customers, page 2 continues, the hidden one last', { timeout: 300_000 }, async () => {
    const page = await signedIn(portal, msp.owner.email, msp.owner.password, WIDTHS[0]);
    await page.goto(`${portal.url}/partner/customers`);
    await shows(page, 1, 'tenant_name');
    const text = await page.getByTestId('active-page-of').innerText();
    expect(text).toContain(`${PAGE + 4} customers`);
    // by name, the top customer is not on page 1
    expect(await shownSlugs(page)).not.toContain(top.slug);
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await walkPage(page, `msp-customers-paged-name-${size.width}`);
    }
    await page.setViewportSize(WIDTHS[0]);

    await page.getByTestId('active-sort').click();
    await page.getByRole('option', { name: 'Most overdue first' }).click();
    await shows(page, 1, '-overdue_cents');
    const first = await shownSlugs(page);
    expect(first.length).toBe(PAGE);
    expect(first[0]).toBe(top.slug);
    const amounts = (slugs: string[]) => slugs.map((s) => overdue.get(s) ?? -1);
    const one = amounts(first);
    expect(one).toEqual([...one].sort((a, b) => b - a));
    await page.locator(`tr[data-tenant="${top.slug}"] [data-figure="overdue_cents"]`).getByText('$9,000.00').waitFor();
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await walkPage(page, `msp-customers-paged-overdue-p1-${size.width}`);
    }
    await page.setViewportSize(WIDTHS[0]);

    await page.getByTestId('active-pages').getByRole('button', { name: 'Page 2', exact: true }).click();
    await shows(page, 2, '-overdue_cents');
    const second = await shownSlugs(page);
    // page 2 continues: every full customer once across both pages, each below page 1's last
    expect(second[second.length - 1]).toBe(hidden.slug);
    const two = amounts(second.slice(0, -1));
    expect(two).toEqual([...two].sort((a, b) => b - a));
    expect(Math.max(...two)).toBeLessThan(Math.min(...one));
    expect(new Set([...first, ...second]).size).toBe(PAGE + 4);
    await page.locator(`tr[data-tenant="${hidden.slug}"] [data-figure="overdue_cents"]`).getByText('not shown to you').waitFor();
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await walkPage(page, `msp-customers-paged-overdue-p2-${size.width}`);
    }
    await page.close();
  });

  it('reads one page and nothing else, and searches, sorts and counts on the server', { timeout: 300_000 }, async () => {
    const page = await signedIn(portal, msp.owner.email, msp.owner.password, WIDTHS[0]);
    const asked: URL[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/v1/partner/customers')) asked.push(u);
    });
    await page.goto(`${portal.url}/partner/customers`);
    await shows(page, 1, 'tenant_name');
    // each row's link comes with its figures: the list of links is asked only for the requests still waiting
    const links = asked.filter((u) => u.pathname === '/api/v1/partner/customers');
    expect(links.every((u) => u.searchParams.get('status') === 'requested'), links.map(String).join(' ')).toBe(true);
    expect(asked.filter((u) => u.pathname.endsWith('/figures')).every((u) => u.searchParams.get('limit') === String(PAGE))).toBe(true);

    // a search every customer's name holds: the server's count, two pages, the top one first by most overdue
    await page.getByTestId('customer-search').fill('TENANT');
    await page.getByTestId('active-page-of').getByText(`Page 1 of 2 · ${PAGE + 4} customers match “TENANT”`).waitFor();
    await page.getByTestId('active-sort').click();
    await page.getByRole('option', { name: 'Most overdue first' }).click();
    await shows(page, 1, '-overdue_cents');
    expect((await shownSlugs(page))[0]).toBe(top.slug);
    // one customer's name: one match, its row
    await page.getByTestId('customer-search').fill(top.name);
    await page.getByTestId('active-page-of').getByText(`Page 1 of 1 · 1 customer matches “${top.name}”`).waitFor();
    expect(await shownSlugs(page)).toEqual([top.slug]);
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await walkPage(page, `msp-customers-search-${size.width}`);
    }
    await page.setViewportSize(WIDTHS[0]);
    // nothing matches: it says what matched nothing
    await page.getByTestId('customer-search').fill('nobody-is-called-this');
    await page.getByTestId('active-customers').getByText('No customer you have access to matches “nobody-is-called-this”.').waitFor();
    expect(asked.some((u) => u.pathname === '/api/v1/partner/customers' && u.searchParams.get('status') !== 'requested')).toBe(false);
    await page.close();
  });
});

