/**
 * "Last use" of delegations (Connected partners): the gateway notes the delegation of every
 * admitted request here — one Map.set, no I/O on the response path — and a periodic flush writes
 * `delegations.last_used_at` for everything seen since, in one batched statement per 500
 * delegations. Flushed every 30 s and when the app closes; a write never moves a value backwards
 * (another instance, or token issuance, may have written a later one).
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';

export const LAST_USE_FLUSH_MS = 30_000;
const BATCH = 500;

export class DelegationLastUse {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;
  /** delegation id → when it was last used (ms), since the last flush */
  #seen = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;

  constructor(d: { db: Db; clock: Clock; onError: (err: unknown) => void }) {
    this.#db = d.db;
    this.#clock = d.clock;
    this.#onError = d.onError;
  }

  /**
   * The gateway admitted a request through this delegation. O(1), in memory. A delegation in
   * steady use moves at most once a second (a last use is shown to the second): no Map write
   * per request.
   */
  note(delegationId: string): void {
    const now = this.#clock.nowMs();
    const prev = this.#seen.get(delegationId);
    if (prev === undefined || now - prev >= 1000 || now < prev) this.#seen.set(delegationId, now);
  }

  /** How many delegations wait for the next flush. */
  get pending(): number {
    return this.#seen.size;
  }

  start(everyMs = LAST_USE_FLUSH_MS): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), everyMs);
    this.#timer.unref();
  }

  /** Stop the timer and write what is pending. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }

  /** Write every pending last use now (concurrent calls share one write). */
  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing.then(() => this.flush());
    if (this.#seen.size === 0) return Promise.resolve();
    const batch = this.#seen;
    this.#seen = new Map();
    this.#flushing = this.#write(batch)
      .catch((err: unknown) => {
        // Keep them for the next flush (a later use noted meanwhile wins).
        for (const [id, at] of batch) if ((this.#seen.get(id) ?? 0) < at) this.#seen.set(id, at);
        this.#onError(err);
      })
      .finally(() => {
        this.#flushing = null;
      });
    return this.#flushing;
  }

  async #write(batch: Map<string, number>): Promise<void> {
    const entries = [...batch];
    for (let i = 0; i < entries.length; i += BATCH) {
      const chunk = entries.slice(i, i + BATCH);
      const at = sql`case id ${sql.join(
        chunk.map(([id, ms]) => sql`when ${id} then ${new Date(ms).toISOString()}`),
        sql` `,
      )} end`;
      await sql`update delegations set last_used_at = ${at} where id in (${sql.join(chunk.map(([id]) => id))}) and (last_used_at is null or last_used_at < ${at})`.execute(this.#db.kysely);
    }
  }
}
