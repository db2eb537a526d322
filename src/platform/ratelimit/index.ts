/**
 * Rate limiting: exact rolling windows ("N per minute" = never more than N admitted in any
 * 60 s), in memory for one instance or in Redis for many, behind one interface.
 *
 * Why hand-written rather than rate-limiter-flexible:
 * rate-limiter-flexible counts in fixed windows (a counter with a TTL that starts at the first
 * hit), so a client can get up to 2N requests through around a window boundary, and its
 * "sliding" variants approximate. The agency embed contract (20 req/min/token) and the
 * gateway's per-class limits promise an exact bound in any rolling minute, which needs a log of
 * admitted timestamps — a sorted set trimmed and counted in one atomic Lua script.
 *
 * Usage (a route class of the gateway, or the agency embed API):
 *
 *   const policy = { name: 'agency', limit: AGENCY_REQUESTS_PER_MINUTE, windowMs: 60_000 };
 *   await enforceRateLimit(reply, services.rateLimiter, `agency-token:${tokenId}`, policy);
 *
 * Keys are `<policy>:<subject>` under the store's prefix (`<REDIS_KEY_PREFIX>rl:`), so two
 * policies never share a log. Every limit in Partnergate is one of these, on this one limiter:
 *
 *   gw:<token|user>:<class>, gw:p:<partner>   the gateway, per caller × route class and per partner
 *   pc:u:<user>:<class>                        the consolidated partner views (/api/v1/partner/…)
 *   agency-token:<token>                       the embed API (20 per minute)
 *   apply:ip:<ip>                              partner applications (10 per hour)
 *   login:email:<email>, login:ip:<ip>         failed logins (LoginThrottle: peekAll / recordAll)
 *   oauth-fail:ip:<ip>, oauth-fail:client-ip:… failed OAuth client authentications (FailureThrottle)
 *
 * The route-class limits come from one lookup (classLimit, RATE_LIMITS).
 *
 * Failure budgets (the login throttle, OAuth client authentication) use the same store through
 * peekAll (may one more be tried?) and recordAll (one more failed), so they count failures, not
 * attempts, and an outage, a timeout or a reset is handled for them exactly as for the gateway.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { FallbackRateLimiter, type RateLimitFailurePolicy } from './fallback-limiter.ts';
import type { RateLimiter } from './limiter.ts';
import { MemoryRateLimiter } from './memory-limiter.ts';
import { RedisRateLimiter } from './redis-limiter.ts';

export { type RateLimiter, type RateLimitDecision, type RateLimitRequest, RateLimitStoreError } from './limiter.ts';
export { decide, decisionFrom, summarize, trimLog, insertSorted, type WindowSummary } from './sliding-window.ts';
export { MemoryRateLimiter } from './memory-limiter.ts';
export { RedisRateLimiter, SLIDING_WINDOW_LUA, type RedisRateLimiterOptions } from './redis-limiter.ts';
export { FallbackRateLimiter, type RateLimitFailurePolicy } from './fallback-limiter.ts';
export { enforceRateLimit, rateLimitHeaders, type RatePolicy } from './http.ts';
export { classLimit, DEFAULT_CLASS_LIMIT } from './limits.ts';

export interface CreateRateLimiterOptions {
  clock: Clock;
  /** a connection the limiter may use (it does not own it); null = in-memory only */
  redis: Redis | null;
  failurePolicy: RateLimitFailurePolicy;
  onError: (err: unknown, info: { policy: RateLimitFailurePolicy; suppressed: number }) => void;
  prefix?: string;
  timeoutMs?: number;
  /** default: Redis server time when the clock is the system clock, else the clock's time */
  time?: 'server' | 'caller';
  /** the Redis store was found reset (see RedisRateLimiter): logged as a warning, once per reset */
  onReset?: (info: { keys: number; entries: number }) => void;
}

/** The limiter an app uses: Redis with its failure policy when configured, else in memory. */
export function createRateLimiter(o: CreateRateLimiterOptions): RateLimiter {
  if (!o.redis) return new MemoryRateLimiter({ clock: o.clock });
  // What this instance admits is also kept in memory: written back if Redis is found reset, and
  // the 'local' policy's counters when Redis is down.
  const shadow = new MemoryRateLimiter({ clock: o.clock });
  const primary = new RedisRateLimiter({
    redis: o.redis,
    clock: o.clock,
    prefix: o.prefix,
    timeoutMs: o.timeoutMs,
    time: o.time ?? (o.clock === systemClock ? 'server' : 'caller'),
    shadow,
    onReset: o.onReset,
  });
  return new FallbackRateLimiter({
    primary,
    policy: o.failurePolicy,
    local: o.failurePolicy === 'local' ? shadow : undefined,
    onError: o.onError,
    now: () => o.clock.nowMs(),
  });
}
