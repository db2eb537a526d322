/**
 * Browser journey of the gateway's audit: an MSP user reads a customer's invoices and is refused
 * an order its role does not allow, both through the gateway with X-Active-Tenant-Id; the tenant
 * admin then sees both accesses — who, which route, the decision — in the tenant's audit log
 * (identical requests within one flush interval as one event with their number).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { apiToken, gw, link } from '../api/gateway/helpers.ts';

let portal: Portal;
beforeAll(async () => {
  // access events written only when the test flushes them, so the three reads cannot straddle a flush
  portal = await startPortal({ GATEWAY_AUDIT_FLUSH_MS: '600000' });
});
afterAll(() => portal?.close());

describe('gateway access in the tenant audit log', () => {
  it('the tenant admin sees every partner access to its data, allowed and refused', { timeout: 120_000 }, async () => {
    const t = portal.t;
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, partner, tenant, { role: 'AUDITOR' });
    const token = await apiToken(t, partner.staff);
    const headers = { 'x-active-tenant-id': tenant.id };

    // three identical reads within one flush: one event listing the three requests
    for (let i = 0; i < 3; i++) expect((await gw(t, 'GET', '/resources/v1/invoices', { token, headers })).status).toBe(200);
    const write = await gw(t, 'POST', '/resources/v1/orders', { token, headers, body: { ban: tenant.bans[0].id, product_code: 'FIBER-1G', quantity: 1 } });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('permission_denied');
    await t.services.gateway.auditBuffer.flush();

    const page = await portal.newPage();
    await login(page, tenant.admin.email, tenant.admin.password);
    await page.getByTestId('nav-tenant').getByRole('link', { name: 'Audit log' }).click();
    // the action reads in words; the row still carries its code
    const rows = page.locator('tr[data-action="gateway.request"]', { hasText: 'API request' });
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const refused = rows.filter({ hasText: /denied/i });
    expect(await refused.count()).toBe(1);
    const allowed = rows.filter({ hasText: /success/i });
    expect(await allowed.count()).toBe(1);
    expect(await allowed.getByTestId('request-count').innerText()).toBe('×3');
    // what each request needed, in words — not its method and path
    await allowed.getByText('Read invoices').waitFor();
    await refused.getByText('Place orders').waitFor();
    expect(await page.getByTestId('audit-table').innerText()).not.toContain('/resources/v1');
    await screenshot(page, 'gateway-tenant-access-log');
    // the details say which partner, which route and why it was refused
    await refused.click();
    const details = page.getByRole('dialog');
    await details.waitFor();
    const text = await details.innerText();
    expect(text).toContain('POST /resources/v1/orders');
    expect(text).toContain('permission_denied');
    expect(text).toContain(partner.id);
    await screenshot(page, 'gateway-tenant-access-event');
  });
});
