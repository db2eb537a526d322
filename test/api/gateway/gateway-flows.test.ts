/**
 * End to end through the gateway with tokens from the real authorization server (over HTTP,
 * openid-client): the partner persona orders for a customer (the customer's BAN is billed), the
 * wholesaler orders for a resold customer (its own BAN is billed), an MSP user switches tenants
 * with X-Active-Tenant-Id, the forward-auth endpoint answers proxies, revocation bites on the
 * next request, and the customer sees every cross-tenant request in its access log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { authorizeViaHttp, CALLBACK, customer, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import type { TestApp } from '../../helpers/app.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { upstreamAuthenticator, upstreamKeyFor } from '../../../src/modules/gateway/index.ts';
import { apiToken, link, loginAs } from './helpers.ts';

const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';

let t: OAuthTestApp;
const asTest = () => t as unknown as TestApp;

async function call(method: string, path: string, token: string | null, opts: { headers?: Record<string, string>; body?: unknown } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.url}${path}`, { method, headers, body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined });
  const text = await res.text();
  const body = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, headers: res.headers, body };
}

async function seed(tenant: TestTenant) {
  const s = t.services;
  await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, t.world.ctx, { id: tenant.id, userIds: [tenant.user.id] });
}

/** The customer's admin connects the partner's app on the consent screen, sharing only its first BAN. */
async function consentToken(scope: string) {
  const app = await partnerWithApp(t, { scopes: ['openid', 'orders.read', 'orders.create', 'orders.cancel', 'billing.invoices.read'] });
  const tenant = await customer(t);
  await seed(tenant);
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, tenant.admin, { banIds: [tenant.bans[0].id], billTo: tenant.bans[0].id });
  const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  return { app, tenant, token: tokens.access_token };
}

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(() => t?.close());

