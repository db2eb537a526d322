/**
 * Browser journey of the partner side of MSP links ("Customers I manage"): request a link by the
 * tenant's invite code with a role read from the server's catalog; switch between managed
 * customers — the portal then sends X-Active-Tenant-Id on the requests for the chosen customer
 * (never showing it) and shows, in words, what the access allows and the customer's data read
 * through the gateway; ask for a renewal; relinquish access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { seedResourceData } from '../../src/modules/resources/resources.demo.ts';
import { activeLink, DAY } from '../api/delegations/helpers.ts';

let portal: Portal;
let partner: TestPartner;
/** asked for by invite code */
let invited: TestTenant;
/** MSP_FULL, with reference data */
let full: TestTenant;
/** MSP_BILLING on one BAN, with reference data */
let billing: TestTenant;
let fullLink: string;
let billingLink: string;
let owner: Page;

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  partner = await t.world.partner({ capabilities: ['managed_services'] });
  [invited, full, billing] = [await t.world.tenant(), await t.world.tenant(), await t.world.tenant()];
  for (const x of [full, billing]) {
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
  }
  const ownerApi = await partner.owner.login();
  fullLink = await activeLink(ownerApi, await full.admin.login(), partner.id, full, { role: 'MSP_FULL' });
  billingLink = await activeLink(ownerApi, await billing.admin.login(), partner.id, billing, { role: 'MSP_BILLING', ban_ids: [billing.bans[0].id] });
  owner = await portal.newPage();
  await login(owner, partner.owner.email, partner.owner.password);
  await owner.getByTestId('nav-partner').getByRole('link', { name: 'Customers I manage' }).click();
  await owner.getByTestId('partner-delegations').waitFor();
});
afterAll(() => portal?.close());

const row = (tenant: TestTenant) => owner.locator(`[data-testid="partner-delegations"] tr[data-tenant="${tenant.slug}"]`);

/** Requests the page sends while `fn` runs, by path, with the X-Active-Tenant-Id they carried. */
async function recording(page: Page, fn: () => Promise<void>): Promise<{ path: string; tenant: string | undefined }[]> {
  const seen: { path: string; tenant: string | undefined }[] = [];
  const on = (r: Request) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/') || u.pathname.startsWith('/resources/')) seen.push({ path: u.pathname, tenant: r.headers()['x-active-tenant-id'] });
  };
  page.on('request', on);
  try {
    await fn();
  } finally {
    page.off('request', on);
  }
  return seen;
}

/** Opens a customer's page from the switcher there (or from the list when on it). */
async function switchTo(tenant: TestTenant) {
  if (await owner.getByTestId('tenant-switcher').count()) {
    await owner.getByTestId('tenant-switcher').click();
    await owner.getByRole('option', { name: tenant.name }).click();
  } else {
    await row(tenant).getByRole('link', { name: tenant.name }).click();
  }
  await owner.locator(`[data-testid="active-context"][data-tenant="${tenant.id}"][data-state="allowed"]`).waitFor();
}

async function backToList() {
  await owner.getByTestId('nav-partner').getByRole('link', { name: 'Customers I manage' }).click();
  await owner.getByTestId('partner-delegations').waitFor();
}

