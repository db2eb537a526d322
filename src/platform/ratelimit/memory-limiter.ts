/**
 * Per-instance exact rolling-window limiter: per key, the admitted timestamps in a ring buffer
 * (a deque on a Float64Array: trim from the front, append at the back, both O(1) and without
 * garbage), so a decision costs the same with 20 entries or 500,000. Used when no REDIS_URL is
 * set; with Redis, as the shadow of the Redis limiter (what this instance admitted, written back
 * into a Redis that was reset) and the 'local' fallback when Redis is down. Memory is bounded by the number of active
 * keys × their limits; keys whose entries have all expired are swept every `sweepEveryMs` of
 * clock time.
 *
 * A clock that steps back records the request at the newest time already recorded rather than
 * in the past: the entry then counts a little longer than it would have, never shorter, so the
 * bound (never more than N in any window) still holds.
 */
import type { Clock } from '../clock.ts';
import { counterDecision, decisionFrom } from './sliding-window.ts';
import type { RateLimitDecision, RateLimiter, RateLimitRequest } from './limiter.ts';

/** The admitted timestamps of one key, oldest first, in a growable ring buffer. */
class TimeLog {
  // One slot to start: most keys (a token used a few times) never hold more; busy keys double.
  buf = new Float64Array(1);
  head = 0;
  size = 0;
  windowMs: number;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  at(i: number): number {
    return this.buf[(this.head + i) & (this.buf.length - 1)];
  }

  newest(): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : this.at(this.size - 1);
  }

  /** Drop what no longer counts at `now` (a request at t counts while t > now - window). */
  trim(now: number): void {
    const cutoff = now - this.windowMs;
    const mask = this.buf.length - 1;
    while (this.size > 0 && this.buf[this.head] <= cutoff) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
  }

  push(t: number): void {
    if (this.size === this.buf.length) this.#grow();
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = t;
    this.size++;
  }

  #grow(): void {
    const next = new Float64Array(this.buf.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }

  decide(now: number, limit: number): RateLimitDecision {
    const n = this.size;
    if (n < limit) {
      // Admitted (decisionFrom's first branch, without building its summary): once `now` is
      // recorded the oldest counted entry is the oldest one, or `now` itself.
      const oldest = n > 0 ? this.buf[this.head] : now;
      return { allowed: true, limit, remaining: limit - n - 1, resetMs: Math.max(0, oldest + this.windowMs - now), retryAfterSec: 0 };
    }
    return decisionFrom(
      { now, count: n, oldest: n > 0 ? this.at(0) : now, reopenEntry: n >= limit && limit > 0 ? this.at(n - limit) : null },
      limit,
      this.windowMs,
    );
  }
}

/** A quota's counter (RateLimitRequest.fixedUntilMs): how many, until when. */
interface Counter {
  count: number;
  untilMs: number;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #clock: Clock;
  readonly #keys = new Map<string, TimeLog>();
  readonly #counters = new Map<string, Counter>();
  readonly #sweepEveryMs: number;
  #lastSweep = 0;

  constructor(opts: { clock: Clock; sweepEveryMs?: number }) {
    this.#clock = opts.clock;
    this.#sweepEveryMs = opts.sweepEveryMs ?? 60_000;
  }

