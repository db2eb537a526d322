/**
 * "Active only while the approving relationship stays active": a link or consent is effective only
 * while the tenant admin who approved it (decided_by) is still an active TENANT_ADMIN of the
 * tenant. Removed, demoted or deactivated → the partner's next request is refused with
 * delegation_approver_inactive; another current admin confirms it → allowed again. Also: the
 * DELEGATION_MAX_DAYS cap is checked again at approval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { activeLink, inDays, requestLink } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Cast {
  tenant: TestTenant;
  partner: TestPartner;
  /** the admin who approves */
  approver: Client;
  /** a second tenant admin (the world's tenant user, promoted) */
  other: Client;
  owner: Client;
  staff: Client;
  linkId: string;
}

async function cast(): Promise<Cast> {
  const tenant = await t.world.tenant();
  const partner = await t.world.partner({ capabilities: ['managed_services', 'delegated'] });
  const approver = await tenant.admin.login();
  const owner = await partner.owner.login();
  const promote = await approver.patch(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { role: 'TENANT_ADMIN' });
  expect(promote.status).toBe(204);
  const linkId = await activeLink(owner, approver, partner.id, tenant);
  return { tenant, partner, approver, other: await tenant.user.login(), owner, staff: await partner.staff.login(), linkId };
}

const context = (c: Client, tenantId: string) => c.get('/api/v1/partner/context', { 'x-active-tenant-id': tenantId });

/** The tenant's view of one delegation (the portal's "Partners with access" reads the same list). */
async function tenantView(admin: Client, tenantId: string, id: string) {
  const r = await admin.get(`/api/v1/tenants/${tenantId}/delegations`);
  expect(r.status).toBe(200);
  return r.body.data.find((d: { id: string }) => d.id === id);
}

