/**
 * Two-tier partners in the portal, the distributor's work across its resellers' customers, at a
 * laptop (1366 px) and a phone (390 px) width, by clicking:
 *   distributor owner  "Resellers": billing across its resellers for the last 12 months — figures,
 *                      a chart of billed against paid per reseller, a table; only the customers
 *                      that let it see their billing count.
 *                      "Customers I manage": its resellers' customers marked "through <reseller>",
 *                      filtered by reseller.
 *   customer admin     "Partners with access": turns off the distributor's access through the
 *                      reseller's link → the distributor's list, opened again, no longer shows the
 *                      customer; turns it back on → it is there again.
 * Each screen is walked (axe-core, no sideways scroll, no ids shown). Screenshots:
 * artifacts/screenshots/distributor-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { DistributorAccess } from '../../src/modules/delegations/distributor-access.ts';

let portal: Portal;

beforeAll(async () => {
  portal = await startPortal();
}, 180_000);
afterAll(async () => {
  await portal?.close();
});

const DAY = 86_400_000;
let seq = 0;

/** YYYY-MM of `n` months before this one. */
function month(n: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
}

async function invoice(tenant: TestTenant, period: string, totalCents: number, status: 'open' | 'paid' | 'overdue') {
  seq++;
  const at = `${period}-05T00:00:00.000Z`;
  const balance = status === 'paid' ? 0 : totalCents;
  await portal.t.services.db.kysely
    .insertInto('invoices')
    .values({ id: `inv_dc${String(seq).padStart(4, '0')}${tenant.id.slice(-20)}`, tenant_id: tenant.id, ban_id: tenant.bans[0].id, number: `DC-${seq}`, period, issued_at: at, due_at: at, currency: 'USD', subtotal_cents: totalCents, tax_cents: 0, total_cents: totalCents, balance_cents: balance, status, paid_at: status === 'paid' ? at : null, created_at: at })
    .execute();
}

/**
 * A distributor over two resellers it onboarded: Adatum with a billing link to Beta (Beta lets the
 * distributor act through it) and Trey with a support link to Acme (Acme keeps it closed).
 */
async function world(w: number): Promise<{ dist: TestPartner; beta: TestTenant; acme: TestTenant; adatum: string; trey: string }> {
  const { t } = portal;
  const ctx = t.world.ctx;
  const dist = await t.world.partner({ capabilities: ['managed_services'] });
  await t.services.partners.updateProfile(ctx, dist.id, { name: `Litware Distribution ${w}` });
  const adatum = `Adatum Resale ${w}`;
  const trey = `Trey Resale ${w}`;
  const [beta, acme] = await Promise.all([t.world.tenant({ bans: 1 }), t.world.tenant({ bans: 1 })]);
  await t.services.tenants.updateTenant(ctx, beta.id, { name: `Beta Networks ${w}` });
  await t.services.tenants.updateTenant(ctx, acme.id, { name: `Acme Fiber ${w}` });
  for (const [name, tenant, role, open] of [[adatum, beta, 'MSP_BILLING', true], [trey, acme, 'MSP_SUPPORT', false]] as const) {
    const { reseller } = await t.services.partners.resellers.onboardReseller(ctx, dist.id, { name, contact_email: `ops-${w}-${seq++}@reseller.example`, owner_email: `owner-${w}-${seq++}@reseller.example` });
    const link = await t.services.delegations.create(ctx, { partnerId: reseller.id, tenantId: tenant.id, origin: 'link', role, banIds: null, endsAt: new Date(Date.now() + 120 * DAY).toISOString(), status: 'active' });
    if (open) {
      const admin = await t.services.identity.findUserByEmail(tenant.admin.email);
      // the customer's admin opened it (the API test covers the HTTP door)
      await new DistributorAccess({ db: t.services.db, audit: t.services.audit, feed: t.services.feed, clock: t.services.clock, chainsOf: (ids) => t.services.partners.resellers.chainsOf(ids) }).setDistributorAccess({ ...ctx, actor: { ...ctx.actor, userId: admin!.id } }, tenant.id, link.id, true);
    }
  }
  await invoice(beta, month(2), 120_000, 'paid');
  await invoice(beta, month(1), 95_000, 'overdue');
  await invoice(beta, month(0), 80_000, 'open');
  await invoice(acme, month(1), 50_000, 'open');
  await t.services.feed.drain();
  return { dist, beta, acme, adatum, trey };
}

/** The distributor's "Customers I manage", opened again from the sidebar (by way of another page: a fresh read each time). */
async function openCustomers(page: Page, phone: boolean): Promise<void> {
  await clickSidebar(page, phone, 'nav-partner', /^Dashboard$/);
  await page.waitForURL((u) => !u.pathname.endsWith('/partner/customers'));
  await clickSidebar(page, phone, 'nav-partner', /^Customers I manage$/);
  await page.getByRole('heading', { name: 'Customers I manage' }).first().waitFor();
  await page.getByTestId('partner-delegations').waitFor();
}

