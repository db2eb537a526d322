/**
 * An app's keys at an address and its "require signed requests" setting, against the real server:
 *  - a private_key_jwt app registers a key set address (jwks_uri) served by a real https server on
 *    this machine (the outbound address policy lets loopback be reached only because this server is
 *    started with WEBHOOK_ALLOW_PRIVATE_TARGETS): client authentication reads the keys there, keeps
 *    them, reads again at once (at most once every 30 seconds) for a key id it lacks when the app
 *    rotates, and again after 5 minutes; the same keys check JWT bearer assertions;
 *  - without the allowance, a loopback key set address is never called and nothing it could serve
 *    authenticates;
 *  - a private key, both jwks and jwks_uri, an http address: refused in a sentence;
 *  - the owner reads what was last read at the address (key ids, algorithms, when) — read at once
 *    when never read — and, after a failed read, why in a code the portal words; staff are
 *    refused, another partner's app is not found, an app with pasted keys has no address to read;
 *  - require_signed_request_object: plain authorization, pushed and backchannel requests are refused
 *    with invalid_request, a signed one goes through; discovery keeps saying signing is not
 *    required of every app; the change is audited.
 * Both databases.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { OutboundClient } from '../../../src/platform/outbound/outbound-http.ts';
import { AppKeySets } from '../../../src/modules/oauth/app-key-sets.ts';
import { localhostCertificate } from '../auditstream/receivers.ts';
import { CALLBACK, customer, partnerWithApp, pkce, startOAuthApp, UserAgent, type OAuthTestApp } from './oauth-helpers.ts';

let t: OAuthTestApp;
const clock = new ManualClock();
let server: Server;
let served: JWK[] = [];
let reads = 0;
/** paths the key set server answers 503 for */
const failing = new Set<string>();
let trusted: string[] = [];

