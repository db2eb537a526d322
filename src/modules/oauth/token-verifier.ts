/**
 * Local verification of Partnergate JWT access tokens (RFC 9068) against the published signing
 * keys: signature (kid must be a published key), `typ: at+jwt`, issuer, expiry. No database.
 * The introspection endpoint, the token exchange and the gateway use it; liveness (delegation,
 * app, partner) is checked by their callers.
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
  cnf?: { jkt?: string };
}

export type VerifiedToken = { ok: true; claims: AccessTokenClaims; kid: string } | { ok: false; code: 'invalid_token' | 'token_expired'; reason: string };

export class AccessTokenVerifier {
  readonly #keys: SigningKeys;
  readonly #issuer: string;
  readonly #imported = new Map<string, CryptoKey | KeyObject | Uint8Array>();

  constructor(keys: SigningKeys, issuer: string) {
    this.#keys = keys;
    this.#issuer = issuer;
  }

  async verify(token: string, audience?: string): Promise<VerifiedToken> {
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
        algorithms: ['ES256', 'EdDSA'],
        clockTolerance: 5,
        ...(audience ? { audience } : {}),
      });
      return { ok: true, claims: payload as AccessTokenClaims, kid };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return { ok: false, code: 'token_expired', reason: 'the token has expired' };
      return { ok: false, code: 'invalid_token', reason: e instanceof joseErrors.JOSEError ? e.code : 'invalid' };
    }
  }
}
