/**
 * POST /api/v1/authz/check and /explain: who may ask about whom, app principals by their token
 * claims, validation of permission names; and a terminated partner's delegations end for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { activeLink, inDays } from '../delegations/helpers.ts';

let t: TestApp;
let tenant: TestTenant;
let partner: TestPartner;
let op: Client;
let consentId: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.world.tenant();
  partner = await t.world.partner({ capabilities: ['managed_services', 'delegated'] });
  op = await (await t.world.operator()).login();
  await activeLink(await partner.owner.login(), await tenant.admin.login(), partner.id, tenant, { role: 'AUDITOR' });
  const consent = await t.services.delegations.create(t.world.ctx, {
    partnerId: partner.id,
    tenantId: tenant.id,
    origin: 'consent',
    role: 'DELEGATE',
    scopes: ['billing.*', 'orders.read'],
    overrides: { grant: ['billing.invoices.read', 'orders.read'] },
    banIds: [tenant.bans[0].id],
    endsAt: inDays(30),
    clientId: 'app-client-1',
  });
  consentId = consent.id;
});
afterAll(() => t.close());

describe('POST /api/v1/authz/check', () => {
  it('answers about yourself, with the tenant from the body or from X-Active-Tenant-Id', async () => {
    const staff = await partner.staff.login();
    const byHeader = await staff.post('/api/v1/authz/check', { action: 'billing.invoices.read' }, { 'x-active-tenant-id': tenant.id });
    expect(byHeader.status).toBe(200);
    expect(byHeader.body).toMatchObject({ allow: true, code: 'allowed', via: 'delegation', tenant_id: tenant.id, matched: { source: 'delegation_role', grant: 'billing.invoices.read', role: 'AUDITOR' } });
    const write = await staff.post('/api/v1/authz/check', { action: 'orders.create', tenant_id: tenant.id });
    expect(write.body).toMatchObject({ allow: false, code: 'permission_denied' });
    const none = await staff.post('/api/v1/authz/check', { action: 'orders.read' });
    expect(none.body).toMatchObject({ allow: false, code: 'tenant_context_required' });
  });

  it('refuses to answer about someone else without platform.authz.check', async () => {
    const admin = await tenant.admin.login();
    const r = await admin.post('/api/v1/authz/check', { action: 'orders.read', tenant_id: tenant.id, principal: { type: 'user', user_id: partner.staff.id } });
    expect([r.status, r.body.code]).toEqual([403, 'permission_denied']);
  });

  it('lets the operator ask about an app token by its claims', async () => {
    const app = { type: 'app', partner_id: partner.id, client_id: 'app-client-1', dlg: consentId, tenant_id: tenant.id };
    const ok = await op.post('/api/v1/authz/check', { action: 'billing.invoices.read', principal: { ...app, scope: 'billing.invoices.read orders.read' } });
    expect(ok.body).toMatchObject({ allow: true, delegation_id: consentId, ban_ids: [tenant.bans[0].id] });
    const scope = await op.post('/api/v1/authz/check', { action: 'billing.invoices.read', principal: { ...app, scope: 'orders.read' } });
    expect(scope.body).toMatchObject({ allow: false, code: 'scope_insufficient' });
    const ban = await op.post('/api/v1/authz/check', { action: 'billing.invoices.read', ban: tenant.bans[1].account_number, principal: app });
    expect(ban.body).toMatchObject({ allow: false, code: 'ban_not_covered' });
    const otherClient = await op.post('/api/v1/authz/check', { action: 'billing.invoices.read', principal: { ...app, client_id: 'someone-else' } });
    expect(otherClient.body).toMatchObject({ allow: false, code: 'delegation_not_found' });
    const wrongTenant = await op.post('/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: (await t.world.tenant()).id, principal: app });
    expect(wrongTenant.body).toMatchObject({ allow: false, code: 'delegation_not_found' });

    const ex = await op.post('/api/v1/authz/explain', { action: 'orders.create', principal: app });
    expect(ex.status).toBe(200);
    expect(ex.body).toMatchObject({ allow: false, code: 'permission_denied' });
    expect(ex.body.checks.at(-1)).toMatchObject({ check: 'grant', passed: false });
    expect(ex.body.checks.map((c: { check: string }) => c.check)).toContain('partner_capability');
    expect(ex.body.effective_permissions).toEqual(['billing.invoices.read', 'orders.read']);
  });

  it('serves resource services: a RESOURCE_SERVICE account with an API token may ask, and do nothing else', async () => {
    const svc = await t.world.user({ platformRole: 'RESOURCE_SERVICE', label: 'svc' });
    const session = await svc.login();
    const tok = await session.post('/api/v1/me/api-tokens', { name: 'resource service', expires_in_days: 30 });
    expect(tok.status).toBe(201);
    const bearer = t.client();
    bearer.bearer = tok.body.token;
    const r = await bearer.post('/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: tenant.id, principal: { type: 'user', user_id: partner.staff.id } });
    expect(r.body).toMatchObject({ allow: true, via: 'delegation' });
    const list = await bearer.get('/api/v1/delegations');
    expect([list.status, list.body.code]).toEqual([403, 'permission_denied']);
  });

  it('refuses malformed permission names with 400 invalid_permission', async () => {
    const bad = await op.post('/api/v1/authz/check', { action: 'billing.*', tenant_id: tenant.id });
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_permission']);
    const badScope = await op.post('/api/v1/authz/check', { action: 'orders.read', principal: { type: 'user', user_id: partner.staff.id, scopes: ['Orders'] } });
    expect([badScope.status, badScope.body.code]).toEqual([400, 'invalid_permission']);
    const extra = await op.post('/api/v1/authz/check', { action: 'orders.read', whatever: 1 });
    expect([extra.status, extra.body.code]).toEqual([400, 'validation_failed']);
  });
});

describe('partner termination', () => {
  it('revokes every open delegation of the partner, audited on both sides', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const tn = await t.world.tenant();
    const id = await activeLink(await p.owner.login(), await tn.admin.login(), p.id, tn);
    expect((await op.post(`/api/v1/partners/${p.id}/terminate`, { reason: 'contract breach' })).status).toBe(200);
    expect((await t.services.delegations.get(id)).status).toBe('revoked');
    const ev = await (await tn.admin.login()).get(`/api/v1/tenants/${tn.id}/audit-events?action=delegation.revoked`);
    expect(ev.body.data[0]).toMatchObject({ partner_id: p.id, details: { reason: 'partner terminated' } });
  });
});
