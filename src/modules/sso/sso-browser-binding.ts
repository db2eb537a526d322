/**
 * Binds a sign-in in progress to the browser that started it (login CSRF: without this, a callback URL or
 * a SAML POST made in one browser signs in whichever browser delivers it — OWASP's "login CSRF", and
 * OpenID Connect Core §15.5.2 / RFC 9700 §4.7 ask that `state` be tied to the user agent).
 *
 * At /sso/start a random value goes into an HttpOnly cookie scoped to /sso/ and living as long as the flow;
 * the flow keeps only its keyed hash (HMAC with the master secret, like every stored secret). The callback
 * or the assertion consumer service requires the cookie and compares the hashes in constant time.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, hmacSha256, randomToken } from '../../platform/crypto.ts';
import type { SsoFlow } from './sso.types.ts';

export const SSO_FLOW_COOKIE = 'partnergate_sso_flow';

export interface BindingDeps {
  secretKey: string;
  cookieSecure: boolean;
  flowTtlMs: number;
}

const keyedHash = (secretKey: string, value: string) => hmacSha256(secretKey, `sso-flow-browser:${value}`);

/**
 * A fresh binding cookie on the reply; returns the keyed hash the flow keeps. SAML's HTTP-POST binding
 * arrives as a cross-site POST, which carries only a `SameSite=None; Secure` cookie; OIDC comes back by a
 * top-level GET, for which Lax is enough. Secure follows the session cookie's setting (COOKIE_SECURE, else
 * an https PUBLIC_URL). Over plain http (local runs, tests) browsers refuse None without Secure, so SAML's
 * cookie there says no SameSite at all: Chromium then still sends a cookie this fresh with a top-level
 * cross-site POST (its "Lax + POST" allowance), which covers a local provider on another host name.
 */
export function bindBrowser(reply: FastifyReply, d: BindingDeps, kind: 'oidc' | 'saml'): string {
  const value = randomToken(32);
  const sameSite = kind === 'oidc' ? ('lax' as const) : d.cookieSecure ? ('none' as const) : undefined;
  reply.setCookie(SSO_FLOW_COOKIE, value, { httpOnly: true, sameSite, secure: d.cookieSecure, path: '/sso/', maxAge: Math.ceil(d.flowTtlMs / 1000) });
  return keyedHash(d.secretKey, value);
}

/** Whether the request carries the cookie of the browser that started `flow`. */
export function isSameBrowser(req: FastifyRequest, d: BindingDeps, flow: SsoFlow): boolean {
  const value = req.cookies[SSO_FLOW_COOKIE];
  if (!flow.browserHash || typeof value !== 'string' || value === '') return false;
  return constantTimeEqual(keyedHash(d.secretKey, value), flow.browserHash);
}

/** The cookie has done its work (or was wrong): gone, whatever the outcome. */
export function clearBinding(reply: FastifyReply, d: BindingDeps): void {
  reply.clearCookie(SSO_FLOW_COOKIE, { path: '/sso/', httpOnly: true, secure: d.cookieSecure });
}
