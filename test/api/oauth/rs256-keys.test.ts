/**
 * The RS256 signing key beside the ES256 one: with ACCESS_TOKEN_SIGNING_ALG=RS256 access tokens
 * are RSA-signed and verify with nothing but the published JWKS over HTTP (jose's remote key set
 * picks the key by kid), at the introspection endpoint and at the gateway; `keys rotate` (a real
 * process) rotates the RS256 key too, and the retired one stays published so tokens it signed keep
 * verifying. An unknown algorithm in the setting stops the server at start with a message naming
 * the setting and what it accepts. Both databases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify, type JWK } from 'jose';
import { decodeJwt, introspect, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { runCli } from '../../helpers/server-process.ts';

let t: OAuthTestApp;
let w: RegisteredApp;

beforeAll(async () => {
  t = await startOAuthApp({ config: { ACCESS_TOKEN_SIGNING_ALG: 'RS256' } });
  w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const cli = (args: string[]) =>
  runCli(args, { DATA_DIR: t.testDb.dataDir, PUBLIC_URL: t.url, DATABASE_URL: t.testDb.databaseUrl, REDIS_URL: process.env.REDIS_URL ? REDIS_URL : null });

async function jwksUri(): Promise<URL> {
  const meta = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  return new URL(meta.jwks_uri);
}

async function published(): Promise<JWK[]> {
  const r = await fetch((await jwksUri()).href);
  expect(r.status).toBe(200);
  return ((await r.json()) as { keys: JWK[] }).keys;
}

async function accessToken(): Promise<string> {
  const r = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' });
  expect(r.status).toBe(200);
  return String(r.body.access_token);
}

/** The token through the gateway: the reference service's context endpoint. */
async function throughGateway(token: string): Promise<number> {
  return (await fetch(`${t.url}/resources/v1/context`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('ACCESS_TOKEN_SIGNING_ALG=RS256', () => {
  it('publishes an RSA 2048 key with alg, kid and use, and signs access tokens with it', async () => {
    const keys = await published();
    const rsa = keys.filter((k) => k.alg === 'RS256');
    expect(rsa).toHaveLength(1);
    expect(rsa[0]).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(rsa[0].n!, 'base64url').length * 8).toBe(2048);
    expect(rsa[0].kid).toBeTruthy();
    expect(rsa[0].d).toBeUndefined();
    expect(keys.find((k) => k.alg === 'ES256')).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig' });

    const token = await accessToken();
    expect(decodeJwt(token).header).toMatchObject({ alg: 'RS256', kid: rsa[0].kid, typ: 'at+jwt' });
    // Only the JWKS over HTTP: the verifier knows nothing but the issuer's jwks_uri.
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(await jwksUri()), { issuer: t.issuer, audience: t.audience, typ: 'at+jwt', algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.client_id).toBe(w.clientId);
    expect((await introspect(t, w, token)).body).toMatchObject({ active: true, client_id: w.clientId });
    expect(await throughGateway(token)).toBe(200);
  });

  it('`keys rotate` rotates the RS256 key too; the retired key stays published and its tokens keep verifying', async () => {
    const before = await accessToken();
    const oldKid = decodeJwt(before).header.kid as string;

    const r = cli(['keys', 'rotate']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const newKid = /new signing key (\S+) \(RS256\)/.exec(r.out)?.[1];
    expect(newKid, r.out).toBeTruthy();
    expect(r.out).toMatch(/new signing key \S+ \(ES256\)/);
    expect(r.out).toContain(oldKid);

    // The running server hears the rotation through the change feed.
    const rsaKids = async () => (await published()).filter((k) => k.alg === 'RS256').map((k) => k.kid);
    await expect.poll(rsaKids, { timeout: 15_000, interval: 200 }).toEqual([newKid, oldKid]);
    expect((await published()).filter((k) => k.alg === 'ES256')).toHaveLength(2);

    const after = await accessToken();
    expect(decodeJwt(after).header).toMatchObject({ alg: 'RS256', kid: newKid });
    const jwks = createRemoteJWKSet(await jwksUri());
    for (const token of [before, after]) {
      await expect(jwtVerify(token, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt', algorithms: ['RS256'] })).resolves.toBeTruthy();
      expect((await introspect(t, w, token)).body.active).toBe(true);
      expect(await throughGateway(token)).toBe(200);
    }
    const list = cli(['keys', 'list']);
    expect(list.out).toMatch(new RegExp(`${newKid}\\s+RS256\\s+current`));
    expect(list.out).toMatch(new RegExp(`${oldKid}\\s+RS256\\s+retired\\s+published until`));
  }, 90_000);
});

describe('an unknown ACCESS_TOKEN_SIGNING_ALG', () => {
  it('stops the server at start with a message naming the setting and the accepted values', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-alg-'));
    try {
      for (const value of ['HS256', 'none', 'es256']) {
        const r = runCli(['serve'], { DATA_DIR: dir, PORT: '0', ACCESS_TOKEN_SIGNING_ALG: value });
        expect(r.code, r.out).not.toBe(0);
        expect(r.err).toContain('ACCESS_TOKEN_SIGNING_ALG');
        expect(r.err).toMatch(/ES256.*RS256/);
        expect(r.out + r.err).not.toMatch(/listening|started/i);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
