/**
 * The revocation endpoint (RFC 7009): a single JWT access token is revoked by its jti —
 * introspection says inactive and the gateway refuses it (401 invalid_token) on the very next
 * request, while the refresh token and newer access tokens keep working; another client's token
 * is left alone with the same 200; a refresh token revoked here stops refreshing and ends the
 * grant with its consent (its access tokens refused too: grant-revocation.test.ts). Both databases. (Two server processes: revocation-instances.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { CALLBACK, authorizeViaHttp, customer, decodeJwt, introspect, oidcClient, partnerWithApp, pkce, revoke, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let app: RegisteredApp;
let other: RegisteredApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  app = await partnerWithApp(t, { name: 'Revoking app' });
  other = await partnerWithApp(t, { name: 'Another app' });
  tenant = await customer(t);
});
afterAll(async () => {
  await t?.close();
});

/** Tokens for `app` through the consent flow (sign-in and consent over HTTP). */
async function tokens(forApp: RegisteredApp = app): Promise<{ access_token: string; refresh_token: string }> {
  const config = await oidcClient(t, forApp.clientId, forApp.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, tenant.admin);
  const r = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  return { access_token: r.access_token, refresh_token: r.refresh_token! };
}

async function gateway(token: string) {
  const res = await fetch(`${t.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as { code?: string } | null, challenge: res.headers.get('www-authenticate') };
}

describe('revoking a JWT access token', () => {
  it('makes introspection inactive and the gateway refuse it on the next request; the refresh token carries on', async () => {
    const tk = await tokens();
    expect((await gateway(tk.access_token)).status).toBe(200);
    expect((await introspect(t, app, tk.access_token)).body.active).toBe(true);

    const r = await revoke(t, app, tk.access_token, 'access_token');
    expect(r.status).toBe(200);
    expect(r.body).toBe('');

    const refused = await gateway(tk.access_token);
    expect(refused.status).toBe(401);
    expect(refused.body?.code).toBe('invalid_token');
    expect(refused.challenge).toContain('error="invalid_token"');
    expect((await introspect(t, app, tk.access_token)).body).toEqual({ active: false });

    // Only that token: the refresh token still works and its new access token is served.
    const again = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tk.refresh_token });
    expect(again.status).toBe(200);
    expect((await gateway(String(again.body.access_token))).status).toBe(200);

    // Recorded once (revoking it again is a no-op), audited, and in the feed for the other instances.
    expect((await revoke(t, app, tk.access_token)).status).toBe(200);
    const jti = decodeJwt(tk.access_token).payload.jti as string;
    const rows = await t.testDb.db.kysely.selectFrom('oauth_revoked_tokens').selectAll().where('jti', '=', jti).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].client_id).toBe(app.clientId);
    expect(rows[0].expires_at).toBe(new Date((decodeJwt(tk.access_token).payload.exp as number) * 1000).toISOString());
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action', 'partner_id', 'tenant_id', 'actor_type']).where('target_id', '=', jti).execute();
    expect(audit).toEqual([{ action: 'oauth.access_token_revoked', partner_id: app.partner.id, tenant_id: tenant.id, actor_type: 'app' }]);
    const feed = await t.testDb.db.kysely.selectFrom('change_events').select('entity').where('entity_id', '=', jti).execute();
    expect(feed).toEqual([{ entity: 'oauth_revoked_token' }]);
  });

  it('revokes a client-credentials token too', async () => {
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const cc = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' });
    const token = String(cc.body.access_token);
    expect((await introspect(t, w, token)).body.active).toBe(true);
    expect((await revoke(t, w, token)).status).toBe(200);
    expect((await introspect(t, w, token)).body).toEqual({ active: false });
    expect((await gateway(token)).body?.code).toBe('invalid_token');
  });

  it("leaves another client's token alone, with the same 200 (RFC 7009 §2.2)", async () => {
    const tk = await tokens();
    const r = await revoke(t, other, tk.access_token);
    expect(r.status).toBe(200);
    expect((await introspect(t, app, tk.access_token)).body.active).toBe(true);
    expect((await gateway(tk.access_token)).status).toBe(200);
    const jti = decodeJwt(tk.access_token).payload.jti as string;
    expect(await t.testDb.db.kysely.selectFrom('oauth_revoked_tokens').select('jti').where('jti', '=', jti).execute()).toEqual([]);
    // A forged or garbage token changes nothing either.
    expect((await revoke(t, app, tk.access_token.slice(0, -6) + 'AAAAAA')).status).toBe(200);
    expect((await revoke(t, app, 'not-a-token')).status).toBe(200);
    expect((await gateway(tk.access_token)).status).toBe(200);
  });

  it('still authenticates the client first (invalid_client, 401)', async () => {
    const tk = await tokens();
    const r = await revoke(t, { clientId: app.clientId, secret: 'wrong' }, tk.access_token);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).error).toBe('invalid_client');
    expect((await gateway(tk.access_token)).status).toBe(200);
  });
});

describe('revoking a refresh token at the endpoint', () => {
  it('stops it refreshing, and ends the grant with its consent', async () => {
    const tk = await tokens();
    const r = await revoke(t, app, tk.refresh_token, 'refresh_token');
    expect(r.status).toBe(200);
    const refresh = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tk.refresh_token });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    expect((await introspect(t, app, tk.refresh_token)).body).toEqual({ active: false });
    // The library revokes the grant with its refresh token: the access tokens it issued (they name
    // it as gid) are refused as revoked, and the consent delegation ends with it.
    expect((await introspect(t, app, tk.access_token)).body).toEqual({ active: false });
    const refused = await gateway(tk.access_token);
    expect(refused.status).toBe(401);
    expect(refused.body?.code).toBe('invalid_token');
    const dlg = decodeJwt(tk.access_token).payload.dlg as string;
    expect((await t.testDb.db.kysely.selectFrom('delegations').select('status').where('id', '=', dlg).executeTakeFirstOrThrow()).status).toBe('revoked');
  });
});
