/**
 * Exact rolling-window limiter shared by every instance through Redis: one sorted set per key
 * holding the admitted requests (score = time in ms, member unique per request), and ONE Lua
 * script per decision that trims what left the window, counts, admits-and-records or refuses —
 * atomically, so two instances can never both take the last unit. The numbers the script
 * returns are turned into a decision by the same pure arithmetic as the in-memory limiter
 * (sliding-window.ts decisionFrom).
 *
 * Time: with `time: 'server'` the script reads Redis' own clock (TIME), so instances with skewed
 * clocks still share one timeline — the production setting. With `time: 'caller'` the caller's
 * clock is used (tests drive it with a ManualClock).
 *
 * Failure: when Redis does not answer within `timeoutMs`, or the connection is known to be down,
 * consume() rejects with RateLimitStoreError at once rather than queueing; the failure policy
 * decides what that means (see FallbackRateLimiter). A script that ran after its caller gave up
 * may have recorded one request that was not served: a limiter errs towards refusing.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import { decisionFrom } from './sliding-window.ts';
import { RateLimitStoreError, type RateLimitDecision, type RateLimiter } from './limiter.ts';

/**
 * KEYS[1] the sorted set; ARGV: limit, windowMs, now (ms), member, useServerTime ('1'/'0').
 * Returns {admitted (1/0), count before this request, oldest counted score, reopen entry score, now}.
 */
export const SLIDING_WINDOW_LUA = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if ARGV[5] == '1' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local n = redis.call('ZCARD', key)
local oldest = now
if n > 0 then
  oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
end
if n < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, n, oldest, -1, now}
end
local reopen = -1
if limit > 0 then
  reopen = tonumber(redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')[2])
end
return {0, n, oldest, reopen, now}
`;

type ScriptReply = [number, number, number, number, number];

interface WithScript {
  pgSlidingWindow(key: string, limit: number, windowMs: number, now: number, member: string, serverTime: string): Promise<ScriptReply>;
}

const DOWN = new Set(['reconnecting', 'end', 'close']);

export interface RedisRateLimiterOptions {
  redis: Redis;
  clock: Clock;
  /** prepended to every key (default `pg:rl:`); tests use a unique prefix */
  prefix?: string;
  /** 'server' = Redis TIME (production), 'caller' = the clock passed in (default) */
  time?: 'server' | 'caller';
  /** give up on an answer after this long (default 500 ms) */
  timeoutMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis & WithScript;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #serverTime: string;
  readonly #timeoutMs: number;
  readonly #instance = randomBytes(6).toString('hex');
  #seq = 0;

  constructor(o: RedisRateLimiterOptions) {
    this.#redis = o.redis as Redis & WithScript;
    if (typeof this.#redis.pgSlidingWindow !== 'function') {
      // EVALSHA with a transparent EVAL fallback on NOSCRIPT (ioredis defineCommand).
      o.redis.defineCommand('pgSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
    }
    this.#clock = o.clock;
    this.#prefix = o.prefix ?? 'pg:rl:';
    this.#serverTime = o.time === 'server' ? '1' : '0';
    this.#timeoutMs = o.timeoutMs ?? 500;
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    if (DOWN.has(this.#redis.status)) throw new RateLimitStoreError(`Redis is ${this.#redis.status}`);
    const now = this.#clock.now().getTime();
    const member = `${now}:${this.#instance}:${(this.#seq = (this.#seq + 1) % Number.MAX_SAFE_INTEGER)}`;
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await Promise.race([
        this.#redis.pgSlidingWindow(this.#prefix + key, limit, windowMs, now, member, this.#serverTime),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new RateLimitStoreError(`Redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
          timer.unref();
        }),
      ]);
      const [, count, oldest, reopen, at] = reply.map(Number) as ScriptReply;
      return decisionFrom({ now: at, count, oldest, reopenEntry: reopen >= 0 && limit > 0 ? reopen : null }, limit, windowMs);
    } catch (err) {
      if (err instanceof RateLimitStoreError) throw err;
      throw new RateLimitStoreError('Redis refused the rate-limit script', { cause: err });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
