/**
 * Browser journey of the tenant side of MSP links ("Partners with access"): reject a request;
 * approve one and see its row with role, billing accounts, overrides and end date; edit its
 * overrides and billing accounts; accept a renewal; see a delegation whose approving admin was
 * demoted flagged, and confirm it; break glass on a partner (link and consent at once). Every
 * step is checked on the server too: the partner's next request follows what the page did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import type { Client } from '../helpers/http.ts';
import { activeLink, DAY, inDays, requestLink } from '../api/delegations/helpers.ts';

let portal: Portal;
let tenant: TestTenant;
/** its link is approved, edited, its approver demoted and confirmed, then it breaks glass */
let msp: TestPartner;
/** its request is rejected */
let rejected: TestPartner;
/** asks for a renewal */
let renewing: TestPartner;
let mspLink: string;
let rejectedLink: string;
let renewingLink: string;
let admin: Page;

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  tenant = await t.world.tenant();
  msp = await t.world.partner({ capabilities: ['managed_services', 'delegated'] });
  rejected = await t.world.partner();
  renewing = await t.world.partner();
  mspLink = (await requestLink(await msp.owner.login(), msp.id, { tenant_slug: tenant.slug, role: 'MSP_BILLING', ban_ids: [tenant.bans[0].id], overrides: { grant: ['orders.read'], deny: ['billing.invoices.export'] }, ends_at: inDays(120) })).id;
  rejectedLink = (await requestLink(await rejected.owner.login(), rejected.id, { tenant_slug: tenant.slug, role: 'MSP_FULL', justification: 'We would like everything' })).id;
  const renewOwner = await renewing.owner.login();
  renewingLink = await activeLink(renewOwner, await tenant.admin.login(), renewing.id, tenant, { role: 'AUDITOR', ends_at: inDays(30) });
  expect((await renewOwner.post(`/api/v1/partners/${renewing.id}/delegations/${renewingLink}/renew`, { ends_at: inDays(200) })).status).toBe(200);

  admin = await portal.newPage();
  await login(admin, tenant.admin.email, tenant.admin.password);
  await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Partners with access' }).click();
  await admin.getByTestId('pending-requests').waitFor();
});
afterAll(() => portal?.close());

const pendingCard = (p: TestPartner) => admin.locator(`[data-testid="pending-requests"] [data-partner="${p.slug}"]`);
const activeRow = (p: TestPartner) => admin.locator(`[data-testid="active-delegations"] tr[data-partner="${p.slug}"]`);
const context = (c: Client, tenantId: string) => c.get('/api/v1/partner/context', { 'x-active-tenant-id': tenantId });

