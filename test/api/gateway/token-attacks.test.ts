/**
 * Token attacks against the gateway: each refused with 401 invalid_token before any
 * decision — or, for a valid token used out of place, with the decision's refusal — and client
 * identity headers never reach the upstream.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { consentClaims, consentedApp, gw, link, mintToken, apiToken } from './helpers.ts';

let t: TestApp;
let tenantA: TestTenant;
let tenantB: TestTenant;
let app: Awaited<ReturnType<typeof consentedApp>>;
let claims: Record<string, unknown>;
let good: string;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

beforeAll(async () => {
  t = await startTestApp();
  tenantA = await t.world.tenant();
  tenantB = await t.world.tenant();
  app = await consentedApp(t, { tenant: tenantA });
  claims = consentClaims(app, tenantA);
  good = await mintToken(t, claims);
});
afterAll(() => t.close());

async function refused(token: string, reason: RegExp) {
  const r = await gw(t, 'GET', '/resources/v1/orders', { token });
  expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
  expect(r.body.detail).toMatch(reason);
  expect(String(r.headers['www-authenticate'])).toContain('error="invalid_token"');
}

describe('token attacks', () => {
  it('accepts the genuine token (the baseline)', async () => {
    expect((await gw(t, 'GET', '/resources/v1/orders', { token: good })).status).toBe(200);
  });

  it('alg: none', async () => {
    const [, payload] = good.split('.');
    await refused(`${b64({ alg: 'none', typ: 'at+jwt', kid: t.services.oauth.keys.current.kid })}.${payload}.`, /not accepted|malformed/);
  });

  it('HS256 signed with the public key as the HMAC secret', async () => {
    const pub = t.services.oauth.keys.current.jwk;
    const [, payload] = good.split('.');
    const header = b64({ alg: 'HS256', typ: 'at+jwt', kid: pub.kid });
    for (const secret of [JSON.stringify(pub), String(pub.x)]) {
      const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await refused(`${header}.${payload}.${sig}`, /not accepted/);
    }
  });

  it('a key the authorization server never published (unknown kid), and an embedded jwk/jku', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const evil = { ...(await exportJWK(pair.privateKey)), alg: 'ES256' } as JWK;
    await refused(await mintToken(t, claims, { key: evil, header: { kid: 'attacker-key' } }), /unknown key/);
    const pub = await exportJWK(pair.publicKey);
    // The attacker's key under the real kid, announced in the header: the header is not trusted.
    await refused(await mintToken(t, claims, { key: evil, header: { jwk: pub, jku: 'https://attacker.example/jwks.json' } }), /signature/);
  });

  it('expired', async () => {
    await refused(await mintToken(t, claims, { issuedAtSec: Math.floor(Date.now() / 1000) - 3600, expiresInSec: 600 }), /expired/);
  });

  it('not valid yet (nbf in the future), and valid once nbf has passed', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await mintToken(t, { ...claims, nbf: now + 300 }), /not valid yet/);
    const r = await gw(t, 'GET', '/resources/v1/orders', { token: await mintToken(t, { ...claims, nbf: now - 5 }) });
    expect(r.status).toBe(200);
  });

  it('for another audience, from another issuer, or not an access token', async () => {
    await refused(await mintToken(t, { ...claims, aud: 'https://other-api.example' }), /audience/);
    await refused(await mintToken(t, { ...claims, iss: 'https://evil.example/oauth' }), /issued/);
    await refused(await mintToken(t, claims, { header: { typ: 'JWT' } }), /typ/);
  });

  it('tampered claims (another tenant, wider scope) under the original signature', async () => {
    const [h, , s] = good.split('.');
    const payload = JSON.parse(Buffer.from(good.split('.')[1], 'base64url').toString());
    for (const change of [{ tenant_id: tenantB.id }, { scope: 'orders.read orders.create billing.*' }, { exp: payload.exp + 86_400 }]) {
      await refused(`${h}.${b64({ ...payload, ...change })}.${s}`, /signature/);
    }
  });

  it("a token for tenant A with X-Active-Tenant-Id of tenant B: 404 as if B had nothing to do with it", async () => {
    const r = await gw(t, 'GET', '/resources/v1/orders', { token: good, headers: { 'x-active-tenant-id': tenantB.id } });
    expect([r.status, r.body.code]).toEqual([404, 'delegation_not_found']);
  });

  it('a validly signed token naming a delegation of another partner', async () => {
    const other = await consentedApp(t, { tenant: tenantB });
    const r = await gw(t, 'GET', '/resources/v1/orders', { token: await mintToken(t, { ...claims, dlg: other.delegationId }) });
    expect([r.status, r.body.code]).toEqual([404, 'delegation_not_found']);
  });

  it('spoofed identity headers: stripped, the upstream sees only what the gateway verified', async () => {
    const spoof = {
      'x-partnergate-tenant-id': tenantB.id,
      'x-partnergate-partner-id': 'ptr_01jd9x0a8q4m7w2k3v5b6c8d9e',
      'x-partnergate-bans': '*',
      'x-partnergate-bill-to': tenantB.bans[0].id,
      'x-partnergate-persona': 'wholesaler',
      'x-partnergate-assertion': 'v1.1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'x-user-id': 'usr_01jd9x0a8q4m7w2k3v5b6c8d9e',
      'x-tenant-id': tenantB.id,
      'x-forwarded-user': 'admin',
    };
    const r = await gw(t, 'GET', '/resources/v1/context', { token: good, headers: spoof });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tenant_id: tenantA.id, partner_id: app.partner.id, client_id: app.clientId, bans: [tenantA.bans[0].id], bill_to: tenantA.bans[0].id, persona: 'partner' });
    const none = await gw(t, 'GET', '/resources/v1/context', { headers: spoof });
    expect([none.status, none.body.code]).toEqual([401, 'authentication_required']);
  });

  it('a billing account named another way — a percent-encoded key, or twice — cannot slip past the coverage check', async () => {
    const covered = tenantA.bans[0].account_number;
    const other = tenantA.bans[1].account_number; // not shared with the app
    expect((await gw(t, 'GET', `/resources/v1/orders?ban=${covered}`, { token: good })).status).toBe(200);
    const plain = await gw(t, 'GET', `/resources/v1/orders?ban=${other}`, { token: good });
    expect([plain.status, plain.body.code]).toEqual([403, 'ban_not_covered']);
    // `%62an` is `ban` to every query parser: the gateway reads the query the way the upstream will
    const encoded = await gw(t, 'GET', `/resources/v1/orders?limit=5&%62an=${other}`, { token: good });
    expect([encoded.status, encoded.body.code]).toEqual([403, 'ban_not_covered']);
    const twice = await gw(t, 'GET', `/resources/v1/orders?ban=${covered}&ban=${other}`, { token: good });
    expect([twice.status, twice.body.code]).toEqual([400, 'ban_ambiguous']);
    // the same decision for a proxy asking by forward-auth (which answers refusals as 403)
    const check = (uri: string) => gw(t, 'GET', '/authz/forward-auth', { token: good, headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': uri } });
    const fa = await check(`/resources/v1/orders?%62an=${other}`);
    expect([fa.status, fa.body.code]).toEqual([403, 'ban_not_covered']);
    const faTwice = await check(`/resources/v1/orders?ban=${covered}&ban=${other}`);
    expect([faTwice.status, faTwice.body.code]).toEqual([403, 'ban_ambiguous']);
    const faOk = await check(`/resources/v1/orders?%62an=${covered}`);
    expect([faOk.status, faOk.headers['x-partnergate-ban']]).toEqual([200, covered]);
  });

  it('a personal API token cannot borrow a tenant through identity headers either', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, msp, tenantA);
    const pat = await apiToken(t, msp.staff);
    const r = await gw(t, 'GET', '/resources/v1/context', { token: pat, headers: { 'x-active-tenant-id': tenantA.id, 'x-partnergate-tenant-id': tenantB.id } });
    expect(r.status).toBe(200);
    expect(r.body.tenant_id).toBe(tenantA.id);
  });
});

describe('key rotation', () => {
  it('fails no request: tokens of the new key work at once, tokens of the retired key until they expire', async () => {
    const before = await mintToken(t, claims);
    const { kid } = await t.services.oauth.keys.rotate(t.world.ctx);
    const after = await mintToken(t, claims);
    expect(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid).toBe(kid);
    expect((await gw(t, 'GET', '/resources/v1/orders', { token: after })).status).toBe(200);
    expect((await gw(t, 'GET', '/resources/v1/orders', { token: before })).status).toBe(200);
  });
});