/** Opens the customers again and waits for the server's fresh answer (the page first shows what it had). */
async function reopenCustomers(page: Page, phone: boolean): Promise<void> {
  const fresh = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/partner/customers' && r.request().method() === 'GET');
  await openCustomers(page, phone);
  await fresh;
}

describe("a distributor's resellers' customers", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;
    it(`shows billing per reseller and the customers reached through them; the customer's switch takes one out and back (${w} px)`, async () => {
      const { dist, beta, acme, adatum, trey } = await world(w);
      const page = await signedIn(portal, dist.owner.email, dist.owner.password, size);

      // billing across the resellers: only Beta's (Adatum's customer that opened the chain) counts
      await clickSidebar(page, phone, 'nav-partner', /^Resellers$/);
      const billing = page.getByTestId('reseller-billing');
      await billing.waitFor();
      await expect.poll(async () => billing.getByTestId('figure-billed-value').textContent()).toBe('$2,950.00');
      expect(await billing.getByTestId('figure-paid-value').textContent()).toBe('$1,200.00');
      expect(await billing.getByTestId('figure-owed-value').textContent()).toBe('$1,750.00');
      expect(await billing.getByTestId('figure-overdue-value').textContent()).toBe('$950.00');
      const adatumRow = billing.locator(`[data-reseller="${adatum}"]`).first();
      expect(await adatumRow.textContent()).toContain('1 customer');
      expect(await billing.locator(`[data-reseller="${trey}"]`).first().textContent()).toContain('None lets you see its billing');
      expect(await billing.getByTestId('chart').count()).toBe(1);
      await billing.getByTestId('chart').locator('.recharts-surface').first().waitFor();
      await walkPage(page, `distributor-billing-${w}`);

      // its customers: Beta through Adatum; Acme (closed) is not there
      await openCustomers(page, phone);
      const betaRow = page.locator(`[data-tenant-id="${beta.id}"]`).first();
      await betaRow.waitFor();
      expect(await betaRow.getByTestId('through-reseller').textContent()).toBe(`through ${adatum}`);
      expect(await page.locator(`[data-tenant-id="${acme.id}"]`).count()).toBe(0);
      // Beta's figures: its billing as it is; its tickets and SLA, which the billing link does not show, say so (not 0)
      const cell = (k: string) => betaRow.locator(`[data-figure="${k}"]`).first().textContent();
      await expect.poll(() => cell('overdue_cents')).toBe('$950.00');
      expect([await cell('outstanding_cents'), await cell('open_tickets'), await cell('sla_compliance_pct')]).toEqual(['$1,750.00', 'not shown to you', 'not shown to you']);
      await page.getByTestId('customer-reseller').click();
      await page.getByRole('option', { name: adatum }).click();
      await expect.poll(async () => page.locator('[data-tenant-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-through')))).toEqual([adatum]);
      await walkPage(page, `distributor-customers-${w}`);

      // Beta's own page: what the billing link leaves out is said in words; no ticket to open, no relationship details that are the reseller's
      await betaRow.getByRole('link', { name: `Beta Networks ${w}`, exact: true }).click();
      await page.getByTestId('not-included').waitFor();
      expect(await page.getByTestId('not-included').textContent()).toBe(`Your access to Beta Networks ${w} does not include its tickets and its service levels.`);
      await page.getByTestId('customer-panel').waitFor();
      expect(await page.getByRole('button', { name: 'Open a ticket', exact: true }).count()).toBe(0);
      expect(await page.getByText('Relationship details').count()).toBe(0);
      expect(await page.getByText('Not found').count()).toBe(0);
      await walkPage(page, `distributor-customer-page-${w}`);

      // Beta's admin turns the distributor's access through Adatum's link off
      const admin = await signedIn(portal, beta.admin.email, beta.admin.password, size);
      await clickSidebar(admin, phone, 'nav-tenant', /^Partners with access$/);
      const theSwitch = admin.getByRole('switch', { name: `Let Litware Distribution ${w} act through ${adatum}'s link` });
      await theSwitch.waitFor();
      expect(await theSwitch.isChecked()).toBe(true);
      await walkPage(admin, `distributor-switch-on-${w}`);
      // by keyboard: on a phone the confirmation toast may lie over the switch
      await theSwitch.focus();
      await admin.keyboard.press('Space');
      await expect.poll(async () => theSwitch.isChecked()).toBe(false);
      await admin.getByText(`can no longer act through ${adatum}'s link`).first().waitFor();
      await walkPage(admin, `distributor-switch-off-${w}`);

      // the distributor's very next list has no Beta (the page asks afresh when opened)
      await reopenCustomers(page, phone);
      await walkPage(page, `distributor-customers-after-off-${w}`);
      expect(await page.locator(`[data-tenant-id="${beta.id}"]`).count()).toBe(0);

      // back on: Beta is there again
      await theSwitch.focus();
      await admin.keyboard.press('Space');
      await expect.poll(async () => theSwitch.isChecked()).toBe(true);
      await reopenCustomers(page, phone);
      await page.locator(`[data-tenant-id="${beta.id}"]`).first().waitFor();
    }, 240_000);
  }
});