describe('partner persona: the customer consented, the customer is billed', () => {
  let c: Awaited<ReturnType<typeof consentToken>>;
  beforeAll(async () => {
    c = await consentToken('openid orders.read orders.create orders.cancel billing.invoices.read');
  });

  it('places an order for the customer, billed to the customer BAN, recording who, for whom and through which delegation', async () => {
    const r = await call('POST', '/resources/v1/orders', c.token, { body: { product_code: 'SDWAN-BRANCH', quantity: 3, notes: 'three branches' }, headers: { 'idempotency-key': 'k-1' } });
    expect(r.status).toBe(201);
    const dlg = (await t.testDb.db.kysely.selectFrom('delegations').select('id').where('client_id', '=', c.app.clientId).where('status', '=', 'active').executeTakeFirstOrThrow()).id;
    expect(r.body).toMatchObject({
      tenant_id: c.tenant.id,
      ban_id: c.tenant.bans[0].id,
      bill_to_ban_id: c.tenant.bans[0].id,
      quantity: 3,
      total_cents: 3 * 18_500,
      persona: 'partner',
      delegation_id: dlg,
      placed_by: { type: 'app', client_id: c.app.clientId, partner_id: c.app.partner.id, user_id: null },
    });
    // A retry with the same Idempotency-Key returns the same order, not a second one.
    const again = await call('POST', '/resources/v1/orders', c.token, { body: { product_code: 'SDWAN-BRANCH', quantity: 3, notes: 'three branches' }, headers: { 'idempotency-key': 'k-1' } });
    expect([again.status, again.body.id]).toEqual([200, r.body.id]);
    const mismatch = await call('POST', '/resources/v1/orders', c.token, { body: { product_code: 'FIBER-1G' }, headers: { 'idempotency-key': 'k-1' } });
    expect([mismatch.status, mismatch.body.code]).toEqual([409, 'idempotency_key_reused']);
    const got = await call('GET', `/resources/v1/orders/${r.body.id}`, c.token);
    expect(got.body.id).toBe(r.body.id);
    const cancelled = await call('POST', `/resources/v1/orders/${r.body.id}/cancel`, c.token);
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);
    const twice = await call('POST', `/resources/v1/orders/${r.body.id}/cancel`, c.token);
    expect([twice.status, twice.body.code]).toEqual([409, 'order_not_cancellable']);
  });

  it('sees the invoices of the shared account only', async () => {
    const r = await call('GET', '/resources/v1/invoices?limit=200', c.token);
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBe(12);
    expect(r.body.data.every((i: { ban_id: string }) => i.ban_id === c.tenant.bans[0].id)).toBe(true);
    const other = await call('GET', `/resources/v1/invoices?ban=${c.tenant.bans[1].account_number}`, c.token);
    expect([other.status, other.body.code]).toEqual([403, 'ban_not_covered']);
    const notOrdered = await call('POST', '/resources/v1/orders', c.token, { body: { product_code: 'FIBER-1G', ban_id: c.tenant.bans[1].id } });
    expect([notOrdered.status, notOrdered.body.code]).toEqual([403, 'ban_not_covered']);
  });

  it('shows the customer every cross-tenant request in its access log', async () => {
    await call('GET', '/resources/v1/orders', c.token);
    await t.services.gateway.auditBuffer.flush();
    const admin = await loginAs(asTest(), c.tenant.admin);
    const log = await admin.get(`/api/v1/tenants/${c.tenant.id}/audit-events?action=gateway.request&limit=100`);
    expect(log.status).toBe(200);
    const ev = log.body.data.find((e: { target: { id: string } }) => e.target.id === 'GET /resources/v1/orders');
    expect(ev).toMatchObject({ outcome: 'success', partner_id: c.app.partner.id, actor: { type: 'app', client_id: c.app.clientId, partner_id: c.app.partner.id } });
    expect(ev.details).toMatchObject({ status: 200, decision: 'allowed', permission: 'orders.read' });
    // refused by the gateway's decision, and by the upstream after an allowed decision
    const refusedByGateway = log.body.data.find((e: { details: { decision: string } }) => e.details.decision === 'ban_not_covered');
    expect(refusedByGateway).toMatchObject({ outcome: 'denied', details: { status: 403 } });
    const refusedUpstream = log.body.data.find((e: { details: { decision: string; status: number } }) => e.details.decision === 'allowed' && e.details.status === 409);
    expect(refusedUpstream.outcome).toBe('denied');
    const placed = await admin.get(`/api/v1/tenants/${c.tenant.id}/audit-events?action=order.placed`);
    expect(placed.body.data[0].details.bill_to_ban_id).toBe(c.tenant.bans[0].id);
  });

  it("refuses the token on the next request once the customer disconnects the partner", async () => {
    const admin = await loginAs(asTest(), c.tenant.admin);
    const apps = await admin.get(`/api/v1/tenants/${c.tenant.id}/connected-apps`);
    const dlg = apps.body.data[0].delegation_id ?? apps.body.data[0].id;
    const r = await admin.post(`/api/v1/tenants/${c.tenant.id}/connected-apps/${dlg}/revoke`, { reason: 'switching provider' });
    expect(r.status).toBeLessThan(300);
    // the grant behind the token is revoked with the consent: refused as a revoked token
    const after = await call('GET', '/resources/v1/orders', c.token);
    expect([after.status, after.body.code]).toEqual([401, 'invalid_token']);
  });
});

