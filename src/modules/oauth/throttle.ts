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
 * `sub`. Successful requests cost nothing. Counters are in Redis when configured (shared by every
 * instance), in memory otherwise. Client IPs come from the socket, or from X-Forwarded-For when
 * TRUST_PROXY is set. Portal-password logins on the consent screen go through the identity
 * service's own login limiter (per email and per IP).
 */
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

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

export class FailureThrottle {
  readonly #clientIp: RateLimiterAbstract;
  readonly #ip: RateLimiterAbstract;
  readonly #limits: ThrottleLimits;

  constructor(redis: Redis | null, keyPrefix = 'pg:', limits: ThrottleLimits = DEFAULT_THROTTLE) {
    this.#limits = limits;
    if (redis) {
      this.#clientIp = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}oauth-fail:client-ip`, points: limits.perClientIp, duration: limits.windowSec });
      this.#ip = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}oauth-fail:ip`, points: limits.perIp, duration: limits.windowSec });
    } else {
      this.#clientIp = new RateLimiterMemory({ keyPrefix: 'oauth-fail-client-ip', points: limits.perClientIp, duration: limits.windowSec });
      this.#ip = new RateLimiterMemory({ keyPrefix: 'oauth-fail-ip', points: limits.perIp, duration: limits.windowSec });
    }
  }

  /** Seconds this IP must wait (its failure budget across all clients is spent), else null. */
  retryAfterIp(ip: string): Promise<number | null> {
    return this.#wait(this.#ip, ip, this.#limits.perIp);
  }

  /** Seconds this IP must wait before authenticating as this client again, else null. */
  retryAfterClient(clientId: string, ip: string): Promise<number | null> {
    return this.#wait(this.#clientIp, clientIpKey(clientId, ip), this.#limits.perClientIp);
  }

  /** A failed client authentication from `ip`, naming `clientId` when the request named one. */
  async failed(ip: string, clientId: string | null): Promise<void> {
    await Promise.all([
      this.#ip.penalty(ip, 1).catch(() => undefined),
      clientId ? this.#clientIp.penalty(clientIpKey(clientId, ip), 1).catch(() => undefined) : undefined,
    ]);
  }

  async #wait(limiter: RateLimiterAbstract, key: string, limit: number): Promise<number | null> {
    const state = await limiter.get(key).catch(() => null);
    if (!state || state.consumedPoints < limit) return null;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
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
