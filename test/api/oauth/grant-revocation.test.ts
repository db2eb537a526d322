/**
 * Revoking a whole grant refuses every access token issued from it on the next request, not when
 * they expire: each access token names its grant (`gid`), and a revoked or destroyed grant goes
 * into the revoked set as `grant:<id>` (table, change feed, memory), which the gateway's live check
 * and introspection consult with no database read. This matters most for an MSP user's token
 * (persona msp, no delegation that could stop it). Covered: the refresh token revoked at the
 * revocation endpoint (MSP user and customer consent), refresh-token reuse revoking the family,
 * the customer disconnecting the app in the portal; refresh rotation is NOT a revocation (the
 * previous access token keeps working); another grant of the same user and app is untouched; a
 * restarted server still refuses. Both databases; openid-client over real HTTP.
 * (Two server processes on PostgreSQL + Redis: grant-revocation-instances.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import {
  CALLBACK,
  authorizeViaHttp,
  customer,
  decodeJwt,
  introspect,
  oidcClient,
  partnerWithApp,
  pkce,
  revoke,
  startOAuthApp,
  tokenRequest,
  type OAuthTestApp,
  type RegisteredApp,
} from './oauth-helpers.ts';
import type { TestApp } from '../../helpers/app.ts';
import type { TestTenant, TestUser } from '../../helpers/world.ts';
import { link, loginAs } from '../gateway/helpers.ts';

const MSP_SCOPES = ['openid', 'orders.read', 'billing.invoices.read'];

let t: OAuthTestApp;
let msp: RegisteredApp;
let linked: TestTenant;
let partnerApp: RegisteredApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  msp = await partnerWithApp(t, { capabilities: ['managed_services'], name: 'MSP Console', scopes: MSP_SCOPES });
  linked = await t.world.tenant();
  await link(t as unknown as TestApp, msp.partner, linked, { role: 'MSP_FULL' });
  partnerApp = await partnerWithApp(t, { name: 'Consent app' });
  tenant = await customer(t);
});
afterAll(() => t?.close());

/** Tokens through the authorization code flow with PKCE: the MSP user for `msp`, the tenant admin (consent) otherwise. */
async function authorize(app: RegisteredApp, user: TestUser | { email: string; password: string }, scope: string) {
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, user);
  const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
  return { config, tokens };
}

const mspTokens = () => authorize(msp, msp.partner.staff, 'openid orders.read billing.invoices.read');
const consentTokens = () => authorize(partnerApp, tenant.admin, 'orders.read');

/** GET /resources/v1/context through the gateway (an MSP user names the tenant to act on). */
async function gateway(token: string, activeTenant: TestTenant | null = null) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (activeTenant) headers['x-active-tenant-id'] = activeTenant.id;
  const res = await fetch(`${t.url}/resources/v1/context`, { headers });
  const text = await res.text();
  return { status: res.status, code: (text ? (JSON.parse(text) as { code?: string }) : {}).code, challenge: res.headers.get('www-authenticate') };
}

const gidOf = (token: string) => decodeJwt(token).payload.gid as string;

async function revokedRow(grantId: string) {
  return t.testDb.db.kysely.selectFrom('oauth_revoked_tokens').selectAll().where('jti', '=', `grant:${grantId}`).executeTakeFirst();
}

function expectRefused(r: Awaited<ReturnType<typeof gateway>>) {
  expect([r.status, r.code]).toEqual([401, 'invalid_token']);
  expect(r.challenge).toContain('error="invalid_token"');
}

describe('every access token issued from a grant names it', () => {
  it('gid is the grant the library stored, the same across refreshes; client-credentials tokens have none', async () => {
    const { config, tokens } = await mspTokens();
    const gid = gidOf(tokens.access_token);
    expect(typeof gid).toBe('string');
    const stored = await t.testDb.db.kysely.selectFrom('oauth_store').select('id').where('model', '=', 'Grant').where('id', '=', gid).execute();
    expect(stored).toHaveLength(1);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(gidOf(refreshed.access_token)).toBe(gid);
    const { tokens: consent } = await consentTokens();
    expect(gidOf(consent.access_token)).toMatch(/.+/);
    expect(gidOf(consent.access_token)).not.toBe(gid);

    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const cc = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(decodeJwt(String(cc.body.access_token)).payload).not.toHaveProperty('gid');
  });
});

describe('refresh rotation is not revocation', () => {
  it('the previous access token keeps working at the gateway and introspects active; nothing enters the revoked set', async () => {
    const { config, tokens } = await mspTokens();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const again = await oidc.refreshTokenGrant(config, refreshed.refresh_token!);
    for (const token of [tokens.access_token, refreshed.access_token, again.access_token]) {
      expect((await gateway(token, linked)).status).toBe(200);
      expect((await introspect(t, msp, token)).body.active).toBe(true);
    }
    expect(await revokedRow(gidOf(tokens.access_token))).toBeUndefined();
  });
});