beforeAll(async () => {
  const tlsCert = localhostCertificate();
  trusted = getCACertificates('default');
  setDefaultCACertificates([...trusted, tlsCert.cert]);
  server = createServer({ key: tlsCert.key, cert: tlsCert.cert }, (req, res) => {
    reads++;
    if (failing.has(req.url ?? '')) {
      res.statusCode = 503;
      res.end('down for maintenance');
      return;
    }
    res.setHeader('content-type', 'application/jwk-set+json');
    res.end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t = await startOAuthApp({ clock, config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
});
afterAll(async () => {
  await t?.close();
  setDefaultCACertificates(trusted);
  await new Promise((r) => server.close(r));
});

/** the server's key set, at a path of its own per test (the keys read are kept per address) */
const keysAt = (path = 'jwks.json') => `https://localhost:${(server.address() as AddressInfo).port}/${path}`;

async function keyPair(kid: string): Promise<{ kid: string; key: CryptoKey; jwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function clientAssertion(clientId: string, k: { kid: string; key: CryptoKey }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: k.kid }).setIssuer(clientId).setSubject(clientId).setAudience(t.issuer).setIssuedAt(now).setExpirationTime(now + 60).setJti(randomUUID()).sign(k.key);
}

/** Client authentication alone: the introspection endpoint answers 200 to an app that proved who it is. */
async function authenticates(clientId: string, k: { kid: string; key: CryptoKey }): Promise<number> {
  const body = new URLSearchParams({ token: 'not-a-token', client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(clientId, k) });
  const res = await fetch(`${t.issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  await res.body?.cancel();
  return res.status;
}

async function post(path: string, clientId: string, k: { kid: string; key: CryptoKey }, params: Record<string, string>) {
  const body = new URLSearchParams({ ...params, client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(clientId, k) });
  const res = await fetch(`${t.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('keys at an address (jwks_uri)', () => {
  it('reads the keys there, keeps them, reads again once for a rotated key id (rate-limited) and after 5 minutes', async () => {
    const k1 = await keyPair('k1');
    const k2 = await keyPair('k2');
    const k3 = await keyPair('k3');
    served = [k1.jwk];
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k1.jwk] } });
    const owner = await app.partner.owner.login();
    const r = await owner.patch<any>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { jwks_uri: keysAt() });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ jwks: null, jwks_uri: keysAt() });
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select('details').where('target_id', '=', app.clientId).where('action', '=', 'app.updated').execute();
    expect(JSON.parse(String(audit.at(-1)!.details)).changes).toMatchObject({ jwks_uri: keysAt(), jwks: null });

    reads = 0;
    expect(await authenticates(app.clientId, k1)).toBe(200);
    expect(await authenticates(app.clientId, k1)).toBe(200);
    expect(reads).toBe(1);

    // the app rotates: a key id the kept set lacks is read for at once…
    clock.advance(31_000);
    served = [k2.jwk];
    expect(await authenticates(app.clientId, k2)).toBe(200);
    expect(reads).toBe(2);
    // …but not again within 30 seconds, whatever key id a request names
    served = [k2.jwk, k3.jwk];
    expect(await authenticates(app.clientId, k3)).toBe(401);
    expect(reads).toBe(2);
    // the old key is gone from the kept set
    expect(await authenticates(app.clientId, k1)).toBe(401);
    clock.advance(31_000);
    expect(await authenticates(app.clientId, k3)).toBe(200);
    expect(reads).toBe(3);
    // kept 5 minutes, then read again: a key the app withdrew stops working
    served = [k3.jwk];
    clock.advance(5 * 60_000);
    expect(await authenticates(app.clientId, k2)).toBe(401);
    expect(reads).toBe(4);
    expect(await authenticates(app.clientId, k3)).toBe(200);
  });

  it('the same keys check a JWT bearer assertion', async () => {
    const k = await keyPair('bearer-1');
    served = [k.jwk];
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] }, scopes: ['openid', 'orders.read'] });
    const owner = await app.partner.owner.login();
    expect((await owner.patch<any>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { jwks_uri: keysAt('bearer.json'), ciba: { delivery_mode: 'poll' } })).status).toBe(200);
    const tenant = await customer(t);
    // the customer consents (CIBA), the request authenticated with the published key
    const asked = await post('/backchannel', app.clientId, k, { scope: 'openid orders.read', login_hint: tenant.id });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const admin = await tenant.admin.login();
    const list = (await admin.get<any>(`/api/v1/tenants/${tenant.id}/ciba-requests`)).body.data;
    expect((await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/approve`, { ban_ids: [tenant.bans[0].id], bill_to: tenant.bans[0].id, duration_days: 30 })).status).toBe(200);
    const bearer = async (key: CryptoKey) => {
      const now = Math.floor(clock.nowMs() / 1000);
      const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: k.kid }).setIssuer(app.clientId).setSubject(tenant.id).setAudience(t.issuer).setIssuedAt(now).setExpirationTime(now + 60).setJti(randomUUID()).sign(key);
      return post('/token', app.clientId, k, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion, scope: 'orders.read' });
    };
    const ok = await bearer(k.key);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.access_token).toBeTruthy();
    // the same key id, another private key: the published key does not check it
    const forged = await bearer((await keyPair('bearer-1')).key);
    expect(forged.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('without the allowance, a loopback key set address is never called', async () => {
    const before = reads;
    const guarded = new OutboundClient({ allowPrivate: false, timeoutMs: 2000, maxResponseBytes: 16 * 1024 });
    const failures: unknown[] = [];
    const sets = new AppKeySets({ clock, get: (u, h) => guarded.get(u, h), onError: (e) => failures.push(e) });
    served = [(await keyPair('k9')).jwk];
    expect(await sets.keys(keysAt(), ['k9'])).toEqual([]);
    expect(await sets.keys(`https://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, ['k9'])).toEqual([]);
    expect(reads).toBe(before);
    expect(String(failures[0])).toMatch(/this machine|private|loopback|not allowed/i);
    await guarded.close();
  });

  it('a private key, keys and an address together, an http address: refused in a sentence', async () => {
    const k = await keyPair('k1');
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } });
    const owner = await app.partner.owner.login();
    const path = `/api/v1/partners/${app.partner.id}/apps/${app.clientId}`;
    const privateJwk = { ...(await exportJWK(k.key)), kid: 'k1' };
    const a = await owner.patch<any>(path, { jwks: { keys: [privateJwk] } });
    expect(a.status).toBe(400);
    expect(a.body).toMatchObject({ code: 'app_jwks_invalid' });
    expect(a.body.detail).toMatch(/private half/);
    const b = await owner.patch<any>(path, { jwks: { keys: [k.jwk] }, jwks_uri: keysAt() });
    expect(b.body).toMatchObject({ code: 'app_jwks_invalid', detail: 'Give the keys or the address they are published at, not both.' });
    const c = await owner.patch<any>(path, { jwks_uri: 'http://keys.example.com/jwks.json' });
    expect(c.status).toBe(400);
    expect(c.body.detail).toMatch(/https/);
    const secretApp = await partnerWithApp(t);
    const d = await (await secretApp.partner.owner.login()).patch<any>(`/api/v1/partners/${secretApp.partner.id}/apps/${secretApp.clientId}`, { require_signed_request_object: true });
    expect(d.status).toBe(400);
    expect(d.body.detail).toMatch(/registered keys/);
  });
});

