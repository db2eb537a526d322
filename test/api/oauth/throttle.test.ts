/**
 * Brute-force throttling of the token endpoint, per (client_id, IP) and per IP, counting failed
 * client authentication only: an attacker who knows a public client_id is throttled from its own
 * address but cannot lock the real app out of its addresses; the app's own invalid_grant answers
 * never throttle it; private_key_jwt clients are keyed by the client_id of the form/assertion.
 * Client IPs are simulated with TRUST_PROXY + X-Forwarded-For. Both databases.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { CALLBACK, authorizeViaHttp, customer, partnerWithApp, pkce, startOAuthApp, tokenRequest, UserAgent, type OAuthTestApp } from './oauth-helpers.ts';

let t: OAuthTestApp;
let n = 0;
/** A fresh address per test, so tests never share a counter. */
const ip = () => `10.77.${Math.floor(++n / 250)}.${(n % 250) + 1}`;
const from = (addr: string) => ({ 'x-forwarded-for': addr });

beforeAll(async () => {
  t = await startOAuthApp({ config: { TRUST_PROXY: 'true' } });
});
afterAll(async () => {
  await t?.close();
});

describe('client_secret_basic', () => {
  it("throttles the attacker's address after 20 failures, never the real app's", async () => {
    const victim = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'], name: 'Victim' });
    const attacker = ip();
    const real = ip();
    const statuses: number[] = [];
    let last: { status: number; body: Record<string, unknown> } | null = null;
    for (let i = 0; i < 25; i++) {
      last = await tokenRequest(t, { clientId: victim.clientId, secret: `guess-${i}` }, { grant_type: 'client_credentials', scope: 'orders.read' }, from(attacker));
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    expect(last!.body.error).toBe('temporarily_unavailable');

    // From the attacker's address even the right secret waits (a hit looks like a throttled miss).
    const res = await fetch(`${t.issuer}/token`, {
      method: 'POST',
      headers: { ...from(attacker), 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${victim.clientId}:${victim.secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=orders.read',
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: string }).error).toBe('temporarily_unavailable');

    // The real app, from its own address, is not affected.
    const ok = await tokenRequest(t, victim, { grant_type: 'client_credentials', scope: 'orders.read' }, from(real));
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toBeTruthy();
    // Another client from the attacker's address still authenticates: the per-IP budget is larger.
    const other = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'], name: 'Bystander' });
    expect((await tokenRequest(t, other, { grant_type: 'client_credentials', scope: 'orders.read' }, from(attacker))).status).toBe(200);
  });

  it("does not count an authenticated app's invalid_grant answers (stale codes and refresh tokens)", async () => {
    const app = await partnerWithApp(t, { name: 'Busy app' });
    const addr = ip();
    for (let i = 0; i < 30; i++) {
      const r = await tokenRequest(t, app, i % 2 ? { grant_type: 'refresh_token', refresh_token: `stale-${i}` } : { grant_type: 'authorization_code', code: `old-${i}`, code_verifier: 'x'.repeat(43), redirect_uri: CALLBACK }, from(addr));
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('invalid_grant');
    }
    // …and the app still gets its tokens from the same address.
    const tenant = await customer(t);
    const p = await pkce();
    const url = new URL(`${t.issuer}/auth`);
    url.search = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }).toString();
    const callback = await authorizeViaHttp(t, url, tenant.admin, {}, new UserAgent());
    const r = await tokenRequest(t, app, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: p.verifier, redirect_uri: CALLBACK }, from(addr));
    expect(r.status).toBe(200);
  });

  it('counts failures per address for unknown client_ids too', async () => {
    const addr = ip();
    const ghost = `app_${randomUUID().replace(/-/g, '').slice(0, 26)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await tokenRequest(t, { clientId: ghost, secret: 'x' }, { grant_type: 'client_credentials' }, from(addr))).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe('private_key_jwt', () => {
  let clientId: string;
  let key: CryptoKey;
  let wrongKey: CryptoKey;

  beforeAll(async () => {
    const w = await t.world.partner({ capabilities: ['wholesale'] });
    const o = await w.owner.login();
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = pair.privateKey;
    wrongKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const r = await o.post(`/api/v1/partners/${w.id}/apps`, { name: 'Keyed', grant_types: ['client_credentials'], scopes: ['orders.read'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect(r.status).toBe(201);
    clientId = r.body.app.client_id;
  });

  const assertion = (k: CryptoKey) =>
    new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(clientId).setSubject(clientId).setAudience(t.issuer).setJti(randomUUID()).setIssuedAt().setExpirationTime('1m').sign(k);
  const request = async (k: CryptoKey, addr: string, withClientId: boolean) =>
    tokenRequest(
      t,
      null,
      {
        grant_type: 'client_credentials',
        scope: 'orders.read',
        ...(withClientId ? { client_id: clientId } : {}),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(k),
      },
      from(addr),
    );

  it('keys failures by the client_id of the form or the assertion, per address', async () => {
    const attacker = ip();
    const statuses: number[] = [];
    // Half the forged requests name the client in the form, half only in the assertion's sub.
    for (let i = 0; i < 22; i++) statuses.push((await request(wrongKey, attacker, i % 2 === 0)).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429]);
    const throttled = await request(key, attacker, false);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error).toBe('temporarily_unavailable');
    // The client's own servers, elsewhere, carry on.
    const ok = await request(key, ip(), true);
    expect(ok.status).toBe(200);
  });
});
