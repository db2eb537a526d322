/**
 * Client authentication: an app with a secret accepts it in the Authorization header
 * (client_secret_basic) and in the form body (client_secret_post) unless its owner restricts it to
 * one; an app with keys accepts private_key_jwt only — at the token, introspection and revocation
 * endpoints alike. openid-client's default (client_secret_post, when given just a secret)
 * completes the code flow; a method the app does not accept is refused with an error_description
 * naming the one(s) it does. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { CALLBACK, authorizeViaHttp, customer, partnerWithApp, pkce, startOAuthApp, tokenRequest, type OAuthTestApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  tenant = await customer(t);
});
afterAll(async () => {
  await t?.close();
});

/** The code flow through openid-client with the given configuration; returns the tokens. */
async function codeFlow(config: oidc.Configuration): Promise<oidc.TokenEndpointResponse> {
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, tenant.admin);
  return oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
}

/** openid-client with its default client authentication: only the secret is given. */
function defaultClient(clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(t.issuer), clientId, secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

async function refusal(p: Promise<unknown>): Promise<{ error?: string; error_description?: string; status?: number }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as (oidc.ResponseBodyError & { status?: number }) | null;
  expect(err, 'the request should have been refused').not.toBeNull();
  return { error: err?.error, error_description: err?.error_description, status: err?.status };
}

describe('client_secret_post', () => {
  it("openid-client's default client authentication completes the code flow, refreshes, introspects and revokes", async () => {
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'client_secret_post' });
    const config = await defaultClient(app.clientId, app.secret);
    const tokens = await codeFlow(config);
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
    const info = await oidc.tokenIntrospection(config, refreshed.refresh_token!);
    expect(info.active).toBe(true);
    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    expect((await oidc.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(false);
  });

  it('an app restricted to client_secret_post refuses HTTP Basic, naming client_secret_post', async () => {
    const app = await partnerWithApp(t, { token_endpoint_auth_methods: ['client_secret_post'] });
    const r = await tokenRequest(t, { clientId: app.clientId, secret: app.secret }, { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(r.body.error_description).toMatch(/registered for client_secret_post/);
  });

  it('a wrong secret by the registered method stays a plain invalid_client', async () => {
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'client_secret_post' });
    const r = await tokenRequest(t, null, { grant_type: 'refresh_token', refresh_token: 'x', client_id: app.clientId, client_secret: app.secret + 'x' });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(String(r.body.error_description)).not.toMatch(/registered for/);
  });
});

describe('client_secret_basic only (restricted by the owner)', () => {
  it("refuses openid-client's default (client_secret_post) at the token, introspection and revocation endpoints, naming client_secret_basic", async () => {
    const app = await partnerWithApp(t, { token_endpoint_auth_methods: ['client_secret_basic'] });
    const basic = await oidc.discovery(new URL(t.issuer), app.clientId, undefined, oidc.ClientSecretBasic(app.secret), { execute: [oidc.allowInsecureRequests] });
    const tokens = await codeFlow(basic);
    const post = await defaultClient(app.clientId, app.secret);
    const calls = [() => oidc.refreshTokenGrant(post, tokens.refresh_token!), () => oidc.tokenIntrospection(post, tokens.refresh_token!), () => oidc.tokenRevocation(post, tokens.refresh_token!)];
    for (const call of calls) {
      const r = await refusal(call());
      expect(r.error).toBe('invalid_client');
      expect(r.error_description).toMatch(/registered for client_secret_basic/);
    }
    // Nothing was revoked by the refused calls; Basic still works.
    expect((await oidc.tokenIntrospection(basic, tokens.refresh_token!)).active).toBe(true);
  });

  it('an owner can switch a restricted app between the two secret methods; the secret stays and the new method is what works', async () => {
    const app = await partnerWithApp(t, { token_endpoint_auth_methods: ['client_secret_basic'] });
    const owner = await app.partner.owner.login();
    const r = await owner.patch(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { token_endpoint_auth_method: 'client_secret_post' });
    expect(r.status).toBe(200);
    expect(r.body.token_endpoint_auth_method).toBe('client_secret_post');
    expect(r.body.token_endpoint_auth_methods).toEqual(['client_secret_post']);
    const tokens = await codeFlow(await defaultClient(app.clientId, app.secret));
    expect(tokens.access_token).toBeTruthy();
    const basic = await tokenRequest(t, { clientId: app.clientId, secret: app.secret }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(basic.status).toBe(401);
    const keys = await owner.patch(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { token_endpoint_auth_method: 'private_key_jwt' });
    expect(keys.status).toBe(409);
    expect(keys.body.code).toBe('app_auth_method_change_refused');
  });
});

describe('private_key_jwt', () => {
  it('completes the code flow with a key pair made here, and refuses a secret naming private_key_jwt', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect(app.secret).toBeNull();
    const config = await oidc.discovery(new URL(t.issuer), app.clientId, undefined, oidc.PrivateKeyJwt({ key: privateKey, kid: 'test-key' }), { execute: [oidc.allowInsecureRequests] });
    const tokens = await codeFlow(config);
    expect(tokens.access_token).toBeTruthy();
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
    const r = await tokenRequest(t, null, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: app.clientId, client_secret: 'pgcs_guess' });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(r.body.error_description).toMatch(/registered for private_key_jwt/);
  });
});

describe('migration 0010', () => {
  it('keeps existing apps on client_secret_basic and lets the apps table store client_secret_post, nothing else', async () => {
    const { createTestDb } = await import('../../helpers/db.ts');
    const { migrateToLatest } = await import('../../../src/platform/db/migrate.ts');
    const { migrateBefore } = await import('../../helpers/migrate-before.ts');
    const db = await createTestDb({ migrate: false });
    await migrateBefore(db.owner, '0010-client-auth-method');
    try {
      const k = db.db.kysely;
      const now = new Date().toISOString();
      await k.insertInto('partners').values({ id: 'ptr_mig0010', slug: 'mig-0010', name: 'Before', website: null, contact_email: 'a@example.com', description: null, status: 'active', capabilities: '["delegated"]', requested_capabilities: '[]', feature_toggles: '{}', home_tenant_id: null, status_reason: null, applied_at: now, approved_at: now, approved_by: null, created_at: now, updated_at: now }).execute();
      const app = { partner_id: 'ptr_mig0010', name: 'Old app', description: null, logo_uri: null, redirect_uris: '[]', grant_types: '["client_credentials"]', scopes: '["orders.read"]', jwks: null, secret_hash: 'h', secret_hint: 'pgcs_…', secret_rotated_at: now, status: 'active' as const, created_by: null, created_at: now, updated_at: now, deleted_at: null };
      await k.insertInto('apps').values({ ...app, id: 'app_before0010', token_endpoint_auth_method: 'client_secret_basic' }).execute();
      await expect(k.insertInto('apps').values({ ...app, id: 'app_early_post', token_endpoint_auth_method: 'client_secret_post' }).execute()).rejects.toThrow();
      expect((await migrateToLatest(db.owner)).applied[0]).toBe('0010-client-auth-method');
      const kept = await k.selectFrom('apps').selectAll().where('id', '=', 'app_before0010').executeTakeFirstOrThrow();
      expect(kept).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', secret_hash: 'h', name: 'Old app' });
      await k.insertInto('apps').values({ ...app, id: 'app_after_post', token_endpoint_auth_method: 'client_secret_post' }).execute();
      await expect(k.insertInto('apps').values({ ...app, id: 'app_after_bad', token_endpoint_auth_method: 'client_secret_jwt' as 'client_secret_post' }).execute()).rejects.toThrow();
    } finally {
      await db.drop();
    }
  });
});
