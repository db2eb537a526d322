/**
 * Step token: the credential of the request — the bearer token from the Authorization header
 * (never the query: a token in a URL ends up in logs), or the portal session cookie.
 */
import { authzErrors } from '../../authz/index.ts';
import { identityErrors } from '../../identity/index.ts';
import { challenge, type GatewayCore, type GatewayRequest, type GatewayState, type Refusal } from './core.ts';

/** Sets st.credential, or answers invalid_token (malformed header) / authentication_required (none). */
export function token(g: GatewayCore, req: GatewayRequest, st: GatewayState): Refusal {
  const h = req.headers.authorization;
  if (h !== undefined) {
    // The scheme by prefix; the token's characters are checked only before a signature check
    // (a token already in the verified cache is known to be well formed). "Bearer <token>" as
    // clients write it is taken as it is (nothing to trim); anything else the long way.
    const last = h.charCodeAt(h.length - 1);
    if (h.startsWith('Bearer ') && h.length <= 8199 && h.charCodeAt(7) > 32 && h.charCodeAt(7) < 127 && last > 32 && last < 127) {
      const t = h.slice(7);
      st.credential = t.startsWith('pgpat_') ? { kind: 'pat', token: t } : { kind: 'jwt', token: t, dpop: false };
      return undefined;
    }
    const sp = h.indexOf(' ');
    const scheme = sp > 0 ? h.slice(0, sp).toLowerCase() : '';
    const t = sp > 0 ? h.slice(sp + 1).trim() : '';
    if ((scheme !== 'bearer' && scheme !== 'dpop') || t === '' || t.length > 8192) {
      return identityErrors.invalid_token('The Authorization header must be "Bearer <token>".', { headers: { 'www-authenticate': challenge(g, 'invalid_request', 'malformed Authorization header') } });
    }
    st.credential = t.startsWith('pgpat_') ? { kind: 'pat', token: t } : { kind: 'jwt', token: t, dpop: scheme === 'dpop' };
    return undefined;
  }
  if (req.sessionCookie) {
    st.credential = { kind: 'session', token: req.sessionCookie };
    return undefined;
  }
  // RFC 6750 §2.2/2.3 form and query tokens are not accepted: a token in a URL ends up in logs.
  return authzErrors.authentication_required('Send an access token in the Authorization header (Bearer).', {
    headers: { 'www-authenticate': challenge(g, 'invalid_request', 'no access token in the Authorization header') },
  });
}