function formatted(iso: string): string {
  return new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

describe('tenant: Partners with access', () => {
  it('rejects a request with a reason; the partner sees it rejected', { timeout: 60_000 }, async () => {
    await pendingCard(rejected).getByRole('button', { name: 'Reject' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel(/^Reason/).fill('Too broad: ask for billing only');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await pendingCard(rejected).waitFor({ state: 'detached' });
    const past = admin.locator(`[data-testid="past-delegations"] tr[data-delegation="${rejectedLink}"]`);
    await past.locator('[data-status="rejected"]').waitFor();
    expect(await past.innerText()).toContain('Too broad: ask for billing only');
    const d = (await (await rejected.owner.login()).get(`/api/v1/partners/${rejected.id}/delegations/${rejectedLink}`)).body;
    expect(d).toMatchObject({ status: 'rejected', decided_by: tenant.admin.id, revoke_reason: 'Too broad: ask for billing only' });
    const staff = await rejected.staff.login();
    expect((await context(staff, tenant.id)).body.code).toBe('delegation_rejected');
  });

  it('approves a request; the row shows role, billing accounts, overrides and end date', { timeout: 60_000 }, async () => {
    const card = pendingCard(msp);
    expect(await card.innerText()).toContain('MSP — billing');
    await card.getByRole('button', { name: 'Approve' }).click();
    // reviewed before approving: the asked access in words, approved as asked
    const review = admin.getByTestId('approve-dialog');
    await review.getByText('Read orders').waitFor();
    await review.getByRole('button', { name: 'Approve access' }).click();
    const row = activeRow(msp);
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[1]).toBe('MSP — billing');
    // the link was asked without purposes: not limited to any
    expect(cells[2]).toBe('Not limited to purposes');
    expect(cells[3]).toBe(tenant.bans[0].account_number);
    // what the link adds to the role and never allows, in the catalog's words
    expect(cells[4]).toContain('Also allowed, beyond the role');
    expect(cells[4]).toContain('Read orders');
    expect(cells[4]).toContain('Never allowed, even if the role includes it');
    expect(cells[4]).toContain('Export invoices');
    expect(cells[4]).not.toMatch(/billing\.|orders\./);
    const d = (await (await tenant.admin.login()).get(`/api/v1/tenants/${tenant.id}/delegations/${mspLink}`)).body;
    expect(cells[5]).toContain(formatted(d.ends_at));
    // the renewal row shows its role, all accounts, no overrides and the current end
    const r = await activeRow(renewing).locator('td').allInnerTexts();
    expect(r.slice(1, 5)).toEqual(['Auditor', 'Not limited to purposes', 'All', 'As the role allows']);
    await screenshot(admin, 'delegations-tenant-active-rows');
    const staff = await msp.staff.login();
    expect((await context(staff, tenant.id)).body).toMatchObject({ role: 'MSP_BILLING', ban_ids: [tenant.bans[0].id] });
  });

  it('edits overrides and billing accounts; the partner’s next request follows', { timeout: 60_000 }, async () => {
    const staff = await msp.staff.login();
    const check = (action: string, ban?: string) => staff.post('/api/v1/authz/check', { action, tenant_id: tenant.id, ...(ban ? { ban } : {}) });
    expect((await check('support.tickets.read')).body.code).toBe('permission_denied');
    expect((await check('billing.invoices.read', tenant.bans[1].id)).body.code).toBe('ban_not_covered');

    await activeRow(msp).getByRole('button', { name: 'Edit access' }).click();
    const dialog = admin.getByRole('dialog');
    // ticked in words, by area: extra permissions, and what it may never do
    await dialog.getByTestId('grant-checklist').getByRole('checkbox', { name: 'Read support tickets' }).check();
    await dialog.getByTestId('deny-checklist').getByRole('checkbox', { name: 'Export invoices' }).uncheck();
    await dialog.getByTestId('deny-checklist').getByRole('checkbox', { name: 'Read receivables and revenue summaries' }).check();
    // with a value chosen, the multi-select's own input is hidden: open it from its box
    await dialog.locator('.mantine-MultiSelect-root').filter({ hasText: 'Billing accounts' }).locator('.mantine-MultiSelect-input').click();
    await admin.getByRole('option', { name: new RegExp(tenant.bans[1].account_number) }).click();
    await admin.keyboard.press('Escape');
    await screenshot(admin, 'delegations-tenant-edit-access');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await activeRow(msp).getByText(/Read support tickets/).waitFor();
    const cells = await activeRow(msp).locator('td').allInnerTexts();
    expect(cells[3]).toBe(`${tenant.bans[0].account_number}, ${tenant.bans[1].account_number}`);
    expect(cells[4]).toContain('Read receivables and revenue summaries');
    expect(cells[4]).not.toContain('Export invoices');

    expect((await check('support.tickets.read')).body.allow).toBe(true);
    expect((await check('billing.invoices.read', tenant.bans[1].id)).body.allow).toBe(true);
    expect((await check('billing.summary.read')).body).toMatchObject({ allow: false, code: 'permission_denied', matched: { source: 'override_deny' } });
    expect((await check('billing.invoices.export')).body.allow).toBe(true);
  });

  it('accepts a renewal: the new end date applies', { timeout: 60_000 }, async () => {
    const row = activeRow(renewing);
    await row.getByText(/renewal to .*\?/).waitFor();
    await row.getByRole('button', { name: 'Accept' }).click();
    await row.getByText(/renewal to/).waitFor({ state: 'detached' });
    const d = (await (await renewing.owner.login()).get(`/api/v1/partners/${renewing.id}/delegations/${renewingLink}`)).body;
    expect(d.renewal_ends_at).toBeNull();
    expect(Math.abs(Date.parse(d.ends_at) - (Date.now() + 200 * DAY))).toBeLessThan(10 * 60_000);
    expect(await row.locator('td').nth(5).innerText()).toContain(formatted(d.ends_at));
  });

  it('flags access whose approving admin was demoted, and a current admin confirms it', { timeout: 60_000 }, async () => {
    // a second admin takes over; the one who approved the MSP link is demoted
    const first = await tenant.admin.login();
    expect((await first.patch(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { role: 'TENANT_ADMIN' })).status).toBe(204);
    const second = await tenant.user.login();
    expect((await second.patch(`/api/v1/tenants/${tenant.id}/members/${tenant.admin.id}`, { role: 'TENANT_USER' })).status).toBe(204);
    const staff = await msp.staff.login();
    expect((await context(staff, tenant.id)).body.code).toBe('delegation_approver_inactive');

    const page = await portal.newPage();
    await login(page, tenant.user.email, tenant.user.password);
    await page.goto(`/tenant/${tenant.id}/partners`);
    const row = page.locator(`[data-testid="active-delegations"] tr[data-partner="${msp.slug}"]`);
    const warning = page.locator(`[data-testid="approver-warning"][data-delegation="${mspLink}"]`);
    await warning.waitFor();
    expect(await warning.innerText()).toContain('no longer an active admin of this tenant');
    expect(await row.getAttribute('data-approver-active')).toBe('false');
    // the renewal link was approved by the same admin: flagged too
    expect(await page.locator(`[data-testid="approver-warning"][data-delegation="${renewingLink}"]`).count()).toBe(1);
    await screenshot(page, 'delegations-tenant-approver-warning');
    await warning.getByRole('button', { name: 'Confirm' }).click();
    await warning.waitFor({ state: 'detached' });
    expect(await row.getAttribute('data-approver-active')).toBe('true');
    const ok = await context(staff, tenant.id);
    expect([ok.status, ok.body.delegation_id]).toEqual([200, mspLink]);
    const audit = (await second.get(`/api/v1/tenants/${tenant.id}/audit-events?action=delegation.reconfirmed`)).body.data;
    expect(audit[0]).toMatchObject({ actor: { user_id: tenant.user.id }, target: { id: mspLink } });
    // the first admin (now a plain user) is done here; the rest of the journey is the new admin's
    admin = page;
  });

  it('breaks glass on a partner: its link and its app consent end in one step', { timeout: 60_000 }, async () => {
    const consent = await portal.t.services.delegations.create(portal.t.world.ctx, {
      partnerId: msp.id,
      tenantId: tenant.id,
      origin: 'consent',
      role: 'DELEGATE',
      scopes: ['billing.*'],
      overrides: { grant: ['billing.invoices.read'] },
      endsAt: inDays(30),
      clientId: 'tenant-e2e-app',
      decidedBy: tenant.user.id,
    });
    await admin.reload();
    await activeRow(msp).nth(1).waitFor();
    expect(await activeRow(msp).count()).toBe(2);
    await activeRow(msp).first().getByRole('button', { name: 'Break glass' }).click();
    const dialog = admin.getByRole('dialog');
    expect(await dialog.innerText()).toContain('links, connected apps, wholesale');
    await dialog.getByLabel(/^Reason/).fill('Suspected credential leak at the MSP');
    await screenshot(admin, 'delegations-tenant-break-glass');
    await dialog.getByRole('button', { name: 'Revoke everything' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await activeRow(msp).first().waitFor({ state: 'detached' });
    for (const id of [mspLink, consent.id]) await admin.locator(`[data-testid="past-delegations"] tr[data-delegation="${id}"] [data-status="revoked"]`).waitFor();
    // the other partner keeps its access
    expect(await activeRow(renewing).count()).toBe(1);
    await screenshot(admin, 'delegations-tenant-after-break-glass');

    const staff = await msp.staff.login();
    expect((await context(staff, tenant.id)).body.code).toBe('delegation_revoked');
    const op = await (await portal.t.world.operator()).login();
    const app = await op.post('/api/v1/authz/check', { action: 'billing.invoices.read', principal: { type: 'app', partner_id: msp.id, client_id: 'tenant-e2e-app', dlg: consent.id, tenant_id: tenant.id } });
    expect(app.body).toMatchObject({ allow: false, code: 'delegation_revoked' });
    const events = (await (await tenant.user.login()).get(`/api/v1/tenants/${tenant.id}/audit-events?action=delegation.break_glass`)).body.data;
    expect(events[0]).toMatchObject({ partner_id: msp.id, details: { side: 'tenant', reason: 'Suspected credential leak at the MSP' } });
    expect([...events[0].details.revoked].sort()).toEqual([mspLink, consent.id].sort());
  });
});
