/**
 * Local verification of OAuth access tokens (RFC 9068 JWTs) at the gateway: no call to the
 * authorization server per request.
 *
 *  - `alg` allow-listed (ES256, EdDSA, RS256 — each key of the JWKS only with its own `alg`): `none`, HS256 "signed with the public key" and every other
 *    algorithm are refused before any key is looked at;
 *  - the key comes only from our own JWKS by `kid` — `jku`, `x5u`, `jwk` and `x5c` headers are
 *    never followed; `crit` and `b64` (JWS extensions) are refused;
 *  - the header and payload are decoded strictly (base64url without padding, each a JSON object);
 *    the signature is checked with node:crypto (jws-signature.ts) rather than jose's WebCrypto
 *    path, which runs every verification as a thread-pool job: on this 2-core machine the
 *    hand-off cost more than the ES256 math itself (measured ~525 µs of process CPU per fresh
 *    token through WebCrypto against ~130 µs this way). With a SignaturePool the check runs on
 *    a worker thread in batches, else on this thread; the registered-claim checks are the ones
 *    jose's jwtVerify makes (access-token.test.ts);
 *  - `typ` must be `at+jwt` (RFC 9068 §4), `iss` and `aud` must match, `exp`/`nbf` are checked;
 *  - an unknown `kid` triggers one JWKS reload — at most one per `reloadMinIntervalMs` — so a key
 *    rotated in on another instance is picked up without a failed request, while a flood of
 *    made-up kids costs one key-store read per interval (the change feed also reloads the keys
 *    on every rotation, so a flood cannot keep a new key out);
 *  - verified tokens are cached, bounded in size, each entry expiring with its token; a cached
 *    token still goes through every live check (revocation, delegation, rate limit) on every
 *    request. The cache is keyed by the token's signature segment (86 characters for ES256/EdDSA:
 *    a cheap string to hash, unique per token) and a hit counts only when the whole token is
 *    the one verified, so a token that reuses a signature with another header or payload is
 *    verified like any new token (hashing the whole token with SHA-256 on every request cost
 *    more than the rest of the lookup). Entries signed by a key that leaves the JWKS are dropped
 *    on reload;
 *  - the same token arriving on several connections at once is verified once: the later arrivals
 *    wait for the first one's check (keyed by the whole token, so a token differing in one
 *    character shares nothing) and take its result. `signatureChecks` counts the signatures this
 *    verifier checked, so a test (and an operator's profile) can see a repeat cost none.
 *
 * Revocation is not part of this cache's answer: the caller checks the token's live state (revoked
 * token or grant, app) after it on every request, cached or not, so a revocation applies to the next
 * request whatever the cache holds.
 */
import { createPublicKey, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { checkJwsSignature } from './jws-signature.ts';
import type { SignaturePool } from './signature-pool.ts';

/** The algorithms of DPoP proofs (dpop.ts). */
export const ALLOWED_ALGS = ['ES256', 'EdDSA'] as const;
/** The algorithms of access tokens: the authorization server signs with ES256, RS256 or EdDSA (ACCESS_TOKEN_SIGNING_ALG). */
export const ACCESS_TOKEN_ALGS = ['ES256', 'EdDSA', 'RS256'] as const;
const B64URL = /^[A-Za-z0-9_-]+$/;

export interface JsonWebKeySet {
  keys: JWK[];
}

/** The claims the gateway reads (RFC 9068 plus Partnergate's). */
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
  /** RFC 8176 methods the user signed in with ("mfa" when a second factor was used) */
  amr?: string[];
  /** the purposes (catalog ids) the customer granted the access for (purpose-bound consent) */
  purpose?: string[];
  acr?: string;
}

export interface VerifiedToken {
  /** the token itself (a cache hit must be this exact token) */
  token: string;
  /** what a consumer derives from the token once and reuses (the gateway's caller); dropped with it */
  derived?: unknown;
  kid: string;
  claims: AccessTokenClaims;
  scopes: readonly string[];
  bans: readonly string[] | null;
  expMs: number;
}

export type TokenCheck = { ok: true; token: VerifiedToken; cached: boolean } | { ok: false; reason: string };
type SignatureResult = { ok: true; token: VerifiedToken } | { ok: false; reason: string };

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
  /** worker threads for signature checks (none: this thread checks them) */
  pool?: SignaturePool | null;
  onError?: (err: unknown) => void;
}

interface KeyEntry {
  alg: (typeof ACCESS_TOKEN_ALGS)[number];
  key: KeyObject;
}

function algOf(jwk: JWK): KeyEntry['alg'] | null {
  if (jwk.alg) return (ACCESS_TOKEN_ALGS as readonly string[]).includes(jwk.alg) ? (jwk.alg as KeyEntry['alg']) : null;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return null;
}

