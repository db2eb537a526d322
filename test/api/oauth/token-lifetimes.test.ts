/**
 * A credential derived from another never outlives it (least privilege; RFC 8693 §2.1, RFC 9700
 * §4.14): a token-exchange access token expires no later than its subject token (nor the
 * wholesale delegation it acts through), and an access or refresh token issued from a consent
 * grant expires no later than the grant — the customer's delegation — whatever ACCESS_TOKEN_TTL says.
 * Tokens come from the real token endpoint; a subject token "issued two minutes ago" is the real
 * one re-signed with the server's own key and its times moved back, as no test waits two minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { SignJWT, importJWK, type JWK } from 'jose';
import { authorizeViaHttp, CALLBACK, customer, decodeJwt, oidcClient, partnerWithApp, pkce, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import { unique } from '../../helpers/world.ts';

const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
// the longest access-token lifetime allowed, so a one-day consent ends before its tokens would
const DAY = 86_400;

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp({ config: { ACCESS_TOKEN_TTL: String(DAY) } });
}, 60_000);
afterAll(() => t?.close());

/** The same token, as if issued `agoSec` earlier (and expiring that much earlier), signed with the server's current key. */
async function issuedEarlier(token: string, agoSec: number): Promise<string> {
  const { header, payload } = decodeJwt(token);
  const keys = t.services.oauth.keys;
  const jwk = keys.providerJwks().keys.find((k) => k.kid === header.kid) as JWK;
  return new SignJWT({ ...payload, iat: Number(payload.iat) - agoSec, exp: Number(payload.exp) - agoSec })
    .setProtectedHeader(header as { alg: string })
    .sign(await importJWK(jwk, String(header.alg)));
}

const nowSec = () => Math.floor(Date.now() / 1000);

describe('token exchange (RFC 8693)', () => {
  let w: RegisteredApp;
  let resold: string;
  let own: string;

  beforeAll(async () => {
    w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TE], scopes: ['orders.read', 'orders.create'] });
    const owner = await w.partner.owner.login();
    const r = await owner.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'Bakery', slug: unique('bakery'), billing_account_name: 'Main' });
    expect(r.status).toBe(201);
    resold = r.body.resold.tenant.id;
    const cc = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read orders.create' });
    expect(cc.status).toBe(200);
    own = String(cc.body.access_token);
  });

  it('issues a token that expires when its subject token does, not a full lifetime later', async () => {
    const subject = await issuedEarlier(own, 120);
    const subjectExp = Number(decodeJwt(subject).payload.exp);
    const asked = nowSec(); // before the request: the server counts expires_in at some moment after this
    const r = await tokenRequest(t, w, { grant_type: TE, subject_token: subject, subject_token_type: AT, tenant_id: resold, scope: 'orders.read' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const exp = Number(decodeJwt(String(r.body.access_token)).payload.exp);
    expect(exp).toBeLessThanOrEqual(subjectExp);
    expect(exp).toBeGreaterThanOrEqual(subjectExp - 5);
    // and says so: expires_in counts to the subject token's end
    expect(Number(r.body.expires_in)).toBeLessThanOrEqual(subjectExp - asked + 1);
  });

  it('refuses a subject token that has already expired (within the verifier’s clock tolerance), instead of minting a fresh one from it', async () => {
    const subject = await issuedEarlier(own, DAY + 2); // expired two seconds ago
    const r = await tokenRequest(t, w, { grant_type: TE, subject_token: subject, subject_token_type: AT, tenant_id: resold });
    expect([r.status, r.body.error]).toEqual([400, 'invalid_grant']);
    expect(r.body.access_token).toBeUndefined();
  });

  it('never outlives the wholesale delegation it acts through', async () => {
    const owner = await w.partner.owner.login();
    const r = await owner.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'Deli', slug: unique('deli'), billing_account_name: 'Main' });
    const tenantId = r.body.resold.tenant.id as string;
    const ends = new Date(Date.now() + 3_600_000).toISOString();
    await t.testDb.db.kysely.updateTable('delegations').set({ ends_at: ends }).where('id', '=', r.body.resold.delegation_id).execute();
    const x = await tokenRequest(t, w, { grant_type: TE, subject_token: own, subject_token_type: AT, tenant_id: tenantId });
    expect(x.status, JSON.stringify(x.body)).toBe(200);
    expect(Number(decodeJwt(String(x.body.access_token)).payload.exp)).toBeLessThanOrEqual(Math.floor(Date.parse(ends) / 1000));
  });
});

describe('tokens of a consent grant', () => {
  it('access and refresh tokens expire no later than the customer’s delegation, on the code grant and on refresh', async () => {
    const app = await partnerWithApp(t, { scopes: ['openid', 'offline_access', 'orders.read'] });
    const tenant = await customer(t);
    const config = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid offline_access orders.read', prompt: 'consent', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const cb = await authorizeViaHttp(t, url, tenant.admin, { days: 1 });
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const claims = decodeJwt(tokens.access_token).payload;
    const d = await t.testDb.db.kysely.selectFrom('delegations').select('ends_at').where('id', '=', String(claims.dlg)).executeTakeFirstOrThrow();
    const endsSec = Math.floor(Date.parse(d.ends_at) / 1000);
    expect(Number(claims.exp)).toBeLessThanOrEqual(endsSec);
    expect(tokens.expires_in).toBeLessThanOrEqual(endsSec - nowSec() + 1);
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(Number(decodeJwt(refreshed.access_token).payload.exp)).toBeLessThanOrEqual(endsSec);
  });
});
