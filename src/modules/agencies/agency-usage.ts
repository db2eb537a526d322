/**
 * last_used_at of agency tokens, written off the request path: a request only notes the time in
 * memory; every `flushIntervalMs` the latest time per token is written in one transaction
 * (BatchedActivity).
 */
import type { Db } from '../../platform/db/database.ts';
import { BatchedActivity } from '../../platform/db/batched-activity.ts';
import * as repo from './agencies.repo.ts';

export class AgencyUsageRecorder {
  readonly #used: BatchedActivity;

  constructor(db: Db, opts: { flushIntervalMs?: number; onError?: (err: unknown) => void } = {}) {
    this.#used = new BatchedActivity(repo.touchTokens, opts.onError ?? (() => {}));
    this.#used.start(db, opts.flushIntervalMs ?? 5_000);
  }

  record(tokenId: string, at: Date): void {
    this.#used.note(tokenId, at.getTime());
  }

  get pending(): number {
    return this.#used.pending;
  }

  flush(): Promise<void> {
    return this.#used.flush();
  }

  close(): Promise<void> {
    return this.#used.stop();
  }
}
