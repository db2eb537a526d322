/**
 * RFC 9700 security profile, rule by rule, each refusal asserted by its OAuth error code:
 * PKCE required and S256 only, exact redirect URIs, one-time codes bound to their client and
 * short-lived, compare-and-set redemption under concurrency, client authentication, no implicit or
 * password grant, refresh rotation with reuse detection (throttling of failed client
 * authentication: throttle.test.ts). Both databases; the sign-in and consent are driven over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { CALLBACK, authorizeViaHttp, customer, introspect, oidcClient, partnerWithApp, pkce, startOAuthApp, tokenRequest, UserAgent, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let app: RegisteredApp;
let other: RegisteredApp;
let tenant: TestTenant;
let config: oidc.Configuration;

beforeAll(async () => {
  t = await startOAuthApp();
  app = await partnerWithApp(t);
  other = await partnerWithApp(t, { name: 'Another app' });
  tenant = await customer(t);
  config = await oidcClient(t, app.clientId, app.secret);
});
afterAll(async () => {
  await t?.close();
});

function authUrl(params: Record<string, string>): URL {
  const u = new URL(`${t.issuer}/auth`);
  for (const [k, v] of Object.entries({ client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'orders.read', ...params })) if (v !== '') u.searchParams.set(k, v);
  return u;
}

/** An authorization code for `app` (or another), with its PKCE verifier. */
async function code(forApp: RegisteredApp = app, scope = 'openid orders.read'): Promise<{ code: string; verifier: string; callback: URL }> {
  const p = await pkce();
  const url = new URL(`${t.issuer}/auth`);
  url.search = new URLSearchParams({ client_id: forApp.clientId, response_type: 'code', redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }).toString();
  const callback = await authorizeViaHttp(t, url, tenant.admin);
  const c = callback.searchParams.get('code');
  if (!c) throw new Error(`no code: ${callback.href}`);
  return { code: c, verifier: p.verifier, callback };
}

function exchange(auth: RegisteredApp, c: { code: string; verifier: string }, over: Record<string, string> = {}) {
  return tokenRequest(t, auth, { grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, redirect_uri: CALLBACK, ...over });
}

