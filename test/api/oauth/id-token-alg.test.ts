/**
 * An app's owner chooses how its ID tokens are signed (OpenID Connect's
 * `id_token_signed_response_alg`): an app left alone gets RS256 ID tokens, OpenID Connect Core's
 * default; an app set to ES256 gets ES256 ones. Either verifies with nothing but the server's
 * published JWKS over HTTP (jose's remote key set). Anything else is refused with problem+json and
 * leaves the app as it was; the change is in the partner's audit log. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { CALLBACK, codeFlowTokens, customer, decodeJwt, partnerWithApp, startOAuthApp, type OAuthTestApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  tenant = await customer(t);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** The key set a relying party knows: the issuer's jwks_uri from discovery, fetched over HTTP. */
async function remoteKeys() {
  const meta = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string; id_token_signing_alg_values_supported: string[] };
  expect(meta.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
  return createRemoteJWKSet(new URL(meta.jwks_uri));
}

/** A customer signs in to the app and consents; the ID token the app receives. */
async function idToken(app: { clientId: string; secret: string }): Promise<string> {
  const tokens = await codeFlowTokens(t, app.clientId, app.secret, tenant.admin, 'openid profile orders.read');
  expect(tokens.id_token).toBeTruthy();
  return tokens.id_token!;
}

async function verified(token: string, clientId: string, alg: 'RS256' | 'ES256') {
  const { payload, protectedHeader } = await jwtVerify(token, await remoteKeys(), { issuer: t.issuer, audience: clientId, algorithms: [alg] });
  expect(payload.sub).toBe(tenant.admin.id);
  return protectedHeader;
}

describe('ID token signature per app', () => {
  it('an app left at the default gets RS256 ID tokens, verifiable from the published keys', async () => {
    const app = await partnerWithApp(t);
    const owner = await app.partner.owner.login();
    const r = await owner.get<'/api/v1/partners/{partner_id}/apps/{app_id}'>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`);
    expect(r.status).toBe(200);
    expect(r.body.id_token_signed_response_alg).toBe('RS256');

    const token = await idToken(app);
    expect(decodeJwt(token).header.alg).toBe('RS256');
    expect((await verified(token, app.clientId, 'RS256')).alg).toBe('RS256');
    // Not accepted as anything else.
    await expect(jwtVerify(token, await remoteKeys(), { issuer: t.issuer, audience: app.clientId, algorithms: ['ES256'] })).rejects.toThrow();
  }, 60_000);

  it('an app its owner sets to ES256 gets ES256 ID tokens, and the change is in the audit log', async () => {
    const app = await partnerWithApp(t);
    const owner = await app.partner.owner.login();
    const before = await idToken(app);
    expect(decodeJwt(before).header.alg).toBe('RS256');

    const r = await owner.patch<'/api/v1/partners/{partner_id}/apps/{app_id}'>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { id_token_signed_response_alg: 'ES256' });
    expect(r.status).toBe(200);
    expect(r.body.id_token_signed_response_alg).toBe('ES256');
    const read = await owner.get<'/api/v1/partners/{partner_id}/apps/{app_id}'>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`);
    expect(read.body.id_token_signed_response_alg).toBe('ES256');

    const token = await idToken(app);
    expect(decodeJwt(token).header.alg).toBe('ES256');
    expect((await verified(token, app.clientId, 'ES256')).alg).toBe('ES256');
    // The RS256 token issued before the change still verifies: both keys stay published.
    await verified(before, app.clientId, 'RS256');

    const audit = await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${app.partner.id}/audit-events?target_id=${app.clientId}`);
    expect(audit.status).toBe(200);
    const updated = audit.body.data.filter((e) => e.action === 'app.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0].details).toEqual({ changes: { id_token_signed_response_alg: 'ES256' } });
    expect(updated[0].actor.user_id).toBe(app.partner.owner.id);

    // Back to the default: RS256 again, audited too.
    const back = await owner.patch<'/api/v1/partners/{partner_id}/apps/{app_id}'>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { id_token_signed_response_alg: 'RS256' });
    expect(back.body.id_token_signed_response_alg).toBe('RS256');
    expect(decodeJwt(await idToken(app)).header.alg).toBe('RS256');
    const after = await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${app.partner.id}/audit-events?target_id=${app.clientId}`);
    expect(after.body.data.filter((e) => e.action === 'app.updated').map((e) => e.details)).toEqual([{ changes: { id_token_signed_response_alg: 'RS256' } }, { changes: { id_token_signed_response_alg: 'ES256' } }]);
  }, 90_000);

  it('an app registered with ES256 has it from the start, in its registration audit event', async () => {
    const partner = await t.world.partner({ capabilities: ['delegated'] });
    const owner = await partner.owner.login();
    const r = await owner.post<'/api/v1/partners/{partner_id}/apps'>(`/api/v1/partners/${partner.id}/apps`, {
      name: 'Elliptic app',
      grant_types: ['authorization_code'],
      scopes: ['openid', 'profile', 'orders.read'],
      redirect_uris: [CALLBACK],
      id_token_signed_response_alg: 'ES256',
    });
    expect(r.status).toBe(201);
    expect(r.body.app.id_token_signed_response_alg).toBe('ES256');
    const token = await idToken({ clientId: r.body.app.client_id, secret: r.body.client_secret! });
    expect((await verified(token, r.body.app.client_id, 'ES256')).alg).toBe('ES256');

    const audit = await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${partner.id}/audit-events?target_id=${r.body.app.id}&action=app.created`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].details).toMatchObject({ id_token_signed_response_alg: 'ES256' });
  }, 60_000);

  it.each(['HS256', 'none', 'es256', 'RS512', '', 5])('refuses %j with problem+json, on registration and on edit, and leaves the app as it was', async (value) => {
    const app = await partnerWithApp(t);
    const owner = await app.partner.owner.login();
    const url = `/api/v1/partners/${app.partner.id}/apps/${app.clientId}` as const;

    const edit = await owner.patch(url, { id_token_signed_response_alg: value });
    expect(edit.status).toBe(400);
    expect(String(edit.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(edit.body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(edit.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/body/id_token_signed_response_alg' })]));

    const create = await owner.post(`/api/v1/partners/${app.partner.id}/apps`, {
      name: 'Refused',
      grant_types: ['authorization_code'],
      scopes: ['openid', 'orders.read'],
      redirect_uris: [CALLBACK],
      id_token_signed_response_alg: value,
    });
    expect(create.status).toBe(400);
    expect(String(create.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(create.body.code).toBe('validation_failed');

    expect((await owner.get<'/api/v1/partners/{partner_id}/apps/{app_id}'>(url)).body.id_token_signed_response_alg).toBe('RS256');
    const audit = await owner.get<'/api/v1/partners/{partner_id}/audit-events'>(`/api/v1/partners/${app.partner.id}/audit-events?target_id=${app.clientId}`);
    expect(audit.body.data.map((e) => e.action)).toEqual(['app.created']);
  }, 60_000);
});
