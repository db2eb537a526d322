/**
 * A stock OAuth client on its defaults: openid-client v6 given only the issuer, a client id and a
 * secret (plus plain http for the test server). It sends the secret in the request body
 * (client_secret_post); an app accepts the secret in the Authorization header and in the body
 * alike unless its owner restricted it to one. The access token of an ordinary sign-in (identity
 * and resource scopes) is listed with every granted scope and is answered by userinfo, while its
 * audience stays the gateway's. Discovery says how the introspection and revocation endpoints
 * authenticate clients and which acr values and claims there are. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { CALLBACK, authorizeViaHttp, customer, decodeJwt, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';
import type { Problem } from '../../helpers/http.ts';

let t: OAuthTestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  tenant = await customer(t);
});
afterAll(async () => {
  await t?.close();
});

/** openid-client on its defaults: issuer, client id and secret only (http allowed for the test server). */
function stockClient(clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(t.issuer), clientId, secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

/** The same app through HTTP Basic. */
function basicClient(clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(t.issuer), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
}

async function codeFlow(config: oidc.Configuration, scope: string): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, tenant.admin);
  return oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
}

async function refused(p: Promise<unknown>): Promise<{ error?: string; error_description?: string; status?: number }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as (oidc.ResponseBodyError & { status?: number }) | null;
  expect(err, 'the request should have been refused').not.toBeNull();
  return { error: err?.error, error_description: err?.error_description, status: err?.status };
}

