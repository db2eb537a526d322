/**
 * "Last use" of delegations (Connected partners): the gateway notes the delegation of every
 * admitted request here — one Map.set, no I/O on the response path — and a periodic flush writes
 * `delegations.last_used_at` for everything seen since, in one batched statement per 500
 * delegations (BatchedActivity). Flushed every 30 s and when the app closes; a write never moves a
 * value backwards (another instance, or token issuance, may have written a later one).
 */
import type { Db, Executor } from '../../platform/db/database.ts';
import { BatchedActivity } from '../../platform/db/batched-activity.ts';
import type { Clock } from '../../platform/clock.ts';
import { delegationQueries } from '../delegations/index.ts';

export const LAST_USE_FLUSH_MS = 30_000;
const BATCH = 500;

export class DelegationLastUse {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #seen: BatchedActivity;

  constructor(d: { db: Db; clock: Clock; onError: (err: unknown) => void }) {
    this.#db = d.db;
    this.#clock = d.clock;
    this.#seen = new BatchedActivity(writeLastUses, d.onError);
  }

  /**
   * The gateway admitted a request through this delegation. O(1), in memory. A delegation in
   * steady use moves at most once a second (a last use is shown to the second): no Map write
   * per request.
   */
  note(delegationId: string): void {
    const now = this.#clock.nowMs();
    const prev = this.#seen.noted(delegationId);
    if (prev === undefined || now - prev >= 1000) this.#seen.note(delegationId, now);
  }

  /** How many delegations wait for the next flush. */
  get pending(): number {
    return this.#seen.pending;
  }

  start(everyMs = LAST_USE_FLUSH_MS): void {
    this.#seen.start(this.#db, everyMs);
  }

  /** Stop the timer and write what is pending. */
  stop(): Promise<void> {
    return this.#seen.stop();
  }

  /** Write every pending last use now. */
  flush(): Promise<void> {
    return this.#seen.flush();
  }
}

function writeLastUses(db: Executor, entries: [id: string, at: string][]): Promise<void> {
  return delegationQueries.writeLastUses(db, entries, BATCH);
}
