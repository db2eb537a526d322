/**
 * Every gateway refusal of a partner's access token, with tokens the real authorization server
 * issued over HTTP (openid-client, PKCE, the sign-in and consent pages) — not minted by the test:
 * the customer's admin consents on the consent screen (sharing one of its two BANs) or an MSP
 * staff member signs in to the partner's own app, and the change that causes the refusal is made
 * through the API the way the tenant admin, the partner or the operator makes it. Each refusal is
 * RFC 9457 problem+json with its code, on the very next request after the API answered the change
 * — on the same instance, with nothing awaited in between (the product's promise: revoking, expiring or
 * suspending anything on the chain "takes effect on the very next request"; the spread to other
 * instances is multi-instance.test.ts's). Each case builds its own world; the two that need other
 * settings (a clock moved forward, a per-partner rate limit) start an app of their own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { buildApp } from '../../../src/app/build-app.ts';
import type { Clock } from '../../../src/platform/clock.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { REDIS_URL, type TestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { World, type TestTenant, type TestUser } from '../../helpers/world.ts';
import { authorizeViaHttp, CALLBACK, customer, decodeJwt, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import { activeLink } from '../delegations/helpers.ts';
import { loginAs } from './helpers.ts';

const DAY_MS = 86_400_000;
const APP_SCOPES = ['openid', 'orders.read', 'orders.create', 'billing.invoices.read', 'support.tickets.read'];

let t: OAuthTestApp;
/** apps a case starts for itself (other settings), closed after it */
const own: OAuthTestApp[] = [];

beforeAll(async () => {
  t = await startOAuthApp();
});
afterEach(async () => {
  while (own.length) await own.pop()!.close();
});
afterAll(() => t?.close());

const asTest = (x: OAuthTestApp) => x as unknown as TestApp;

interface Answer {
  status: number;
  headers: Headers;
  body: { code?: string; status?: number; type?: string; request_id?: string; retry_after?: number; detail?: string; [k: string]: unknown };
}