/** A JOSE header or JWT claims segment: unpadded base64url of a JSON object; null otherwise. */
function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  if (!B64URL.test(segment)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The signature segment of a compact JWS (after the last dot); null when there is none. */
function signatureOf(token: string): string | null {
  const dot = token.lastIndexOf('.');
  return dot < 0 || dot === token.length - 1 ? null : token.slice(dot + 1);
}

export class AccessTokenVerifier {
  readonly #o: AccessTokenVerifierOptions;
  readonly #cacheSize: number;
  /** by the token's signature segment (see signatureOf) */
  readonly #cache = new Map<string, VerifiedToken>();
  /** checks under way, by the whole token: a copy arriving meanwhile waits for the first one's answer */
  readonly #inFlight = new Map<string, Promise<SignatureResult>>();
  #signatureChecks = 0;
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

  /** Signatures this verifier has checked (on a worker or on this thread) since it was made. */
  get signatureChecks(): number {
    return this.#signatureChecks;
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
        this.#o.pool?.setKeys(next);
        this.#loaded = true;
        for (const [k, t] of this.#cache) if (!next.has(t.kid)) this.#cache.delete(k);
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

  /**
   * The cached verification of a token, synchronously (the gateway's hot path): the token, or
   * 'expired' (and dropped), or undefined when it is not in the cache — then call verify().
   */
  cached(token: string): VerifiedToken | 'expired' | undefined {
    const key = signatureOf(token);
    const hit = key === null ? undefined : this.#cache.get(key);
    if (hit === undefined || hit.token !== token) return undefined;
    if (this.#o.now() < hit.expMs) return hit;
    this.#cache.delete(key!);
    return 'expired';
  }

  /**
   * Verify a bearer token: the cache first, then a check of the same token already under way
   * (answered with its result, `cached: true`), then the signature and claims.
   */
  async verify(token: string): Promise<TokenCheck> {
    const hit = this.cached(token);
    if (hit === 'expired') return { ok: false, reason: 'The access token has expired.' };
    if (hit !== undefined) return { ok: true, token: hit, cached: true };
    const under = this.#inFlight.get(token);
    if (under !== undefined) {
      const r = await under;
      return r.ok ? { ok: true, token: r.token, cached: true } : r;
    }
    const check = this.#verifySignature(token, this.#o.now());
    this.#inFlight.set(token, check);
    let r: SignatureResult;
    try {
      r = await check;
    } finally {
      this.#inFlight.delete(token);
    }
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
    this.#cache.set(signatureOf(t.token)!, t);
  }

  /**
   * The JOSE header of a token: every token one key signs has the same header segment, so the last
   * one decoded is kept (frozen) and a token with the very same segment skips the base64 and JSON
   * work. Only the decoding is shared: every check of the header is still made on every token.
   */
  #header(segment: string): Record<string, unknown> | null {
    const last = this.#lastHeader;
    if (last !== null && last.segment === segment) return last.header;
    const header = decodeJsonSegment(segment);
    if (header !== null) this.#lastHeader = { segment, header: Object.freeze(header) };
    return header;
  }

  #lastHeader: { segment: string; header: Readonly<Record<string, unknown>> } | null = null;

  async #verifySignature(token: string, now: number): Promise<SignatureResult> {
    // Compact JWS: exactly three parts (RFC 7515 §7.1); a JWE or a detached payload is not a token here.
    const dot1 = token.indexOf('.');
    const dot2 = token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 <= dot1 + 1 || dot2 === token.length - 1 || token.indexOf('.', dot2 + 1) !== -1) return { ok: false, reason: 'The token is malformed.' };
    const header = this.#header(token.slice(0, dot1));
    const payload = header === null ? null : decodeJsonSegment(token.slice(dot1 + 1, dot2));
    if (header === null || payload === null) return { ok: false, reason: 'The token is malformed.' };
    // The allow-list is checked before any key is looked at.
    if (!(ACCESS_TOKEN_ALGS as readonly string[]).includes(header.alg as string)) return { ok: false, reason: `The token algorithm is not accepted (only ${ACCESS_TOKEN_ALGS.join(', ')}).` };
    // Extensions we do not implement must not be ignored (RFC 7515 §4.1.11), nor an unencoded payload (RFC 7797).
    if (header.crit !== undefined || header.b64 !== undefined) return { ok: false, reason: 'The token uses a JWS extension this server does not accept.' };
    if (typeof header.kid !== 'string' || header.kid === '') return { ok: false, reason: 'The token names no signing key (kid).' };
    const k = this.#keys.get(header.kid) ?? (await this.#keyFor(header.kid));
    if (!k) return { ok: false, reason: 'The token was signed with an unknown key.' };
    if (k.alg !== header.alg) return { ok: false, reason: 'The token algorithm does not match its key.' };
    // RFC 9068 §4: typ "at+jwt" (the media type's "application/" prefix may be written).
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
    if (typ !== 'at+jwt' && typ !== 'application/at+jwt') return { ok: false, reason: 'The token is not an access token (typ must be at+jwt).' };
    const sigText = token.slice(dot2 + 1);
    if (!B64URL.test(sigText)) return { ok: false, reason: 'The token signature is not valid.' };
    const input = token.slice(0, dot2);
    this.#signatureChecks++;
    const pooled = this.#o.pool?.verify(header.kid, token) ?? null;
    let valid = pooled === null ? null : await pooled;
    if (valid === null) valid = checkJwsSignature(k.alg, k.key, input, Buffer.from(sigText, 'base64url'));
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
      token: { token, kid: header.kid, claims: c, scopes: c.scope ? c.scope.split(' ').filter(Boolean) : [], bans, expMs: c.exp * 1000 },
    };
  }
}
