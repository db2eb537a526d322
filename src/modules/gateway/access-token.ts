/**
 * Local verification of OAuth access tokens (RFC 9068 JWTs) at the gateway: no call to the
 * authorization server per request.
 *
 *  - `alg` allow-listed (ES256, EdDSA): `none`, HS256 "signed with the public key" and every other
 *    algorithm are refused before any key is looked at;
 *  - the key comes only from our own JWKS by `kid` — `jku`, `x5u`, `jwk` and `x5c` headers are
 *    never followed; `crit` and `b64` (JWS extensions) are refused;
 *  - the header and payload are decoded by jose; the signature is checked with node:crypto's
 *    synchronous `verify` rather than jose's WebCrypto path, which runs every verification as a
 *    thread-pool job: on this 2-core machine the hand-off cost more than the ES256 math itself
 *    (measured ~525 µs of process CPU per fresh token through WebCrypto against ~130 µs this way);
 *    the registered-claim checks are the ones jose's jwtVerify makes (access-token.test.ts);
 *  - `typ` must be `at+jwt` (RFC 9068 §4), `iss` and `aud` must match, `exp`/`nbf` are checked;
 *  - an unknown `kid` triggers one JWKS reload — at most one per `reloadMinIntervalMs` — so a key
 *    rotated in on another instance is picked up without a failed request, while a flood of
 *    made-up kids costs one key-store read per interval (the change feed also reloads the keys
 *    on every rotation, so a flood cannot keep a new key out);
 *  - verified tokens are cached by the SHA-256 of the token, bounded in size, each entry expiring
 *    with its token; a cached token still goes through every live check (revocation,
 *    delegation, rate limit) on every request. Entries signed by a key that leaves the JWKS are
 *    dropped on reload.
 */
import { createPublicKey, hash as digest, verify as verifySig, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWK, type JWTPayload, type JWTHeaderParameters } from 'jose';

export const ALLOWED_ALGS = ['ES256', 'EdDSA'] as const;
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

export interface JsonWebKeySet {
  keys: JWK[];
}

/** The claims the gateway reads (RFC 9068 plus Partnergate's, ARCHITECTURE §3). */
export interface AccessTokenClaims {
  sub: string;
  client_id: string;
  scope?: string;
  partner_id?: string;
  act?: { sub?: string; [k: string]: unknown };
  tenant_id?: string;
  customer_ban?: string | string[];
  bill_to?: string;
  persona?: string;
  dlg?: string;
  /** the grant the token was issued from (refused at once when the grant is revoked) */
  gid?: string;
  jti?: string;
  exp: number;
  iat?: number;
  /** RFC 9449: the token is bound to the key with this thumbprint */
  cnf?: { jkt?: string };
}

export interface VerifiedToken {
  /** SHA-256 of the token (hex): the cache key, and the per-token rate-limit key */
  hash: string;
  kid: string;
  claims: AccessTokenClaims;
  scopes: readonly string[];
  bans: readonly string[] | null;
  expMs: number;
}

export type TokenCheck = { ok: true; token: VerifiedToken; cached: boolean } | { ok: false; reason: string };

export interface AccessTokenVerifierOptions {
  issuer: string;
  /** accepted audiences (any one) */
  audience: string | string[];
  /** the authorization server's public keys */
  jwks: () => Promise<JsonWebKeySet>;
  now: () => number;
  cacheSize?: number;
  reloadMinIntervalMs?: number;
  clockToleranceSec?: number;
  onError?: (err: unknown) => void;
}

interface KeyEntry {
  alg: (typeof ALLOWED_ALGS)[number];
  key: KeyObject;
}

function algOf(jwk: JWK): KeyEntry['alg'] | null {
  if (jwk.alg) return (ALLOWED_ALGS as readonly string[]).includes(jwk.alg) ? (jwk.alg as KeyEntry['alg']) : null;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return null;
}

