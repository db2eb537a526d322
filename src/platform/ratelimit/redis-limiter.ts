/**
 * Exact rolling-window limiter shared by every instance through Redis: one sorted set per key
 * holding the admitted requests (score = time in ms, member unique per request), and ONE Lua
 * script per decision that trims what left the window, counts, admits-and-records or refuses —
 * atomically, so two instances can never both take the last unit. The numbers the script
 * returns are turned into a decision by the same pure arithmetic as the in-memory limiter
 * (sliding-window.ts decisionFrom). The same script peeks (decides, records nothing) and records
 * (whatever the limit: a failure that happened), for the failure budgets of logins and client
 * authentication.
 *
 * Time: with `time: 'server'` the script reads Redis' own clock (TIME), so instances with skewed
 * clocks still share one timeline — the production setting. With `time: 'caller'` the caller's
 * clock is used (tests drive it with a ManualClock).
 *
 * Failure — every call settles within `timeoutMs` (REDIS_COMMAND_TIMEOUT_MS), rejecting with
 * RateLimitStoreError; the failure policy decides what that means (see FallbackRateLimiter):
 *  - a connection that is not ready (down, reconnecting) rejects at once; only one that has never
 *    been ready (the first moments of a process) is waited for, as long as for an answer;
 *  - no answer within `timeoutMs` rejects; until that overdue answer arrives (or the connection
 *    gives up on it, see platform/redis.ts) every call rejects at once without sending anything,
 *    so a frozen Redis costs one timeout rather than one per request, and no pile of scripts runs
 *    (and counts) when it thaws. The deadline is checked one event-loop turn late, so an answer
 *    that did arrive while the process was busy is read rather than called lost.
 * A script that ran after its caller gave up may have recorded one request that was not served:
 * a limiter errs towards refusing.
 *
 * Reset — a Redis restarted without persistence (or flushed, or one that evicted keys) has
 * forgotten every window, and each limit would silently admit up to twice its requests in the
 * window of the restart. Every script call first compares the store's epoch key (`<prefix>epoch`,
 * created with a fresh id when missing) with the one this instance last saw. On a mismatch
 * nothing is decided: the instance writes back its shadow — an in-memory log of every request it
 * admitted and every failure it recorded, kept beside Redis at the cost of one in-memory append —
 * adopts the new epoch, and decides again. Every instance does the same as soon as it notices (on
 * reconnecting, or at its next call), so the fresh store again holds every instance's share. What
 * the bound cannot cover: a decision taken on the fresh store in the milliseconds before another
 * instance has written its share back, and the share of an instance that died meanwhile.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import { whenReady } from '../redis.ts';
import { counterDecision, decisionFrom } from './sliding-window.ts';
import { RateLimitStoreError, type RateLimitDecision, type RateLimiter, type RateLimitRequest } from './limiter.ts';
import type { MemoryRateLimiter } from './memory-limiter.ts';

/**
 * KEYS: the epoch key, then one sorted set per limit. ARGV: now (ms), useServerTime ('1'/'0'),
 * member (unique per call; also the new epoch when the key is missing), mode ('c' consume,
 * 'p' peek, 'r' record), the epoch the caller last saw, then per limit key its limit and window
 * (ms). When the epoch differs, returns {-1, epoch} and touches nothing else. Otherwise every key is
 * trimmed and counted first; 'c' records the request under every key only when every key admits
 * it (one limit's refusal uses up nothing of the others), 'r' records it whatever the counts, 'p'
 * records nothing. Returns {admitted (1/0), now, then per key: count before this request, oldest
 * counted score, reopen entry score (-1 when none)}. A negative window is a quota: a plain counter
 * (GET, INCR) that expires at minus that value (epoch ms) — see RateLimitRequest.fixedUntilMs.
 */
export const SLIDING_WINDOW_LUA = `
local epoch = redis.call('GET', KEYS[1])
if epoch ~= ARGV[5] then
  if not epoch then
    epoch = ARGV[3]
    redis.call('SET', KEYS[1], epoch)
  end
  return {-1, epoch}
end
local now = tonumber(ARGV[1])
if ARGV[2] == '1' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local mode = ARGV[4]
local out = {1, now}
local admit = 1
for i = 2, #KEYS do
  local key = KEYS[i]
  local limit = tonumber(ARGV[2 + i * 2])
  local window = tonumber(ARGV[3 + i * 2])
  if window < 0 then
    -- a quota: a counter that expires at -window (epoch ms)
    local n = tonumber(redis.call('GET', key) or '0')
    if n >= limit then admit = 0 end
    out[#out + 1] = n
    out[#out + 1] = now
    out[#out + 1] = -1
  else
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
end
if mode == 'r' or (mode == 'c' and admit == 1) then
  for i = 2, #KEYS do
    local window = tonumber(ARGV[3 + i * 2])
    if window < 0 then
      redis.call('INCR', KEYS[i])
      redis.call('PEXPIREAT', KEYS[i], -window)
    else
      redis.call('ZADD', KEYS[i], now, ARGV[3])
      redis.call('PEXPIRE', KEYS[i], window)
    end
  end
end
out[1] = admit
return out
`;

