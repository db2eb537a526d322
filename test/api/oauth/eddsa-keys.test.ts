/**
 * The EdDSA (Ed25519, RFC 8037) signing key beside the ES256 and RS256 ones: with
 * ACCESS_TOKEN_SIGNING_ALG=EdDSA access tokens are Ed25519-signed and verify with nothing but the
 * published JWKS over HTTP (jose's remote key set picks the key by kid), at the introspection
 * endpoint and at the gateway; ID tokens stay RS256 and discovery offers no EdDSA ID tokens (an app
 * cannot choose them); `keys rotate` (a real process) rotates the EdDSA key too, and the retired one
 * stays published so tokens it signed keep verifying. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify, type JWK } from 'jose';
import { decodeJwt, introspect, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { runCli } from '../../helpers/server-process.ts';

let t: OAuthTestApp;
let w: RegisteredApp;

beforeAll(async () => {
  t = await startOAuthApp({ config: { ACCESS_TOKEN_SIGNING_ALG: 'EdDSA' } });
  w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const cli = (args: string[]) =>
  runCli(args, { DATA_DIR: t.testDb.dataDir, PUBLIC_URL: t.url, DATABASE_URL: t.testDb.databaseUrl, REDIS_URL: process.env.REDIS_URL ? REDIS_URL : null });

async function discovery(): Promise<{ jwks_uri: string; id_token_signing_alg_values_supported: string[] }> {
  return (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string; id_token_signing_alg_values_supported: string[] };
}

async function published(): Promise<JWK[]> {
  const r = await fetch((await discovery()).jwks_uri);
  expect(r.status).toBe(200);
  return ((await r.json()) as { keys: JWK[] }).keys;
}

async function accessToken(): Promise<string> {
  const r = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' });
  expect(r.status).toBe(200);
  return String(r.body.access_token);
}

async function throughGateway(token: string): Promise<number> {
  return (await fetch(`${t.url}/resources/v1/context`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('ACCESS_TOKEN_SIGNING_ALG=EdDSA', () => {
  it('publishes an Ed25519 key with alg, kid and use beside the ES256 and RS256 ones, and signs access tokens with it', async () => {
    const keys = await published();
    const ed = keys.filter((k) => k.alg === 'EdDSA');
    expect(ed).toHaveLength(1);
    expect(ed[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig' });
    expect(ed[0].kid).toBeTruthy();
    expect(ed[0].d).toBeUndefined();
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    // the access-token key is listed first
    expect(keys[0].alg).toBe('EdDSA');
    expect((await discovery()).id_token_signing_alg_values_supported).not.toContain('EdDSA');

    const token = await accessToken();
    expect(decodeJwt(token).header).toMatchObject({ alg: 'EdDSA', kid: ed[0].kid, typ: 'at+jwt' });
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL((await discovery()).jwks_uri)), { issuer: t.issuer, audience: t.audience, typ: 'at+jwt', algorithms: ['EdDSA'] });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload.client_id).toBe(w.clientId);
    expect((await introspect(t, w, token)).body).toMatchObject({ active: true, client_id: w.clientId });
    expect(await throughGateway(token)).toBe(200);
  });

  it('`keys rotate` rotates the EdDSA key too; the retired key stays published and its tokens keep verifying', async () => {
    const before = await accessToken();
    const oldKid = decodeJwt(before).header.kid as string;

    const r = cli(['keys', 'rotate']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const newKid = /new signing key (\S+) \(EdDSA\)/.exec(r.out)?.[1];
    expect(newKid, r.out).toBeTruthy();
    expect(r.out).toMatch(/new signing key \S+ \(ES256\)/);
    expect(r.out).toMatch(/new signing key \S+ \(RS256\)/);

    const edKids = async () => (await published()).filter((k) => k.alg === 'EdDSA').map((k) => k.kid);
    await expect.poll(edKids, { timeout: 15_000, interval: 200 }).toEqual([newKid, oldKid]);

    const after = await accessToken();
    expect(decodeJwt(after).header).toMatchObject({ alg: 'EdDSA', kid: newKid });
    const jwks = createRemoteJWKSet(new URL((await discovery()).jwks_uri));
    for (const token of [before, after]) {
      await expect(jwtVerify(token, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt', algorithms: ['EdDSA'] })).resolves.toBeTruthy();
      expect((await introspect(t, w, token)).body.active).toBe(true);
      expect(await throughGateway(token)).toBe(200);
    }
    const list = cli(['keys', 'list']);
    expect(list.out).toMatch(new RegExp(`${newKid}\\s+EdDSA\\s+current`));
    expect(list.out).toMatch(new RegExp(`${oldKid}\\s+EdDSA\\s+retired\\s+published until`));
  }, 90_000);
});
