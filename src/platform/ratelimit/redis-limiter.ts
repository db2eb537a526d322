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
import { RateLimitStoreError, type RateLimitDecision, type RateLimiter, type RateLimitRequest } from './limiter.ts';

/**
 * KEYS: one sorted set per limit. ARGV: now (ms), useServerTime ('1'/'0'), member, then per key
 * its limit and window (ms). Every key is trimmed and counted first; the request is recorded
 * under every key only when every key admits it, so one limit's refusal uses up nothing of the
 * others. Returns {admitted (1/0), now, then per key: count before this request, oldest counted
 * score, reopen entry score (-1 when none)}.
 */
export const SLIDING_WINDOW_LUA = `
local now = tonumber(ARGV[1])
if ARGV[2] == '1' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local out = {1, now}
local admit = 1
for i = 1, #KEYS do
  local key = KEYS[i]
  local limit = tonumber(ARGV[2 + i * 2])
  local window = tonumber(ARGV[3 + i * 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  local oldest = now
  if n > 0 then
    oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
  end
  local reopen = -1
  if n >= limit then
    admit = 0
    if limit > 0 then
      reopen = tonumber(redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')[2])
    end
  end
  out[#out + 1] = n
  out[#out + 1] = oldest
  out[#out + 1] = reopen
end
if admit == 1 then
  for i = 1, #KEYS do
    redis.call('ZADD', KEYS[i], now, ARGV[3])
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3 + i * 2]))
  end
end
out[1] = admit
return out
`;



interface WithScript {
  pgSlidingWindowAll(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
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
    if (typeof this.#redis.pgSlidingWindowAll !== 'function') {
      // EVALSHA with a transparent EVAL fallback on NOSCRIPT (ioredis defineCommand); the
      // number of keys is the first argument of each call.
      o.redis.defineCommand('pgSlidingWindowAll', { lua: SLIDING_WINDOW_LUA });
    }
    this.#clock = o.clock;
    this.#prefix = o.prefix ?? 'pg:rl:';
    this.#serverTime = o.time === 'server' ? '1' : '0';
    this.#timeoutMs = o.timeoutMs ?? 500;
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return (await this.consumeAll([{ key, limit, windowMs }]))[0];
  }

  async consumeAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    if (DOWN.has(this.#redis.status)) throw new RateLimitStoreError(`Redis is ${this.#redis.status}`);
    const now = this.#clock.nowMs();
    const member = `${now}:${this.#instance}:${(this.#seq = (this.#seq + 1) % Number.MAX_SAFE_INTEGER)}`;
    const args: (string | number)[] = [];
    for (const r of reqs) args.push(this.#prefix + r.key);
    args.push(now, this.#serverTime, member);
    for (const r of reqs) args.push(r.limit, r.windowMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await Promise.race([
        this.#redis.pgSlidingWindowAll(reqs.length, ...args),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new RateLimitStoreError(`Redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
          timer.unref();
        }),
      ]);
      const v = reply.map(Number);
      const at = v[1];
      return reqs.map((r, i) => {
        const [count, oldest, reopen] = [v[2 + i * 3], v[3 + i * 3], v[4 + i * 3]];
        return decisionFrom({ now: at, count, oldest, reopenEntry: reopen >= 0 && r.limit > 0 ? reopen : null }, r.limit, r.windowMs);
      });
    } catch (err) {
      if (err instanceof RateLimitStoreError) throw err;
      throw new RateLimitStoreError('Redis refused the rate-limit script', { cause: err });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