describe('authorization endpoint', () => {
  it('refuses a request without PKCE (invalid_request, sent back to the app)', async () => {
    const r = await new UserAgent().request(authUrl({ state: 's1' }).href);
    expect(r.status).toBe(303);
    const back = new URL(r.location!);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
    // RFC 9207: the error response names the issuer too
    expect(back.searchParams.get('iss')).toBe(t.issuer);
  });

  it('refuses plain PKCE (invalid_request)', async () => {
    const r = await new UserAgent().request(authUrl({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain', state: 's2' }).href);
    const back = new URL(r.location!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/code_challenge_method/);
  });

  it('refuses a redirect URI that differs by one character, without redirecting to it', async () => {
    const p = await pkce();
    const wrong = CALLBACK.replace(/k$/, 'x');
    const res = await fetch(authUrl({ redirect_uri: wrong, code_challenge: p.challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    // Never sent to an unregistered URI: the error is shown on our own page.
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).toContain('<code>invalid_redirect_uri</code>');
  });

  it('has no implicit flow (unsupported_response_type)', async () => {
    const p = await pkce();
    const r = await new UserAgent().request(authUrl({ response_type: 'token', code_challenge: p.challenge, code_challenge_method: 'S256', state: 's3' }).href);
    const back = new URL(r.location!);
    expect(back.searchParams.get('error') ?? new URLSearchParams(back.hash.slice(1)).get('error')).toBe('unsupported_response_type');
  });

  it('accepts pushed authorization requests (RFC 9126) and finishes the flow from the request_uri', async () => {
    const p = await pkce();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const callback = await authorizeViaHttp(t, url, tenant.admin);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    expect(tokens.access_token).toBeTruthy();
  });
});

describe('token endpoint', () => {
  it('refuses a code redeemed without its PKCE verifier (invalid_grant)', async () => {
    const c = await code();
    const r = await exchange(app, { code: c.code, verifier: 'x'.repeat(43) });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri that differs by one character at the token endpoint (invalid_grant)', async () => {
    const c = await code();
    const r = await exchange(app, c, { redirect_uri: CALLBACK + '/' });
    expect(r.body.error).toBe('invalid_grant');
  });

  it('redeems a code once; a second redemption fails and revokes what the first issued', async () => {
    const c = await code();
    const first = await exchange(app, c);
    expect(first.status).toBe(200);
    const second = await exchange(app, c);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    const refresh = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) });
    expect(refresh.body.error).toBe('invalid_grant');
    const intro = await introspect(t, app, String(first.body.access_token));
    expect(intro.body.active).toBe(false);
  });

  it('lets exactly one of two parallel redemptions of one code succeed', async () => {
    const c = await code();
    const results = await Promise.all([exchange(app, c), exchange(app, c), exchange(app, c)]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r.body.error).toBe('invalid_grant');
  });

  it('refuses a code issued to another client (invalid_grant)', async () => {
    const c = await code(app);
    const r = await exchange(other, c);
    expect(r.body.error).toBe('invalid_grant');
  });

  it('refuses an expired code (invalid_grant)', async () => {
    const c = await code();
    // Age the stored code past its 60-second lifetime.
    const past = new Date(Date.now() - 120_000);
    // the code is stored under its keyed hash
    const id = t.services.oauth.store.storedId('AuthorizationCode', c.code);
    const row = await t.testDb.db.kysely.selectFrom('oauth_store').select(['id', 'payload']).where('model', '=', 'AuthorizationCode').where('id', '=', id).executeTakeFirstOrThrow();
    const payload = { ...JSON.parse(row.payload), exp: Math.floor(past.getTime() / 1000) };
    await t.testDb.db.kysely.updateTable('oauth_store').set({ payload: JSON.stringify(payload), expires_at: past.toISOString() }).where('model', '=', 'AuthorizationCode').where('id', '=', id).execute();
    const r = await exchange(app, c);
    expect(r.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong client secret (invalid_client, 401)', async () => {
    const r = await tokenRequest(t, { clientId: app.clientId, secret: app.secret.slice(0, -1) + (app.secret.endsWith('A') ? 'B' : 'A') }, { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
  });

  it('authenticates the secret in the body as well (client_secret_post), then judges the grant', async () => {
    const r = await tokenRequest(t, null, { grant_type: 'refresh_token', refresh_token: 'x', client_id: app.clientId, client_secret: app.secret });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
    const wrong = await tokenRequest(t, null, { grant_type: 'refresh_token', refresh_token: 'x', client_id: app.clientId, client_secret: app.secret + 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('has no password grant (unsupported_grant_type)', async () => {
    const r = await tokenRequest(t, app, { grant_type: 'password', username: tenant.admin.email, password: tenant.admin.password });
    expect(r.body.error).toBe('unsupported_grant_type');
  });

  it('refuses client credentials to an app not registered for them', async () => {
    const r = await tokenRequest(t, app, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('unauthorized_client');
  });
});

describe('refresh tokens', () => {
  it('rotate on every use; reusing an old one revokes the whole family and the consent', async () => {
    const c = await code();
    const first = await exchange(app, c);
    const rt1 = String(first.body.refresh_token);
    const second = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: rt1 });
    expect(second.status).toBe(200);
    const rt2 = String(second.body.refresh_token);
    expect(rt2).not.toBe(rt1);
    const reuse = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: rt1 });
    expect(reuse.body.error).toBe('invalid_grant');
    const afterReuse = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: rt2 });
    expect(afterReuse.body.error).toBe('invalid_grant');
    const intro = await introspect(t, app, String(second.body.access_token));
    expect(intro.body).toEqual({ active: false });
  });

  it('lets exactly one of two parallel refreshes of one token succeed', async () => {
    const c = await code();
    const first = await exchange(app, c);
    const rt = String(first.body.refresh_token);
    const results = await Promise.all([1, 2, 3].map(() => tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: rt })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r.body.error).toBe('invalid_grant');
  });

  it("refuses another client's refresh token (invalid_grant)", async () => {
    const c = await code();
    const first = await exchange(app, c);
    const r = await tokenRequest(t, other, { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) });
    expect(r.body.error).toBe('invalid_grant');
  });
});

describe('the consent form', () => {
  it("cannot plant a denial in the audit log of a tenant the user does not administer", async () => {
    const victim = await customer(t);
    const events = (tenantId: string) => t.services.audit.list({ tenantId, action: 'oauth.consent_denied', limit: 10 });
    const deny = async (tenantId?: string) => {
      const p = await pkce();
      const back = await authorizeViaHttp(t, authUrl({ code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }), tenant.admin, { decision: 'deny', tenantId });
      expect(back.searchParams.get('error')).toBe('access_denied');
    };
    // the form names another tenant: the denial is recorded, but not in that tenant's log
    await deny(victim.id);
    expect((await events(victim.id)).data).toEqual([]);
    // the admin's own tenant, as the page offers it: recorded there
    const before = (await events(tenant.id)).data.length;
    await deny();
    expect((await events(tenant.id)).data).toHaveLength(before + 1);
  });
});