type Mode = 'c' | 'p' | 'r';

interface WithScript {
  pgRateWindow(numKeys: number, ...args: (string | number)[]): Promise<(number | string)[]>;
}

const DOWN = new Set(['reconnecting', 'end', 'close']);

export interface RedisRateLimiterOptions {
  redis: Redis;
  clock: Clock;
  /** prepended to every key (default `pg:rl:`); tests use a unique prefix */
  prefix?: string;
  /** 'server' = Redis TIME (production), 'caller' = the clock passed in (default) */
  time?: 'server' | 'caller';
  /** give up on an answer after this long (default 100 ms, REDIS_COMMAND_TIMEOUT_MS) */
  timeoutMs?: number;
  /**
   * Where every admitted request and recorded failure is also kept, in memory: written back into a
   * Redis that was reset (createRateLimiter passes the 'local' failure policy's limiter, which so
   * starts from this instance's own share rather than from nothing).
   */
  shadow?: MemoryRateLimiter;
  /** the store was found reset (once per reset; `keys`/`entries`: what this instance wrote back) */
  onReset?: (info: { keys: number; entries: number }) => void;
}

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis & WithScript;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #epochKey: string;
  readonly #serverTime: string;
  readonly #timeoutMs: number;
  readonly #shadow: MemoryRateLimiter | null;
  readonly #onReset: RedisRateLimiterOptions['onReset'];
  readonly #instance = randomBytes(6).toString('hex');
  #seq = 0;
  /** the store's epoch as this instance last saw it (null before the first answer) */
  #epoch: string | null = null;
  #everReady: boolean;
  /** commands that outlived their deadline and have not settled yet */
  #overdue = 0;
  #catchingUp: Promise<void> | null = null;
  /** the wait for the first connection, shared by the calls made meanwhile */
  #firstConnect: Promise<boolean> | null = null;
  #resetReported: string | null = null;

  constructor(o: RedisRateLimiterOptions) {
    this.#redis = o.redis as Redis & WithScript;
    if (typeof this.#redis.pgRateWindow !== 'function') {
      // EVALSHA with a transparent EVAL fallback on NOSCRIPT (ioredis defineCommand); the
      // number of keys is the first argument of each call.
      o.redis.defineCommand('pgRateWindow', { lua: SLIDING_WINDOW_LUA });
    }
    this.#clock = o.clock;
    this.#prefix = o.prefix ?? 'pg:rl:';
    this.#epochKey = this.#prefix + 'epoch';
    this.#serverTime = o.time === 'server' ? '1' : '0';
    this.#timeoutMs = o.timeoutMs ?? 100;
    this.#shadow = o.shadow ?? null;
    this.#onReset = o.onReset;
    this.#everReady = o.redis.status === 'ready';
    // A reconnect may follow a restart: notice a reset now, not at the next request, so this
    // instance's share is back before the others decide on the fresh store.
    o.redis.on('ready', () => {
      this.#everReady = true;
      this.#handshake();
    });
    if (this.#everReady) this.#handshake();
  }

  /** Learn the store's epoch (and catch up if it changed) without deciding anything. */
  #handshake(): void {
    this.#run('p', []).catch(() => {});
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return (await this.consumeAll([{ key, limit, windowMs }]))[0];
  }

  async consumeAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return this.#decisions(reqs, await this.#run('c', reqs));
  }

  async peekAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return this.#decisions(reqs, await this.#run('p', reqs));
  }

  async recordAll(reqs: readonly RateLimitRequest[]): Promise<void> {
    await this.#run('r', reqs);
  }

  async reset(key: string): Promise<void> {
    this.#shadow?.reset(key);
    await this.#send(() => this.#redis.del(this.#prefix + key));
  }

  #decisions(reqs: readonly RateLimitRequest[], v: number[]): RateLimitDecision[] {
    const at = v[1];
    return reqs.map((r, i) => {
      const [count, oldest, reopen] = [v[2 + i * 3], v[3 + i * 3], v[4 + i * 3]];
      if (r.fixedUntilMs !== undefined) return counterDecision(count, r.limit, at, r.fixedUntilMs);
      return decisionFrom({ now: at, count, oldest, reopenEntry: reopen >= 0 && r.limit > 0 ? reopen : null }, r.limit, r.windowMs);
    });
  }

  async #run(mode: Mode, reqs: readonly RateLimitRequest[]): Promise<number[]> {
    for (let attempt = 1; ; attempt++) {
      if (this.#catchingUp) await this.#catchingUp;
      const now = this.#clock.nowMs();
      const member = `${now}:${this.#instance}:${(this.#seq = (this.#seq + 1) % Number.MAX_SAFE_INTEGER)}`;
      const args: (string | number)[] = [this.#epochKey];
      for (const r of reqs) args.push(this.#prefix + r.key);
      args.push(now, this.#serverTime, member, mode, this.#epoch ?? '');
      for (const r of reqs) args.push(r.limit, r.fixedUntilMs !== undefined ? -r.fixedUntilMs : r.windowMs);
      const reply = await this.#send(() => this.#redis.pgRateWindow(reqs.length + 1, ...args));
      if (reply[0] !== -1) {
        if (this.#shadow && (mode === 'r' || (mode === 'c' && reply[0] === 1))) this.#shadow.recordAllNow(reqs, now);
        return reply as number[];
      }
      if (attempt === 3) throw new RateLimitStoreError('the rate-limit store kept changing its epoch');
      await this.#adopt(String(reply[1]));
    }
  }

  /**
   * The store's epoch is not the one this instance knew: the first answer it gets, or a reset.
   * Either way what the shadow holds is not in the store (before the first answer nothing was
   * decided through it): write it back, then adopt the epoch. Concurrent callers wait for one
   * catch-up; if it fails, the epoch stays unadopted and the next call tries again.
   */
  #adopt(seen: string): Promise<void> {
    if (seen === this.#epoch) return Promise.resolve();
    if (this.#catchingUp) return this.#catchingUp;
    const isReset = this.#epoch !== null;
    this.#catchingUp = (async () => {
      try {
        const written = await this.#writeBack();
        if (isReset && this.#resetReported !== seen) {
          this.#resetReported = seen;
          this.#onReset?.(written);
        }
        this.#epoch = seen;
      } finally {
        this.#catchingUp = null;
      }
    })();
    return this.#catchingUp;
  }

  async #writeBack(): Promise<{ keys: number; entries: number }> {
    let keys = 0;
    let entries = 0;
    if (!this.#shadow) return { keys, entries };
    const pipeline = this.#redis.pipeline();
    for (const w of this.#shadow.windows()) {
      const args: (string | number)[] = [];
      for (let i = 0; i < w.times.length; i++) args.push(w.times[i], `w:${this.#instance}:${w.times[i]}:${i}`);
      pipeline.zadd(this.#prefix + w.key, ...args);
      pipeline.pexpire(this.#prefix + w.key, w.windowMs);
      keys++;
      entries += w.times.length;
    }
    for (const c of this.#shadow.counters()) {
      pipeline.incrby(this.#prefix + c.key, c.count);
      pipeline.pexpireat(this.#prefix + c.key, c.untilMs);
      keys++;
      entries += c.count;
    }
    if (keys === 0) return { keys, entries };
    // Rare and possibly large: ten times the deadline of one decision.
    const results = await this.#send(() => pipeline.exec(), 10 * this.#timeoutMs);
    const failed = results?.find(([err]) => err);
    if (failed) throw new RateLimitStoreError('Redis refused the write-back of the rate-limit windows', { cause: failed[0] });
    return { keys, entries };
  }

  /** One command, bounded as the header says. */
  #send<T>(command: () => Promise<T>, timeoutMs = this.#timeoutMs): Promise<T> {
    const r = this.#redis;
    if (r.status !== 'ready') {
      if (this.#everReady || DOWN.has(r.status)) return Promise.reject(new RateLimitStoreError(`Redis is ${r.status}`));
      this.#firstConnect ??= whenReady(r, timeoutMs).finally(() => {
        this.#firstConnect = null;
      });
      return this.#firstConnect.then((ok) => {
        if (!ok) throw new RateLimitStoreError(`Redis is ${r.status}`);
        return this.#send(command, timeoutMs);
      });
    }
    if (this.#overdue > 0) return Promise.reject(new RateLimitStoreError(`Redis has not answered a command for more than ${timeoutMs} ms`));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const sent = command();
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (settled) return;
            settled = true;
            this.#overdue++;
            const release = () => {
              this.#overdue--;
            };
            sent.then(release, release);
            reject(new RateLimitStoreError(`Redis did not answer within ${timeoutMs} ms`));
          }),
        timeoutMs,
      );
      timer.unref();
      sent.then(
        (v) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(v);
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(new RateLimitStoreError('Redis could not run the rate-limit command', { cause: err }));
        },
      );
    });
  }
}
