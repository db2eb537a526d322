/**
 * Failures of the stores (PostgreSQL, Redis) as the background work sees them: what says "the
 * store is away" (as opposed to a bug), and a log for them that does not drown while it is away —
 * every flush, poll and refresh fails then, several times a second.
 */
import { isDatabaseUnavailable } from './errors/db-errors.ts';

/** What ioredis and the limiters say when Redis cannot be reached. */
const REDIS_UNAVAILABLE = /^(Connection is closed\.|Stream isn't writeable.*|Reached the max retries per request limit.*|.*Redis did not answer.*)$/;

/** true for an error that says the database or Redis is unreachable. */
export function isStoreUnavailable(err: unknown): boolean {
  if (isDatabaseUnavailable(err)) return true;
  const e = err as { name?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'MaxRetriesPerRequestError' || e.name === 'RateLimitStoreError') return true;
  return typeof e.message === 'string' && REDIS_UNAVAILABLE.test(e.message);
}

export interface ErrorLog {
  error(obj: object, msg: string): void;
}

/**
 * `onError(err, what)` for background work: logged as `<what> error` with the error, except that
 * a store that is away is logged once per `intervalMs` for each `what`, with how many failures
 * were left out since (`suppressed`).
 */
export function backgroundErrorLog(log: ErrorLog, intervalMs = 10_000, now: () => number = Date.now): (err: unknown, what: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (err, what) => {
    if (!isStoreUnavailable(err)) {
      log.error({ err }, `${what} error`);
      return;
    }
    const t = now();
    const seen = last.get(what);
    if (seen !== undefined && t - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    log.error({ err, suppressed: seen?.suppressed ?? 0 }, `${what} error`);
    last.set(what, { at: t, suppressed: 0 });
  };
}
