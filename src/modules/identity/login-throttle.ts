/**
 * Login throttling: FAILED password checks are counted per email and per client address, at most
 * LOGIN_MAX_ATTEMPTS of each in any LOGIN_WINDOW (a rolling window). Past either budget every
 * login for that email or from that address — the right password too — gets 429 login_throttled
 * with Retry-After until the oldest counted failure leaves the window, so a guesser cannot tell a
 * hit from a throttled miss.
 *
 * Failures, not attempts. A login first checks the failures so far (a peek that records nothing),
 * then the password, and only a failed check is recorded, after it. Simultaneous correct logins
 * therefore never refuse one another, and nothing sits in the shared store while a password is
 * being checked: a login in flight when its instance dies leaves nothing behind. (Taking a slot
 * per attempt up front and giving it back after a success did both: 8 simultaneous correct logins
 * got 3 × 429, and a slot taken by an instance that died was never given back.)
 *
 * The race this opens — many guesses checked at once while under the limit — is closed on each
 * instance by an in-memory gate: a key lets a password check start only while its recorded
 * failures plus the checks in flight here stay under the limit. The others wait for one in flight
 * to finish and are then decided on what it left (a success lets them in, a failure may throttle
 * them); they are never refused for waiting. So one instance checks at most LOGIN_MAX_ATTEMPTS
 * passwords per key and window, and k instances at most k × that — a bound set by concurrency,
 * held in no state that can leak. (A reservation in the shared store with a short TTL would make
 * the bound global, but a reservation counts against correct logins as well, which is the defect
 * this design removed.)
 *
 * A success forgets the email's failures (the owner is back). The address keeps its failures:
 * otherwise a guesser holding one valid account could reset its address between guesses.
 *
 * The store is the shared rate limiter, so an outage, a slow Redis or a reset follows
 * RATE_LIMIT_REDIS_FAILURE like every other limit: 'local' decides on this instance's counters,
 * 'refuse' answers 503 rate_limiter_unavailable before any password is checked. A failure that
 * cannot be recorded after its check (Redis went away meanwhile) is logged by the limiter; the
 * answer stays 401.
 */
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import { RateLimitStoreError, type RateLimitDecision, type RateLimiter, type RateLimitRequest } from '../../platform/ratelimit/index.ts';
import { identityErrors as E } from './identity.errors.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

export interface LoginThrottleOptions {
  limiter: RateLimiter;
  /** LOGIN_MAX_ATTEMPTS: failed checks per email and per address in a window */
  maxFailures: number;
  /** LOGIN_WINDOW */
  windowSec: number;
}

/** A password check the throttle let start: settle it exactly once. */
export interface LoginAttempt {
  /** The password was wrong (or the account is unknown or disabled): count it, then let the next check start. */
  failed(): Promise<void>;
  /** The password was right: the email's failures are forgotten. */
  succeeded(): Promise<void>;
  /** The check could not be made (e.g. a database error): nothing counts. */
  abandon(): void;
}

/** Password checks in flight on this instance for one key, and the logins waiting for one to finish. */
interface Lane {
  checking: number;
  waiters: (() => void)[];
}

export class LoginThrottle {
  readonly #o: LoginThrottleOptions;
  readonly #lanes = new Map<string, Lane>();

  constructor(o: LoginThrottleOptions) {
    this.#o = o;
  }

  /**
   * Wait for a turn to check a password for `email` from `ip`; throws 429 login_throttled when a
   * budget is spent, 503 rate_limiter_unavailable when the failures cannot be read (policy refuse).
   */
  async begin(email: string, ip: string | null): Promise<LoginAttempt> {
    const limit = this.#o.maxFailures;
    const windowMs = this.#o.windowSec * 1000;
    const reqs: RateLimitRequest[] = [
      { key: `login:email:${email}`, limit, windowMs },
      { key: `login:ip:${ip ?? 'unknown'}`, limit, windowMs },
    ];
    for (;;) {
      const ds = await this.#peek(reqs);
      const refused = ds.filter((d) => !d.allowed);
      if (refused.length > 0) {
        const retry = Math.max(...refused.map((d) => d.retryAfterSec));
        throw E.login_throttled(PD.tooManyFailedLogins, {
          values: { retry },
          headers: { 'retry-after': String(retry) },
          extensions: { retry_after: retry },
        });
      }
      // An admitted peek leaves `remaining` = limit − failures − 1.
      const busy = reqs.find((r, i) => limit - 1 - ds[i].remaining + (this.#lanes.get(r.key)?.checking ?? 0) >= limit);
      if (!busy) break;
      await this.#turn(busy.key);
    }
    for (const r of reqs) this.#lane(r.key).checking++;
    let settled = false;
    const release = () => {
      if (settled) return;
      settled = true;
      for (const r of reqs) this.#leave(r.key);
    };
    const limiter = this.#o.limiter;
    return {
      failed: async () => {
        if (settled) return;
        try {
          // Recorded before the next waiting check is let in, so that one is decided on it.
          await limiter.recordAll(reqs).catch(ignoreStoreError);
        } finally {
          release();
        }
      },
      succeeded: async () => {
        if (settled) return;
        try {
          await limiter.reset(reqs[0].key).catch(ignoreStoreError);
        } finally {
          release();
        }
      },
      abandon: release,
    };
  }

  async #peek(reqs: RateLimitRequest[]): Promise<RateLimitDecision[]> {
    try {
      return await this.#o.limiter.peekAll(reqs);
    } catch (err) {
      if (!(err instanceof RateLimitStoreError)) throw err;
      throw platformErrors.rate_limiter_unavailable(PD.signAttemptsCannotCounted, {
        headers: { 'retry-after': '1' },
      });
    }
  }

  #lane(key: string): Lane {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { checking: 0, waiters: [] };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** Resolves when a check in flight for `key` finishes (there is one: the caller saw it). */
  #turn(key: string): Promise<void> {
    return new Promise((resolve) => this.#lane(key).waiters.push(resolve));
  }

  #leave(key: string): void {
    const lane = this.#lanes.get(key);
    if (!lane) return;
    lane.checking--;
    const waiters = lane.waiters;
    lane.waiters = [];
    if (lane.checking <= 0) this.#lanes.delete(key);
    for (const wake of waiters) wake();
  }
}

/** The failure policy already logged it (FallbackRateLimiter); the login's answer does not change. */
function ignoreStoreError(err: unknown): void {
  if (!(err instanceof RateLimitStoreError)) throw err;
}
