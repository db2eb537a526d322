/**
 * Every refusal of the gateway pipeline, each answered as RFC 9457 problem+json with its stable
 * code (and WWW-Authenticate on 401s), each on the very next request after the change that
 * causes it. MSP users call with personal API tokens and X-Active-Tenant-Id; partner apps with
 * access tokens signed by the authorization server's key.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { apiToken, consentClaims, consentedApp, ends, gw, link, loginAs, mintToken } from './helpers.ts';

let t: TestApp;
let msp: TestPartner;
let pat: string;
// The app's time: each test starts at the real time (tokens and proofs are stamped with it), and a
// test that needs time to pass moves it instead of waiting.
const clock = new ManualClock();

beforeAll(async () => {
  t = await startTestApp({ clock });
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  pat = await apiToken(t, msp.staff);
});
afterAll(() => t.close());
beforeEach(() => clock.set(Math.max(Date.now(), clock.nowMs())));

const as = (tenant: TestTenant) => ({ 'x-active-tenant-id': tenant.id });

function expectProblem(r: { status: number; headers: Record<string, unknown>; body: { code?: string; status?: number; type?: string; request_id?: string } }, status: number, code: string) {
  expect([r.status, r.body.code]).toEqual([status, code]);
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(r.body.status).toBe(status);
  expect(r.body.type).toMatch(/^https:\/\/partnergate\.dev\/problems\//);
  expect(r.body.request_id).toBeTruthy();
}

describe('credentials', () => {
  it('401 authentication_required without a token, with a Bearer challenge', async () => {
    const r = await gw(t, 'GET', '/resources/v1/orders');
    expectProblem(r, 401, 'authentication_required');
    // RFC 9728 §5.1: the challenge names the gateway's protected-resource metadata
    expect(r.headers['www-authenticate']).toBe(
      `Bearer realm="partnergate", error="invalid_request", error_description="no access token in the Authorization header", resource_metadata="${new URL(t.services.oauth.audience).origin}/.well-known/oauth-protected-resource/resources"`,
    );
  });

  it('does not take a token from the query string', async () => {
    const r = await gw(t, 'GET', `/resources/v1/orders?access_token=${pat}`);
    expectProblem(r, 401, 'authentication_required');
  });

  it('401 invalid_token for a token that is not one, with error="invalid_token"', async () => {
    const r = await gw(t, 'GET', '/resources/v1/orders', { token: 'eyJhbGciOiJFUzI1NiJ9.bm9wZQ.c2ln' });
    expectProblem(r, 401, 'invalid_token');
    expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer realm="partnergate", error="invalid_token", error_description="/);
  });

  it('401 invalid_token for a malformed Authorization header', async () => {
    const r = await gw(t, 'GET', '/resources/v1/orders', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expectProblem(r, 401, 'invalid_token');
  });

  it('401 invalid_token for a revoked personal API token, on the next request', async () => {
    const user = await t.world.partner({ capabilities: ['managed_services'] });
    const c = await loginAs(t, user.staff);
    const created = await c.post('/api/v1/me/api-tokens', { name: 'soon revoked' });
    const tenant = await t.world.tenant();
    await link(t, user, tenant);
    expect((await gw(t, 'GET', '/resources/v1/context', { token: created.body.token, headers: as(tenant) })).status).toBe(200);
    expect((await c.delete(`/api/v1/me/api-tokens/${created.body.api_token.id}`)).status).toBe(204);
    expectProblem(await gw(t, 'GET', '/resources/v1/context', { token: created.body.token, headers: as(tenant) }), 401, 'invalid_token');
  });

  it('401 session_expired for a dead session cookie, 403 csrf_token_invalid for a cookie mutation without the CSRF token', async () => {
    const tenant = await t.world.tenant();
    await link(t, msp, tenant);
    const r = await t.app.inject({ method: 'GET', url: '/resources/v1/context', headers: { cookie: 'partnergate_session=nope', ...as(tenant) } });
    expect([r.statusCode, JSON.parse(r.body).code]).toEqual([401, 'session_expired']);
    const c = await loginAs(t, msp.staff);
    const ok = await c.get('/resources/v1/context', as(tenant));
    expect(ok.status).toBe(200);
    const post = await c.request('POST', '/resources/v1/orders', { product_code: 'FIBER-1G' }, { ...as(tenant), 'x-csrf-token': 'wrong' });
    expect([post.status, post.body.code]).toEqual([403, 'csrf_token_invalid']);
    const good = await c.post('/resources/v1/orders', { product_code: 'FIBER-1G', ban_id: tenant.bans[0].id }, as(tenant));
    expect(good.status).toBe(201);
  });
});

describe('tenant context and delegation state (MSP user, X-Active-Tenant-Id)', () => {
  it('400 tenant_context_required without the header', async () => {
    expectProblem(await gw(t, 'GET', '/resources/v1/orders', { token: pat }), 400, 'tenant_context_required');
  });

  it('404 delegation_not_found for a tenant without a delegation, an unknown tenant and a malformed id alike', async () => {
    const stranger = await t.world.tenant();
    for (const id of [stranger.id, 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9e', 'not-an-id']) {
      const r = await gw(t, 'GET', '/resources/v1/orders', { token: pat, headers: { 'x-active-tenant-id': id } });
      expectProblem(r, 404, 'delegation_not_found');
      expect(r.body.detail).toBe('No delegation gives access to this tenant.');
    }
  });

  it('a partner probing an existing tenant shows in that tenant\'s access log; an unknown tenant records nothing', async () => {
    const probed = await t.world.tenant();
    const unknown = 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9f';
    expectProblem(await gw(t, 'GET', '/resources/v1/orders', { token: pat, headers: as(probed) }), 404, 'delegation_not_found');
    expectProblem(await gw(t, 'GET', '/resources/v1/orders', { token: pat, headers: { 'x-active-tenant-id': unknown } }), 404, 'delegation_not_found');
    await t.services.gateway.auditBuffer.flush();
    const admin = await probed.admin.login();
    const log = await admin.get(`/api/v1/tenants/${probed.id}/audit-events?action=gateway.request`);
    expect(log.status).toBe(200);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({ outcome: 'denied', partner_id: msp.id, tenant_id: probed.id, details: { decision: 'delegation_not_found', status: 404 } });
    const anywhere = await t.services.audit.list({ tenantId: unknown, limit: 10 });
    expect(anywhere.data).toHaveLength(0);
  });

  it.each([
    ['delegation_pending', async (tenant: TestTenant) => void (await link(t, msp, tenant, { status: 'requested' }))],
    ['delegation_not_started', async (tenant: TestTenant) => void (await link(t, msp, tenant, { startsAt: ends(1), endsAt: ends(30) }))],
    [
      'delegation_rejected',
      async (tenant: TestTenant) => {
        const d = await link(t, msp, tenant, { status: 'requested' });
        await t.services.delegations.reject(t.world.ctx, tenant.id, d.id, 'no thanks');
      },
    ],
    [
      'delegation_revoked',
      async (tenant: TestTenant) => {
        const d = await link(t, msp, tenant);
        expect((await gw(t, 'GET', '/resources/v1/orders', { token: pat, headers: as(tenant) })).status).toBe(200);
        await t.services.delegations.revoke(t.world.ctx, d.id, { side: 'tenant', tenantId: tenant.id, reason: 'ended' });
      },
    ],
    [
      'delegation_expired',
      async (tenant: TestTenant) => {
        await link(t, msp, tenant, { endsAt: new Date(clock.nowMs() + 1500).toISOString() });
        expect((await gw(t, 'GET', '/resources/v1/orders', { token: pat, headers: as(tenant) })).status).toBe(200);
        clock.advance(1600);
      },
    ],
    [
      'tenant_inactive',
      async (tenant: TestTenant) => {
        await link(t, msp, tenant);
        await t.services.tenants.updateTenant(t.world.ctx, tenant.id, { status: 'suspended' });
      },
    ],
  ])('403 %s', async (code, arrange) => {
    const tenant = await t.world.tenant();
    await arrange(tenant);
    await t.services.feed.drain();
    expectProblem(await gw(t, 'GET', '/resources/v1/orders', { token: pat, headers: as(tenant) }), 403, code);
  });
});

describe('partner state', () => {
  it.each([
    ['partner_inactive', (p: TestPartner) => t.services.partners.transition(t.world.ctx, p.id, 'suspend', { reason: 'audit' })],
    ['partner_capability_missing', (p: TestPartner) => t.services.partners.setCapabilities(t.world.ctx, p.id, ['referral'])],
    ['feature_disabled', (p: TestPartner) => t.services.partners.setFeatureToggles(t.world.ctx, p.id, { orders: false })],
    ['partner_membership_inactive', (p: TestPartner) => t.services.partners.updateMember(t.world.ctx, p.id, p.staff.id, { status: 'inactive' })],
  ])('403 %s on the next request', async (code, change) => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const token = await apiToken(t, p.staff);
    const tenant = await t.world.tenant();
    await link(t, p, tenant);
    expect((await gw(t, 'GET', '/resources/v1/orders', { token, headers: as(tenant) })).status).toBe(200);
    await change(p);
    await t.services.feed.drain();
    expectProblem(await gw(t, 'GET', '/resources/v1/orders', { token, headers: as(tenant) }), 403, code);
  });

  it('403 user_inactive once the operator disables the user', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const token = await apiToken(t, p.staff);
    const tenant = await t.world.tenant();
    await link(t, p, tenant);
    expect((await gw(t, 'GET', '/resources/v1/orders', { token, headers: as(tenant) })).status).toBe(200);
    const op = await loginAs(t, await t.world.operator());
    expect((await op.post(`/api/v1/users/${p.staff.id}/disable`)).status).toBe(200);
    expectProblem(await gw(t, 'GET', '/resources/v1/orders', { token, headers: as(tenant) }), 403, 'user_inactive');
  });
});

describe('permissions, scopes and billing accounts', () => {
  it('403 permission_denied when the delegation role does not grant the route (auditor is read-only)', async () => {
    const tenant = await t.world.tenant();
    await link(t, msp, tenant, { role: 'AUDITOR' });
    expect((await gw(t, 'GET', '/resources/v1/invoices', { token: pat, headers: as(tenant) })).status).toBe(200);
    expect((await gw(t, 'GET', '/resources/v1/orders', { token: pat, headers: as(tenant) })).status).toBe(200);
    for (const [m, u, b] of [
      ['POST', '/resources/v1/orders', { product_code: 'FIBER-1G' }],
      ['POST', '/resources/v1/tickets', { subject: 's', description: 'd' }],
      ['POST', '/resources/v1/orders/ord_01jd9x0a8q4m7w2k3v5b6c8d9e/cancel', {}],
    ] as const) {
      expectProblem(await gw(t, m, u, { token: pat, headers: as(tenant), body: b }), 403, 'permission_denied');
    }
  });

  it('403 ban_not_covered for an account outside the delegation (named in the query or in the body)', async () => {
    const tenant = await t.world.tenant();
    await link(t, msp, tenant, { banIds: [tenant.bans[0].id] });
    expect((await gw(t, 'GET', `/resources/v1/orders?ban=${tenant.bans[0].account_number}`, { token: pat, headers: as(tenant) })).status).toBe(200);
    expectProblem(await gw(t, 'GET', `/resources/v1/orders?ban=${tenant.bans[1].id}`, { token: pat, headers: as(tenant) }), 403, 'ban_not_covered');
    const other = await t.world.tenant();
    expectProblem(await gw(t, 'GET', `/resources/v1/invoices?ban=${other.bans[0].id}`, { token: pat, headers: as(tenant) }), 403, 'ban_not_covered');
    // the body is the upstream's to read; it refuses with the same code
    expectProblem(await gw(t, 'POST', '/resources/v1/orders', { token: pat, headers: as(tenant), body: { product_code: 'FIBER-1G', ban_id: tenant.bans[1].id } }), 403, 'ban_not_covered');
  });

  it('403 scope_insufficient when the token lacks the scope, with error="insufficient_scope"', async () => {
    const tenant = await t.world.tenant();
    // The customer consented to reading and ordering; this token was asked for reading only.
    const a = await consentedApp(t, { tenant, scopes: ['orders.read', 'orders.create'] });
    const token = await mintToken(t, { ...consentClaims(a, tenant), scope: 'orders.read' });
    expect((await gw(t, 'GET', '/resources/v1/orders', { token })).status).toBe(200);
    const r = await gw(t, 'POST', '/resources/v1/orders', { token, body: { product_code: 'FIBER-1G' } });
    expectProblem(r, 403, 'scope_insufficient');
    expect(r.headers['www-authenticate']).toBe('Bearer realm="partnergate", error="insufficient_scope", scope="orders.create"');
  });

  it('403 bill_to_invalid when a token would bill an account the relationship does not allow', async () => {
    const tenant = await t.world.tenant();
    const other = await t.world.tenant();
    const a = await consentedApp(t, { tenant });
    for (const billTo of [other.bans[0].account_number, tenant.bans[1].account_number]) {
      const token = await mintToken(t, consentClaims(a, tenant, [0], billTo));
      expectProblem(await gw(t, 'POST', '/resources/v1/orders', { token, body: { product_code: 'FIBER-1G' } }), 403, 'bill_to_invalid');
    }
  });

  it('401 invalid_token once the app is deleted, even for a token that names no delegation', async () => {
    const tenant = await t.world.tenant();
    const a = await consentedApp(t, { tenant });
    const token = await mintToken(t, consentClaims(a, tenant));
    expect((await gw(t, 'GET', '/resources/v1/orders', { token })).status).toBe(200);
    await t.services.apps.delete({ ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: a.partner.id } }, a.partner.id, a.clientId);
    await t.services.feed.drain();
    const r = await gw(t, 'GET', '/resources/v1/orders', { token });
    expectProblem(r, 401, 'invalid_token');
    expect(r.body.detail).toMatch(/app/);
  });
});

describe('routes', () => {
  it('refuses a path and a method no rule names (404 not_found, 405 method_not_allowed with Allow)', async () => {
    expectProblem(await gw(t, 'GET', '/resources/v1/admin', { token: pat }), 404, 'not_found');
    const r = await gw(t, 'DELETE', '/resources/v1/orders', { token: pat });
    expectProblem(r, 405, 'method_not_allowed');
    expect(r.headers.allow).toBe('GET, POST');
  });

  it('refuses dot segments and encoded separators instead of forwarding them', async () => {
    const tenant = await t.world.tenant();
    await link(t, msp, tenant);
    for (const p of ['/resources/v1/orders/..', '/resources/v1/orders/%2e%2e', '/resources/v1/orders/a%2Fb']) {
      const r = await gw(t, 'GET', p, { token: pat, headers: as(tenant) });
      expect([r.status, r.body.code]).toEqual([404, 'not_found']);
    }
  });
});
