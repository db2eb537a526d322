/**
 * Signs Security Event Tokens with the authorization server's current access-token key, so a
 * receiver verifies them with the JWKS it already trusts for Partnergate's tokens (SSF 1.0 §8.1.1
 * `jwks_uri`). Header `typ: secevent+jwt` (RFC 8417 §2.3) and the key's `kid`.
 */
import { importJWK, SignJWT, type CryptoKey, type JWK, type KeyObject } from 'jose';
import type { SigningKeys } from '../oauth/index.ts';

export class SetSigner {
  readonly #keys: () => SigningKeys;
  readonly #imported = new Map<string, Promise<CryptoKey | KeyObject | Uint8Array>>();

  constructor(keys: () => SigningKeys) {
    this.#keys = keys;
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    const keys = this.#keys();
    const current = keys.current;
    let key = this.#imported.get(current.kid);
    if (!key) {
      const jwk = keys.providerJwks().keys.find((k) => k.kid === current.kid) as JWK | undefined;
      if (!jwk) throw new Error('the current signing key is not loaded');
      key = importJWK(jwk, current.alg);
      this.#imported.set(current.kid, key);
    }
    return new SignJWT(claims).setProtectedHeader({ alg: current.alg, kid: current.kid, typ: 'secevent+jwt' }).sign(await key);
  }
}
