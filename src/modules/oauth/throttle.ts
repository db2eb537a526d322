/**
 * Brute-force throttling of the authorization server's client-authenticated endpoints (token,
 * introspection, revocation, PAR): failed requests (400/401 — a wrong secret, a guessed code or
 * refresh token) are counted per client_id and per IP; past the limit, the caller gets 429 with
 * Retry-After until the window passes. Successful requests cost nothing, so a busy client's
 * throughput is untouched. Counters are in Redis when configured (shared by every instance),
 * in memory otherwise. Portal-password logins on the consent screen go through the identity
 * service's own login limiter.
 */
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export interface ThrottleLimits {
  perClient: number;
  perIp: number;
  windowSec: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perClient: 20, perIp: 300, windowSec: 300 };

export class FailureThrottle {
  readonly #client: RateLimiterAbstract;
  readonly #ip: RateLimiterAbstract;
  readonly #limits: ThrottleLimits;

  constructor(redis: Redis | null, keyPrefix = 'pg:', limits: ThrottleLimits = DEFAULT_THROTTLE) {
    this.#limits = limits;
    if (redis) {
      this.#client = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}oauth-fail:client`, points: limits.perClient, duration: limits.windowSec });
      this.#ip = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}oauth-fail:ip`, points: limits.perIp, duration: limits.windowSec });
    } else {
      this.#client = new RateLimiterMemory({ keyPrefix: 'oauth-fail-client', points: limits.perClient, duration: limits.windowSec });
      this.#ip = new RateLimiterMemory({ keyPrefix: 'oauth-fail-ip', points: limits.perIp, duration: limits.windowSec });
    }
  }

  /** Seconds to wait when the caller is over its failure budget, else null. */
  async retryAfter(ip: string, clientId: string | null): Promise<number | null> {
    const checks: [RateLimiterAbstract, string, number][] = [[this.#ip, ip, this.#limits.perIp]];
    if (clientId) checks.push([this.#client, clientId, this.#limits.perClient]);
    let wait: number | null = null;
    for (const [limiter, key, limit] of checks) {
      const state = await limiter.get(key).catch(() => null);
      if (state && state.consumedPoints >= limit) wait = Math.max(wait ?? 0, Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
    }
    return wait;
  }

  async failed(ip: string, clientId: string | null): Promise<void> {
    await Promise.all([this.#ip.penalty(ip, 1).catch(() => undefined), clientId ? this.#client.penalty(clientId, 1).catch(() => undefined) : undefined]);
  }
}

/** The client_id of a request without reading its body: from HTTP Basic credentials. */
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
