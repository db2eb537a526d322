/**
 * Activity noted in memory on the request path — the last use of an API token, an agency token or
 * a delegation, a session's last activity — and written in batches off it: every `intervalMs`, and
 * on `stop`. Only the latest time per id is kept; the `write` must never move a stored value
 * backwards (another instance may have written a later one); a batch whose write fails is merged
 * into the next one. A crash loses at most one interval of such times — nothing that grants or
 * refuses access.
 */
import type { Db, Executor } from './database.ts';
import { asSystem } from './db-context.ts';

/** Writes one batch inside a transaction; must never move a stored time backwards. */
export type ActivityWrite = (trx: Executor, batch: [id: string, at: string][]) => Promise<void>;

export class BatchedActivity {
  readonly #write: ActivityWrite;
  readonly #onError: (err: unknown) => void;
  readonly #beforeFlush: () => void;
  /** id → the latest activity noted since the last flush (epoch ms) */
  #noted = new Map<string, number>();
  #db: Db | null = null;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  /** `beforeFlush`: housekeeping of the owner's to run on the same schedule (e.g. dropping what expired) */
  constructor(write: ActivityWrite, onError: (err: unknown) => void, beforeFlush: () => void = () => {}) {
    this.#write = write;
    this.#onError = onError;
    this.#beforeFlush = beforeFlush;
  }

  /** `id` was active at `ms` (the later of two notes wins). O(1), in memory. */
  note(id: string, ms: number): void {
    const prev = this.#noted.get(id);
    if (prev === undefined || prev < ms) this.#noted.set(id, ms);
  }

  /** The time noted for `id` since the last flush, if any. */
  noted(id: string): number | undefined {
    return this.#noted.get(id);
  }

  /** How many ids wait for the next flush. */
  get pending(): number {
    return this.#noted.size;
  }

  /** Nothing to write for it any more (the token or session is gone). */
  forget(id: string): void {
    this.#noted.delete(id);
  }

  start(db: Db, intervalMs: number): void {
    this.#db = db;
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }

  flush(): Promise<void> {
    this.#beforeFlush();
    this.#flushing = this.#flushing.then(async () => {
      const db = this.#db;
      if (db === null || this.#noted.size === 0) return;
      const batch = this.#noted;
      this.#noted = new Map();
      try {
        // ids of every tenant, whichever request's timer or call started the flush: written as the system
        await asSystem(() => db.kysely.transaction().execute((trx) => this.#write(trx, [...batch].map(([id, ms]) => [id, new Date(ms).toISOString()]))));
      } catch (err) {
        for (const [id, ms] of batch) this.note(id, ms);
        this.#onError(err);
      }
    });
    return this.#flushing;
  }
}
