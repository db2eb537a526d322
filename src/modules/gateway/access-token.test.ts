/** Local access-token verification: the token attacks a verifier must refuse (none or a wrong algorithm, a foreign key, a wrong audience or type, expiry), each refused, and the cache. */
import { generateKeyPairSync, createHmac, sign as nodeSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, type JWK } from 'jose';
import { AccessTokenVerifier } from './access-token.ts';
import { SignaturePool } from './signature-pool.ts';

const ISS = 'https://pg.example/oauth';
const AUD = 'https://pg.example/resources';

const ALG_OF = { ec: 'ES256', ed: 'EdDSA', rsa: 'RS256' } as const;

async function keyPair(kid: string, kind: 'ec' | 'ed' | 'rsa' = 'ec') {
  const pair = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : kind === 'ed' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: ALG_OF[kind], use: 'sig' } as JWK;
  return { kid, alg: ALG_OF[kind], privateKey: pair.privateKey, jwk };
}

type Pair = Awaited<ReturnType<typeof keyPair>>;

function sign(k: Pair, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, now = Date.now()) {
  const iat = Math.floor(now / 1000);
  const { iss = ISS, aud = AUD, ...rest } = claims;
  return new SignJWT({ client_id: 'app_1', scope: 'orders.read', partner_id: 'ptr_1', ...rest })
    .setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'at+jwt', ...header })
    .setIssuer(iss as string)
    .setAudience(aud as string)
    .setSubject('app_1')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(k.privateKey);
}

