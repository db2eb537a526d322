/** The purposes column of delegations, for the in-memory index every instance keeps (delegation-purposes.ts). */
import type { Executor } from '../../platform/db/database.ts';

export type PurposeEntry = { id: string; purposes: string | null };

/** Open delegations that record purposes in id order: all of them, or the page after `afterId` (forEachChunk's read). */
export function listOpenWithPurposes(db: Executor, afterId: string | null, limit: number | null) {
  const q = db.selectFrom('delegations').select(['id', 'purposes']).where('purposes', 'is not', null).where('status', 'in', ['active', 'requested']);
  const paged = afterId === null ? q : q.where('id', '>', afterId);
  return limit === null ? paged.orderBy('id') : paged.orderBy('id').limit(limit);
}

export function findPurposesOf(db: Executor, ids: readonly string[]): Promise<(PurposeEntry & { status: string })[]> {
  return db.selectFrom('delegations').select(['id', 'purposes', 'status']).where('id', 'in', ids).execute();
}
