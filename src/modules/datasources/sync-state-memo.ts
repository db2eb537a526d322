/**
 * The (customer, kind) pairs whose last sync time this instance wrote lately, per source. A
 * customer's last sync time moves at most once a minute (TENANT_STATE_STEP_MS; the freshness line
 * says "updated 3 minutes ago"), so a batch leaves out the pairs this instance wrote within that
 * step: their rows exist and are at most a step old. Before, every batch sent all of its customers'
 * pairs (5,000 probes of the primary key for a batch of invoices to as many customers) to find the
 * few that were new or stale. A pair is remembered once its batch has committed, and only when the
 * batch moved the stale ones (on PostgreSQL one batch of a source at a time does). Bounded: past
 * MAX_PAIRS the memo is forgotten and rebuilt by the next batches.
 */
import type { Tx } from '../../platform/db/database.ts';
import { TENANT_STATE_STEP_MS, touchTenantStates } from './datasources.repo.ts';

const MAX_PAIRS = 200_000;

export class RecentTenantStates {
  readonly #at = new Map<string, number>();

  /** Write the pairs (`tenant|kind`) not written within the step; returns what to call once the batch committed. */
  async touch(trx: Tx, sourceId: string, pairs: Iterable<string>, at: string): Promise<() => void> {
    const atMs = Date.parse(at);
    const due = [...pairs].filter((p) => !((this.#at.get(`${sourceId}|${p}`) ?? Number.NEGATIVE_INFINITY) > atMs - TENANT_STATE_STEP_MS)).sort();
    const moved = await touchTenantStates(trx, sourceId, due.map((key) => key.split('|') as [string, string]), at);
    return () => {
      if (!moved) return;
      if (this.#at.size + due.length > MAX_PAIRS) this.#at.clear();
      for (const p of due) this.#at.set(`${sourceId}|${p}`, atMs);
    };
  }
}