describe('wholesaler persona: acting for a resold customer, the wholesaler is billed', () => {
  it('client credentials on its own tenant, token exchange for the resold customer, order billed to its own BAN', async () => {
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TE], scopes: ['orders.read', 'orders.create'] });
    await t.services.feed.drain(); // the partner's home tenant reaches the decision snapshot (PostgreSQL + Redis: asynchronously)
    const config = await oidcClient(t, w.clientId, w.secret);
    const own = (await oidc.clientCredentialsGrant(config, { scope: 'orders.read orders.create' })).access_token;
    const home = await call('GET', '/resources/v1/context', own);
    expect(home.status).toBe(200);
    expect(home.body).toMatchObject({ partner_id: w.partner.id, client_id: w.clientId, persona: 'wholesaler', delegation_id: null });
    const homeBanId = home.body.bill_to as string;
    expect(homeBanId).toMatch(/^ban_/);

    const owner = await loginAs(asTest(), w.partner.owner);
    const resold = await owner.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'Fabrikam Bakery', slug: unique('bakery'), billing_account_name: 'Bakery main' });
    expect(resold.status).toBe(201);
    const tenantId = resold.body.resold.tenant.id as string;
    await t.services.feed.drain();
    const exchanged = (await oidc.genericGrantRequest(config, TE, { subject_token: own, subject_token_type: AT, tenant_id: tenantId, scope: 'orders.read orders.create' })).access_token;

    const customerBan = (await t.services.tenants.listBillingAccounts(tenantId))[0];
    const order = await call('POST', '/resources/v1/orders', exchanged, { body: { product_code: 'MOBILE-5G-LINE', quantity: 4 } });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ tenant_id: tenantId, ban_id: customerBan.id, bill_to_ban_id: homeBanId, persona: 'wholesaler', delegation_id: resold.body.resold.delegation_id, placed_by: { type: 'app', client_id: w.clientId, partner_id: w.partner.id } });
    expect(order.body.bill_to_ban_id).not.toBe(order.body.ban_id);

    // Its own order, on its own tenant, bills its own account too.
    const mine = await call('POST', '/resources/v1/orders', own, { body: { product_code: 'STATIC-IP-29' } });
    expect(mine.body).toMatchObject({ ban_id: homeBanId, bill_to_ban_id: homeBanId, persona: 'wholesaler', delegation_id: null });
  });
});

describe('MSP user: one login, the tenant chosen per request', () => {
  it('switches tenants with X-Active-Tenant-Id and sees each tenant’s data only', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const [a, b] = [await t.world.tenant(), await t.world.tenant()];
    await seed(a);
    await seed(b);
    const da = await link(asTest(), msp, a);
    const db = await link(asTest(), msp, b, { role: 'MSP_SUPPORT' });
    const pat = await apiToken(asTest(), msp.staff);
    for (const [tenant, d] of [
      [a, da],
      [b, db],
    ] as const) {
      const ctx = await call('GET', '/resources/v1/context', pat, { headers: { 'x-active-tenant-id': tenant.id } });
      expect(ctx.body).toMatchObject({ tenant_id: tenant.id, delegation_id: d.id, persona: 'msp', user_id: msp.staff.id, partner_id: msp.id });
      const tickets = await call('GET', '/resources/v1/tickets?limit=200', pat, { headers: { 'x-active-tenant-id': tenant.id } });
      expect(tickets.status).toBe(200);
      expect(tickets.body.data.length).toBeGreaterThan(0);
      expect(tickets.body.data.every((x: { tenant_id: string }) => x.tenant_id === tenant.id)).toBe(true);
    }
    // MSP_SUPPORT on b: tickets yes, invoices no.
    const inv = await call('GET', '/resources/v1/invoices', pat, { headers: { 'x-active-tenant-id': b.id } });
    expect([inv.status, inv.body.code]).toEqual([403, 'permission_denied']);
    const opened = await call('POST', '/resources/v1/tickets', pat, { headers: { 'x-active-tenant-id': b.id }, body: { subject: 'Fiber cut', description: 'Backhoe at site 3.', priority: 'urgent' } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ tenant_id: b.id, opened_by: { type: 'user', user_id: msp.staff.id, partner_id: msp.id }, delegation_id: db.id });
  });
});