  #log(key: string, windowMs: number, now: number): TimeLog {
    let log = this.#keys.get(key);
    if (!log) {
      log = new TimeLog(windowMs);
      this.#keys.set(key, log);
    }
    log.windowMs = windowMs;
    log.trim(now);
    return log;
  }

  #counter(key: string, untilMs: number, now: number): Counter {
    let c = this.#counters.get(key);
    if (c === undefined || now >= c.untilMs) {
      c = { count: 0, untilMs };
      this.#counters.set(key, c);
    }
    c.untilMs = untilMs;
    return c;
  }

  #decide(r: RateLimitRequest, now: number): RateLimitDecision {
    if (r.fixedUntilMs !== undefined) return counterDecision(this.#counter(r.key, r.fixedUntilMs, now).count, r.limit, now, r.fixedUntilMs);
    return this.#log(r.key, r.windowMs, now).decide(now, r.limit);
  }

  #record(r: RateLimitRequest, now: number): void {
    if (r.fixedUntilMs !== undefined) {
      this.#counter(r.key, r.fixedUntilMs, now).count++;
      return;
    }
    const log = this.#log(r.key, r.windowMs, now);
    log.push(Math.max(now, log.newest()));
  }

  /** Synchronous core of consume(). */
  consumeNow(key: string, limit: number, windowMs: number, now = this.#clock.nowMs()): RateLimitDecision {
    // (rolling windows only; quotas go through consumeAllNow)
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.#sweep(now);
    const log = this.#log(key, windowMs, now);
    const d = log.decide(now, limit);
    if (d.allowed) log.push(Math.max(now, log.newest()));
    return d;
  }

  /** Synchronous core of consumeAll(): admitted only when every key admits; then recorded under every key. */
  consumeAllNow(reqs: readonly RateLimitRequest[], now = this.#clock.nowMs()): RateLimitDecision[] {
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.#sweep(now);
    const out = new Array<RateLimitDecision>(reqs.length);
    let all = true;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      const d = r.fixedUntilMs === undefined ? this.#log(r.key, r.windowMs, now).decide(now, r.limit) : this.#decide(r, now);
      if (!d.allowed) all = false;
      out[i] = d;
    }
    if (all) {
      for (let i = 0; i < reqs.length; i++) {
        const r = reqs[i];
        if (r.fixedUntilMs !== undefined) {
          this.#record(r, now);
          continue;
        }
        const log = this.#keys.get(r.key)!;
        log.push(Math.max(now, log.newest()));
      }
    }
    return out;
  }

  /** The decisions consumeAllNow() would make, recording nothing. */
  peekAllNow(reqs: readonly RateLimitRequest[], now = this.#clock.nowMs()): RateLimitDecision[] {
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.#sweep(now);
    return reqs.map((r) => this.#decide(r, now));
  }

  /** Record one event at `now` under every key, whatever the limits (a failure, or a request another store admitted). */
  recordAllNow(reqs: readonly RateLimitRequest[], now = this.#clock.nowMs()): void {
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.#sweep(now);
    for (let i = 0; i < reqs.length; i++) this.#record(reqs[i], now);
  }

  /** Every quota counter still running at `now` (written back into a Redis that was reset, like windows()). */
  *counters(now = this.#clock.nowMs()): Generator<{ key: string; count: number; untilMs: number }> {
    for (const [key, c] of this.#counters) if (now < c.untilMs && c.count > 0) yield { key, count: c.count, untilMs: c.untilMs };
  }

  /**
   * Every key with entries still counting at `now`: its window and the timestamps, oldest first
   * (RedisRateLimiter writes them back into a Redis that was reset).
   */
  *windows(now = this.#clock.nowMs()): Generator<{ key: string; windowMs: number; times: number[] }> {
    for (const [key, log] of this.#keys) {
      log.trim(now);
      if (log.size === 0) continue;
      const times = new Array<number>(log.size);
      for (let i = 0; i < log.size; i++) times[i] = log.at(i);
      yield { key, windowMs: log.windowMs, times };
    }
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return this.consumeNow(key, limit, windowMs);
  }

  async peekAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return this.peekAllNow(reqs);
  }

  async recordAll(reqs: readonly RateLimitRequest[]): Promise<void> {
    this.recordAllNow(reqs);
  }

  async reset(key: string): Promise<void> {
    this.#keys.delete(key);
    this.#counters.delete(key);
  }

  async consumeAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return this.consumeAllNow(reqs);
  }

  consumeAllSync(reqs: readonly RateLimitRequest[]): RateLimitDecision[] {
    return this.consumeAllNow(reqs);
  }

  /** Number of keys held (diagnostics and tests). */
  get size(): number {
    return this.#keys.size;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [k, log] of this.#keys) {
      if (log.newest() <= now - log.windowMs) this.#keys.delete(k);
    }
    for (const [k, c] of this.#counters) if (now >= c.untilMs) this.#counters.delete(k);
  }
}
