/**
 * Browser journey of an MSP link: an MSP owner requests a link to a tenant; the tenant admin approves
 * it under "Partners with access"; the MSP switches to the customer and sees what it may do; the
 * tenant admin revokes it, and the partner's next request is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';

let portal: Portal;
let tenant: TestTenant;
let partner: TestPartner;
let owner: Page;
let admin: Page;

beforeAll(async () => {
  portal = await startPortal();
  tenant = await portal.t.world.tenant();
  partner = await portal.t.world.partner({ capabilities: ['managed_services'] });
  owner = await portal.newPage();
  admin = await portal.newPage();
});
afterAll(() => portal?.close());

describe('delegations', () => {
  it('request → approve → switch → revoke', { timeout: 120_000 }, async () => {
    // the MSP owner asks for a link by slug
    await login(owner, partner.owner.email, partner.owner.password);
    await owner.getByTestId('nav-partner').getByRole('link', { name: 'Customers I manage' }).click();
    await owner.getByRole('button', { name: 'Request a link' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel(/^Customer short name/).fill(tenant.slug);
    await dialog.getByLabel(/^Justification/).fill('Managed services contract for the e2e journey');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    const row = owner.locator(`[data-testid="partner-delegations"] tr[data-tenant="${tenant.slug}"]`);
    await row.locator('[data-status="requested"]').waitFor();

    // the tenant admin sees the pending request and approves it
    await login(admin, tenant.admin.email, tenant.admin.password);
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Partners with access' }).click();
    const card = admin.locator(`[data-testid="pending-requests"] [data-partner="${partner.slug}"]`);
    await card.waitFor();
    expect(await card.innerText()).toContain('Managed services contract for the e2e journey');
    await screenshot(admin, 'delegations-tenant-pending');
    await card.getByRole('button', { name: 'Approve' }).click();
    // the review dialog: what the partner may do, in words; approve as asked
    const review = admin.getByTestId('approve-dialog');
    await review.getByText('Place orders').waitFor();
    await review.getByRole('button', { name: 'Approve access' }).click();
    const activeRow = admin.locator(`[data-testid="active-delegations"] tr[data-partner="${partner.slug}"]`);
    await activeRow.waitFor();
    expect(await activeRow.innerText()).toContain('MSP — full');
    await screenshot(admin, 'delegations-tenant-active');

    // the MSP switches to the customer and sees its permissions there
    await owner.reload();
    await row.locator('[data-status="active"]').waitFor();
    await row.getByRole('link', { name: tenant.name }).click();
    const panel = owner.getByTestId('customer-permissions');
    await panel.getByText('Place orders', { exact: false }).waitFor();
    await screenshot(owner, 'delegations-partner-customer');
    const staff = await partner.staff.login();
    expect((await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': tenant.id })).status).toBe(200);

    // the tenant admin revokes; the next partner request is refused
    await activeRow.getByRole('button', { name: 'Revoke' }).click();
    const confirm = admin.getByRole('dialog');
    await confirm.getByLabel(/^Reason/).fill('End of contract');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await admin.locator('[data-testid="past-delegations"] [data-status="revoked"]').waitFor();
    expect(await admin.locator(`[data-testid="active-delegations"] tr[data-partner="${partner.slug}"]`).count()).toBe(0);
    await screenshot(admin, 'delegations-tenant-revoked');
    const refused = await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': tenant.id });
    expect([refused.status, refused.body.code]).toEqual([403, 'delegation_revoked']);
  });
});
