/**
 * The failure policy around a shared limiter (config.rateLimitRedisFailure):
 *  - 'refuse': the store's error propagates (RateLimitStoreError → 503 rate_limiter_unavailable
 *    at the edge). Nothing is admitted that the shared count could not vouch for.
 *  - 'local':  the request is decided by a per-instance limiter instead, so each instance
 *    enforces the limit on its own share of the traffic until Redis is back. createRateLimiter
 *    passes the Redis limiter's shadow, which already holds what this instance admitted.
 * Every operation goes through it: consume (gateway, agency tokens, applications), and the
 * peek / record / reset of the failure budgets (logins, OAuth client authentication).
 * Either way the error is logged (at most once per `logEveryMs`, with how many were folded in),
 * and it is never reported as a 429.
 */
import type { RateLimiter, RateLimitDecision, RateLimitRequest } from './limiter.ts';
import { RateLimitStoreError } from './limiter.ts';

export type RateLimitFailurePolicy = 'refuse' | 'local';

export interface FallbackRateLimiterOptions {
  primary: RateLimiter;
  policy: RateLimitFailurePolicy;
  /** required for 'local' */
  local?: RateLimiter;
  onError: (err: unknown, info: { policy: RateLimitFailurePolicy; suppressed: number }) => void;
  logEveryMs?: number;
  now?: () => number;
}

export class FallbackRateLimiter implements RateLimiter {
  readonly #o: FallbackRateLimiterOptions;
  #lastLog = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(o: FallbackRateLimiterOptions) {
    if (o.policy === 'local' && !o.local) throw new Error("the 'local' rate-limit failure policy needs a local limiter");
    this.#o = o;
  }

  get policy(): RateLimitFailurePolicy {
    return this.#o.policy;
  }

  consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return this.#either((l) => l.consume(key, limit, windowMs));
  }

  consumeAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return this.#either((l) => l.consumeAll(reqs));
  }

  peekAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    return this.#either((l) => l.peekAll(reqs));
  }

  recordAll(reqs: readonly RateLimitRequest[]): Promise<void> {
    return this.#either((l) => l.recordAll(reqs));
  }

  reset(key: string): Promise<void> {
    return this.#either((l) => l.reset(key));
  }

  /** `op` on the shared store; on its failure, `op` on the local limiter or the error, as the policy says. */
  async #either<T>(op: (limiter: RateLimiter) => Promise<T>): Promise<T> {
    try {
      return await op(this.#o.primary);
    } catch (err) {
      const storeErr = err instanceof RateLimitStoreError ? err : new RateLimitStoreError('rate limiter failed', { cause: err });
      this.#log(storeErr);
      if (this.#o.policy === 'local') return op(this.#o.local!);
      throw storeErr;
    }
  }

  #log(err: RateLimitStoreError): void {
    const now = (this.#o.now ?? Date.now)();
    if (now - this.#lastLog < (this.#o.logEveryMs ?? 10_000)) {
      this.#suppressed++;
      return;
    }
    this.#lastLog = now;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.#o.onError(err, { policy: this.#o.policy, suppressed });
  }

  async close(): Promise<void> {
    await this.#o.primary.close?.();
    await this.#o.local?.close?.();
  }
}
