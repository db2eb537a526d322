/**
 * The authorization server's other endpoints and rules, over HTTP:
 *  - RFC 8414 metadata at the root and in the path-inserted form (RFC 8414 §3.1), and OIDC
 *    discovery: issuer, endpoints, S256 only, no implicit or password grant;
 *  - RP-initiated logout (end-session): the customer's Partnergate session at the authorization
 *    server ends, the next authorization asks for the password again;
 *  - DPoP (RFC 9449) through the authorization-code and refresh grants, driven by openid-client:
 *    the access token carries cnf.jkt, the gateway wants a proof by that key, and refreshing needs
 *    a proof by the same key;
 *  - sign-in throttling on the interaction pages: the N+1th wrong password is throttled and so is
 *    the right one, until the window passes;
 *  - suspending a delegated partner: its refresh fails, its tokens introspect inactive, the
 *    gateway refuses them;
 *  - introspection of an expired access token (a manual clock moves past its exp).
 * Both databases.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { ManualClock } from '../../../src/platform/clock.ts';
import { CALLBACK, authorizeViaHttp, customer, decodeJwt, formValue, introspect, oidcClient, partnerWithApp, pkce, startOAuthApp, tokenRequest, UserAgent, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

const LOGIN_MAX_ATTEMPTS = 3;
const LOGIN_WINDOW_SEC = 2;

let t: OAuthTestApp;
let app: RegisteredApp;
let tenant: TestTenant;
let config: oidc.Configuration;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  t = await startOAuthApp({ clock, config: { LOGIN_MAX_ATTEMPTS: String(LOGIN_MAX_ATTEMPTS), LOGIN_WINDOW: String(LOGIN_WINDOW_SEC) } });
  app = await partnerWithApp(t, { name: 'Protocol app' });
  tenant = await customer(t);
  config = await oidcClient(t, app.clientId, app.secret);
});
afterAll(async () => {
  await t?.close();
});
// The manual clock follows real time, except where a test moves it.
beforeEach(() => clock.set(Date.now()));

function authorizationUrl(scope = 'openid orders.read', extra: Record<string, string> = {}) {
  return pkce().then((p) => ({ p, url: oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state, ...extra }) }));
}

describe('discovery', () => {
  const endpoints = (issuer: string) => ({
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    introspection_endpoint: `${issuer}/token/introspection`,
    revocation_endpoint: `${issuer}/token/revocation`,
    pushed_authorization_request_endpoint: `${issuer}/request`,
    end_session_endpoint: `${issuer}/session/end`,
    userinfo_endpoint: `${issuer}/me`,
  });

  it('serves RFC 8414 metadata at the root and in the path-inserted form, and OIDC discovery under the issuer', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/oauth', '/oauth/.well-known/openid-configuration', '/.well-known/openid-configuration']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      const m = (await res.json()) as Record<string, unknown>;
      expect(m, path).toMatchObject(endpoints(t.issuer));
      expect(m.code_challenge_methods_supported, path).toEqual(['S256']);
      expect(m.response_types_supported, path).toEqual(['code']);
      const grants = m.grant_types_supported as string[];
      expect(grants, path).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange']));
      expect(grants, path).not.toContain('implicit');
      expect(grants, path).not.toContain('password');
      expect(m.token_endpoint_auth_methods_supported, path).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
      expect(m.authorization_response_iss_parameter_supported, path).toBe(true);
      expect(m.dpop_signing_alg_values_supported, path).toEqual(expect.arrayContaining(['ES256']));
    }
  });

  it('is what openid-client discovers from the issuer', async () => {
    const m = config.serverMetadata();
    expect(m.issuer).toBe(t.issuer);
    expect(m.code_challenge_methods_supported).toEqual(['S256']);
  });
});

describe('end-session (RP-initiated logout)', () => {
  it("ends the customer's session at the authorization server after confirmation", async () => {
    const ua = new UserAgent();
    const first = await authorizationUrl();
    const cb = await authorizeViaHttp(t, first.url, tenant.admin, {}, ua);
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: first.p.verifier, expectedState: first.p.state });

    // Signed in: a second authorization skips the password and goes straight to consent.
    const again = await authorizationUrl();
    let page = await ua.request(again.url.href);
    while (page.status === 302 || page.status === 303) page = await ua.request(page.location!);
    expect(page.body).toContain('name="ban_ids"');
    expect(page.body).not.toContain('name="password"');

    const end = await ua.request(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).href);
    expect(end.status).toBe(200);
    expect(end.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(end.body).toContain('Sign out of Partnergate?');
    const xsrf = formValue(end.body, 'xsrf');
    expect(xsrf).toBeTruthy();
    const confirmed = await ua.request(`${t.issuer}/session/end/confirm`, { form: { xsrf: xsrf!, logout: 'yes' } });
    expect([302, 303]).toContain(confirmed.status);
    const done = await ua.request(confirmed.location!);
    expect(done.status).toBe(200);
    expect(done.body).toContain('You are signed out');

    // Signed out: the next authorization asks for the password again.
    const after = await authorizationUrl();
    page = await ua.request(after.url.href);
    while (page.status === 302 || page.status === 303) page = await ua.request(page.location!);
    expect(page.body).toContain('name="password"');
  });

  it('refuses a confirmation without the form token', async () => {
    const ua = new UserAgent();
    const r = await ua.request(`${t.issuer}/session/end/confirm`, { form: { logout: 'yes' } });
    expect(r.status).toBe(400);
    expect(r.body).toContain('invalid_request');
  });
});

describe('DPoP (RFC 9449) in the authorization-code and refresh grants', () => {
  it('binds the access token and the refresh token to the key; the gateway and the refresh need proofs by it', async () => {
    const key = await oidc.randomDPoPKeyPair('ES256');
    const DPoP = oidc.getDPoPHandle(config, key);
    const jkt = await calculateJwkThumbprint(await exportJWK(key.publicKey));

    const { p, url } = await authorizationUrl('orders.read', { dpop_jkt: jkt });
    const cb = await authorizeViaHttp(t, url, tenant.admin);
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state }, undefined, { DPoP });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    expect(decodeJwt(tokens.access_token).payload.cnf).toEqual({ jkt });
    expect((await introspect(t, app, tokens.access_token)).body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } });

    // The gateway wants the DPoP scheme and a proof by that key.
    const resource = new URL(`${t.url}/resources/v1/orders`);
    const ok = await oidc.fetchProtectedResource(config, tokens.access_token, resource, 'GET', undefined, undefined, { DPoP });
    expect(ok.status).toBe(200);
    const bearer = await fetch(resource, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(bearer.status).toBe(401);
    expect(((await bearer.json()) as { code: string }).code).toBe('invalid_token');
    const otherKey = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    // A proof by another key (someone holding a copy of the token, not the key): 401 invalid_token.
    const stolen = await oidc.fetchProtectedResource(config, tokens.access_token, resource, 'GET', undefined, undefined, { DPoP: otherKey }).catch((e: unknown) => e);
    expect(stolen).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    expect((stolen as oidc.WWWAuthenticateChallengeError).response.status).toBe(401);
    expect((stolen as oidc.WWWAuthenticateChallengeError).cause[0]).toMatchObject({ scheme: 'dpop', parameters: { error: 'invalid_token' } });

    // Refreshing needs a proof by the same key: another key or none is refused (and the token is not spent)…
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: otherKey })).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // …the same key gets a new key-bound access token, and the rotated refresh token stays bound.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    expect(refreshed.token_type.toLowerCase()).toBe('dpop');
    expect(decodeJwt(refreshed.access_token).payload.cnf).toEqual({ jkt });
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await introspect(t, app, refreshed.refresh_token!)).body).toMatchObject({ active: true, cnf: { jkt } });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!, undefined, { DPoP: otherKey })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code exchange whose proof is not by the key named in dpop_jkt', async () => {
    const key = await oidc.randomDPoPKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(key.publicKey));
    const { p, url } = await authorizationUrl('orders.read', { dpop_jkt: jkt });
    const cb = await authorizeViaHttp(t, url, tenant.admin);
    const other = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    await expect(oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state }, undefined, { DPoP: other })).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('sign-in throttling on the interaction pages', () => {
  it(`throttles after ${LOGIN_MAX_ATTEMPTS} wrong passwords, the right one too, until the window passes`, async () => {
    const victim = await customer(t);
    const ua = new UserAgent();
    const { url } = await authorizationUrl();
    let page = await ua.request(url.href);
    while (page.status === 302 || page.status === 303) page = await ua.request(page.location!);
    expect(page.body).toContain('name="password"');
    const loginUrl = new URL(/action="([^"]+\/login)"/.exec(page.body)![1], t.url).href;
    const csrf = formValue(page.body, 'csrf')!;
    const attempt = (password: string) => ua.request(loginUrl, { form: { csrf, email: victim.admin.email, password } });

    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) {
      const wrong = await attempt(`wrong-${i}`);
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatch(/email or password/i);
    }
    const throttled = await attempt('wrong-again');
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatch(/Too many failed logins/);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await attempt(victim.admin.password);
    expect(right.status).toBe(429);
    expect(right.body).toMatch(/Too many failed logins/);

    // failures are counted on the app's clock, like every other limit
    clock.advance(LOGIN_WINDOW_SEC * 1000);
    const after = await attempt(victim.admin.password);
    expect(after.status).toBe(303);
    expect(after.location).toContain('/oauth/auth/');
  });
});

describe('suspending a delegated partner', () => {
  it('fails its refresh, makes its tokens introspect inactive and the gateway refuse them; reactivation restores them', async () => {
    const partnerApp = await partnerWithApp(t, { name: 'Suspended app' });
    const pc = await oidcClient(t, partnerApp.clientId, partnerApp.secret);
    const p = await pkce();
    const cb = await authorizeViaHttp(t, oidc.buildAuthorizationUrl(pc, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }), tenant.admin);
    const tokens = await oidc.authorizationCodeGrant(pc, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const gateway = () => fetch(`${t.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await gateway()).status).toBe(200);

    const operator = await (await t.world.operator()).login();
    const suspend = await operator.post(`/api/v1/partners/${partnerApp.partner.id}/suspend`, { reason: 'compliance review' });
    expect(suspend.status).toBe(200);

    // The app no longer authenticates: its refresh fails, and so does its own introspection call.
    const refresh = await tokenRequest(t, partnerApp, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error).toBe('invalid_client');
    const asked = await introspect(t, partnerApp, tokens.access_token);
    expect(asked.status).toBe(401);
    expect(asked.body.error).toBe('invalid_client');
    // Its tokens are inactive (what introspection answers for them once a client may ask again)…
    expect(await t.services.oauth.introspectJwt(tokens.access_token, partnerApp.clientId)).toEqual({ active: false });
    // …and the gateway refuses them on the next request.
    const refused = await gateway();
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('partner_inactive');

    // Suspension is not an end: reactivated, the consent (still active) works again.
    expect((await operator.post(`/api/v1/partners/${partnerApp.partner.id}/reactivate`, {})).status).toBe(200);
    await expect.poll(async () => (await gateway()).status, { timeout: 3000, interval: 50 }).toBe(200);
    expect((await introspect(t, partnerApp, tokens.access_token)).body.active).toBe(true);
    expect((await tokenRequest(t, partnerApp, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).status).toBe(200);
  });
});

describe('introspection of an expired access token', () => {
  it('answers active:false once the token is past its exp (the last test: it moves the clock)', async () => {
    const { p, url } = await authorizationUrl('orders.read');
    const cb = await authorizeViaHttp(t, url, tenant.admin);
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    expect((await introspect(t, app, tokens.access_token)).body.active).toBe(true);
    const exp = decodeJwt(tokens.access_token).payload.exp as number;
    clock.set((exp + 10) * 1000);
    expect((await introspect(t, app, tokens.access_token)).body).toEqual({ active: false });
    const gw = await fetch(`${t.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(gw.status).toBe(401);
    expect(((await gw.json()) as { code: string }).code).toBe('invalid_token');
  });
});
