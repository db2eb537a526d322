/**
 * Stock OAuth/OIDC clients on their defaults against Partnergate: openid-client v6 and
 * oauth4webapi, each given only the issuer, a client id and a secret (plus plain http for the
 * test server; openid-client then sends the secret in the body, and oauth4webapi is given its
 * ClientSecretPost, the method its documentation starts with). Each runs the same steps an
 * integrator would: authorization code + PKCE with the customer's sign-in and consent in a real
 * browser (Chromium), refresh, userinfo, introspection, revocation; client credentials and the
 * RFC 8693 token exchange for a wholesaler; a pushed authorization request (RFC 9126) with
 * DPoP-bound tokens (RFC 9449), whose access token userinfo takes with a proof by the key, once.
 * The server is real, over HTTP, on either database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import * as o4w from 'oauth4webapi';
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { CALLBACK, customer, decodeJwt, partnerWithApp, startOAuthApp, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** a DPoP key pair (WebCrypto) */
type KeyPair = Awaited<ReturnType<typeof oidc.randomDPoPKeyPair>>;

let t: OAuthTestApp;
let browser: Browser;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
  tenant = await customer(t);
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await t?.close();
});

/** The customer admin signs in at Partnergate and approves in Chromium; returns the URL the browser is sent back to. */
async function consentInBrowser(authorizationUrl: URL): Promise<URL> {
  const ctx = await browser.newContext({ locale: 'en-US' });
  ctx.setDefaultTimeout(20_000);
  try {
    const page = await ctx.newPage();
    // The app's redirect URI: the browser lands there with the code; nothing needs to listen.
    await page.route(`${new URL(CALLBACK).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the partner app' }));
    await page.goto(authorizationUrl.href);
    await page.getByLabel('Email').fill(tenant.admin.email);
    await page.getByLabel('Password').fill(tenant.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    return new URL(page.url());
  } finally {
    await ctx.close();
  }
}

interface Tokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  scope?: string;
  issued_token_type?: string;
  /** the ID token's subject, when one came */
  sub?: string;
}

/** One stock client library, given the issuer and an app's credentials, doing the integrator's steps. */
interface StockClient {
  /** Code + PKCE (through PAR when asked, DPoP-bound when `dpop` is given), consent in the browser, code exchange. */
  codeFlow(scope: string, opts?: { par?: boolean; dpop?: KeyPair }): Promise<Tokens>;
  refresh(refreshToken: string, dpop?: KeyPair): Promise<Tokens>;
  userinfo(accessToken: string, sub: string, dpop?: KeyPair): Promise<Record<string, unknown>>;
  introspect(token: string): Promise<Record<string, unknown>>;
  revoke(token: string): Promise<void>;
  clientCredentials(scope: string, dpop?: KeyPair): Promise<Tokens>;
  exchange(subjectToken: string, tenantId: string, scope: string): Promise<Tokens>;
}

async function openidClient(app: RegisteredApp): Promise<StockClient> {
  const config = await oidc.discovery(new URL(t.issuer), app.clientId, app.secret, undefined, { execute: [oidc.allowInsecureRequests] });
  const handle = (key?: KeyPair) => (key ? { DPoP: oidc.getDPoPHandle(config, key) } : undefined);
  const asTokens = (r: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Tokens => ({ ...r, sub: r.claims()?.sub });
  return {
    async codeFlow(scope, opts = {}) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const params = { redirect_uri: CALLBACK, scope, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state };
      const url = opts.par ? await oidc.buildAuthorizationUrlWithPAR(config, params, handle(opts.dpop)) : oidc.buildAuthorizationUrl(config, params);
      const callback = await consentInBrowser(url);
      return asTokens(await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }, undefined, handle(opts.dpop)));
    },
    async refresh(refreshToken, dpop) {
      return asTokens(await oidc.refreshTokenGrant(config, refreshToken, undefined, handle(dpop)));
    },
    async userinfo(accessToken, sub, dpop) {
      return { ...(await oidc.fetchUserInfo(config, accessToken, sub, handle(dpop))) };
    },
    async introspect(token) {
      return { ...(await oidc.tokenIntrospection(config, token)) };
    },
    async revoke(token) {
      await oidc.tokenRevocation(config, token);
    },
    async clientCredentials(scope, dpop) {
      return oidc.clientCredentialsGrant(config, { scope }, handle(dpop));
    },
    async exchange(subjectToken, tenantId, scope) {
      return oidc.genericGrantRequest(config, TOKEN_EXCHANGE, { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, tenant_id: tenantId, scope });
    },
  };
}

async function oauth4webapiClient(app: RegisteredApp): Promise<StockClient> {
  const issuer = new URL(t.issuer);
  const insecure = { [o4w.allowInsecureRequests]: true } as const;
  const as = await o4w.processDiscoveryResponse(issuer, await o4w.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  const client: o4w.Client = { client_id: app.clientId };
  const auth = o4w.ClientSecretPost(app.secret);
  const opts = (key?: KeyPair) => ({ ...insecure, ...(key ? { DPoP: o4w.DPoP(client, key) } : {}) });
  const subOf = (r: o4w.TokenEndpointResponse): Tokens => ({ ...r, sub: r.id_token ? o4w.getValidatedIdTokenClaims(r)?.sub : undefined });
  return {
    async codeFlow(scope, flow = {}) {
      const verifier = o4w.generateRandomCodeVerifier();
      const state = o4w.generateRandomState();
      const params: Record<string, string> = { client_id: app.clientId, redirect_uri: CALLBACK, response_type: 'code', scope, code_challenge: await o4w.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state };
      const url = new URL(as.authorization_endpoint!);
      if (flow.par) {
        const pushed = await o4w.processPushedAuthorizationResponse(as, client, await o4w.pushedAuthorizationRequest(as, client, auth, params, opts(flow.dpop)));
        url.search = new URLSearchParams({ client_id: app.clientId, request_uri: pushed.request_uri }).toString();
      } else {
        url.search = new URLSearchParams(params).toString();
      }
      const callback = o4w.validateAuthResponse(as, client, await consentInBrowser(url), state);
      const response = await o4w.authorizationCodeGrantRequest(as, client, auth, callback, CALLBACK, verifier, opts(flow.dpop));
      return subOf(await o4w.processAuthorizationCodeResponse(as, client, response));
    },
    async refresh(refreshToken, dpop) {
      return subOf(await o4w.processRefreshTokenResponse(as, client, await o4w.refreshTokenGrantRequest(as, client, auth, refreshToken, opts(dpop))));
    },
    async userinfo(accessToken, sub, dpop) {
      return { ...(await o4w.processUserInfoResponse(as, client, sub, await o4w.userInfoRequest(as, client, accessToken, opts(dpop)))) };
    },
    async introspect(token) {
      return { ...(await o4w.processIntrospectionResponse(as, client, await o4w.introspectionRequest(as, client, auth, token, insecure))) };
    },
    async revoke(token) {
      await o4w.processRevocationResponse(await o4w.revocationRequest(as, client, auth, token, insecure));
    },
    async clientCredentials(scope, dpop) {
      return o4w.processClientCredentialsResponse(as, client, await o4w.clientCredentialsGrantRequest(as, client, auth, { scope }, opts(dpop)));
    },
    async exchange(subjectToken, tenantId, scope) {
      const params = { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, tenant_id: tenantId, scope };
      return o4w.processGenericTokenEndpointResponse(as, client, await o4w.genericTokenEndpointRequest(as, client, auth, TOKEN_EXCHANGE, params, insecure));
    },
  };
}

const LIBRARIES: [string, (app: RegisteredApp) => Promise<StockClient>][] = [
  ['openid-client', openidClient],
  ['oauth4webapi', oauth4webapiClient],
];

async function thumbprint(key: KeyPair): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(key.publicKey));
}

describe.each(LIBRARIES)('%s on its defaults', (_name, make) => {
  let app: RegisteredApp;
  let c: StockClient;

  beforeAll(async () => {
    app = await partnerWithApp(t, { name: 'Northwind Ordering' });
    c = await make(app);
  });

  it('code + PKCE with consent in a browser, then refresh, userinfo, introspection and revocation', async () => {
    const tokens = await c.codeFlow('openid profile email orders.read');
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.sub).toBe(tenant.admin.id);
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'orders.read', 'profile']);
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ sub: tenant.admin.id, client_id: app.clientId, tenant_id: tenant.id, aud: t.audience });

    // userinfo answers the access token with the claims of the granted identity scopes
    expect(await c.userinfo(tokens.access_token, tenant.admin.id)).toMatchObject({ sub: tenant.admin.id, email: tenant.admin.email, email_verified: true, name: expect.any(String) });

    // refresh rotates the refresh token and gives a working access token
    const refreshed = await c.refresh(tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await c.userinfo(refreshed.access_token, tenant.admin.id)).sub).toBe(tenant.admin.id);

    // introspection: active, for this client and subject, with the granted scope
    expect(await c.introspect(refreshed.access_token)).toMatchObject({ active: true, client_id: app.clientId, sub: tenant.admin.id, token_type: 'Bearer' });
    expect(await c.introspect(refreshed.refresh_token!)).toMatchObject({ active: true, client_id: app.clientId });

    // revocation: the refresh token and the access token stop being active
    await c.revoke(refreshed.refresh_token!);
    expect(await c.introspect(refreshed.refresh_token!)).toEqual({ active: false });
    await c.revoke(refreshed.access_token);
    expect(await c.introspect(refreshed.access_token)).toEqual({ active: false });
    await expect(c.refresh(refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a pushed authorization request (PAR) with DPoP: the tokens are bound to the key, and refresh and userinfo prove it', async () => {
    const key = await oidc.randomDPoPKeyPair('ES256');
    const jkt = await thumbprint(key);
    const tokens = await c.codeFlow('openid email orders.read', { par: true, dpop: key });
    expect(tokens.token_type).toBe('dpop'); // both libraries report the token type lower-cased
    expect(decodeJwt(tokens.access_token).payload.cnf).toEqual({ jkt });
    expect(await c.introspect(tokens.access_token)).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } });
    expect(await c.userinfo(tokens.access_token, tenant.admin.id, key)).toMatchObject({ sub: tenant.admin.id, email: tenant.admin.email });
    // userinfo wants the proof: the token as a Bearer token, or with a proof by another key, is refused
    const asBearer = await fetch(`${t.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(asBearer.status).toBe(401);
    await expect(c.userinfo(tokens.access_token, tenant.admin.id, await oidc.randomDPoPKeyPair('ES256'))).rejects.toMatchObject({ response: { status: 401 } });
    // a proof is good once: the same proof sent again is a replay
    const proof = await new SignJWT({ htm: 'GET', htu: `${t.issuer}/me`, jti: randomUUID(), ath: createHash('sha256').update(tokens.access_token).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(key.publicKey) })
      .setIssuedAt()
      .sign(key.privateKey);
    const once = () => fetch(`${t.issuer}/me`, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop: proof } });
    expect((await once()).status).toBe(200);
    expect((await once()).status).toBe(401);

    // a refresh without the key is refused; with it, the new access token is bound to the same key
    await expect(c.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const refreshed = await c.refresh(tokens.refresh_token!, key);
    expect(refreshed.token_type).toBe('dpop');
    expect(decodeJwt(refreshed.access_token).payload.cnf).toEqual({ jkt });
  });
});