describe('partner: Customers I manage', () => {
  it('requests a link by invite code, with a role from the server catalog', { timeout: 60_000 }, async () => {
    const code = (await (await invited.admin.login()).post(`/api/v1/tenants/${invited.id}/invite-code`)).body.invite_code as string;
    expect(code).toMatch(/^LINK-/);

    await owner.getByRole('button', { name: 'Request a link' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByText('By invite code').click();
    await dialog.getByLabel(/^Invite code/).fill(code.toLowerCase());
    // the role list and its description come from GET /api/v1/roles?catalog=delegation
    await dialog.getByTestId('link-role').click();
    const options = await owner.getByRole('option').allInnerTexts();
    expect(options).toEqual(expect.arrayContaining(['Auditor', 'MSP — full', 'MSP — billing', 'Enterprise HQ', 'Delegate']));
    expect(options).not.toContain('Wholesaler');
    await owner.getByRole('option', { name: 'Auditor', exact: true }).click();
    await dialog.getByText('Read-only access everywhere, for compliance and financial audits.', { exact: false }).waitFor();
    // what the role allows, in words rather than permission names
    await dialog.getByText('Read invoices', { exact: false }).first().waitFor();
    expect(await dialog.innerText()).not.toContain('billing.invoices.read');
    await dialog.getByLabel(/^Justification/).fill('Annual compliance audit');
    await screenshot(owner, 'delegations-partner-request-invite-code');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await row(invited).locator('[data-status="requested"]').waitFor();
    expect(await row(invited).innerText()).toContain('Auditor');
    const api = await (await invited.admin.login()).get(`/api/v1/tenants/${invited.id}/delegations?status=requested`);
    expect(api.body.data).toHaveLength(1);
    expect(api.body.data[0]).toMatchObject({ role: 'AUDITOR', partner: { id: partner.id }, justification: 'Annual compliance audit' });
  });

  it('switches between customers: X-Active-Tenant-Id on their requests, the effective context and their data', { timeout: 60_000 }, async () => {
    const toFull = await recording(owner, async () => {
      await switchTo(full);
      await owner.getByTestId('customer-invoices').locator('tbody tr').first().waitFor();
    });
    const ctx = owner.getByTestId('active-context');
    // the page names the customer and the role in words: no ids, no header names
    const page = await owner.locator('main').innerText();
    expect(page).toContain(full.name);
    expect(page).toContain('MSP — full');
    for (const dev of [full.id, fullLink, 'X-Active-Tenant-Id', 'billing.invoices.read']) expect(page).not.toContain(dev);
    await owner.getByTestId('customer-permissions').getByText('Read invoices', { exact: false }).waitFor();
    // every request for the customer carried it; the customer's invoices came through the gateway
    const contextCalls = toFull.filter((r) => r.path === '/api/v1/partner/context');
    const invoiceCalls = toFull.filter((r) => r.path === '/resources/v1/invoices');
    expect(contextCalls.length).toBeGreaterThan(0);
    expect(invoiceCalls.length).toBeGreaterThan(0);
    for (const r of [...contextCalls, ...invoiceCalls]) expect(r.tenant, r.path).toBe(full.id);
    const invoices = await portal.t.services.db.kysely.selectFrom('invoices').select('number').where('tenant_id', '=', full.id).execute();
    const shown = await owner.getByTestId('customer-invoices').locator('tbody tr').first().getAttribute('data-number');
    expect(invoices.map((i) => i.number)).toContain(shown);
    // MSP_FULL reads orders and tickets too
    await owner.getByRole('tab', { name: 'Tickets' }).click();
    await owner.getByTestId('customer-tickets').waitFor();
    await screenshot(owner, 'delegations-partner-switch-full');

    // the other customer: its own id on every request, MSP_BILLING shows invoices only
    const toBilling = await recording(owner, async () => {
      // the invoices are asked for once the table is shown: wait for that request, not only for the table
      // (on a busy machine the recording ended between the two and saw the context call alone)
      const invoices = owner.waitForRequest((r) => new URL(r.url()).pathname === '/resources/v1/invoices');
      await switchTo(billing);
      await owner.getByTestId('customer-invoices').waitFor();
      await invoices;
    });
    const calls = toBilling.filter((r) => r.path === '/api/v1/partner/context' || r.path.startsWith('/resources/'));
    expect(calls.length).toBeGreaterThan(1);
    for (const r of calls) expect(r.tenant, r.path).toBe(billing.id);
    // the customer's figures and role arrive with their own answers: wait for what a person would read
    await owner.locator('main').getByText('MSP — billing').first().waitFor();
    expect(await ctx.innerText()).toContain('1 of the customer’s billing accounts');
    expect(await owner.getByRole('tab').allInnerTexts()).toEqual(['Invoices']);
    // only the covered billing account's invoices
    const covered = await portal.t.services.db.kysely.selectFrom('invoices').select('number').where('ban_id', '=', billing.bans[0].id).execute();
    for (const n of await owner.getByTestId('customer-invoices').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')))) {
      expect(covered.map((i) => i.number)).toContain(n);
    }
    await screenshot(owner, 'delegations-partner-switch-billing');

    // the choice survives a reload (per tab), and a revoked customer shows the server's refusal
    await portal.t.services.delegations.revoke(portal.t.world.ctx, billingLink, { side: 'tenant', tenantId: billing.id, reason: 'contract ended' });
    await owner.reload();
    await owner.locator('[data-testid="active-context"][data-state="refused"]').waitFor();
    expect(await owner.getByTestId('active-context').innerText()).toMatch(/revoked/i);
    expect(await owner.getByText('The delegation was revoked.').count()).toBe(1);
    expect(await owner.getByTestId('tenant-switcher').inputValue()).toContain('no active access');
    await screenshot(owner, 'delegations-partner-switch-refused');
    await backToList();
  });

  it('asks for a renewal', { timeout: 60_000 }, async () => {
    await row(full).getByRole('button', { name: 'Renew' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel(/New duration/).fill('400');
    await dialog.getByRole('button', { name: 'Ask for renewal' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(full).getByText(/renewal to .* asked/).waitFor();
    await screenshot(owner, 'delegations-partner-renewal-asked');
    const d = (await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/delegations/${fullLink}`)).body;
    expect(d.status).toBe('active');
    expect(Math.abs(Date.parse(d.renewal_ends_at) - (Date.now() + 400 * DAY))).toBeLessThan(10 * 60_000);
  });

  it('relinquishes access: the next request is refused', { timeout: 60_000 }, async () => {
    await row(full).getByRole('button', { name: 'Relinquish' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel(/^Reason/).fill('Contract moved to another MSP');
    await dialog.getByRole('button', { name: 'Relinquish' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(full).waitFor({ state: 'detached' });
    await owner.getByLabel('Show ended and rejected').check({ force: true });
    await row(full).locator('[data-status="revoked"]').waitFor();
    await screenshot(owner, 'delegations-partner-relinquished');
    const staff = await partner.staff.login();
    const r = await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': full.id });
    expect([r.status, r.body.code]).toEqual([403, 'delegation_revoked']);
    const audit = (await (await full.admin.login()).get(`/api/v1/tenants/${full.id}/audit-events?action=delegation.revoked`)).body.data;
    expect(audit[0]).toMatchObject({ details: { side: 'partner', reason: 'Contract moved to another MSP' } });
  });
});
