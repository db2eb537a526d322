/** The purposes column of delegations, for the in-memory index every instance keeps (delegation-purposes.ts). */
import type { Executor } from '../../platform/db/database.ts';

export type PurposeEntry = { id: string; purposes: string | null };

/** Open delegations that record purposes, by page (id order). */
export function listOpenWithPurposes(db: Executor, afterId: string, limit: number): Promise<PurposeEntry[]> {
  return db.selectFrom('delegations').select(['id', 'purposes']).where('id', '>', afterId).where('purposes', 'is not', null).where('status', 'in', ['active', 'requested']).orderBy('id').limit(limit).execute();
}

export function findPurposesOf(db: Executor, ids: readonly string[]): Promise<(PurposeEntry & { status: string })[]> {
  return db.selectFrom('delegations').select(['id', 'purposes', 'status']).where('id', 'in', ids).execute();
}