describe.each(LIBRARIES)('%s for a wholesaler on its defaults', (_name, make) => {
  let app: RegisteredApp;
  let c: StockClient;
  let resoldTenantId: string;
  let delegationId: string;

  beforeAll(async () => {
    app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TOKEN_EXCHANGE], scopes: ['orders.read', 'orders.create'], name: 'Contoso provisioning' });
    c = await make(app);
    const owner = await app.partner.owner.login();
    const r = await owner.post(`/api/v1/partners/${app.partner.id}/resold-tenants`, { name: 'Fabrikam Bakery', slug: unique('fabrikam') });
    expect(r.status).toBe(201);
    resoldTenantId = r.body.resold.tenant.id;
    delegationId = r.body.resold.delegation_id;
  });

  it('client credentials give a Bearer token with the asked scope, active on introspection until revoked', async () => {
    const r = await c.clientCredentials('orders.read');
    expect(r.token_type.toLowerCase()).toBe('bearer');
    expect(r.scope).toBe('orders.read');
    expect(r.refresh_token).toBeUndefined();
    expect(await c.introspect(r.access_token)).toMatchObject({ active: true, client_id: app.clientId, scope: 'orders.read', persona: 'wholesaler' });
    await c.revoke(r.access_token);
    expect(await c.introspect(r.access_token)).toEqual({ active: false });
  });

  it('client credentials with DPoP give a DPoP token bound to the key (cnf.jkt)', async () => {
    const key = await oidc.randomDPoPKeyPair('ES256');
    const r = await c.clientCredentials('orders.read', key);
    expect(r.token_type).toBe('dpop');
    const jkt = await thumbprint(key);
    expect(decodeJwt(r.access_token).payload.cnf).toEqual({ jkt });
    expect(await c.introspect(r.access_token)).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } });
  });

  it('the token exchange (RFC 8693) turns its own token into one acting for the resold customer', async () => {
    const own = await c.clientCredentials('orders.read orders.create');
    const r = await c.exchange(own.access_token, resoldTenantId, 'orders.create');
    expect(r.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    expect(r.token_type.toLowerCase()).toBe('bearer');
    expect(decodeJwt(r.access_token).payload).toMatchObject({ tenant_id: resoldTenantId, dlg: delegationId, act: { sub: app.partner.id, client_id: app.clientId }, scope: 'orders.create' });
    expect(await c.introspect(r.access_token)).toMatchObject({ active: true, tenant_id: resoldTenantId, dlg: delegationId });
  });
});