async function expectRefusedThenConfirmed(c: Cast): Promise<void> {
  const refused = await context(c.staff, c.tenant.id);
  expect([refused.status, refused.body.code]).toEqual([403, 'delegation_approver_inactive']);
  expect(refused.body.detail).toMatch(/no longer an active admin/);
  expect(await tenantView(c.other, c.tenant.id, c.linkId)).toMatchObject({ status: 'active', decided_by: c.tenant.admin.id, approver_active: false });

  const confirmed = await c.other.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/confirm`, {});
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect(confirmed.body).toMatchObject({ id: c.linkId, status: 'active', decided_by: c.tenant.user.id, approver_active: true });
  const ok = await context(c.staff, c.tenant.id);
  expect([ok.status, ok.body.delegation_id]).toEqual([200, c.linkId]);

  const audit = await c.other.get(`/api/v1/tenants/${c.tenant.id}/audit-events?action=delegation.reconfirmed`);
  expect(audit.body.data).toHaveLength(1);
  expect(audit.body.data[0]).toMatchObject({ actor: { user_id: c.tenant.user.id }, partner_id: c.partner.id, target: { type: 'delegation', id: c.linkId }, details: { previous_approver: c.tenant.admin.id, approver: c.tenant.user.id } });
  // the partner sees it in its own log too
  const partnerAudit = await c.owner.get(`/api/v1/partners/${c.partner.id}/audit-events?action=delegation.reconfirmed`);
  expect(partnerAudit.body.data.map((e: { target: { id: string } }) => e.target.id)).toEqual([c.linkId]);
}

describe('the approving tenant admin', () => {
  it('removed from the tenant: the partner is refused until another admin confirms the link', async () => {
    const c = await cast();
    expect((await context(c.staff, c.tenant.id)).status).toBe(200);
    expect(await tenantView(c.other, c.tenant.id, c.linkId)).toMatchObject({ approver_active: true });
    const rm = await c.other.delete(`/api/v1/tenants/${c.tenant.id}/members/${c.tenant.admin.id}`);
    expect(rm.status).toBe(204);
    await expectRefusedThenConfirmed(c);
  });

  it('demoted to TENANT_USER: refused, explain() names the check; confirmed → allowed', async () => {
    const c = await cast();
    const demote = await c.other.patch(`/api/v1/tenants/${c.tenant.id}/members/${c.tenant.admin.id}`, { role: 'TENANT_USER' });
    expect(demote.status).toBe(204);
    const op = await (await t.world.operator()).login();
    const e = await op.post('/api/v1/authz/explain', { action: 'orders.read', tenant_id: c.tenant.id, principal: { type: 'user', user_id: c.partner.staff.id } });
    expect(e.body).toMatchObject({ allow: false, code: 'delegation_approver_inactive', delegation_id: c.linkId });
    expect(e.body.checks.at(-1)).toMatchObject({ check: 'delegation_approver', passed: false });
    // the demoted admin can no longer confirm it itself
    const self = await c.approver.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/confirm`, {});
    expect([self.status, self.body.code]).toEqual([403, 'permission_denied']);
    await expectRefusedThenConfirmed(c);
  });

  it('account deactivated by the operator: refused; confirmed → allowed', async () => {
    const c = await cast();
    const op = await (await t.world.operator()).login();
    expect((await op.post(`/api/v1/users/${c.tenant.admin.id}/disable`)).status).toBe(200);
    await t.services.feed.drain();
    await expectRefusedThenConfirmed(c);
  });

  it('a consent follows the same rule (the app is refused)', async () => {
    const c = await cast();
    const consent = await t.services.delegations.create(t.world.ctx, {
      partnerId: c.partner.id,
      tenantId: c.tenant.id,
      origin: 'consent',
      role: 'DELEGATE',
      scopes: ['billing.*'],
      overrides: { grant: ['billing.invoices.read'] },
      endsAt: inDays(30),
      clientId: 'approver-test-app',
      decidedBy: c.tenant.admin.id,
    });
    const app = { type: 'app', partner_id: c.partner.id, client_id: 'approver-test-app', dlg: consent.id, tenant_id: c.tenant.id };
    const op = await (await t.world.operator()).login();
    const ask = () => op.post('/api/v1/authz/check', { action: 'billing.invoices.read', principal: app });
    expect((await ask()).body).toMatchObject({ allow: true });
    await c.other.patch(`/api/v1/tenants/${c.tenant.id}/members/${c.tenant.admin.id}`, { role: 'TENANT_USER' });
    expect((await ask()).body).toMatchObject({ allow: false, code: 'delegation_approver_inactive' });
    expect((await c.other.post(`/api/v1/tenants/${c.tenant.id}/delegations/${consent.id}/confirm`, {})).status).toBe(200);
    expect((await ask()).body).toMatchObject({ allow: true });
  });

  it('only a current tenant admin confirms, and only an active link or consent', async () => {
    const c = await cast();
    const op = await (await t.world.operator()).login();
    // the operator passes the tenant wall but is no tenant approver
    const byOp = await op.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/confirm`, {});
    expect([byOp.status, byOp.body.code]).toEqual([403, 'tenant_admin_required']);
    const elsewhere = await t.world.tenant();
    const foreign = await (await elsewhere.admin.login()).post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/confirm`, {});
    expect([foreign.status, foreign.body.code]).toEqual([404, 'tenant_not_found']);
    const partnerSide = await c.owner.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/confirm`, {});
    expect(partnerSide.status).toBe(404);
    expect((await c.approver.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/revoke`, { reason: 'done' })).status).toBe(200);
    const revoked = await c.other.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/confirm`, {});
    expect([revoked.status, revoked.body.code]).toEqual([409, 'invalid_delegation_transition']);
    const pending = await requestLink(c.owner, c.partner.id, { tenant_slug: c.tenant.slug });
    const notYet = await c.other.post(`/api/v1/tenants/${c.tenant.id}/delegations/${pending.id}/confirm`, {});
    expect([notYet.status, notYet.body.code]).toEqual([409, 'invalid_delegation_transition']);
    // and the operator cannot approve a link for the tenant either: it would have no tenant approver
    const opApprove = await op.post(`/api/v1/tenants/${c.tenant.id}/delegations/${pending.id}/approve`, {});
    expect([opApprove.status, opApprove.body.code]).toEqual([403, 'tenant_admin_required']);
  });

  it('a wholesale delegation has no tenant approver: nothing to confirm, never refused for it', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['wholesale'] });
    const admin = await tenant.admin.login();
    const d = await t.services.delegations.create(t.world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'wholesale', role: 'WHOLESALE', endsAt: inDays(30), decidedBy: tenant.admin.id });
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/confirm`, {});
    expect([r.status, r.body.code]).toEqual([409, 'invalid_delegation_transition']);
    expect((await tenantView(admin, tenant.id, d.id)).approver_active).toBeNull();
  });
});

describe('approving after DELEGATION_MAX_DAYS was lowered', () => {
  it('refuses with 400 delegation_too_long when the requested end is now beyond the cap', async () => {
    const tenant = await t.world.tenant();
    const second = await t.world.tenant();
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const long = await requestLink(owner, partner.id, { tenant_slug: tenant.slug, ends_at: inDays(400) });
    const short = await requestLink(owner, partner.id, { tenant_slug: second.slug, ends_at: inDays(20) });
    // the same database, the platform restarted with a lower cap
    const lowered = await buildApp({ config: testConfig({ DELEGATION_MAX_DAYS: '30' }, t.testDb.dataDir), db: t.testDb.db, logger: false });
    await lowered.ready();
    try {
      const admin = await new Client(lowered).login(tenant.admin.email, tenant.admin.password);
      const r = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${long.id}/approve`, {});
      expect([r.status, r.body.code]).toEqual([400, 'delegation_too_long']);
      expect(r.body.detail).toMatch(/more than 30 days away/);
      expect((await admin.get(`/api/v1/tenants/${tenant.id}/delegations/${long.id}`)).body.status).toBe('requested');
      // a request within the new cap is approved as usual
      const admin2 = await new Client(lowered).login(second.admin.email, second.admin.password);
      const ok = await admin2.post(`/api/v1/tenants/${second.id}/delegations/${short.id}/approve`, {});
      expect([ok.status, ok.body.status]).toEqual([200, 'active']);
    } finally {
      await lowered.close();
    }
  });
});
