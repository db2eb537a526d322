/**
 * GET /api/v1/me names the customer work a partner member's role includes
 * (`partner.member_permissions`), decided by the same member-role check the partner API's
 * admission takes — so what the portal offers is what the server then admits, and what it hides
 * is what the server refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface MeBody {
  partner: { member_role: string | null; member_permissions?: string[] } | null;
}

describe('/me member permissions', () => {
  it('a support member: tickets and SLA, no invoices — and the partner API agrees on each', async () => {
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    await t.services.partners.setMemberRole(t.world.ctx, partner.id, partner.staff.id, 'partner_msp_support');
    await t.services.feed.drain();
    const c = await partner.staff.login();
    const me = (await c.get('/api/v1/me')).body as MeBody;
    expect(me.partner?.member_role).toBe('partner_msp_support');
    const perms = me.partner?.member_permissions ?? [];
    expect(perms).toEqual(expect.arrayContaining(['support.tickets.read', 'support.tickets.create', 'reports.sla.read']));
    expect(perms).not.toContain('billing.invoices.read');
    expect(perms).not.toContain('billing.invoices.export');
    // the server's own answers: the invoices it refuses, the tickets it serves
    const invoices = await c.get('/api/v1/partner/billing/invoices');
    expect([invoices.status, invoices.body.code]).toEqual([403, 'permission_denied']);
    expect((await c.get('/api/v1/partner/support/tickets')).status).toBe(200);
  });

  it('an auditor reads everything and changes nothing; a member without a member role has full customer work', async () => {
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    await t.services.partners.setMemberRole(t.world.ctx, partner.id, partner.staff.id, 'partner_auditor');
    await t.services.feed.drain();
    const auditor = ((await (await partner.staff.login()).get('/api/v1/me')).body as MeBody).partner?.member_permissions ?? [];
    expect(auditor).toEqual(expect.arrayContaining(['billing.invoices.read', 'support.tickets.read']));
    for (const p of ['support.tickets.create', 'support.tickets.update', 'billing.invoices.export', 'alerts.manage']) expect(auditor).not.toContain(p);
    const owner = ((await (await partner.owner.login()).get('/api/v1/me')).body as MeBody).partner;
    expect(owner?.member_role).toBeNull();
    expect(owner?.member_permissions).toEqual(expect.arrayContaining(['billing.invoices.export', 'support.tickets.create', 'alerts.manage']));
  });

  it('someone outside any partner has no partner, so no member permissions', async () => {
    const tenant = await t.world.tenant();
    expect(((await (await tenant.admin.login()).get('/api/v1/me')).body as MeBody).partner).toBeNull();
  });
});