/** A request through the gateway over real HTTP. */
async function call(x: OAuthTestApp, method: string, path: string, token: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${x.url}${path}`, { method, headers, body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined });
  const text = await res.text();
  const body = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : { text };
  return { status: res.status, headers: res.headers, body };
}

function expectProblem(r: Answer, status: number, code: string) {
  expect([r.status, r.body.code], JSON.stringify(r.body)).toEqual([status, code]);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body.status).toBe(status);
  expect(r.body.type).toMatch(/^https:\/\/partnergate\.dev\/problems\//);
  expect(r.body.request_id).toBeTruthy();
}

interface Consent {
  app: RegisteredApp;
  tenant: TestTenant;
  config: oidc.Configuration;
  tokens: oidc.TokenEndpointResponse;
  token: string;
  delegationId: string;
}

/**
 * The customer's admin connects a partner's app on the consent screen, sharing only its first BAN
 * (billed to it), for `days` days; the app redeems the code. A new partner, app and tenant each time.
 */
async function consentToken(x: OAuthTestApp, o: { scope?: string; days?: number; app?: RegisteredApp } = {}): Promise<Consent> {
  const app = o.app ?? (await partnerWithApp(x, { scopes: APP_SCOPES }));
  const tenant = await customer(x);
  const config = await oidcClient(x, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: o.scope ?? 'openid orders.read orders.create billing.invoices.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(x, url, tenant.admin, { banIds: [tenant.bans[0].id], billTo: tenant.bans[0].id, days: o.days ?? 90 });
  const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  const claims = decodeJwt(tokens.access_token).payload;
  expect(claims).toMatchObject({ partner_id: app.partner.id, tenant_id: tenant.id, persona: 'partner', client_id: app.clientId });
  return { app, tenant, config, tokens, token: tokens.access_token, delegationId: String(claims.dlg) };
}

/** An MSP staff member signs in to the partner's own app (no customer consent: persona msp, no dlg). */
async function mspUserToken(x: OAuthTestApp, app: RegisteredApp, user: TestUser, scope = 'openid orders.read orders.create'): Promise<string> {
  const config = await oidcClient(x, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(x, url, user);
  const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  expect(decodeJwt(tokens.access_token).payload).toMatchObject({ persona: 'msp', sub: user.id, partner_id: app.partner.id });
  expect(decodeJwt(tokens.access_token).payload).not.toHaveProperty('dlg');
  return tokens.access_token;
}

async function operator(x: OAuthTestApp) {
  return loginAs(asTest(x), await x.world.operator());
}

/**
 * The operator changes a setting and restarts the process on the same database and port (what
 * `RATE_LIMITS` with a `<partner_id>:<class>` key takes: the partner must exist first).
 */
async function restartWith(x: OAuthTestApp, settings: Record<string, string>): Promise<void> {
  await x.app.close();
  const useRedis = !!process.env.REDIS_URL;
  const config = testConfig({ PUBLIC_URL: x.url, ...(useRedis ? { REDIS_URL } : {}), ...settings }, x.testDb.dataDir);
  x.app = await buildApp({ config, db: x.testDb.db, redis: useRedis ? redisFactory(REDIS_URL) : null, logger: false });
  await x.app.listen({ port: Number(new URL(x.url).port), host: '127.0.0.1' });
  x.services = x.app.services;
  x.world = new World(x.app);
  x.config = config;
}

describe('delegation state', () => {
  it('403 delegation_revoked once the tenant admin revokes the consent delegation under "Partners with access"', async () => {
    const c = await consentToken(t);
    expect((await call(t, 'GET', '/resources/v1/orders', c.token)).status).toBe(200);
    const admin = await loginAs(asTest(t), c.tenant.admin);
    const r = await admin.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.delegationId}/revoke`, { reason: 'we no longer work with them' });
    expect([r.status, r.body.status]).toEqual([200, 'revoked']);
    // This route revokes the delegation only (README "Delegations": either side revokes, any
    // origin); the grant behind the token stays, so the token is still a valid token and the
    // live decision refuses it for its delegation.
    const after = await call(t, 'GET', '/resources/v1/orders', c.token);
    expectProblem(after, 403, 'delegation_revoked');
    expect(after.body.detail).toBe('The delegation was revoked.');
  });

  it('401 invalid_token once the customer disconnects the app under "Connected partners" (the grant ends with the consent)', async () => {
    // README "Revocation (RFC 7009)": a grant that ends — "the customer's disconnect" included —
    // goes into the revoked set as grant:<gid>, and every access token naming it is refused as a
    // revoked token (401 invalid_token) before the delegation is even looked at; README "Consent":
    // "any access token carrying that delegation is refused at its next check".
    const c = await consentToken(t);
    expect((await call(t, 'GET', '/resources/v1/orders', c.token)).status).toBe(200);
    const admin = await loginAs(asTest(t), c.tenant.admin);
    expect((await admin.post(`/api/v1/tenants/${c.tenant.id}/connected-apps/${c.delegationId}/revoke`, { reason: 'switching provider' })).status).toBe(204);
    const after = await call(t, 'GET', '/resources/v1/orders', c.token);
    expectProblem(after, 401, 'invalid_token');
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer realm="partnergate", error="invalid_token"/);
  });

  it('the token of a one-day consent dies with it: it expires no later than the consent, and is refused once the consent has passed', async () => {
    // Real time, moved forward at will: the consent and the token are both issued on it.
    let offsetMs = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offsetMs), nowMs: () => Date.now() + offsetMs };
    // Access tokens may live a day here, longer than what is left of a one-day consent: they get no more than that.
    const x = await startOAuthApp({ clock, config: { ACCESS_TOKEN_TTL: '86400' } });
    own.push(x);
    const c = await consentToken(x, { days: 1 });
    const { exp } = decodeJwt(c.token).payload as { exp: number };
    const d = await x.testDb.db.kysely.selectFrom('delegations').select('ends_at').where('id', '=', c.delegationId).executeTakeFirstOrThrow();
    expect(exp * 1000).toBeLessThanOrEqual(Date.parse(d.ends_at));
    expect((await call(x, 'GET', '/resources/v1/orders', c.token)).status).toBe(200);
    // The consent ends 1 day − 60 s after approval; 1 day − 30 s later it is over, and so is its token.
    offsetMs = DAY_MS - 30_000;
    const refused = await call(x, 'GET', '/resources/v1/orders', c.token);
    expectProblem(refused, 401, 'invalid_token');
    expect(refused.body.detail).toMatch(/expired/);
  });
});

