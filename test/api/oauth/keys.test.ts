/**
 * Signing keys: generated on first start (one ES256, one RS256 and one EdDSA key; these cases follow the
 * ES256 key, which signs access tokens by default — rs256-keys.test.ts and eddsa-keys.test.ts follow the others), stored encrypted with the master secret, rotated
 * by `partnergate keys rotate` (a real process) while the server runs, the previous key still
 * published until the tokens it signed have expired — by the longest of the rotating process's and
 * the server's token lifetimes — and dropped from /oauth/jwks once that has passed, rotation or
 * not. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { decodeJwt, introspect, oidcClient, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import { TEST_SECRET } from '../../helpers/config.ts';
import { createTestDb } from '../../helpers/db.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { AuditLog } from '../../../src/modules/audit/index.ts';
import { ChangeFeed } from '../../../src/platform/events/change-feed.ts';
import { SigningKeys } from '../../../src/modules/oauth/index.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { runCli } from '../../helpers/server-process.ts';

let t: OAuthTestApp;
let w: RegisteredApp;

beforeAll(async () => {
  t = await startOAuthApp();
  w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
});
afterAll(async () => {
  await t?.close();
});

const cli = (args: string[]) =>
  runCli(args, { DATA_DIR: t.testDb.dataDir, PUBLIC_URL: t.url, DATABASE_URL: t.testDb.databaseUrl, REDIS_URL: process.env.REDIS_URL ? REDIS_URL : null });

/** The published ES256 keys' kids, in JWKS order. */
async function publishedKids(): Promise<string[]> {
  const r = await fetch(`${t.issuer}/jwks`);
  const body = (await r.json()) as { keys: { kid: string; alg: string; d?: string }[] };
  for (const k of body.keys) expect(k.d).toBeUndefined();
  return body.keys.filter((k) => k.alg === 'ES256').map((k) => k.kid);
}