describe('auditor: an MSP link with role AUDITOR reads everything and changes nothing', () => {
  // With a personal API token here; the same through an OAuth token from the MSP's own app is
  // in msp-user-token.test.ts.
  it('reads orders, invoices, tickets, usage, SLA and vouchers; every write is refused with permission_denied before the upstream', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const tenant = await t.world.tenant();
    await seed(tenant);
    const d = await link(asTest(), msp, tenant, { role: 'AUDITOR' });
    const pat = await apiToken(asTest(), msp.staff);
    const as = { 'x-active-tenant-id': tenant.id };
    for (const path of ['/resources/v1/orders', '/resources/v1/invoices', '/resources/v1/tickets', '/resources/v1/usage', '/resources/v1/sla', '/resources/v1/services', `/resources/v1/vouchers?ban=${tenant.bans[0].id}`]) {
      const r = await call('GET', path, pat, { headers: as });
      expect(r.status, path).toBe(200);
      if (!path.includes('vouchers')) expect(r.body.data.length, path).toBeGreaterThan(0);
    }
    const orders = async () => (await t.testDb.db.kysely.selectFrom('orders').select('id').where('tenant_id', '=', tenant.id).execute()).length;
    const before = await orders();
    for (const [path, body] of [
      ['/resources/v1/orders', { product_code: 'FIBER-1G', ban_id: tenant.bans[0].id }],
      ['/resources/v1/tickets', { subject: 'Audit finding', description: 'Noted.' }],
      ['/resources/v1/vouchers', { type: 'credit_10', ban_id: tenant.bans[0].id }],
    ] as const) {
      const r = await call('POST', path, pat, { headers: as, body });
      expect([r.status, r.body.code], path).toEqual([403, 'permission_denied']);
    }
    expect(await orders()).toBe(before);
    const ctx = await call('GET', '/resources/v1/context', pat, { headers: as });
    expect(ctx.body).toMatchObject({ delegation_id: d.id, persona: 'msp' });
  });
});

