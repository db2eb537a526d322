/**
 * The one place that depends on oidc-provider behaviour beyond its documented configuration: a
 * library upgrade is checked here first (the same arrangement as Logto's
 * packages/core/src/oidc/oidc-provider-internals.ts).
 *
 *  1. Hashed client secrets. The library compares `client_secret_basic` secrets with
 *     `Client#compareClientSecret(actual)` against the registered `client_secret`. We register the
 *     keyed hash (SecretHasher) as `client_secret` and compare the hash of what the client sent, so
 *     the plaintext secret is never stored. The stored value is useless to anything else in the
 *     library as long as no HMAC-based feature is enabled (client_secret_jwt and HS* signing are off
 *     in provider.ts for that reason).
 *
 *  2. Structured (JWT) access tokens at the introspection endpoint. The library refuses to
 *     introspect JWTs (lib/shared/reject_structured_tokens.js answers `unsupported_token_type`
 *     after authenticating the client). `isStructuredTokenRefusal` recognises that answer so our
 *     middleware can answer RFC 7662 for our own JWT access tokens instead.
 */
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { constantTimeEqual } from '../../platform/crypto.ts';

export function installHashedClientSecrets(provider: Provider, hash: (secret: string) => string): void {
  // Client is a per-provider class; patching its prototype affects only this provider.
  const proto = provider.Client.prototype as unknown as { compareClientSecret: (actual: string) => boolean; clientSecret?: string };
  proto.compareClientSecret = function compareHashedSecret(this: { clientSecret?: string }, actual: string): boolean {
    const stored = this.clientSecret;
    if (typeof stored !== 'string' || typeof actual !== 'string' || actual.length === 0 || actual.length > 512) return false;
    return constantTimeEqual(stored, hash(actual));
  };
}

/** True when the library just refused to introspect a JWT (after client authentication succeeded). */
export function isStructuredTokenRefusal(ctx: KoaContextWithOIDC): boolean {
  const body = ctx.body as { error?: string } | undefined;
  return ctx.status === 400 && body?.error === 'unsupported_token_type' && !!ctx.oidc?.client;
}