describe('signing keys', () => {
  it('are generated on first start, one ES256, one RS256 and one EdDSA, and stored encrypted', async () => {
    // sorted here: the two databases' collations order 'ES256' and 'EdDSA' differently
    const rows = (await t.testDb.db.kysely.selectFrom('oauth_signing_keys').selectAll().execute()).sort((a, b) => (a.alg < b.alg ? -1 : 1));
    expect(rows.map((r) => [r.alg, r.status])).toEqual([['ES256', 'current'], ['EdDSA', 'current'], ['RS256', 'current']]);
    for (const row of rows) {
      expect(row.private_jwk.startsWith('v1.')).toBe(true);
      expect(row.private_jwk).not.toContain('"d"');
      expect(JSON.parse(row.public_jwk).d).toBeUndefined();
    }
    expect(await publishedKids()).toEqual([rows[0].kid]);
  });

  it('rotate while the server runs: new tokens use the new key, old tokens still verify', async () => {
    const config = await oidcClient(t, w.clientId, w.secret);
    const before = await oidc.clientCredentialsGrant(config, { scope: 'orders.read' });
    const oldKid = decodeJwt(before.access_token).header.kid as string;

    const r = cli(['keys', 'rotate']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const newKid = /new signing key ([^;\s]+)/.exec(r.out)![1];
    expect(r.out).toContain(`retired ${oldKid}`);

    // The running server hears the rotation through the change feed.
    await expect.poll(publishedKids, { timeout: 10_000, interval: 200 }).toEqual([newKid, oldKid]);
    const after = await oidc.clientCredentialsGrant(config, { scope: 'orders.read' });
    expect(decodeJwt(after.access_token).header.kid).toBe(newKid);

    const jwks = createRemoteJWKSet(new URL(`${t.issuer}/jwks`));
    for (const token of [before.access_token, after.access_token]) {
      await expect(jwtVerify(token, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt' })).resolves.toBeTruthy();
      expect((await introspect(t, w, token)).body.active).toBe(true);
    }
    const list = cli(['keys', 'list']);
    expect(list.out).toMatch(new RegExp(`${newKid}\\s+ES256\\s+current`));
    expect(list.out).toMatch(new RegExp(`${oldKid}\\s+ES256\\s+retired\\s+published until`));
  });
});

describe('retired keys', () => {
  it('stay published for the access token lifetime, then are dropped', async () => {
    const db = await createTestDb();
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const feed = new ChangeFeed({ db: db.db });
    const keys = new SigningKeys({ db: db.db, clock, audit: new AuditLog(db.db, clock), feed, secret: TEST_SECRET, retainSec: 660 });
    try {
      const ctx = systemContext('test');
      await keys.load(ctx);
      const first = keys.current.kid;
      const { kid: second } = await keys.rotate(ctx);
      expect(keys.list().filter((k) => k.alg === 'ES256').map((k) => k.kid)).toEqual([second, first]);
      expect(keys.providerJwks().keys.filter((k) => k.alg === 'ES256').map((k) => [k.kid, k.key_ops ?? null])).toEqual([[second, null], [first, ['verify']]]);
      clock.advance(659_000);
      await keys.reload();
      expect(keys.getKey(first)).toBeTruthy();
      clock.advance(2_000);
      await keys.reload();
      expect(keys.getKey(first)).toBeUndefined();
      expect(keys.publicJwks().keys.filter((k) => k.alg === 'ES256').map((k) => k.kid)).toEqual([second]);
      const third = await keys.rotate(ctx);
      expect(third.removed).toContain(first);
      expect(third.removed).toHaveLength(3); // the first ES256, RS256 and EdDSA keys
      const audit = await db.db.kysely.selectFrom('audit_events').select('action').orderBy('seq').execute();
      // one row per key: created (ES256, RS256, EdDSA), then rotated twice (each of the three each time)
      expect(audit.map((a) => a.action)).toEqual([...Array(3).fill('oauth.signing_key_created'), ...Array(6).fill('oauth.signing_key_rotated')]);
    } finally {
      await db.drop();
    }
  });

  it('cannot be read without the master secret', async () => {
    const db = await createTestDb();
    const clock = new ManualClock();
    const keys = new SigningKeys({ db: db.db, clock, audit: new AuditLog(db.db, clock), feed: new ChangeFeed({ db: db.db }), secret: TEST_SECRET, retainSec: 660 });
    try {
      await keys.load(systemContext('test'));
      const other = new SigningKeys({ db: db.db, clock, audit: new AuditLog(db.db, clock), feed: new ChangeFeed({ db: db.db }), secret: 'another-secret-of-at-least-thirty-two-chars', retainSec: 660 });
      await expect(other.reload()).rejects.toThrow();
    } finally {
      await db.drop();
    }
  });
});

describe('the published JWKS, over HTTP, with a manual clock', () => {
  it("keeps a retired key for the server's longest token lifetime even when the rotating process had a shorter one, then drops it without a rotation", async () => {
    const clock = new ManualClock(Date.now());
    // The server issues 300-second tokens: a retired key must stay published 300 + 60 s.
    const s = await startOAuthApp({ clock, config: { ACCESS_TOKEN_TTL: '300' } });
    try {
      const jwks = async () => {
        const r = await fetch(`${s.issuer}/jwks`);
        expect(r.status).toBe(200);
        return ((await r.json()) as { keys: { kid: string; alg: string }[] }).keys.filter((k) => k.alg === 'ES256').map((k) => k.kid);
      };
      const w = await partnerWithApp(s, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
      const before = String((await tokenRequest(s, w, { grant_type: 'client_credentials', scope: 'orders.read' })).body.access_token);
      const oldKid = s.services.oauth.keys.current.kid;
      expect(decodeJwt(before).header.kid).toBe(oldKid);
      expect(await jwks()).toEqual([oldKid]);

      // `keys rotate` run by a process whose ACCESS_TOKEN_TTL is 30 s: it would retire the key after 90 s.
      const cli = new SigningKeys({ db: s.testDb.db, clock, audit: new AuditLog(s.testDb.db, clock), feed: new ChangeFeed({ db: s.testDb.db }), secret: TEST_SECRET, retainSec: 90 });
      await cli.load(systemContext('cli'));
      const rotatedAt = clock.now().getTime();
      const { kid: newKid } = await cli.rotate(systemContext('cli'));
      cli.stop();
      await s.services.feed.drain(); // the server hears the rotation through the change feed
      expect(await jwks()).toEqual([newKid, oldKid]);
      // The server wrote its own, later retire-after time into the row (and audited it).
      const row = await s.testDb.db.kysely.selectFrom('oauth_signing_keys').select('expires_at').where('kid', '=', oldKid).executeTakeFirstOrThrow();
      expect(row.expires_at).toBe(new Date(rotatedAt + 360_000).toISOString());
      const extended = await s.testDb.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', oldKid).orderBy('seq').execute();
      expect(extended.map((e) => e.action)).toContain('oauth.signing_key_retention_extended');

      // Past the rotating process's 90 s: still published, and tokens it signed still pass the gateway.
      clock.advance(100_000);
      expect(await jwks()).toEqual([newKid, oldKid]);
      const gw = await fetch(`${s.url}/resources/v1/context`, { headers: { authorization: `Bearer ${before}` } });
      expect(gw.status).toBe(200);

      // Past the server's 360 s: gone from /oauth/jwks, with no rotation in between.
      clock.advance(261_000);
      expect(await jwks()).toEqual([newKid]);
      expect(s.services.oauth.keys.getKey(oldKid)).toBeUndefined();
      // New tokens are still signed and verified with the current key.
      const after = String((await tokenRequest(s, w, { grant_type: 'client_credentials', scope: 'orders.read' })).body.access_token);
      expect(decodeJwt(after).header.kid).toBe(newKid);
    } finally {
      await s.close();
    }
  });
});