describe('forward-auth (NGINX auth_request, Traefik ForwardAuth, Envoy ext_authz)', () => {
  let c: Awaited<ReturnType<typeof consentToken>>;
  beforeAll(async () => {
    c = await consentToken('orders.read orders.create');
  });

  it('admits with 200 and signed identity headers the upstream can verify', async () => {
    const r = await call('GET', '/authz/forward-auth', c.token, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/resources/v1/orders?limit=5' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-partnergate-tenant-id')).toBe(c.tenant.id);
    expect(r.headers.get('x-partnergate-partner-id')).toBe(c.app.partner.id);
    expect(r.headers.get('x-partnergate-permission')).toBe('orders.read');
    expect(r.headers.get('ratelimit-policy')).toMatch(/^"read";q=\d+;w=60$/);
    const h: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      h[k] = v;
    });
    const check = upstreamAuthenticator(upstreamKeyFor(t.config, 'reference-resources'), t.services.clock)(h, 'GET', '/resources/v1/orders?limit=5');
    expect(check.ok).toBe(true);
    expect(upstreamAuthenticator(upstreamKeyFor(t.config, 'reference-resources'), t.services.clock)(h, 'DELETE', '/resources/v1/orders?limit=5').ok).toBe(false);
  });

  it('takes NGINX X-Original-* headers and Envoy path suffixes too', async () => {
    const nginx = await call('GET', '/authz/forward-auth', c.token, { headers: { 'x-original-method': 'POST', 'x-original-uri': '/resources/v1/orders' } });
    expect([nginx.status, nginx.headers.get('x-partnergate-permission')]).toEqual([200, 'orders.create']);
    const envoy = await call('GET', '/authz/forward-auth/resources/v1/orders?limit=1', c.token);
    expect([envoy.status, envoy.headers.get('x-partnergate-permission')]).toEqual([200, 'orders.read']);
    // the customer consented to orders only
    const invoices = await call('GET', '/authz/forward-auth/resources/v1/invoices', c.token);
    expect([invoices.status, invoices.body.code]).toEqual([403, 'permission_denied']);
  });

  it('refuses with 401 and 403 problems; an unknown route or a missing tenant is a 403 too (auth_request passes only 401/403 on)', async () => {
    const none = await call('GET', '/authz/forward-auth', null, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/resources/v1/orders' } });
    expect([none.status, none.body.code]).toEqual([401, 'authentication_required']);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const unknown = await call('GET', '/authz/forward-auth', c.token, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/admin' } });
    expect([unknown.status, unknown.body.code]).toEqual([403, 'permission_denied']);
    const other = await t.world.tenant();
    const foreign = await call('GET', '/authz/forward-auth', c.token, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/resources/v1/orders', 'x-active-tenant-id': other.id } });
    expect([foreign.status, foreign.body.code]).toEqual([403, 'delegation_not_found']);
    const bad = await call('GET', '/authz/forward-auth', c.token);
    expect([bad.status, bad.body.code]).toEqual([400, 'forward_auth_request_invalid']);
  });
});

describe('DPoP-bound tokens (RFC 9449)', () => {
  it('are honoured with a proof by their key, refused as plain Bearer, and a proof is good once', async () => {
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const config = await oidcClient(t, w.clientId, w.secret);
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const dpop = oidc.getDPoPHandle(config, keyPair);
    const token = (await oidc.clientCredentialsGrant(config, { scope: 'orders.read' }, { DPoP: dpop })).access_token;
    const url = new URL(`${t.url}/resources/v1/orders`);
    const ok = await oidc.fetchProtectedResource(config, token, url, 'GET', undefined, undefined, { DPoP: dpop });
    expect(ok.status).toBe(200);

    const bearer = await call('GET', '/resources/v1/orders', token);
    expect([bearer.status, bearer.body.code]).toEqual([401, 'invalid_token']);
    expect(bearer.body.detail).toMatch(/DPoP/);

    // Replay the proof the client library just sent.
    let proof = '';
    config[oidc.customFetch] = (u: string, init: oidc.CustomFetchOptions) => {
      proof = init.headers.dpop ?? '';
      return fetch(u, init as RequestInit);
    };
    expect((await oidc.fetchProtectedResource(config, token, url, 'GET', undefined, undefined, { DPoP: dpop })).status).toBe(200);
    expect(proof).toMatch(/^ey/);
    const replayed = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { detail: string }).detail).toMatch(/already used/);

    // A proof made for another URL does not carry over.
    const other = await fetch(`${t.url}/resources/v1/context`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(other.status).toBe(401);
  });
});

describe('DPoP through forward-auth', () => {
  it('checks the proof against the URL the client called at the proxy in front (X-Forwarded-Proto/Host/Uri)', async () => {
    const { SignJWT, exportJWK } = await import('jose');
    const { createHash, randomUUID } = await import('node:crypto');
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const config = await oidcClient(t, w.clientId, w.secret);
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const token = (await oidc.clientCredentialsGrant(config, { scope: 'orders.read' }, { DPoP: oidc.getDPoPHandle(config, keyPair) })).access_token;
    const jwk = await exportJWK(keyPair.publicKey);
    const proofFor = (htu: string) =>
      new SignJWT({ htm: 'GET', htu, jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(keyPair.privateKey);
    const check = async (proof: string) =>
      fetch(`${t.url}/authz/forward-auth`, {
        headers: {
          authorization: `DPoP ${token}`,
          dpop: proof,
          'x-forwarded-method': 'GET',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'api.partner-edge.example',
          'x-forwarded-uri': '/resources/v1/orders',
        },
      });
    expect((await check(await proofFor('https://api.partner-edge.example/resources/v1/orders'))).status).toBe(200);
    // a proof for the gateway's own URL is not a proof for the URL the client called
    const wrong = await check(await proofFor(`${t.url}/resources/v1/orders`));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('invalid_token');
  });
});