export class AccessTokenVerifier {
  readonly #o: AccessTokenVerifierOptions;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, VerifiedToken>();
  #keys = new Map<string, KeyEntry>();
  /** when an unknown kid last triggered a reload (start-up and feed-driven reloads do not count) */
  #lastMissReload = Number.NEGATIVE_INFINITY;
  #reloading: Promise<void> | null = null;
  #loaded = false;

  constructor(o: AccessTokenVerifierOptions) {
    this.#o = o;
    this.#cacheSize = o.cacheSize ?? 50_000;
  }

  get cacheSize(): number {
    return this.#cache.size;
  }

  /** Drop a cached token (e.g. revoked by jti elsewhere). */
  forget(hash: string): void {
    this.#cache.delete(hash);
  }

  clearCache(): void {
    this.#cache.clear();
  }

  /** Reload the JWKS now (start-up, or when the key store says the keys changed). */
  async reloadKeys(): Promise<void> {
    if (this.#reloading) return this.#reloading;
    this.#reloading = (async () => {
      try {
        const set = await this.#o.jwks();
        const next = new Map<string, KeyEntry>();
        for (const jwk of set.keys ?? []) {
          if (!jwk.kid || (jwk.use && jwk.use !== 'sig')) continue;
          const alg = algOf(jwk);
          if (!alg) continue;
          try {
            next.set(jwk.kid, { alg, key: createPublicKey({ key: jwk as NodeJwk, format: 'jwk' }) });
          } catch (err) {
            this.#o.onError?.(err);
          }
        }
        this.#keys = next;
        this.#loaded = true;
        for (const [h, t] of this.#cache) if (!next.has(t.kid)) this.#cache.delete(h);
      } catch (err) {
        this.#o.onError?.(err);
      } finally {
        this.#reloading = null;
      }
    })();
    return this.#reloading;
  }

  async #keyFor(kid: string): Promise<KeyEntry | undefined> {
    let k = this.#keys.get(kid);
    if (k) return k;
    // Unknown kid: at most one reload per interval, shared by every request waiting on it.
    const now = this.#o.now();
    if (!this.#loaded || this.#reloading || now - this.#lastMissReload >= (this.#o.reloadMinIntervalMs ?? 2_000)) {
      if (this.#loaded && !this.#reloading) this.#lastMissReload = now;
      await this.reloadKeys();
      k = this.#keys.get(kid);
    }
    return k;
  }

  /** Verify a bearer token: the cache first, then the signature and claims. */
  async verify(token: string): Promise<TokenCheck> {
    const now = this.#o.now();
    const hash = digest('sha256', token, 'hex');
    const hit = this.#cache.get(hash);
    if (hit !== undefined) {
      if (now < hit.expMs) return { ok: true, token: hit, cached: true };
      this.#cache.delete(hash);
      return { ok: false, reason: 'The access token has expired.' };
    }
    // RFC 6750 §2.1 b64token, checked once per token (a cached token passed it)
    if (!B64TOKEN.test(token)) return { ok: false, reason: 'The token is malformed.' };
    const r = await this.#verifySignature(token, hash, now);
    if (r.ok) this.#remember(r.token);
    return r.ok ? { ok: true, token: r.token, cached: false } : r;
  }