describe('partner state', () => {
  it('403 partner_inactive once the operator suspends the partner', async () => {
    const c = await consentToken(t);
    expect((await call(t, 'GET', '/resources/v1/orders', c.token)).status).toBe(200);
    const op = await operator(t);
    expect((await op.post(`/api/v1/partners/${c.app.partner.id}/suspend`, { reason: 'contract review' })).status).toBe(200);
    expectProblem(await call(t, 'GET', '/resources/v1/orders', c.token), 403, 'partner_inactive');
  });

  it("403 feature_disabled once the operator turns off the feature covering the route's permission (and only that)", async () => {
    const c = await consentToken(t);
    expect((await call(t, 'GET', '/resources/v1/orders', c.token)).status).toBe(200);
    const op = await operator(t);
    const r = await op.patch(`/api/v1/partners/${c.app.partner.id}/feature-toggles`, { feature_toggles: { orders: false } });
    expect(r.status).toBe(200);
    const refused = await call(t, 'GET', '/resources/v1/orders', c.token);
    expectProblem(refused, 403, 'feature_disabled');
    expect(refused.body.detail).toMatch(/orders/);
    expectProblem(await call(t, 'POST', '/resources/v1/orders', c.token, { body: { product_code: 'FIBER-1G' } }), 403, 'feature_disabled');
    // invoices (billing.invoices.read) are not behind the orders toggle
    expect((await call(t, 'GET', '/resources/v1/invoices', c.token)).status).toBe(200);
  });
});

describe('accounts and scopes', () => {
  it('403 ban_not_covered for ?ban= of an account the consent did not share', async () => {
    const c = await consentToken(t);
    expect((await call(t, 'GET', `/resources/v1/invoices?ban=${c.tenant.bans[0].account_number}`, c.token)).status).toBe(200);
    for (const ban of [c.tenant.bans[1].account_number, c.tenant.bans[1].id]) {
      expectProblem(await call(t, 'GET', `/resources/v1/invoices?ban=${ban}`, c.token), 403, 'ban_not_covered');
    }
  });

  it("403 scope_insufficient on a route whose permission the token's scopes lack, with error=\"insufficient_scope\"", async () => {
    // The customer consented to reading and placing orders; the app refreshes for a token that
    // may only read (RFC 6749 §6: a narrower scope on refresh).
    const c = await consentToken(t, { scope: 'openid orders.read orders.create' });
    expect((await call(t, 'POST', '/resources/v1/orders', c.token, { body: { product_code: 'FIBER-1G' } })).status).toBe(201);
    const narrow = await oidc.refreshTokenGrant(c.config, c.tokens.refresh_token!, { scope: 'orders.read' });
    expect(decodeJwt(narrow.access_token).payload.scope).toBe('orders.read');
    expect((await call(t, 'GET', '/resources/v1/orders', narrow.access_token)).status).toBe(200);
    const r = await call(t, 'POST', '/resources/v1/orders', narrow.access_token, { body: { product_code: 'FIBER-1G' } });
    expectProblem(r, 403, 'scope_insufficient');
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="partnergate", error="insufficient_scope", scope="orders.create"');
  });
});

describe('rate limits', () => {
  it("429 rate_limited past a low RATE_LIMITS setting for the app's partner, with Retry-After and RateLimit headers; another partner keeps the default", async () => {
    const x = await startOAuthApp();
    own.push(x);
    const app = await partnerWithApp(x, { scopes: APP_SCOPES });
    const other = await partnerWithApp(x, { scopes: APP_SCOPES });
    await restartWith(x, { RATE_LIMITS: JSON.stringify({ [`${app.partner.id}:read`]: 3 }) });
    const c = await consentToken(x, { app });
    for (let i = 0; i < 3; i++) {
      const r = await call(x, 'GET', '/resources/v1/orders', c.token);
      expect(r.status, `request ${i + 1}`).toBe(200);
      expect(r.headers.get('ratelimit-policy')).toBe('"read";q=3;w=60');
      expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"read";r=${2 - i};t=\\d+$`));
    }
    const r = await call(x, 'GET', '/resources/v1/orders', c.token);
    expectProblem(r, 429, 'rate_limited');
    const retry = Number(r.headers.get('retry-after'));
    expect(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${r.headers.get('retry-after')}`).toBe(true);
    expect(r.body.retry_after).toBe(retry);
    expect(r.headers.get('ratelimit-policy')).toBe('"read";q=3;w=60');
    expect(r.headers.get('ratelimit')).toBe(`"read";r=0;t=${retry}`);
    // the setting names one partner: another partner's token has the default read limit
    const o = await consentToken(x, { app: other });
    for (let i = 0; i < 4; i++) expect((await call(x, 'GET', '/resources/v1/orders', o.token)).status).toBe(200);
    expect((await call(x, 'GET', '/resources/v1/orders', o.token)).headers.get('ratelimit-policy')).toBe('"read";q=500;w=60');
  });
});

