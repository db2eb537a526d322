/**
 * The arithmetic of an exact rolling-window limit (a "sliding log"), with no I/O and no clock:
 * the caller passes `now` and the timestamps (ms) of the requests it admitted for one key.
 *
 * "N per window" means: in ANY interval of `windowMs`, never more than N admitted requests.
 * A request admitted at `t` counts until `t + windowMs` (exclusive) and then stops counting,
 * so a request at `now` is admitted iff fewer than N admitted timestamps satisfy
 * `t > now - windowMs`. Refused requests are not recorded: a client that retries while
 * refused does not push its own reopening further away.
 *
 * Both the in-memory limiter and the Redis Lua script implement exactly this; the table tests
 * in sliding-window.test.ts pin it down.
 */

export interface RateLimitDecision {
  allowed: boolean;
  /** the limit that was applied (N) */
  limit: number;
  /** how many more requests would be admitted right now, after this one */
  remaining: number;
  /**
   * ms until the quota next grows: when the oldest counted request leaves the window
   * (0 when nothing is counted). For a sliding log the quota is restored one unit at a time.
   */
  resetMs: number;
  /** whole seconds until a request would be admitted: 0 when allowed, ≥ 1 (ceil) when refused */
  retryAfterSec: number;
}

/** Drop the timestamps that no longer count at `now`. `log` must be sorted ascending. Returns a new array. */
export function trimLog(log: readonly number[], now: number, windowMs: number): number[] {
  const cutoff = now - windowMs;
  let i = 0;
  while (i < log.length && log[i] <= cutoff) i++;
  return log.slice(i);
}

/**
 * What a store reports about one key at `now` (before recording the request): how many
 * admitted timestamps still count, the oldest of them, and — when the request is refused — the
 * entry whose expiry reopens the window (index `count - limit` in ascending order).
 * The Redis script returns exactly these numbers; decisionFrom() turns them into a decision.
 */
export interface WindowSummary {
  now: number;
  count: number;
  /** the oldest counted timestamp, or `now` when none counts */
  oldest: number;
  /** the timestamp at index count - limit (refusals with limit > 0 only), else null */
  reopenEntry: number | null;
}

export function decisionFrom(s: WindowSummary, limit: number, windowMs: number): RateLimitDecision {
  if (!(limit >= 0) || !(windowMs > 0)) throw new RangeError('limit must be >= 0 and windowMs > 0');
  const resetMs = s.count > 0 ? Math.max(0, s.oldest + windowMs - s.now) : 0;
  if (s.count < limit) {
    // Admitted: once `now` is recorded the oldest counted entry is `oldest` (or `now` itself).
    const oldest = s.count > 0 ? s.oldest : s.now;
    return { allowed: true, limit, remaining: limit - s.count - 1, resetMs: Math.max(0, oldest + windowMs - s.now), retryAfterSec: 0 };
  }
  // Refused: admitted again once count - limit + 1 entries have left the window, i.e. when
  // entry [count - limit] expires (after a lowered limit more than one entry must go).
  // A limit of 0 never admits; tell the client to come back after a whole window.
  const waitMs = limit === 0 || s.reopenEntry === null ? windowMs : Math.max(1, s.reopenEntry + windowMs - s.now);
  return { allowed: false, limit, remaining: 0, resetMs, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** Summarise an ascending, trimmed log (see trimLog) at `now` for a given limit. */
export function summarize(counted: readonly number[], now: number, limit: number): WindowSummary {
  const n = counted.length;
  return {
    now,
    count: n,
    oldest: n > 0 ? counted[0] : now,
    reopenEntry: n >= limit && limit > 0 ? counted[n - limit] : null,
  };
}

/**
 * Decide one request. `counted` are the timestamps still inside the window at `now`
 * (ascending; see trimLog). Does not mutate; the caller records `now` when `allowed`.
 */
export function decide(counted: readonly number[], now: number, limit: number, windowMs: number): RateLimitDecision {
  return decisionFrom(summarize(counted, now, limit), limit, windowMs);
}

/** Insert `t` into an ascending array in place (clocks may step back; keep it sorted). */
export function insertSorted(log: number[], t: number): void {
  const n = log.length;
  if (n === 0 || log[n - 1] <= t) {
    log.push(t);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  log.splice(lo, 0, t);
}

/** The decision of a fixed-window counter (a quota) holding `count` before this request, resetting at `untilMs`. */
export function counterDecision(count: number, limit: number, now: number, untilMs: number): RateLimitDecision {
  const resetMs = Math.max(0, untilMs - now);
  if (count < limit) return { allowed: true, limit, remaining: limit - count - 1, resetMs, retryAfterSec: 0 };
  return { allowed: false, limit, remaining: 0, resetMs, retryAfterSec: Math.max(1, Math.ceil(resetMs / 1000)) };
}