  #remember(t: VerifiedToken): void {
    if (this.#cache.size >= this.#cacheSize) {
      // Full: drop the oldest insertions (a Map iterates in insertion order), O(1) each. Scanning
      // for expired entries here made every insert O(cache size) once the cache was full of live
      // tokens — a cliff under a stream of fresh tokens. Expired entries go when looked up.
      const it = this.#cache.keys();
      while (this.#cache.size >= this.#cacheSize) {
        const k = it.next();
        if (k.done) break;
        this.#cache.delete(k.value);
      }
    }
    this.#cache.set(t.hash, t);
  }

  async #verifySignature(token: string, hash: string, now: number): Promise<{ ok: true; token: VerifiedToken } | { ok: false; reason: string }> {
    // Compact JWS: exactly three parts (RFC 7515 §7.1); a JWE or a detached payload is not a token here.
    const dot1 = token.indexOf('.');
    const dot2 = token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 <= dot1 + 1 || dot2 === token.length - 1 || token.indexOf('.', dot2 + 1) !== -1) return { ok: false, reason: 'The token is malformed.' };
    let header: JWTHeaderParameters;
    let payload: JWTPayload;
    try {
      header = decodeProtectedHeader(token) as JWTHeaderParameters;
      payload = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'The token is malformed.' };
    }
    // The allow-list is checked before any key is looked at.
    if (!(ALLOWED_ALGS as readonly string[]).includes(header.alg as string)) return { ok: false, reason: `The token algorithm ${String(header.alg)} is not accepted.` };
    // Extensions we do not implement must not be ignored (RFC 7515 §4.1.11), nor an unencoded payload (RFC 7797).
    if (header.crit !== undefined || header.b64 !== undefined) return { ok: false, reason: 'The token uses a JWS extension this server does not accept.' };
    if (typeof header.kid !== 'string' || header.kid === '') return { ok: false, reason: 'The token names no signing key (kid).' };
    const k = await this.#keyFor(header.kid);
    if (!k) return { ok: false, reason: 'The token was signed with an unknown key.' };
    if (k.alg !== header.alg) return { ok: false, reason: 'The token algorithm does not match its key.' };
    // RFC 9068 §4: typ "at+jwt" (the media type's "application/" prefix may be written).
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
    if (typ !== 'at+jwt' && typ !== 'application/at+jwt') return { ok: false, reason: 'The token is not an access token (typ must be at+jwt).' };
    const sig = Buffer.from(token.slice(dot2 + 1), 'base64url');
    const data = Buffer.from(token.slice(0, dot2), 'latin1');
    const valid = k.alg === 'ES256' ? sig.length === 64 && verifySig('sha256', data, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig) : verifySig(null, data, k.key, sig);
    if (!valid) return { ok: false, reason: 'The token signature is not valid.' };

    // Registered claims (RFC 7519 §4.1, RFC 9068 §2.2), the checks jose's jwtVerify makes.
    const c = payload as unknown as AccessTokenClaims & { iss?: unknown; aud?: unknown; nbf?: unknown; iat?: unknown };
    const tolerance = this.#o.clockToleranceSec ?? 0;
    const nowSec = Math.floor(now / 1000);
    if (typeof c.sub !== 'string' || typeof c.client_id !== 'string' || typeof c.exp !== 'number') return { ok: false, reason: 'The token lacks sub, client_id or exp.' };
    if (c.iss !== this.#o.issuer) return { ok: false, reason: 'The token was not issued by this authorization server.' };
    const audiences = typeof this.#o.audience === 'string' ? [this.#o.audience] : this.#o.audience;
    const aud = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud : [];
    if (!aud.some((a) => audiences.includes(a as string))) return { ok: false, reason: 'The token is not meant for this API (audience).' };
    if (c.exp <= nowSec - tolerance) return { ok: false, reason: 'The access token has expired.' };
    if (c.nbf !== undefined && (typeof c.nbf !== 'number' || c.nbf > nowSec + tolerance)) return { ok: false, reason: 'The token is not valid yet.' };
    if (c.iat !== undefined && typeof c.iat !== 'number') return { ok: false, reason: 'The token claim iat is not valid.' };
    for (const name of ['partner_id', 'tenant_id', 'bill_to', 'persona', 'dlg', 'scope', 'jti'] as const) {
      if (c[name] !== undefined && typeof c[name] !== 'string') return { ok: false, reason: `The ${name} claim is malformed.` };
    }
    const cb = c.customer_ban;
    if (cb !== undefined && typeof cb !== 'string' && !(Array.isArray(cb) && cb.every((x) => typeof x === 'string'))) return { ok: false, reason: 'The customer_ban claim is malformed.' };
    const bans = cb === undefined ? null : typeof cb === 'string' ? [cb] : cb;
    return {
      ok: true,
      token: { hash, kid: header.kid, claims: c, scopes: c.scope ? c.scope.split(' ').filter(Boolean) : [], bans, expMs: c.exp * 1000 },
    };
  }
}