describe('the refresh token revoked at /oauth/token/revocation', () => {
  it("MSP user: every access token of the grant is refused on the next request (401 invalid_token) and introspects inactive; recorded, fed, audited", async () => {
    const { config, tokens } = await mspTokens();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    // a second authorization of the same user and app: a grant of its own
    const { tokens: otherGrant } = await mspTokens();
    for (const token of [tokens.access_token, refreshed.access_token]) expect((await gateway(token, linked)).status).toBe(200);

    const before = Date.now();
    expect((await revoke(t, msp, refreshed.refresh_token!, 'refresh_token')).status).toBe(200);

    for (const token of [tokens.access_token, refreshed.access_token]) {
      expectRefused(await gateway(token, linked));
      expect((await introspect(t, msp, token)).body).toEqual({ active: false });
    }
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // the user's other grant is untouched
    expect((await gateway(otherGrant.access_token, linked)).status).toBe(200);
    expect((await introspect(t, msp, otherGrant.access_token)).body.active).toBe(true);

    // grant:<id> until the last access token it issued expires (+ clock tolerance)
    const gid = gidOf(tokens.access_token);
    const row = await revokedRow(gid);
    expect(row?.client_id).toBe(msp.clientId);
    const until = Date.parse(row!.expires_at);
    const ttlMs = t.config.accessTokenTtlSec * 1000;
    expect(until).toBeGreaterThanOrEqual(before + ttlMs);
    expect(until).toBeGreaterThanOrEqual((decodeJwt(refreshed.access_token).payload.exp as number) * 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + ttlMs + 61_000);
    const feed = await t.testDb.db.kysely.selectFrom('change_events').select('entity').where('entity_id', '=', `grant:${gid}`).execute();
    expect(feed).toEqual([{ entity: 'oauth_revoked_token' }]);
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action', 'partner_id', 'actor_type', 'actor_client_id']).where('target_id', '=', gid).execute();
    expect(audit).toEqual([{ action: 'oauth.grant_revoked', partner_id: msp.partner.id, actor_type: 'app', actor_client_id: msp.clientId }]);
  });

  it('customer consent: the access token is refused too (401 invalid_token), and the consent delegation ends', async () => {
    const { tokens } = await consentTokens();
    expect((await gateway(tokens.access_token)).status).toBe(200);
    expect((await revoke(t, partnerApp, tokens.refresh_token!, 'refresh_token')).status).toBe(200);
    expectRefused(await gateway(tokens.access_token));
    expect((await introspect(t, partnerApp, tokens.access_token)).body).toEqual({ active: false });
    const dlg = decodeJwt(tokens.access_token).payload.dlg as string;
    const d = await t.testDb.db.kysely.selectFrom('delegations').select('status').where('id', '=', dlg).executeTakeFirstOrThrow();
    expect(d.status).toBe('revoked');
    expect((await revokedRow(gidOf(tokens.access_token)))?.client_id).toBe(partnerApp.clientId);
  });

  it('revoking one access token (by its jti) leaves the grant and its other tokens alone', async () => {
    const { config, tokens } = await mspTokens();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await revoke(t, msp, tokens.access_token, 'access_token')).status).toBe(200);
    expectRefused(await gateway(tokens.access_token, linked));
    expect((await gateway(refreshed.access_token, linked)).status).toBe(200);
    expect(await revokedRow(gidOf(tokens.access_token))).toBeUndefined();
  });
});

describe('other ways a grant ends', () => {
  it('refresh-token reuse revokes the family: the access tokens issued before and after the rotation are refused', async () => {
    const { config, tokens } = await mspTokens();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await gateway(refreshed.access_token, linked)).status).toBe(200);
    // the rotated-out refresh token presented again (a stolen copy)
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    for (const token of [tokens.access_token, refreshed.access_token]) {
      expectRefused(await gateway(token, linked));
      expect((await introspect(t, msp, token)).body).toEqual({ active: false });
    }
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('the customer disconnects the app in the portal: its access token is refused at once as a revoked grant', async () => {
    const { tokens } = await consentTokens();
    expect((await gateway(tokens.access_token)).status).toBe(200);
    const admin = await loginAs(t as unknown as TestApp, tenant.admin);
    const dlg = decodeJwt(tokens.access_token).payload.dlg as string;
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/connected-apps/${dlg}/revoke`, { reason: 'switching provider' })).status).toBe(204);
    expectRefused(await gateway(tokens.access_token));
    expect((await introspect(t, partnerApp, tokens.access_token)).body).toEqual({ active: false });
    const gid = gidOf(tokens.access_token);
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action', 'actor_type', 'details']).where('target_id', '=', gid).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'oauth.grant_revoked', actor_type: 'system' });
    expect(String(audit[0].details)).toContain('switching provider');
  });
});

describe('after a restart', () => {
  it('the revoked grant is loaded at start: its access token is still refused, a new grant’s is served', async () => {
    const { tokens } = await mspTokens();
    expect((await revoke(t, msp, tokens.refresh_token!, 'refresh_token')).status).toBe(200);
    await t.restart();
    expectRefused(await gateway(tokens.access_token, linked));
    const { tokens: fresh } = await mspTokens();
    expect((await gateway(fresh.access_token, linked)).status).toBe(200);
  });
});