describe('client authentication by secret', () => {
  it('client credentials work with the secret in the body (the default) and in the Authorization header', async () => {
    const app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const viaPost = await oidc.clientCredentialsGrant(await stockClient(app.clientId, app.secret), { scope: 'orders.read' });
    expect(viaPost.access_token).toBeTruthy();
    expect(viaPost.scope).toBe('orders.read');
    const viaBasic = await oidc.clientCredentialsGrant(await basicClient(app.clientId, app.secret), { scope: 'orders.read' });
    expect(viaBasic.access_token).toBeTruthy();
  });

  it('the app says which methods it accepts', async () => {
    const app = await partnerWithApp(t);
    const owner = await app.partner.owner.login();
    const r = await owner.get<'/api/v1/partners/{partner_id}/apps/{app_id}'>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`);
    expect(r.status).toBe(200);
    expect(r.body.token_endpoint_auth_method).toBe('client_secret_basic');
    expect([...r.body.token_endpoint_auth_methods].sort()).toEqual(['client_secret_basic', 'client_secret_post']);
  });

  it('the refresh, introspection and revocation endpoints take the default client too', async () => {
    const app = await partnerWithApp(t);
    const config = await stockClient(app.clientId, app.secret);
    const tokens = await codeFlow(config, 'openid orders.read');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await oidc.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(true);
    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    expect((await oidc.tokenIntrospection(await basicClient(app.clientId, app.secret), refreshed.refresh_token!)).active).toBe(false);
  });

  it('an owner may restrict an app to one method: the other is refused, naming the accepted one', async () => {
    const app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'], token_endpoint_auth_methods: ['client_secret_basic'] });
    const r = await refused(oidc.clientCredentialsGrant(await stockClient(app.clientId, app.secret), { scope: 'orders.read' }));
    expect([r.status, r.error]).toEqual([401, 'invalid_client']);
    expect(r.error_description).toMatch(/registered for client_secret_basic/);
    expect((await oidc.clientCredentialsGrant(await basicClient(app.clientId, app.secret), { scope: 'orders.read' })).access_token).toBeTruthy();

    // Lifting the restriction: both work.
    const owner = await app.partner.owner.login();
    const open = await owner.patch(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { token_endpoint_auth_methods: ['client_secret_basic', 'client_secret_post'] });
    expect(open.status).toBe(200);
    expect(open.body.token_endpoint_auth_methods).toEqual(['client_secret_basic', 'client_secret_post']);
    expect((await oidc.clientCredentialsGrant(await stockClient(app.clientId, app.secret), { scope: 'orders.read' })).access_token).toBeTruthy();
  });

  it('refuses private_key_jwt together with a secret method, and a registered method the list leaves out', async () => {
    const partner = await t.world.partner({ capabilities: ['wholesale'] });
    const owner = await partner.owner.login();
    const base = { name: 'Mixed', grant_types: ['client_credentials'], scopes: ['orders.read'] };
    const mixed = await owner.post<Problem>(`/api/v1/partners/${partner.id}/apps`, { ...base, token_endpoint_auth_methods: ['private_key_jwt', 'client_secret_basic'] });
    expect([mixed.status, mixed.body.code]).toEqual([400, 'app_auth_methods_invalid']);
    const outside = await owner.post<Problem>(`/api/v1/partners/${partner.id}/apps`, { ...base, token_endpoint_auth_method: 'client_secret_post', token_endpoint_auth_methods: ['client_secret_basic'] });
    expect([outside.status, outside.body.code]).toEqual([400, 'app_auth_methods_invalid']);
  });
});

describe('userinfo for an ordinary sign-in', () => {
  it('lists every granted scope and answers userinfo with the access token; its audience stays the gateway', async () => {
    const app = await partnerWithApp(t);
    const config = await stockClient(app.clientId, app.secret);
    const tokens = await codeFlow(config, 'openid profile email orders.read');
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'orders.read', 'profile']);
    expect(decodeJwt(tokens.access_token).payload.aud).toBe(t.audience);
    const sub = tokens.claims()!.sub;
    expect(sub).toBe(tenant.admin.id);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    expect(info).toMatchObject({ sub, email: tenant.admin.email, email_verified: true, name: expect.any(String) });

    // After a refresh too.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.scope?.split(' ')).toContain('openid');
    expect((await oidc.fetchUserInfo(config, refreshed.access_token, sub)).sub).toBe(sub);
  });

  it('releases only the claims of the granted identity scopes', async () => {
    const app = await partnerWithApp(t);
    const config = await stockClient(app.clientId, app.secret);
    const tokens = await codeFlow(config, 'openid orders.read');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tenant.admin.id);
    expect(info).toEqual({ sub: tenant.admin.id });
  });

  it('refuses a token without openid (403 insufficient_scope) and one whose connection ended (401)', async () => {
    const app = await partnerWithApp(t);
    const config = await stockClient(app.clientId, app.secret);
    const plain = await codeFlow(config, 'orders.read');
    const noOpenid = await fetch(`${t.issuer}/me`, { headers: { authorization: `Bearer ${plain.access_token}` } });
    expect(noOpenid.status).toBe(403);
    expect(((await noOpenid.json()) as { error: string }).error).toBe('insufficient_scope');

    const tokens = await codeFlow(config, 'openid profile orders.read');
    const dlg = decodeJwt(tokens.access_token).payload.dlg as string;
    const admin = await tenant.admin.login();
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/connected-apps/${dlg}/revoke`, {})).status).toBe(204);
    const after = await fetch(`${t.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: string }).error).toBe('invalid_token');

    const forged = await fetch(`${t.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token.slice(0, -4)}AAAA` } });
    expect(forged.status).toBe(401);
  });
});

describe('discovery', () => {
  it('says how the introspection and revocation endpoints authenticate clients, and names acr values, acr and amr', async () => {
    const r = await fetch(`${t.issuer}/.well-known/openid-configuration`);
    const m = (await r.json()) as Record<string, unknown>;
    const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    expect(m.token_endpoint_auth_methods_supported).toEqual(methods);
    expect(m.introspection_endpoint_auth_methods_supported).toEqual(methods);
    expect(m.revocation_endpoint_auth_methods_supported).toEqual(methods);
    expect(m.acr_values_supported).toEqual(['urn:partnergate:aal1', 'urn:partnergate:aal2']);
    expect(m.claims_supported).toEqual(expect.arrayContaining(['sub', 'acr', 'amr', 'email', 'name']));
  });
});