describe('what the owner sees of the keys at the address', () => {
  it('the keys last read there, read at once when never read; after a failed read, why, with the keys read before', async () => {
    const k = await keyPair('view-1');
    const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    served = [k.jwk, { ...(await exportJWK(publicKey)), kid: 'view-2' }];
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } });
    const owner = await app.partner.owner.login();
    const path = `/api/v1/partners/${app.partner.id}/apps/${app.clientId}`;
    expect((await owner.patch<any>(path, { jwks_uri: keysAt('view.json') })).status).toBe(200);

    const before = reads;
    const first = await owner.get<any>(`${path}/key-set`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({
      address: keysAt('view.json'),
      read_at: clock.now().toISOString(),
      keys: [{ kid: 'view-1', alg: 'ES256', kty: 'EC', crv: 'P-256' }, { kid: 'view-2', alg: null, kty: 'OKP', crv: 'Ed25519' }],
      failure: null,
    });
    expect(reads).toBe(before + 1);
    // kept: asking again does not call the app's server
    expect((await owner.get<any>(`${path}/key-set`)).body.read_at).toBe(first.body.read_at);
    expect(reads).toBe(before + 1);

    // 5 minutes on, the next sign-in reads again and the address answers 503: the keys read before stay
    clock.advance(5 * 60_000 + 1000);
    failing.add('/view.json');
    expect(await authenticates(app.clientId, k)).toBe(200);
    const after = await owner.get<any>(`${path}/key-set`);
    expect(after.body).toMatchObject({ read_at: first.body.read_at, keys: first.body.keys, failure: { code: 'bad_status', status: 503, at: clock.now().toISOString() } });
    failing.delete('/view.json');
  });

  it('an address never read well: no keys and the reason; staff, another partner and pasted keys are refused', async () => {
    const k = await keyPair('never-1');
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } });
    const owner = await app.partner.owner.login();
    const path = `/api/v1/partners/${app.partner.id}/apps/${app.clientId}`;
    // pasted keys: nothing is read from anywhere
    expect((await owner.get<any>(`${path}/key-set`)).body).toMatchObject({ status: 409, code: 'app_keys_not_at_address' });

    failing.add('/never.json');
    expect((await owner.patch<any>(path, { jwks_uri: keysAt('never.json') })).status).toBe(200);
    const r = await owner.get<any>(`${path}/key-set`);
    expect(r.body).toMatchObject({ address: keysAt('never.json'), read_at: null, keys: [], failure: { code: 'bad_status', status: 503 } });

    const staff = await app.partner.staff.login();
    expect((await staff.get<any>(`${path}/key-set`)).status).toBe(403);
    const other = await partnerWithApp(t);
    const stranger = await other.partner.owner.login();
    expect((await stranger.get<any>(`/api/v1/partners/${other.partner.id}/apps/${app.clientId}/key-set`)).status).toBe(404);
    failing.delete('/never.json');
  });
});

describe('require signed requests (require_signed_request_object)', () => {
  it('refuses plain authorization, pushed and backchannel requests with invalid_request; a signed one goes through; audited', async () => {
    const k = await keyPair('sig-1');
    const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } });
    const owner = await app.partner.owner.login();
    const path = `/api/v1/partners/${app.partner.id}/apps/${app.clientId}`;
    expect((await owner.get<any>(path)).body.require_signed_request_object).toBe(false);
    const on = await owner.patch<any>(path, { require_signed_request_object: true, ciba: { delivery_mode: 'poll' } });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.require_signed_request_object).toBe(true);
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select('details').where('target_id', '=', app.clientId).where('action', '=', 'app.updated').execute();
    expect(JSON.parse(String(audit.at(-1)!.details)).changes).toMatchObject({ require_signed_request_object: true });

    const p = await pkce();
    const plain = { response_type: 'code', redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state };
    const par = await post('/request', app.clientId, k, plain);
    expect(par.status).toBe(400);
    expect(par.body).toMatchObject({ error: 'invalid_request' });
    expect(String(par.body.error_description)).toMatch(/Request Object must be used/);

    const tenant = await customer(t);
    const ciba = await post('/backchannel', app.clientId, k, { scope: 'openid orders.read', login_hint: tenant.id });
    expect(ciba.body).toMatchObject({ error: 'invalid_request' });

    const auth = await new UserAgent().request(`${t.issuer}/auth?${new URLSearchParams({ ...plain, client_id: app.clientId })}`);
    expect(new URL(auth.location ?? t.url).searchParams.get('error')).toBe('invalid_request');

    const now = Math.floor(Date.now() / 1000);
    const signed = await new SignJWT({ ...plain, client_id: app.clientId }).setProtectedHeader({ alg: 'ES256', kid: k.kid }).setIssuer(app.clientId).setAudience(t.issuer).setIssuedAt(now).setExpirationTime(now + 60).sign(k.key);
    const parSigned = await post('/request', app.clientId, k, { request: signed });
    expect(parSigned.status, JSON.stringify(parSigned.body)).toBe(201);
    const cibaSigned = await new SignJWT({ scope: 'openid orders.read', login_hint: tenant.id, client_id: app.clientId }).setProtectedHeader({ alg: 'ES256', kid: k.kid }).setIssuer(app.clientId).setAudience(t.issuer).setIssuedAt(now).setNotBefore(now).setExpirationTime(now + 60).setJti(randomUUID()).sign(k.key);
    const cibaOk = await post('/backchannel', app.clientId, k, { request: cibaSigned });
    expect(cibaOk.status, JSON.stringify(cibaOk.body)).toBe(200);
    expect(cibaOk.body.auth_req_id).toBeTruthy();

    const disc = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(disc.require_signed_request_object).toBe(false);
  });
});
