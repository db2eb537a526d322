/**
 * Brute-force throttling of the authorization server's client-authenticated endpoints (token,
 * introspection, revocation, PAR).
 *
 * What counts: failed *client authentication* only (`invalid_client`: a wrong secret, an unknown
 * client, a bad private_key_jwt assertion) — the one failure that tells a guesser something. An
 * authenticated app's own 400s (a stale or already-rotated refresh token, losing a parallel
 * refresh, an expired code) never count: only the holder of the secret can cause them, and
 * throttling them would stall the app that is already authenticated.
 *
 * How it is keyed: per (client_id, IP) and per IP — never per client_id alone, so someone who
 * knows a public client_id cannot lock the real app out from its own addresses. Past the limit,
 * requests from that IP (for that client, or for any client once the per-IP budget is spent) get
 * 429 `temporarily_unavailable` with Retry-After until the window passes — even with the right
 * secret, so a guesser cannot tell a hit from a throttled miss. The client_id is the one the
 * library authenticates: from HTTP Basic, the form's client_id, or a private_key_jwt assertion's
 * `sub`. Successful requests cost nothing. Counters are in the shared rate limiter (Redis when
 * configured, shared by every instance; in memory otherwise), under its failure policy. Client IPs come from the socket, or from X-Forwarded-For when
 * TRUST_PROXY is set. Portal-password logins on the consent screen go through the identity
 * service's own login limiter (per email and per IP).
 */
import type { RateLimiter, RateLimitRequest } from '../../platform/ratelimit/index.ts';

export interface ThrottleLimits {
  /** failed client authentications of one client_id from one IP */
  perClientIp: number;
  /** failed client authentications from one IP, whatever the client_id */
  perIp: number;
  windowSec: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perClientIp: 20, perIp: 300, windowSec: 300 };

/** The OAuth error a throttled request gets (RFC 6749 §5.2 shape, HTTP 429). */
export const THROTTLED_ERROR = 'temporarily_unavailable';

/**
 * Failures are counted in the shared rate limiter (rolling windows): peeked before a client is
 * authenticated, recorded after a failure. Its failure policy applies: with RATE_LIMIT_REDIS_FAILURE
 * refuse, a peek rejects with RateLimitStoreError while Redis is unreachable (the caller answers
 * 503); with local, this instance's own counts decide.
 */
export class FailureThrottle {
  readonly #limiter: RateLimiter;
  readonly #limits: ThrottleLimits;

  constructor(limiter: RateLimiter, limits: ThrottleLimits = DEFAULT_THROTTLE) {
    this.#limiter = limiter;
    this.#limits = limits;
  }

  /** Seconds this IP must wait (its failure budget across all clients is spent), else null. */
  retryAfterIp(ip: string): Promise<number | null> {
    return this.#wait(this.#ipReq(ip));
  }

  /** Seconds this IP must wait before authenticating as this client again, else null. */
  retryAfterClient(clientId: string, ip: string): Promise<number | null> {
    return this.#wait(this.#clientReq(clientId, ip));
  }

  /** Both of the above in one read of the limiter: [the IP's wait, the (client, IP)'s wait]. */
  async retryAfterIpAndClient(ip: string, clientId: string): Promise<[number | null, number | null]> {
    const [a, b] = await this.#limiter.peekAll([this.#ipReq(ip), this.#clientReq(clientId, ip)]);
    return [a.allowed ? null : a.retryAfterSec, b.allowed ? null : b.retryAfterSec];
  }

  /** A failed client authentication from `ip`, naming `clientId` when the request named one. */
  async failed(ip: string, clientId: string | null): Promise<void> {
    const reqs = clientId ? [this.#ipReq(ip), this.#clientReq(clientId, ip)] : [this.#ipReq(ip)];
    // A failure the store could not take is logged by the failure policy; the answer stays 401.
    await this.#limiter.recordAll(reqs).catch(() => undefined);
  }

  #ipReq(ip: string): RateLimitRequest {
    return { key: `oauth-fail:ip:${ip}`, limit: this.#limits.perIp, windowMs: this.#limits.windowSec * 1000 };
  }

  #clientReq(clientId: string, ip: string): RateLimitRequest {
    return { key: `oauth-fail:client-ip:${clientIpKey(clientId, ip)}`, limit: this.#limits.perClientIp, windowMs: this.#limits.windowSec * 1000 };
  }

  async #wait(req: RateLimitRequest): Promise<number | null> {
    const [d] = await this.#limiter.peekAll([req]);
    return d.allowed ? null : d.retryAfterSec;
  }
}

function clientIpKey(clientId: string, ip: string): string {
  return `${clientId.slice(0, 200)}|${ip}`;
}

/** The client_id of HTTP Basic credentials (RFC 6749 §2.3.1 form-encodes it). */
export function basicClientId(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return null;
  try {
    return decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20')).slice(0, 200);
  } catch {
    return null;
  }
}

/** The `sub` of a client assertion (private_key_jwt), without verifying it: only to key a failure. */
export function assertionClientId(assertion: unknown): string | null {
  if (typeof assertion !== 'string') return null;
  const parts = assertion.split('.');
  if (parts.length !== 3) return null;
  try {
    const sub = (JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub.length > 0 ? sub.slice(0, 200) : null;
  } catch {
    return null;
  }
}
