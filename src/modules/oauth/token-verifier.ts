/**
 * Local verification of Partnergate JWT access tokens (RFC 9068) against the published signing
 * keys: signature (kid must be a published key), `typ: at+jwt`, issuer, expiry, and not revoked
 * by `jti` nor by its grant's `gid` (the in-memory revocation set). No database. Introspection and the token exchange use
 * it; liveness (delegation, app, partner) is checked by their callers.
 */
import { decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import type { SigningKeys } from './signing-keys.ts';

export interface AccessTokenClaims extends JWTPayload {
  client_id?: string;
  scope?: string;
  partner_id?: string;
  persona?: string;
  tenant_id?: string;
  customer_ban?: string[];
  bill_to?: string;
  act?: { sub: string; client_id?: string };
  dlg?: string;
  /** the grant the token was issued from */
  gid?: string;
  cnf?: { jkt?: string };
}

export type VerifiedToken = { ok: true; claims: AccessTokenClaims; kid: string } | { ok: false; code: 'invalid_token' | 'token_expired'; reason: string };

export interface VerifierOptions {
  /** the time expiry is checked against (the server's clock) */
  now?: () => Date;
  /** true when the token with this jti, or the grant with this gid, was revoked */
  isRevoked?: (jti: string | undefined, gid: string | undefined) => boolean;
}

export class AccessTokenVerifier {
  readonly #keys: SigningKeys;
  readonly #issuer: string;
  readonly #o: VerifierOptions;
  readonly #imported = new Map<string, CryptoKey | KeyObject | Uint8Array>();

  constructor(keys: SigningKeys, issuer: string, o: VerifierOptions = {}) {
    this.#keys = keys;
    this.#issuer = issuer;
    this.#o = o;
  }

  /** Verify a token; `revoked: 'allow'` skips the revocation check (revoking it again is harmless). */
  async verify(token: string, audience?: string, opts: { revoked?: 'refuse' | 'allow' } = {}): Promise<VerifiedToken> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return { ok: false, code: 'invalid_token', reason: 'not a JWT' };
    }
    if (!kid) return { ok: false, code: 'invalid_token', reason: 'no kid in the header' };
    const jwk = this.#keys.getKey(kid);
    if (!jwk) return { ok: false, code: 'invalid_token', reason: 'signed by an unknown or retired key' };
    let key = this.#imported.get(kid);
    if (!key) {
      key = await importJWK(jwk, jwk.alg);
      this.#imported.set(kid, key);
    }
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: this.#issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'EdDSA', 'RS256'],
        clockTolerance: 5,
        ...(this.#o.now ? { currentDate: this.#o.now() } : {}),
        ...(audience ? { audience } : {}),
      });
      if (opts.revoked !== 'allow' && this.#o.isRevoked?.(typeof payload.jti === 'string' ? payload.jti : undefined, typeof payload.gid === 'string' ? payload.gid : undefined)) {
        return { ok: false, code: 'invalid_token', reason: 'the token was revoked' };
      }
      return { ok: true, claims: payload as AccessTokenClaims, kid };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return { ok: false, code: 'token_expired', reason: 'the token has expired' };
      return { ok: false, code: 'invalid_token', reason: e instanceof joseErrors.JOSEError ? e.code : 'invalid' };
    }
  }
}
