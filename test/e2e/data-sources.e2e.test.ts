/**
 * Data sources in the portal, at a laptop (1366 px) and a phone (390 px) width, by clicking:
 *   operator   Data sources in the sidebar → "Add a data source": a name, what it sends (checkboxes in
 *              words), every customer; its token shown once. The provider's system (here: this test,
 *              with that token) pushes a batch: a billing account, an invoice on it, and an invoice on
 *              an account not known yet. The source's page shows its records per kind, the held line
 *              and what it waits for.
 *   customer   Orders, invoices and tickets → Invoices: "Billing data from <source>, updated …".
 *   partner    Invoices (the MSP's consolidated view): the same freshness line.
 * No id on screen, no sideways scroll, and axe-core finds no serious or critical violation.
 * Screenshots: artifacts/screenshots/data-sources-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { unique, type TestPartner, type TestTenant } from '../helpers/world.ts';

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

/** an id shown as text */
const IDS = /\b(?:ptr|tnt|usr|dsrc|hld|ivc|ban)_[0-9a-z]{10,}\b/;

let portal: Portal;
let tenant: TestTenant;
let msp: TestPartner;

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  tenant = await t.world.tenant();
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: new Date(Date.now() + 90 * 86_400_000).toISOString(), status: 'active' });
  await t.services.feed.drain();
}, 180_000);
afterAll(() => portal?.close());

async function check(page: Page, name: string, scope = 'main'): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `data-sources-${name}`);
  expect(await page.locator(scope).first().innerText(), `${name}: an id on screen`).not.toMatch(IDS);
}

async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  if ((await burger.locator('[data-opened]').count()) === 0) await burger.click();
}

async function signedIn(email: string, password: string, size: (typeof WIDTHS)[number]): Promise<Page> {
  const page = await portal.newPage();
  await page.setViewportSize(size);
  await login(page, email, password);
  return page;
}

describe('the Data sources page', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`the operator registers a source, it pushes a batch, and customers and partners read where their billing data comes from, at ${w}px`, { timeout: 240_000 }, async () => {
      const sourceName = `Acme Billing ${unique('e2e').slice(-6)}`;
      const op = await portal.t.world.operator();
      const page = await signedIn(op.email, op.password, size);
      await openMenu(page, phone);
      await page.getByTestId('nav-operator').getByRole('link', { name: 'Data sources' }).click();
      await page.getByRole('heading', { name: 'Data sources' }).first().waitFor();
      await check(page, `list-empty-${w}`);

      await page.getByRole('button', { name: 'Add a data source' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox', { name: 'Name' }).fill(sourceName);
      await dialog.getByRole('checkbox', { name: 'Billing accounts' }).check();
      await check(page, `create-${w}`, '[role="dialog"]');
      await dialog.getByRole('button', { name: 'Register and show its token' }).click();
      const token = (await page.getByTestId('one-time-secret').innerText()).trim();
      expect(token).toMatch(/^pgsync_/);
      await check(page, `token-${w}`, '[role="dialog"]');
      await dialog.getByRole('button', { name: 'Done' }).click();

      // the provider's billing system, with the token
      const ban = `BAN-E2E-${w}-${Date.now()}`;
      const missing = `BAN-LATER-${w}-${Date.now()}`;
      const now = new Date().toISOString();
      const inv = (ext: string, b: string) => ({ kind: 'invoice', external_id: ext, version: 1, data: { ban: b, number: ext, period: now.slice(0, 7), issued_at: now, due_at: now, currency: 'EUR', subtotal_cents: 10_000, tax_cents: 2_000, total_cents: 12_000, balance_cents: 12_000, status: 'open' } });
      const lines = [
        { kind: 'billing_account', external_id: `acct-${w}`, version: 1, data: { account_number: ban, tenant_ref: tenant.slug, name: 'Head office', currency: 'EUR' } },
        inv(`E2E-${w}-1`, ban),
        inv(`E2E-${w}-2`, missing),
      ];
      const pushed = await fetch(`${portal.url}/sync/v1/batches`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: lines.map((l) => JSON.stringify(l)).join('\n') });
      expect(pushed.status).toBe(200);
      const body = (await pushed.json()) as { results: { status: string }[] };
      expect(body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'held']);

      await page.reload();
      const row = page.getByTestId('data-sources').locator('tr, [data-row], div').filter({ hasText: sourceName }).first();
      await row.waitFor();
      await page.getByRole('button', { name: `Open ${sourceName}` }).click();
      const detail = page.getByTestId('data-source-detail');
      await detail.getByTestId('held-lines').getByText(`billing account ${missing}`).waitFor();
      expect(await detail.getByTestId('data-source-counts').innerText()).toMatch(/invoices\s+1/);
      await check(page, `source-${w}`, '[role="dialog"]');
      await page.close();

      // the customer's invoices
      const admin = await signedIn(tenant.admin.email, tenant.admin.password, size);
      await openMenu(admin, phone);
      await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Orders, invoices and tickets' }).click();
      await admin.getByRole('tab', { name: 'Invoices' }).click();
      await admin.getByTestId('self-invoices').getByText(`E2E-${w}-1`).first().waitFor({ timeout: 45_000 });
      const line = admin.getByTestId('data-freshness');
      await line.getByText(`Billing data from ${sourceName}`, { exact: false }).waitFor();
      expect(await line.innerText()).toMatch(/updated (just now|\d+ minutes? ago)/);
      await check(admin, `customer-invoices-${w}`);
      await admin.close();

      // the MSP's consolidated invoices
      const partner = await signedIn(msp.owner.email, msp.owner.password, size);
      await partner.goto('/partner/invoices');
      await partner.getByTestId('data-freshness').getByText(`Billing data from ${sourceName}`, { exact: false }).waitFor({ timeout: 45_000 });
      await check(partner, `partner-invoices-${w}`);
      await partner.close();
    });
  }
});
