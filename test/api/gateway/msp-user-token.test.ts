/**
 * An MSP user with a token from the real authorization server, end to end through the gateway
 * (MSP context switching): a staff member of a managed_services partner authorizes the
 * partner's own app (code + PKCE, openid-client), and with that one token picks the customer per
 * request with X-Active-Tenant-Id — decided through the partner's link delegations, the link role
 * ∩ the token's scopes. Tenant A (MSP_FULL): reads and orders; tenant B (AUDITOR): reads, every
 * write refused; tenant C (no link): 404; no header: 400. Removed from the partner, the user's
 * next request is refused (from the snapshot) and the refresh fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { authorizeViaHttp, CALLBACK, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import type { TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { link, loginAs } from './helpers.ts';

let t: OAuthTestApp;
const asTest = () => t as unknown as TestApp;

async function call(method: string, path: string, token: string, tenant: TestTenant | null, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (tenant) headers['x-active-tenant-id'] = tenant.id;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.url}${path}`, { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text };
}

async function seed(tenant: TestTenant) {
  const s = t.services;
  await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, t.world.ctx, { id: tenant.id, userIds: [tenant.user.id] });
}

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(() => t?.close());

describe('MSP user with an OAuth token: one token, the tenant chosen per request', () => {
  let app: RegisteredApp;
  let config: oidc.Configuration;
  let tokens: oidc.TokenEndpointResponse;
  let a: TestTenant, b: TestTenant, c: TestTenant;
  let linkA: { id: string }, linkB: { id: string };

  beforeAll(async () => {
    app = await partnerWithApp(t, { capabilities: ['managed_services'], name: 'MSP Console', scopes: ['openid', 'orders.read', 'orders.create', 'billing.invoices.read', 'support.tickets.read'] });
    [a, b, c] = [await t.world.tenant(), await t.world.tenant(), await t.world.tenant()];
    for (const x of [a, b, c]) await seed(x);
    linkA = await link(asTest(), app.partner, a, { role: 'MSP_FULL' });
    linkB = await link(asTest(), app.partner, b, { role: 'AUDITOR' });
    config = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read orders.create billing.invoices.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const cb = await authorizeViaHttp(t, url, app.partner.staff);
    tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  });

  it('tenant A (linked, MSP_FULL): 200 with tenant A’s orders only, as the user for the partner through the link', async () => {
    const r = await call('GET', '/resources/v1/orders?limit=200', tokens.access_token, a);
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    expect(r.body.data.every((o: { tenant_id: string }) => o.tenant_id === a.id)).toBe(true);
    const ctx = await call('GET', '/resources/v1/context', tokens.access_token, a);
    expect(ctx.body).toMatchObject({ tenant_id: a.id, delegation_id: linkA.id, persona: 'msp', user_id: app.partner.staff.id, partner_id: app.partner.id });
    const placed = await call('POST', '/resources/v1/orders', tokens.access_token, a, { product_code: 'FIBER-1G', ban_id: a.bans[0].id });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ tenant_id: a.id, persona: 'msp', delegation_id: linkA.id, placed_by: { type: 'user', user_id: app.partner.staff.id, partner_id: app.partner.id } });
  });

  it('the link role ∩ the token scopes: MSP_FULL covers tickets, the token does not ask for them → 403 scope_insufficient', async () => {
    const r = await call('GET', '/resources/v1/tickets', tokens.access_token, a);
    expect([r.status, r.body.code]).toEqual([403, 'scope_insufficient']);
  });

  it('switches to tenant B (linked as AUDITOR): reads allowed, POST /orders refused with 403 permission_denied', async () => {
    const r = await call('GET', '/resources/v1/orders?limit=200', tokens.access_token, b);
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    expect(r.body.data.every((o: { tenant_id: string }) => o.tenant_id === b.id)).toBe(true);
    const ctx = await call('GET', '/resources/v1/context', tokens.access_token, b);
    expect(ctx.body).toMatchObject({ tenant_id: b.id, delegation_id: linkB.id, persona: 'msp' });
    const before = (await t.testDb.db.kysely.selectFrom('orders').select('id').where('tenant_id', '=', b.id).execute()).length;
    const refused = await call('POST', '/resources/v1/orders', tokens.access_token, b, { product_code: 'FIBER-1G', ban_id: b.bans[0].id });
    expect([refused.status, refused.body.code]).toEqual([403, 'permission_denied']);
    expect((await t.testDb.db.kysely.selectFrom('orders').select('id').where('tenant_id', '=', b.id).execute()).length).toBe(before);
  });

  it('tenant C (no link): 404 delegation_not_found; no header: 400 tenant_context_required', async () => {
    const r = await call('GET', '/resources/v1/orders', tokens.access_token, c);
    expect([r.status, r.body.code]).toEqual([404, 'delegation_not_found']);
    const none = await call('GET', '/resources/v1/orders', tokens.access_token, null);
    expect([none.status, none.body.code]).toEqual([400, 'tenant_context_required']);
  });

  it('shows tenant A the requests in its access log, naming the user and the app', async () => {
    await expect
      .poll(
        async () =>
          (await t.testDb.db.kysely.selectFrom('audit_events').select(['actor_user_id', 'actor_client_id', 'partner_id']).where('tenant_id', '=', a.id).where('action', '=', 'gateway.request').execute()).map((e) => ({ ...e })),
        { timeout: 5000, interval: 100 },
      )
      .toContainEqual({ actor_user_id: app.partner.staff.id, actor_client_id: app.clientId, partner_id: app.partner.id });
  });

  it('a change to the link reaches the very next request of the same token: the covered accounts the upstream is told', async () => {
    const admin = await loginAs(asTest(), a.admin);
    const identity = async () => (await call('GET', '/resources/v1/context', tokens.access_token, a)).body as { bans: string[] | null; tenant_id: string };
    expect((await identity()).bans).toBeNull(); // every account of the tenant
    expect((await identity()).bans).toBeNull(); // (the same question again: the kept admission)
    const narrowed = await admin.patch(`/api/v1/tenants/${a.id}/delegations/${linkA.id}`, { ban_ids: [a.bans[0].id] });
    expect(narrowed.status).toBe(200);
    expect(await identity()).toMatchObject({ tenant_id: a.id, bans: [a.bans[0].id] });
    expect((await call('GET', `/resources/v1/orders?ban=${a.bans[1].account_number}`, tokens.access_token, a)).body.code).toBe('ban_not_covered');
    expect((await admin.patch(`/api/v1/tenants/${a.id}/delegations/${linkA.id}`, { ban_ids: null })).status).toBe(200);
    expect((await identity()).bans).toBeNull();
  });

  it('removed from the partner: the member grant ends with the membership — its tokens are refused as revoked and the refresh fails', async () => {
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await call('GET', '/resources/v1/orders', refreshed.access_token, a)).status).toBe(200);
    const owner = await app.partner.owner.login();
    expect((await owner.delete(`/api/v1/partners/${app.partner.id}/members/${app.partner.staff.id}`)).status).toBe(204);
    await t.services.feed.drain();
    for (const token of [tokens.access_token, refreshed.access_token]) {
      for (const tenant of [a, b, null]) {
        const r = await call('GET', '/resources/v1/orders', token, tenant);
        expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
      }
    }
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
