/**
 * last_used_at of agency tokens, written off the request path: a request only notes the time in
 * memory; every `flushIntervalMs` the latest time per token is written in one transaction.
 * A crash loses at most one interval of "last used" times — nothing that grants or refuses.
 */
import type { Db } from '../../platform/db/database.ts';
import * as repo from './agencies.repo.ts';

export class AgencyUsageRecorder {
  readonly #db: Db;
  readonly #onError: (err: unknown) => void;
  #pending = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Db, opts: { flushIntervalMs?: number; onError?: (err: unknown) => void } = {}) {
    this.#db = db;
    this.#onError = opts.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), opts.flushIntervalMs ?? 5_000);
    this.#timer.unref();
  }

  record(tokenId: string, at: Date): void {
    const iso = at.toISOString();
    const prev = this.#pending.get(tokenId);
    if (!prev || prev < iso) this.#pending.set(tokenId, iso);
  }

  get pending(): number {
    return this.#pending.size;
  }

  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#pending.size === 0) return;
      const batch = this.#pending;
      this.#pending = new Map();
      try {
        await this.#db.kysely.transaction().execute((trx) => repo.touchTokens(trx, [...batch]));
      } catch (err) {
        // Keep the newest times for the next attempt.
        for (const [id, at] of batch) this.record(id, new Date(at));
        this.#onError(err);
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }
}
