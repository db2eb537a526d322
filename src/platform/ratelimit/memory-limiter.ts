/**
 * Per-instance exact rolling-window limiter: one ascending array of admitted timestamps per key,
 * trimmed on every call. Used when no REDIS_URL is set, and as the 'local' fallback when Redis is
 * down. Memory is bounded by the number of active keys × their limits; keys whose entries have
 * all expired are swept every `sweepEveryMs` of clock time.
 */
import type { Clock } from '../clock.ts';
import { decide, insertSorted } from './sliding-window.ts';
import type { RateLimitDecision, RateLimiter } from './limiter.ts';

interface Entry {
  log: number[];
  windowMs: number;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #clock: Clock;
  readonly #keys = new Map<string, Entry>();
  readonly #sweepEveryMs: number;
  #lastSweep = 0;

  constructor(opts: { clock: Clock; sweepEveryMs?: number }) {
    this.#clock = opts.clock;
    this.#sweepEveryMs = opts.sweepEveryMs ?? 60_000;
  }

  /** Synchronous core (the async interface only wraps it). */
  consumeNow(key: string, limit: number, windowMs: number, now = this.#clock.now().getTime()): RateLimitDecision {
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.#sweep(now);
    let e = this.#keys.get(key);
    if (!e) {
      e = { log: [], windowMs };
      this.#keys.set(key, e);
    }
    e.windowMs = windowMs;
    const cutoff = now - windowMs;
    let i = 0;
    while (i < e.log.length && e.log[i] <= cutoff) i++;
    if (i > 0) e.log.splice(0, i);
    const d = decide(e.log, now, limit, windowMs);
    if (d.allowed) insertSorted(e.log, now);
    return d;
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return this.consumeNow(key, limit, windowMs);
  }

  /** Number of keys held (diagnostics and tests). */
  get size(): number {
    return this.#keys.size;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [k, e] of this.#keys) {
      const newest = e.log.length ? e.log[e.log.length - 1] : Number.NEGATIVE_INFINITY;
      if (newest <= now - e.windowMs) this.#keys.delete(k);
    }
  }
}
