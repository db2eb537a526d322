/**
 * Held lines that can be retried (a cross-table read model, listed in READERS in
 * src/app/table-owners.ts): a line waits for a billing account, and which waiting lines' accounts
 * exist now is one query, an EXISTS over the tenants module's billing accounts, per retry pass.
 * Asking the tenants module would mean reading every held line's key first. It only reads.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { HeldLineRow } from './datasources.repo.ts';

/** Held lines whose missing billing account exists now (created by any means since). */
export function heldLinesNowResolvable(db: Executor, sourceId: string, limit: number): Promise<HeldLineRow[]> {
  return db
    .selectFrom('sync_held_lines as h')
    .selectAll('h')
    .where('h.source_id', '=', sourceId)
    .where('h.status', '=', 'held')
    .where((eb) => eb.exists(eb.selectFrom('billing_accounts as b').select('b.id').where(sql<boolean>`h.missing_key = 'ban:' || b.account_number`)))
    .orderBy('h.created_at')
    .limit(limit)
    .execute();
}
