/**
 * The rate limiter interface every route class uses (agency tokens, the gateway's per-token,
 * per-partner and per-route-class limits): `consume(key, limit, windowMs)` records one request
 * for `key` if it is admitted and says so. Limits are passed per call, so one limiter (one
 * Redis connection) serves every policy; keys name the policy and the subject, e.g.
 * `agency-token:agt_…` or `gw:partner:ptr_…:read`.
 *
 * A limiter resolves with a decision (a refusal is a value, not an error). It rejects only when
 * it cannot decide — the shared store is unreachable — with RateLimitStoreError, which the
 * failure policy (FallbackRateLimiter) and the HTTP edge (enforceRateLimit) turn into a local
 * decision or a 503 `rate_limiter_unavailable`, never a 429.
 */
import type { RateLimitDecision } from './sliding-window.ts';

export type { RateLimitDecision };

/** One key under one limit, for consumeAll(). */
export interface RateLimitRequest {
  key: string;
  limit: number;
  windowMs: number;
  /**
   * A quota rather than a rolling window: a plain counter that starts again at this time (epoch
   * ms; the end of the day or month), so a million a day costs one integer, not a million
   * timestamps. `windowMs` is then only informative (the headers' `w`). Decided in the same call
   * (the same Lua script) as the rolling windows beside it: no extra round trip.
   */
  fixedUntilMs?: number;
}

export interface RateLimiter {
  consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  /**
   * Several limits on one request (per credential × class and per partner), decided atomically: the
   * request is admitted only when every key admits it, and only then recorded under every key —
   * a refusal by one limit uses up nothing of the others. Decisions come back in request order.
   */
  consumeAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]>;
  /**
   * The decisions consumeAll() would make now, recording nothing: "would one more be admitted?".
   * With recordAll() this counts failures rather than attempts (the login and client-authentication
   * throttles: check the failures so far before a password check, record one after a failed check).
   */
  peekAll(reqs: readonly RateLimitRequest[]): Promise<RateLimitDecision[]>;
  /** Record one event under every key whatever the limits say (a failure that happened); `limit` is ignored. */
  recordAll(reqs: readonly RateLimitRequest[]): Promise<void>;
  /** Forget everything recorded under `key`. */
  reset(key: string): Promise<void>;
  /** The same without a promise, for limiters that decide without I/O (in memory); absent otherwise. */
  consumeAllSync?(reqs: readonly RateLimitRequest[]): RateLimitDecision[];
  /** Release timers and connections the limiter owns. */
  close?(): Promise<void> | void;
}

/** The shared counter store could not be asked; no decision was made. */
export class RateLimitStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RateLimitStoreError';
  }
}
