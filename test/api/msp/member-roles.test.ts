/**
 * A partner member acts on a customer with the link's permissions ∩ their member role's,
 * decided by decide() from the snapshot — as a table of member role × link role × action — and the
 * role is set by an owner (audited), shown in /me and explained by /authz/explain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';

let t: TestApp;
let p: TestPartner;
let full: TestTenant;
let billingLink: TestTenant;
const members: Record<string, { user: TestUser; c: Client }> = {};

async function link(tenant: TestTenant, role: string) {
  return t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role, banIds: null, endsAt: ends(), status: 'active' });
}

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  [full, billingLink] = await Promise.all([t.world.tenant(), t.world.tenant()]);
  for (const x of [full, billingLink]) {
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
  }
  await link(full, 'MSP_FULL');
  await link(billingLink, 'MSP_BILLING');
  const owner = await loginAs(t, p.owner);
  for (const role of ['partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor']) {
    const u = await t.world.user({ label: role });
    await t.world.joinPartner(p.id, u.id, 'PARTNER_STAFF');
    const r = await owner.put(`/api/v1/partners/${p.id}/members/${u.id}/member-role`, { member_role: role });
    expect([r.status, r.body.member_role]).toEqual([200, role]);
    members[role] = { user: u, c: await loginAs(t, u) };
  }
  await t.services.feed.drain();
});
afterAll(() => t.close());

const invoicesOf = (c: Client, tenant: TestTenant) => c.get(`/api/v1/partner/billing/invoices?tenant_id=${tenant.id}`);
const openTicket = (c: Client, tenant: TestTenant) => c.post('/api/v1/partner/support/tickets', { tenant_id: tenant.id, subject: 'Link down', description: 'Since 09:00.' });

describe('member role × link role', () => {
  // [member role, customer (link role), action, expected status, expected code]
  const cases: [string, 'MSP_FULL' | 'MSP_BILLING', 'read invoices' | 'open ticket' | 'read tickets' | 'export' | 'change commitments', number, string | null][] = [
    ['partner_msp_support', 'MSP_FULL', 'read invoices', 403, 'permission_denied'],
    ['partner_msp_support', 'MSP_FULL', 'read tickets', 200, null],
    ['partner_msp_support', 'MSP_FULL', 'open ticket', 201, null],
    ['partner_msp_billing', 'MSP_FULL', 'open ticket', 403, 'permission_denied'],
    ['partner_msp_billing', 'MSP_FULL', 'read invoices', 200, null],
    ['partner_msp_billing', 'MSP_FULL', 'export', 200, null],
    ['partner_auditor', 'MSP_FULL', 'read invoices', 200, null],
    ['partner_auditor', 'MSP_FULL', 'open ticket', 403, 'permission_denied'],
    ['partner_auditor', 'MSP_FULL', 'export', 403, 'permission_denied'],
    ['partner_auditor', 'MSP_FULL', 'change commitments', 403, 'permission_denied'],
    ['partner_msp_full', 'MSP_FULL', 'open ticket', 201, null],
    ['partner_msp_full', 'MSP_FULL', 'change commitments', 200, null],
    // the link still bounds a full member: a billing link opens no ticket
    ['partner_msp_full', 'MSP_BILLING', 'open ticket', 403, 'permission_denied'],
    ['partner_msp_support', 'MSP_BILLING', 'read invoices', 403, 'permission_denied'],
  ];
  for (const [role, tenant, action, status, code] of cases) {
    it(`${role} on an ${tenant} link: ${action} → ${status}${code ? ` ${code}` : ''}`, async () => {
      const c = members[role].c;
      const x = tenant === 'MSP_FULL' ? full : billingLink;
      const r =
        action === 'read invoices'
          ? await invoicesOf(c, x)
          : action === 'read tickets'
            ? await c.get(`/api/v1/partner/support/tickets?tenant_id=${x.id}`)
            : action === 'open ticket'
              ? await openTicket(c, x)
              : action === 'export'
                ? await c.post('/api/v1/partner/billing/invoices/export', { tenant_id: x.id })
                : await c.put(`/api/v1/partner/customers/${x.id}/commitments`, { billing_threshold: { amount_cents: 100_000, currency: 'USD' } });
      expect([r.status, r.status >= 400 ? r.body.code : null]).toEqual([status, code]);
    });
  }

  it('an auditor cannot change a ticket (403, not a missing ticket)', async () => {
    const opened = await openTicket(members.partner_msp_support.c, full);
    const r = await members.partner_auditor.c.patch(`/api/v1/partner/support/tickets/${opened.body.id}`, { status: 'in_progress' });
    expect([r.status, r.body.code]).toEqual([403, 'permission_denied']);
  });

  it('a support member asking for the consolidated invoices is told no, as the gateway tells it — not shown an empty list', async () => {
    const r = await members.partner_msp_support.c.get('/api/v1/partner/billing/invoices');
    expect([r.status, r.body.code, r.body.detail]).toEqual([403, 'permission_denied', 'Your member role partner_msp_support does not allow billing.invoices.read.']);
  });

  it('explains the cut: the member_role check fails with the role named', async () => {
    const r = await members.partner_msp_support.c.post('/api/v1/authz/explain', { action: 'billing.invoices.read' }, { 'x-active-tenant-id': full.id });
    expect(r.status).toBe(200);
    expect(r.body.allow).toBe(false);
    const check = r.body.checks.find((c: { check: string }) => c.check === 'member_role');
    expect(check).toMatchObject({ passed: false });
    expect(check.detail).toContain('partner_msp_support');
    expect(r.body.effective_permissions).toContain('support.tickets.create');
    expect(r.body.effective_permissions).not.toContain('billing.invoices.read');
  });

  it('shows the member role and the managed tenants in /me, and the active one from X-Active-Tenant-Id', async () => {
    const r = await members.partner_msp_billing.c.get('/api/v1/me', { 'x-active-tenant-id': billingLink.id });
    expect(r.status).toBe(200);
    expect(r.body.partner.member_role).toBe('partner_msp_billing');
    expect(r.body.managed_tenant_ids).toEqual([full.id, billingLink.id].sort());
    expect(r.body.active_managed_tenant_id).toBe(billingLink.id);
    const other = await members.partner_msp_billing.c.get('/api/v1/me', { 'x-active-tenant-id': 'tnt_00000000000000000000000000' });
    expect(other.body.active_managed_tenant_id).toBeNull();
  });

  it('audits the change of a member role, and refuses a role that does not exist and a staff member setting one', async () => {
    const log = await (await loginAs(t, p.owner)).get(`/api/v1/partners/${p.id}/audit-events?action=partner.member_role_changed`);
    expect(log.body.data.length).toBe(4);
    expect(log.body.data[0].details.to).toMatch(/^partner_/);
    const bad = await (await loginAs(t, p.owner)).put(`/api/v1/partners/${p.id}/members/${p.staff.id}/member-role`, { member_role: 'god' });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    const staff = await members.partner_msp_full.c.put(`/api/v1/partners/${p.id}/members/${p.staff.id}/member-role`, { member_role: 'partner_auditor' });
    expect([staff.status, staff.body.code]).toEqual([403, 'permission_denied']);
  });

  it('takes a changed member role into account on the next request', async () => {
    const owner = await loginAs(t, p.owner);
    const u = members.partner_auditor.user;
    await owner.put(`/api/v1/partners/${p.id}/members/${u.id}/member-role`, { member_role: 'partner_msp_support' });
    await t.services.feed.drain();
    expect((await openTicket(members.partner_auditor.c, full)).status).toBe(201);
    await owner.put(`/api/v1/partners/${p.id}/members/${u.id}/member-role`, { member_role: 'partner_auditor' });
    await t.services.feed.drain();
    expect((await openTicket(members.partner_auditor.c, full)).status).toBe(403);
  });
});
