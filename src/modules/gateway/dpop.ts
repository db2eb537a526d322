/**
 * DPoP (RFC 9449) at the gateway: a token bound to a key (`cnf.jkt`) is honoured only with
 * `Authorization: DPoP <token>` and a fresh proof signed by that key for this method and URL —
 * a stolen bound token is useless without the private key. Checks (§4.3): typ dpop+jwt, an
 * allow-listed algorithm, the embedded public key verifies the signature and its thumbprint is
 * the token's jkt, htm/htu name this request, iat is recent, ath is the token's hash, and the
 * jti was not seen before (per instance, for the proof lifetime).
 */
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { ALLOWED_ALGS } from './access-token.ts';

const PROOF_MAX_AGE_SEC = 60;

export class DpopReplayCache {
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
    this.#seen.set(jti, now + 2 * PROOF_MAX_AGE_SEC * 1000);
    return true;
  }
}

/** null when the proof holds; else why not. */
export async function checkDpopProof(
  proof: string,
  o: { method: string; htu: string; accessToken: string; jkt: string; now: number; replay: DpopReplayCache },
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
  if (typeof payload.htu !== 'string' || payload.htu.split(/[?#]/)[0] !== o.htu) return 'The DPoP proof is for another URL.';
  const iat = typeof payload.iat === 'number' ? payload.iat : NaN;
  if (!(Math.abs(o.now / 1000 - iat) <= PROOF_MAX_AGE_SEC)) return 'The DPoP proof is too old or from the future.';
  if (payload.ath !== createHash('sha256').update(o.accessToken).digest('base64url')) return 'The DPoP proof is for another access token.';
  if (typeof payload.jti !== 'string' || payload.jti.length < 8 || !o.replay.firstUse(payload.jti, o.now)) return 'The DPoP proof was already used.';
  return null;
}