describe('the token itself', () => {
  it('401 invalid_token for a tampered token, with WWW-Authenticate error="invalid_token"', async () => {
    const c = await consentToken(t);
    const other = await customer(t);
    expect((await call(t, 'GET', '/resources/v1/orders', c.token)).status).toBe(200);
    const [h, p, s] = c.token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = [
      // a claim changed: another tenant, all of its accounts
      `${h}.${Buffer.from(JSON.stringify({ ...claims, tenant_id: other.id, customer_ban: other.bans.map((b) => b.account_number) })).toString('base64url')}.${s}`,
      // a wider scope
      `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: `${claims.scope} orders.cancel` })).toString('base64url')}.${s}`,
      // the signature altered
      `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    ];
    for (const token of tampered) {
      const r = await call(t, 'GET', '/resources/v1/orders', token);
      expectProblem(r, 401, 'invalid_token');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="partnergate", error="invalid_token"/);
    }
    // the genuine token is untouched by it
    expect((await call(t, 'GET', '/resources/v1/orders', c.token)).status).toBe(200);
  });
});

describe('MSP link approver (an MSP user with X-Active-Tenant-Id)', () => {
  /** A tenant whose admin approved the MSP's link over HTTP, with a second admin; the MSP staff member's token. */
  async function mspWorld() {
    const app = await partnerWithApp(t, { capabilities: ['managed_services'], name: 'MSP Console', scopes: APP_SCOPES });
    const tenant = await t.world.tenant();
    const approver = await loginAs(asTest(t), tenant.admin);
    // a second tenant admin (the world's tenant user, promoted) who stays
    expect((await approver.patch(`/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { role: 'TENANT_ADMIN' })).status).toBe(204);
    const other = await loginAs(asTest(t), tenant.user);
    const owner = await loginAs(asTest(t), app.partner.owner);
    const linkId = await activeLink(owner, approver, app.partner.id, tenant);
    const token = await mspUserToken(t, app, app.partner.staff);
    const ctx = () => call(t, 'GET', '/resources/v1/context', token, { headers: { 'x-active-tenant-id': tenant.id } });
    const ok = await ctx();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tenant_id: tenant.id, delegation_id: linkId, persona: 'msp', user_id: app.partner.staff.id });
    return { app, tenant, other, linkId, token, ctx };
  }

  it('403 delegation_approver_inactive once the approving admin is demoted; allowed again after another admin confirms', async () => {
    const w = await mspWorld();
    expect((await w.other.patch(`/api/v1/tenants/${w.tenant.id}/members/${w.tenant.admin.id}`, { role: 'TENANT_USER' })).status).toBe(204);
    const refused = await w.ctx();
    expectProblem(refused, 403, 'delegation_approver_inactive');
    expect(refused.body.detail).toMatch(/no longer an active admin/);
    expectProblem(await call(t, 'POST', '/resources/v1/orders', w.token, { headers: { 'x-active-tenant-id': w.tenant.id }, body: { product_code: 'FIBER-1G' } }), 403, 'delegation_approver_inactive');
    expect((await w.other.post(`/api/v1/tenants/${w.tenant.id}/delegations/${w.linkId}/confirm`, {})).status).toBe(200);
    expect((await w.ctx()).status).toBe(200);
  });

  it('403 delegation_approver_inactive once the approving admin is removed from the tenant', async () => {
    const w = await mspWorld();
    expect((await w.other.delete(`/api/v1/tenants/${w.tenant.id}/members/${w.tenant.admin.id}`)).status).toBe(204);
    expectProblem(await w.ctx(), 403, 'delegation_approver_inactive');
  });
});