/** A token signed with any header at all (SignJWT refuses some, like crit). */
function rawSign(k: Pair, header: Record<string, unknown>) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64(header)}.${b64({ sub: 'app_1', client_id: 'app_1', iss: ISS, aud: AUD, iat: now, exp: now + 600 })}`;
  const sig = nodeSign('sha256', Buffer.from(input), { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

function b64(o: unknown) {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

// Every case runs twice: signatures checked on this thread, and on a worker thread.
const pool = new SignaturePool({ threads: 1 });
afterAll(() => pool.close());
let usePool = false;

function verifier(keys: () => JWK[], opts: { now?: () => number; reloadMinIntervalMs?: number } = {}) {
  let loads = 0;
  const v = new AccessTokenVerifier({
    issuer: ISS,
    audience: AUD,
    jwks: async () => {
      loads++;
      return { keys: keys() };
    },
    now: opts.now ?? Date.now,
    reloadMinIntervalMs: opts.reloadMinIntervalMs,
    pool: usePool ? pool : null,
  });
  return { v, loads: () => loads };
}

/** Tokens the verifier must refuse, how each is made, and what the refusal says. */
const REFUSED = [
  ['alg none', async (k: Pair) => `${b64({ alg: 'none', typ: 'at+jwt', kid: k.kid })}.${b64({ sub: 'x', client_id: 'x', iss: ISS, aud: AUD, exp: 9e9 })}.`, /not accepted|malformed|not valid/],
  [
    'HS256 signed with the public key',
    async (k: Pair) => {
      const h = b64({ alg: 'HS256', typ: 'at+jwt', kid: k.kid });
      const p = b64({ sub: 'x', client_id: 'x', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 });
      const mac = createHmac('sha256', JSON.stringify(k.jwk)).update(`${h}.${p}`).digest('base64url');
      return `${h}.${p}.${mac}`;
    },
    /not accepted/,
  ],
  ['unknown kid', async () => sign(await keyPair('k-other')), /unknown key/],
  ['expired', async (k: Pair) => sign(k, {}, {}, Date.now() - 3600_000), /expired/],
  ['wrong audience', async (k: Pair) => sign(k, { aud: 'https://elsewhere.example' }), /audience/],
  ['wrong issuer', async (k: Pair) => sign(k, { iss: 'https://evil.example/oauth' }), /issued/],
  ['not an access token (typ JWT)', async (k: Pair) => sign(k, {}, { typ: 'JWT' }), /typ/],
  [
    'tampered claims',
    async (k: Pair) => {
      const [h, , s] = (await sign(k)).split('.');
      return `${h}.${b64({ sub: 'app_1', client_id: 'app_1', partner_id: 'ptr_evil', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 })}.${s}`;
    },
    /signature/,
  ],
  [
    'an embedded jwk header (its own key)',
    async () => {
      const evil = await keyPair('k-ec');
      return sign(evil, {}, { jwk: evil.jwk, jku: 'https://evil.example/jwks' });
    },
    /signature/,
  ],
  ['not a JWT', async () => 'hello.world', /malformed|not valid/],
  ['a not-yet-valid token (nbf in the future)', async (k: Pair) => sign(k, { nbf: Math.floor(Date.now() / 1000) + 600 }), /not valid yet/],
  ['a critical header extension', async (k: Pair) => rawSign(k, { alg: 'ES256', typ: 'at+jwt', kid: k.kid, crit: ['x-extension'], 'x-extension': 1 }), /extension/],
  ['an unencoded payload (b64: false)', async (k: Pair) => sign(k, {}, { b64: true }), /extension/],
  ['four parts', async (k: Pair) => `${await sign(k)}.AAAA`, /malformed/],
  [
    'a signature of the wrong length (DER instead of JOSE form)',
    async (k: Pair) => {
      const [h, p] = (await sign(k)).split('.');
      return `${h}.${p}.${Buffer.alloc(72, 1).toString('base64url')}`;
    },
    /signature/,
  ],
  ['no issuer', async (k: Pair) => sign(k, { iss: '' }), /issued/],
  ['an audience list without ours', async (k: Pair) => sign(k, { aud: ['https://a.example', 'https://b.example'] }), /audience/],
  ['a padded segment', async (k: Pair) => (await sign(k)).replace('.', '=.'), /malformed/],
  ['a header that is not a JSON object', async (k: Pair) => `${Buffer.from('[1]').toString('base64url')}.${(await sign(k)).split('.').slice(1).join('.')}`, /malformed/],
  ['an alg with a line break', async (k: Pair) => rawSign(k, { alg: 'ES256\r\nX-Evil: 1', typ: 'at+jwt', kid: k.kid }), /not accepted/],
] as const;

/** Where the signatures are checked: the tests run both ways. */
const WHERE = [
  ['on this thread', false],
  ['on a worker thread', true],
] as const;

/** Verification: the tokens accepted, and every way of making one that must be refused. */
function verificationCases(): void {
  it('accepts a well-formed ES256, EdDSA and RS256 token and caches it', async () => {
    const [ec, ed, rsa] = [await keyPair('k-ec'), await keyPair('k-ed', 'ed'), await keyPair('k-rsa', 'rsa')];
    const { v } = verifier(() => [ec.jwk, ed.jwk, rsa.jwk]);
    const t1 = await sign(ec);
    const r1 = await v.verify(t1);
    expect(r1.ok && r1.cached).toBe(false);
    const r2 = await v.verify(t1);
    expect(r2.ok && r2.cached).toBe(true);
    const r3 = await v.verify(await sign(ed));
    expect(r3.ok).toBe(true);
    const r4 = await v.verify(await sign(rsa));
    expect(r4.ok && r4.token.kid).toBe('k-rsa');
    if (r1.ok) expect(r1.token.claims.partner_id).toBe('ptr_1');
    // an RS256 key does not vouch for a token that says EdDSA
    const wrong = await sign(ed, {}, { kid: 'k-rsa' });
    const r5 = await v.verify(wrong);
    expect(r5.ok).toBe(false);
  });

  it.each(REFUSED)('refuses %s', async (_name, make, reason) => {
    const k = await keyPair('k-ec');
    const { v } = verifier(() => [k.jwk]);
    const r = await v.verify(await make(k));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('accepts typ written as the media type and an audience list that contains ours', async () => {
    const k = await keyPair('k-ec');
    const { v } = verifier(() => [k.jwk]);
    expect((await v.verify(await sign(k, {}, { typ: 'application/AT+JWT' }))).ok).toBe(true);
    expect((await v.verify(await sign(k, { aud: ['https://other.example', AUD] }))).ok).toBe(true);
  });
}

/** The key set (rotation, reloads) and the cache of verified tokens. */
function keySetAndCacheCases(withPool: boolean): void {
  it('reloads the key set once for an unknown kid, so a rotation fails no request', async () => {
    const a = await keyPair('k-a');
    const b = await keyPair('k-b');
    let published = [a.jwk];
    const { v, loads } = verifier(() => published);
    expect((await v.verify(await sign(a))).ok).toBe(true);
    expect(loads()).toBe(1);
    published = [a.jwk, b.jwk]; // rotated in elsewhere
    expect((await v.verify(await sign(b))).ok).toBe(true);
    expect(loads()).toBe(2);
  });

  it('rate-limits reloads: a flood of made-up kids costs one reload per interval', async () => {
    const a = await keyPair('k-a');
    let now = 1_000_000;
    const { v, loads } = verifier(() => [a.jwk], { now: () => now, reloadMinIntervalMs: 5_000 });
    await v.reloadKeys();
    const strangers = await Promise.all(Array.from({ length: 5 }, (_, i) => keyPair(`k-x${i}`)));
    for (const s of strangers) expect((await v.verify(await sign(s, {}, {}, now))).ok).toBe(false);
    expect(loads()).toBe(2);
    now += 4_000;
    expect((await v.verify(await sign(strangers[1], {}, {}, now))).ok).toBe(false);
    expect(loads()).toBe(2);
    now += 1_000;
    expect((await v.verify(await sign(strangers[0], {}, {}, now))).ok).toBe(false);
    expect(loads()).toBe(3);
  });

  it('forgets cached tokens of a key that leaves the key set, and expires cached tokens with the token', async () => {
    const a = await keyPair('k-a');
    let published = [a.jwk];
    let now = Date.now();
    const { v } = verifier(() => published, { now: () => now });
    const t = await sign(a, {}, {}, now);
    expect((await v.verify(t)).ok).toBe(true);
    expect(v.cacheSize).toBe(1);
    published = [];
    await v.reloadKeys();
    expect(v.cacheSize).toBe(0);
    expect((await v.verify(t)).ok).toBe(false);
    published = [a.jwk];
    await v.reloadKeys();
    expect((await v.verify(t)).ok).toBe(true);
    now += 601_000;
    const r = await v.verify(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/expired/);
  });

  it('counts a cache hit only for the very token verified: the same signature on other claims is checked afresh', async () => {
    const k = await keyPair('k-ec');
    const { v } = verifier(() => [k.jwk]);
    const good = await sign(k);
    expect((await v.verify(good)).ok).toBe(true);
    const [h, , s] = good.split('.');
    const forged = `${h}.${b64({ sub: 'app_1', client_id: 'app_1', partner_id: 'ptr_evil', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 })}.${s}`;
    expect(v.cached(forged)).toBeUndefined();
    const r = await v.verify(forged);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/signature/);
    expect(v.cached(good)).toMatchObject({ claims: { partner_id: 'ptr_1' } });
  });

  it('checks many tokens at once (one batch for the worker) and tells each apart', async () => {
    const k = await keyPair('k-ec');
    const { v } = verifier(() => [k.jwk]);
    const tokens = await Promise.all(Array.from({ length: 24 }, (_, i) => sign(k, { jti: `batch-${i}` })));
    const bad = tokens.map((t, i) => (i % 3 === 0 ? t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA') : t));
    const results = await Promise.all(bad.map((t) => v.verify(t)));
    expect(results.map((r) => r.ok)).toEqual(bad.map((_, i) => i % 3 !== 0));
    expect(pool.threads).toBe(withPool ? 1 : 0); // the worker did check them
  });

  it('keeps the cache bounded', async () => {
    const a = await keyPair('k-a');
    const v = new AccessTokenVerifier({ issuer: ISS, audience: AUD, jwks: async () => ({ keys: [a.jwk] }), now: Date.now, cacheSize: 3, pool: usePool ? pool : null });
    for (let i = 0; i < 5; i++) expect((await v.verify(await sign(a, { jti: `j${i}` }))).ok).toBe(true);
    expect(v.cacheSize).toBe(3);
  });
}

/** A token verified once: presented again, at once on several connections, tampered with, expired. */
function verifiedOnceCases(): void {
  it('answers a second presentation without a signature check; a tampered copy never hits and is checked afresh', async () => {
    const k = await keyPair('k-ec');
    const { v } = verifier(() => [k.jwk]);
    const t = await sign(k, { jti: 'again' });
    expect((await v.verify(t)).ok).toBe(true);
    expect(v.signatureChecks).toBe(1);
    const again = await v.verify(t);
    expect(again.ok && again.cached).toBe(true);
    expect(v.signatureChecks).toBe(1);
    // the signature's last characters changed; then the payload (another jti) under the same signature
    const [h, p, sig] = t.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    for (const tampered of [t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA'), `${h}.${b64({ ...claims, jti: 'other' })}.${sig}`]) {
      expect(v.cached(tampered)).toBeUndefined();
      const before = v.signatureChecks;
      expect((await v.verify(tampered)).ok).toBe(false);
      expect(v.signatureChecks).toBe(before + 1);
    }
    expect(v.cached(t)).toMatchObject({ claims: { jti: 'again' } });
  });

  it('verifies a token arriving on several connections at once once, and shares nothing with a tampered copy', async () => {
    const k = await keyPair('k-ec');
    const { v } = verifier(() => [k.jwk]);
    await v.reloadKeys();
    const t = await sign(k, { jti: 'burst' });
    const tampered = t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA');
    const results = await Promise.all([...Array.from({ length: 8 }, () => v.verify(t)), v.verify(tampered)]);
    expect(results.slice(0, 8).every((r) => r.ok)).toBe(true);
    expect(results.slice(0, 8).filter((r) => r.ok && !r.cached)).toHaveLength(1);
    expect(results[8].ok).toBe(false);
    expect(v.signatureChecks).toBe(2); // the token once, the tampered copy once
  });

  it('refuses a cached token once it expires, without checking its signature again', async () => {
    const k = await keyPair('k-ec');
    let now = Date.now();
    const { v } = verifier(() => [k.jwk], { now: () => now });
    const t = await sign(k, {}, {}, now);
    expect((await v.verify(t)).ok).toBe(true);
    const checks = v.signatureChecks;
    now += 600_000; // the token's exp (iat + 600 s): the entry lives no later than that
    const r = await v.verify(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/expired/);
    expect(v.signatureChecks).toBe(checks);
    expect(v.cached(t)).toBeUndefined(); // dropped: presented again, it is checked afresh and its exp refuses it
    expect((await v.verify(t)).ok).toBe(false);
  });
}

describe.each(WHERE)('AccessTokenVerifier, signatures checked %s', (_where, withPool) => {
  beforeAll(() => {
    usePool = withPool;
  });

  verificationCases();
  keySetAndCacheCases(withPool);
  verifiedOnceCases();
});
