/**
 * The JWT bearer grant (RFC 7523 §2.1) against the real server, with openid-client (private_key_jwt
 * client authentication, the grant request) and assertions signed here with jose:
 *  - after the customer consented (CIBA, with a purpose), an assertion naming the customer by
 *    account number gets a token carrying the consent's claims and purpose, which the gateway admits;
 *  - no consent, scopes or purposes beyond it, a replayed jti, a foreign key, alg none, a wrong aud,
 *    a long exp → invalid_grant (never a token);
 *  - revoking the consent revokes the tokens and ends the grant;
 *  - discovery names the grant type.
 * Both databases.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../../helpers/world.ts';
import { customer, decodeJwt, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(async () => {
  await t?.close();
});

interface KeyedApp extends RegisteredApp {
  key: CryptoKey;
  config: oidc.Configuration;
}

async function keyedApp(): Promise<KeyedApp> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const app = await partnerWithApp(t, { name: 'Fraud Shield', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, scopes: ['openid', 'orders.read', 'orders.create'] });
  const owner = await app.partner.owner.login();
  expect((await owner.patch<any>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { ciba: { delivery_mode: 'poll' } })).status).toBe(200);
  const config = await oidc.discovery(new URL(t.issuer), app.clientId, undefined, oidc.PrivateKeyJwt({ key: privateKey, kid: 'k1' }), { execute: [oidc.allowInsecureRequests] });
  return { ...app, key: privateKey, config };
}

/** The customer consents to the app (CIBA) for orders.read and fraud prevention. */
async function consented(app: KeyedApp, tenant: TestTenant): Promise<string> {
  await oidc.initiateBackchannelAuthentication(app.config, { scope: 'openid dpv:FraudPreventionAndDetection#orders.read', login_hint: tenant.id });
  const admin = await tenant.admin.login();
  const list = (await admin.get<any>(`/api/v1/tenants/${tenant.id}/ciba-requests`)).body.data;
  const ok = await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/approve`, { ban_ids: [tenant.bans[0].id], bill_to: tenant.bans[0].id, duration_days: 30 });
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  return ok.body.delegation_id;
}

function assertion(app: KeyedApp, sub: string, over: { aud?: string; exp?: number; jti?: string; key?: CryptoKey } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(app.clientId)
    .setSubject(sub)
    .setAudience(over.aud ?? t.issuer)
    .setIssuedAt(now)
    .setExpirationTime(over.exp ?? now + 60)
    .setJti(over.jti ?? randomUUID())
    .sign(over.key ?? app.key);
}

function grant(app: KeyedApp, params: Record<string, string>) {
  return oidc.genericGrantRequest(app.config, JWT_BEARER, params).catch((e: { error?: string; cause?: { error?: string; error_description?: string } }) => ({ error: e.error ?? e.cause?.error, description: e.cause?.error_description }));
}

describe('the JWT bearer grant', () => {
  it('a consented customer named by account number → a token with the consent’s claims and purpose, admitted by the gateway; revoking the consent revokes it', async () => {
    const app = await keyedApp();
    const tenant = await customer(t);
    const dlg = await consented(app, tenant);
    const r = (await grant(app, { assertion: await assertion(app, `ban:${tenant.bans[0].account_number}`), scope: 'dpv:FraudPreventionAndDetection#orders.read' })) as oidc.TokenEndpointResponse;
    expect(r.access_token, JSON.stringify(r)).toBeTruthy();
    const claims = decodeJwt(r.access_token).payload;
    expect(claims).toMatchObject({ tenant_id: tenant.id, partner_id: app.partner.id, dlg, client_id: app.clientId, purpose: ['fraud_prevention'] });
    expect(String(claims.scope).split(' ')).toContain('orders.read');
    const gw = await fetch(`${t.url}/resources/v1/orders?ban=${tenant.bans[0].account_number}`, { headers: { authorization: `Bearer ${r.access_token}` } });
    expect(gw.status).toBe(200);

    const admin = await tenant.admin.login();
    const rv = await admin.post<any>(`/api/v1/tenants/${tenant.id}/delegations/${dlg}/revoke`, { reason: 'no longer needed' });
    expect(rv.status, JSON.stringify(rv.body)).toBeLessThan(300);
    const after = await fetch(`${t.url}/resources/v1/orders?ban=${tenant.bans[0].account_number}`, { headers: { authorization: `Bearer ${r.access_token}` } });
    expect([401, 403]).toContain(after.status);
    expect(await grant(app, { assertion: await assertion(app, tenant.id), scope: 'orders.read' })).toMatchObject({ error: 'invalid_grant' });
  });

  it('no consent, more than consented, a replayed jti, a foreign key, alg none, a wrong aud, a long exp → invalid_grant', async () => {
    const app = await keyedApp();
    const tenant = await customer(t);
    const other = await customer(t);
    await consented(app, tenant);
    // the library answers every invalid_grant alike ("grant request is invalid"); `why` names the case
    const refused = async (params: Record<string, string>, why: RegExp) => {
      const r = (await grant(app, params)) as { error?: string; description?: string };
      expect(r.error, `${why}: ${JSON.stringify(r)}`).toBe('invalid_grant');
    };
    await refused({ assertion: await assertion(app, other.id), scope: 'orders.read' }, /not consented/);
    await refused({ assertion: await assertion(app, tenant.id), scope: 'orders.create' }, /not consented/);
    await refused({ assertion: await assertion(app, tenant.id), scope: 'orders.read', purpose: 'support' }, /not consented/);
    const once = await assertion(app, tenant.id, { jti: 'same' });
    expect(((await grant(app, { assertion: once, scope: 'orders.read' })) as oidc.TokenEndpointResponse).access_token).toBeTruthy();
    await refused({ assertion: once, scope: 'orders.read' }, /used already/);
    const stranger = (await generateKeyPair('ES256')).privateKey;
    await refused({ assertion: await assertion(app, tenant.id, { key: stranger }), scope: 'orders.read' }, /signature/);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: app.clientId, sub: tenant.id, aud: t.issuer, exp: Math.floor(Date.now() / 1000) + 60, jti: randomUUID() })).toString('base64url')}.`;
    await refused({ assertion: none, scope: 'orders.read' }, /asymmetric/);
    await refused({ assertion: await assertion(app, tenant.id, { aud: 'https://elsewhere.example' }), scope: 'orders.read' }, /aud/);
    await refused({ assertion: await assertion(app, tenant.id, { exp: Math.floor(Date.now() / 1000) + 3600 }), scope: 'orders.read' }, /expire within/);
    await refused({ assertion: await assertion(app, tenant.id, { exp: Math.floor(Date.now() / 1000) - 10 }), scope: 'orders.read' }, /expired/);
    await refused({ assertion: await assertion(app, 'ban:0000000'), scope: 'orders.read' }, /names no customer/);
    // an unknown purpose is the scope's fault, as at the authorization endpoint
    expect(await grant(app, { assertion: await assertion(app, tenant.id), scope: 'dpv:MarketingResearch#orders.read' })).toMatchObject({ error: 'invalid_scope' });
  });

  it('discovery names the grant type; a client authenticated by a secret is not registered for it', async () => {
    const disc = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as { grant_types_supported: string[] };
    expect(disc.grant_types_supported).toContain(JWT_BEARER);
    const secretApp = await partnerWithApp(t, {});
    const r = await tokenRequest(t, { clientId: secretApp.clientId, secret: secretApp.secret }, { grant_type: JWT_BEARER, assertion: 'x.y.z' });
    expect([r.status, r.body.error]).toEqual([400, 'unauthorized_client']);
  });
});
