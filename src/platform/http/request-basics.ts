/**
 * What every answer of the service carries, whoever writes it: Fastify's onRequest hook
 * (build-app.ts), the error paths that run before it, and the forward-auth check, which answers
 * on Node's own request and response (modules/gateway/forward-auth.http.ts).
 */
import { randomToken } from '../crypto.ts';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** The request's id: the caller's X-Request-Id when it is a plain token of at most 64 characters, else a new one. */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : `req_${randomToken(12)}`;
}

/** The security headers of every answer besides x-request-id, as a flat list: name, value, name, value. */
export const SECURITY_HEADERS: readonly string[] = Object.freeze(['x-content-type-options', 'nosniff', 'referrer-policy', 'no-referrer', 'x-frame-options', 'DENY']);
