/**
 * DPoP (RFC 9449) at the gateway: a token bound to a key (`cnf.jkt`) is honoured only with
 * `Authorization: DPoP <token>` and a fresh proof signed by that key for this method and URL —
 * a stolen bound token is useless without the private key. Checks (§4.3): typ dpop+jwt, an
 * allow-listed algorithm, the embedded public key verifies the signature and its thumbprint is
 * the token's jkt, htm/htu name this request, iat is recent, ath is the token's hash, and the
 * jti was not seen before for the proof lifetime: across every instance when Redis is configured
 * (RedisDpopReplayCache, one SET NX PX per proof), else on this instance (DpopReplayCache).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { ALLOWED_ALGS } from './access-token.ts';

const PROOF_MAX_AGE_SEC = 60;
/** How long a jti is remembered: a proof is accepted while |now − iat| ≤ PROOF_MAX_AGE_SEC, so up to twice that after it is first seen. */
export const DPOP_JTI_TTL_MS = 2 * PROOF_MAX_AGE_SEC * 1000;

/** Where seen proof ids are remembered. */
export interface DpopReplayStore {
  /** true the first time a jti is seen within its lifetime */
  firstUse(jti: string, now: number): boolean | Promise<boolean>;
}

/** Seen jtis in this process's memory (no Redis: one instance, or a proof accepted once per instance). */
export class DpopReplayCache implements DpopReplayStore {
  readonly #seen = new Map<string, number>();
  readonly #max: number;
  constructor(max = 100_000) {
    this.#max = max;
  }
  /** true the first time a jti is seen within its lifetime */
  firstUse(jti: string, now: number): boolean {
    const until = this.#seen.get(jti);
    if (until !== undefined && until > now) return false;
    if (this.#seen.size >= this.#max) for (const [k, v] of this.#seen) if (v <= now) this.#seen.delete(k);
    if (this.#seen.size >= this.#max) this.#seen.delete(this.#seen.keys().next().value as string);
    this.#seen.set(jti, now + DPOP_JTI_TTL_MS);
    return true;
  }
}

/**
 * Seen jtis in Redis, shared by every instance: `SET <prefix>dpop:<sha256(jti)> 1 NX PX <ttl>` —
 * a proof replayed through another instance finds the key and is refused. One round trip per
 * DPoP request (after the signature check; none for other requests). A replay to this same
 * instance is caught in memory first, without a round trip. When Redis does not answer (down, or
 * not within `timeoutMs`) the proof is judged by this instance's memory alone, and the failure is
 * reported: DPoP requests keep working through an outage, with per-instance replay protection.
 */
export class RedisDpopReplayCache implements DpopReplayStore {
  readonly #local = new DpopReplayCache();
  readonly #o: { redis: Redis; prefix: string; timeoutMs: number; onError?: (err: unknown) => void };

  constructor(o: { redis: Redis; prefix: string; timeoutMs: number; onError?: (err: unknown) => void }) {
    this.#o = o;
  }

  async firstUse(jti: string, now: number): Promise<boolean> {
    if (!this.#local.firstUse(jti, now)) return false;
    const { redis } = this.#o;
    if (redis.status !== 'ready') {
      this.#o.onError?.(new Error(`Redis is ${redis.status}: DPoP proof ids are checked on this instance only`));
      return true;
    }
    const key = `${this.#o.prefix}dpop:${createHash('sha256').update(jti).digest('base64url')}`;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        redis.set(key, '1', 'PX', DPOP_JTI_TTL_MS, 'NX'),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.#o.timeoutMs} ms: DPoP proof id checked on this instance only`)), this.#o.timeoutMs);
        }),
      ]);
      return answer === 'OK';
    } catch (e) {
      this.#o.onError?.(e);
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The path of an absolute URL as written (no query or fragment); '/' when it has none. */
function pathOf(url: string): string {
  const at = url.indexOf('/', url.indexOf('//') + 2);
  return at < 0 ? '/' : url.slice(at);
}

/**
 * Does a proof's `htu` name this request's URL (`actual`: scheme://host[:port]/path)? Query and
 * fragment are ignored (RFC 9449 §4.3). Equal strings are the usual case; otherwise the scheme and
 * host are compared after RFC 3986 §6.2.2–6.2.3 normalization (case, a default port written out:
 * `https://API.example.com:443/x` names `https://api.example.com/x`), as §4.3 advises, and the path
 * as written.
 */
export function sameHtu(htu: string, actual: string): boolean {
  const claimed = htu.split(/[?#]/)[0];
  if (claimed === actual) return true;
  let a: URL;
  let b: URL;
  try {
    a = new URL(claimed);
    b = new URL(actual);
  } catch {
    return false;
  }
  return a.origin !== 'null' && a.origin === b.origin && pathOf(claimed) === pathOf(actual);
}

/** null when the proof holds; else why not. */
export async function checkDpopProof(
  proof: string,
  o: { method: string; htu: string; accessToken: string; jkt: string; now: number; replay: DpopReplayStore },
): Promise<string | null> {
  let header: { jwk?: JWK };
  let payload: Record<string, unknown>;
  try {
    const r = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...ALLOWED_ALGS], currentDate: new Date(o.now) });
    header = r.protectedHeader as { jwk?: JWK };
    payload = r.payload as Record<string, unknown>;
  } catch {
    return 'The DPoP proof is not valid.';
  }
  if ((await calculateJwkThumbprint(header.jwk!)) !== o.jkt) return 'The DPoP proof is not signed by the key the token is bound to.';
  if (payload.htm !== o.method) return 'The DPoP proof is for another method.';
  if (typeof payload.htu !== 'string' || !sameHtu(payload.htu, o.htu)) return 'The DPoP proof is for another URL.';
  const iat = typeof payload.iat === 'number' ? payload.iat : NaN;
  if (!(Math.abs(o.now / 1000 - iat) <= PROOF_MAX_AGE_SEC)) return 'The DPoP proof is too old or from the future.';
  if (payload.ath !== createHash('sha256').update(o.accessToken).digest('base64url')) return 'The DPoP proof is for another access token.';
  if (typeof payload.jti !== 'string' || payload.jti.length < 8 || !(await o.replay.firstUse(payload.jti, o.now))) return 'The DPoP proof was already used.';
  return null;
}
