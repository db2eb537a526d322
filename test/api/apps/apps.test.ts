/**
 * Partner apps API (/api/v1/partners/{partner_id}/apps): who may do what, validation codes, the
 * secret shown once and stored only as a keyed hash, rotation and deletion taking effect at the
 * token endpoint at once, private_key_jwt clients, and the audit trail. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { CALLBACK, authorizeViaHttp, customer, partnerWithApp, pkce, startOAuthApp, tokenRequest, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner } from '../../helpers/world.ts';

let t: OAuthTestApp;
let partner: TestPartner;
let owner: Client;

const valid = () => ({ name: 'Ordering', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [CALLBACK], scopes: ['orders.read', 'orders.create'] });

beforeAll(async () => {
  t = await startOAuthApp();
  partner = await t.world.partner({ capabilities: ['delegated'] });
  owner = await partner.owner.login();
});
afterAll(async () => {
  await t?.close();
});

describe('registering apps', () => {
  it('returns the secret once, stores only its keyed hash, and lists the app without it', async () => {
    const r = await owner.post(`/api/v1/partners/${partner.id}/apps`, { ...valid(), logo_uri: 'https://cdn.example/logo.png', description: 'Orders for our customers' });
    expect(r.status).toBe(201);
    expect(r.body.client_secret).toMatch(/^pgcs_[A-Za-z0-9_-]{43}$/);
    expect(r.body.app).toMatchObject({ client_id: r.body.app.id, name: 'Ordering', redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'client_secret_basic', secret_hint: r.body.client_secret.slice(0, 9) + '…' });
    const row = await t.testDb.db.kysely.selectFrom('apps').selectAll().where('id', '=', r.body.app.id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(t.services.hasher.hash(r.body.client_secret));
    expect(JSON.stringify(row)).not.toContain(r.body.client_secret);
    const list = await owner.get(`/api/v1/partners/${partner.id}/apps`);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(r.body.client_secret);
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(r.body.app.id);
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action', 'partner_id', 'actor_user_id']).where('target_id', '=', r.body.app.id).execute();
    expect(audit).toEqual([{ action: 'app.created', partner_id: partner.id, actor_user_id: partner.owner.id }]);
  });

  it.each([
    [{ redirect_uris: ['https://app.example/cb#frag'] }, 'app_redirect_uri_invalid'],
    [{ redirect_uris: ['http://app.example/cb'] }, 'app_redirect_uri_invalid'],
    [{ redirect_uris: ['https://*.example/cb'] }, 'app_redirect_uri_invalid'],
    [{ redirect_uris: [] }, 'app_redirect_uri_invalid'],
    [{ scopes: ['platform.users.manage'] }, 'app_scope_invalid'],
    [{ scopes: ['openid'] }, 'app_scope_invalid'],
    [{ grant_types: ['client_credentials'], redirect_uris: undefined }, 'app_grant_types_invalid'],
    [{ grant_types: ['refresh_token'] }, 'app_grant_types_invalid'],
    [{ grant_types: ['implicit'] }, 'validation_failed'],
    [{ grant_types: ['password'] }, 'validation_failed'],
    [{ logo_uri: 'http://cdn.example/logo.png' }, 'app_logo_uri_invalid'],
    [{ token_endpoint_auth_method: 'private_key_jwt' }, 'app_jwks_invalid'],
    [{ token_endpoint_auth_method: 'client_secret_jwt' }, 'validation_failed'],
    [{ token_endpoint_auth_method: 'client_secret_post', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } }, 'app_jwks_invalid'],
    [{ secret: 'mine' }, 'validation_failed'],
  ])('refuses %j with %s', async (patch, code) => {
    const body: Record<string, unknown> = { ...valid(), ...patch };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const r = await owner.post(`/api/v1/partners/${partner.id}/apps`, body);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(code);
  });

  it('refuses apps to partners without the delegated, wholesale or managed_services capability', async () => {
    const referral = await t.world.partner({ capabilities: ['referral'] });
    const o = await referral.owner.login();
    const r = await o.post(`/api/v1/partners/${referral.id}/apps`, valid());
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('app_capability_required');
  });

  it('lets a managed_services partner register apps for its own users (authorization code and refresh) and a decision point (client credentials for authzen.evaluate only)', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const o = await msp.owner.login();
    const r = await o.post(`/api/v1/partners/${msp.id}/apps`, valid());
    expect(r.status).toBe(201);
    expect(r.body.app.grant_types).toEqual(['authorization_code', 'refresh_token']);
    const cases: [string[], string, string][] = [
      [['client_credentials'], '/body/scopes', 'not for a decision point'],
      [['authorization_code', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'], '/body/grant_types/2', 'needs wholesale'],
    ];
    for (const [grant_types, pointer, detail] of cases) {
      const refused = await o.post(`/api/v1/partners/${msp.id}/apps`, { ...valid(), grant_types, ...(grant_types.includes('authorization_code') ? {} : { redirect_uris: undefined }) });
      expect([refused.status, refused.body.code]).toEqual([400, 'app_grant_types_invalid']);
      expect(refused.body.errors[0].pointer).toBe(pointer);
      expect(refused.body.errors[0].detail).toContain(detail);
    }
    // client credentials with the app's resource scopes: not for a partner without wholesale
    const edit = await o.patch(`/api/v1/partners/${msp.id}/apps/${r.body.app.id}`, { grant_types: ['authorization_code', 'client_credentials'] });
    expect([edit.status, edit.body.code]).toEqual([400, 'app_grant_types_invalid']);
    // a decision point: asks the AuthZEN decision API, reaches no resource of its own (no home tenant is made)
    const pdp = await o.post(`/api/v1/partners/${msp.id}/apps`, { name: 'Decision point', grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
    expect(pdp.status).toBe(201);
    expect(t.services.authz.snapshot.partners.get(msp.id)?.homeTenantId ?? null).toBeNull();
    const widen = await o.patch(`/api/v1/partners/${msp.id}/apps/${pdp.body.app.id}`, { scopes: ['authzen.evaluate', 'orders.read'] });
    expect([widen.status, widen.body.code]).toEqual([400, 'app_grant_types_invalid']);
    // With wholesale as well, client credentials are allowed again.
    const both = await t.world.partner({ capabilities: ['managed_services', 'wholesale'] });
    const bo = await both.owner.login();
    const ok = await bo.post(`/api/v1/partners/${both.id}/apps`, { ...valid(), grant_types: ['authorization_code', 'client_credentials'] });
    expect(ok.status).toBe(201);
  });

  it('lets staff read but not manage, and hides other partners’ apps', async () => {
    const created = await owner.post(`/api/v1/partners/${partner.id}/apps`, valid());
    const staff = await partner.staff.login();
    expect((await staff.get(`/api/v1/partners/${partner.id}/apps/${created.body.app.id}`)).status).toBe(200);
    const denied = await staff.post(`/api/v1/partners/${partner.id}/apps`, valid());
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission_denied');
    const rival = await t.world.partner({ capabilities: ['delegated'] });
    const ro = await rival.owner.login();
    const hidden = await ro.get(`/api/v1/partners/${partner.id}/apps/${created.body.app.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('partner_not_found');
    const viaOwnPartner = await ro.get(`/api/v1/partners/${rival.id}/apps/${created.body.app.id}`);
    expect(viaOwnPartner.status).toBe(404);
    expect(viaOwnPartner.body.code).toBe('app_not_found');
  });
});

describe('secrets, edits and deletion take effect at the token endpoint at once', () => {
  it('rotating the secret stops the old one and starts the new one', async () => {
    const app = await partnerWithApp(t);
    const tenant = await customer(t);
    const p = await pkce();
    const url = new URL(`${t.issuer}/auth`);
    url.search = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256' }).toString();
    const code = (await authorizeViaHttp(t, url, tenant.admin)).searchParams.get('code')!;
    const o = await app.partner.owner.login();
    const r = await o.post(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}/rotate-secret`);
    expect(r.status).toBe(200);
    expect(r.body.client_secret).not.toBe(app.secret);
    const old = await tokenRequest(t, app, { grant_type: 'authorization_code', code, code_verifier: p.verifier, redirect_uri: CALLBACK });
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    const fresh = await tokenRequest(t, { clientId: app.clientId, secret: r.body.client_secret }, { grant_type: 'authorization_code', code, code_verifier: p.verifier, redirect_uri: CALLBACK });
    expect(fresh.status).toBe(200);
    expect((await t.testDb.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', app.clientId).orderBy('seq').execute()).map((a) => a.action)).toEqual(['app.created', 'app.secret_rotated']);
  });

  it('a changed redirect URI list is what the authorization endpoint matches against', async () => {
    const app = await partnerWithApp(t);
    const o = await app.partner.owner.login();
    const other = 'https://partner.example/oauth/cb';
    const r = await o.patch(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { redirect_uris: [other], name: 'Renamed' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ redirect_uris: [other], name: 'Renamed' });
    const p = await pkce();
    const res = await fetch(`${t.issuer}/auth?${new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_redirect_uri');
  });

  it('deleting an app stops it and revokes the customer connections it held', async () => {
    const app = await partnerWithApp(t);
    const tenant = await customer(t);
    const p = await pkce();
    const url = new URL(`${t.issuer}/auth`);
    url.search = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256' }).toString();
    const code = (await authorizeViaHttp(t, url, tenant.admin)).searchParams.get('code')!;
    const tokens = await tokenRequest(t, app, { grant_type: 'authorization_code', code, code_verifier: p.verifier, redirect_uri: CALLBACK });
    const o = await app.partner.owner.login();
    expect((await o.delete(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`)).status).toBe(204);
    const refresh = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token) });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error).toBe('invalid_client');
    const d = await t.testDb.db.kysely.selectFrom('delegations').select(['status', 'revoke_reason']).where('client_id', '=', app.clientId).executeTakeFirstOrThrow();
    expect(d).toEqual({ status: 'revoked', revoke_reason: 'the partner deleted the app' });
    expect((await o.get(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`)).status).toBe(404);
  });
});

describe('private_key_jwt clients', () => {
  it('authenticate with a signed client assertion and are refused without one', async () => {
    const w = await t.world.partner({ capabilities: ['wholesale'] });
    const o = await w.owner.login();
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const created = await o.post(`/api/v1/partners/${w.id}/apps`, { name: 'Keyed', grant_types: ['client_credentials'], scopes: ['orders.read'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect(created.status).toBe(201);
    expect(created.body.client_secret).toBeNull();
    const clientId = created.body.app.client_id;
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(t.issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    const ok = await tokenRequest(t, null, { grant_type: 'client_credentials', scope: 'orders.read', client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    expect(ok.status).toBe(200);
    // The same assertion twice is a replay.
    const replay = await tokenRequest(t, null, { grant_type: 'client_credentials', scope: 'orders.read', client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    expect(replay.body.error).toBe('invalid_client');
    const none = await tokenRequest(t, null, { grant_type: 'client_credentials', client_id: clientId });
    expect(none.body.error).toBe('invalid_client');
    const priv = await exportJWK(privateKey);
    const leaked = await o.patch(`/api/v1/partners/${w.id}/apps/${clientId}`, { jwks: { keys: [{ ...priv, kid: 'k2' }] } });
    expect(leaked.status).toBe(400);
    expect(leaked.body.code).toBe('app_jwks_invalid');
  });
});

describe('scope catalog', () => {
  it('describes every scope an app may ask for in plain words', async () => {
    const r = await owner.get('/api/v1/oauth/scopes');
    expect(r.status).toBe(200);
    const byScope = Object.fromEntries(r.body.data.map((s: { scope: string; description: string }) => [s.scope, s.description]));
    expect(byScope['orders.create']).toBe('Place orders');
    expect(byScope['billing.*']).toMatch(/^Everything under billing: /);
    expect(byScope.openid).toBeTruthy();
    expect(byScope['platform.users.manage']).toBeUndefined();
  });
});
