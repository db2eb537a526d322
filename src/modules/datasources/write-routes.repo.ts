/** record_write_routes (migration 0038), and the sync_records row that binds a record sent to the provider to the id it gave. */
import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { RecordWriteRoutesTable } from '../../platform/db/schema.ts';
import { SENT_KINDS_SQL } from '../../platform/db/migrations/0048-lean-sync-records.ts';

export type WriteRouteRow = RecordWriteRoutesTable;

export function listWriteRoutes(db: Executor): Promise<(WriteRouteRow & { source_name: string; source_status: string })[]> {
  return db
    .selectFrom('record_write_routes as w')
    .innerJoin('data_sources as s', 's.id', 'w.source_id')
    .selectAll('w')
    .select(['s.name as source_name', 's.status as source_status'])
    .orderBy('w.kind')
    .execute();
}

/** What the choice of a source checks: it exists, is active, is not the demo's, and sends the kind. */
export function findSourceForWrites(db: Executor, id: string) {
  return db.selectFrom('data_sources').select(['id', 'name', 'kinds', 'status', 'built_in']).where('id', '=', id).executeTakeFirst();
}

export async function upsertWriteRoute(db: Executor, row: Insertable<RecordWriteRoutesTable>): Promise<void> {
  await db
    .insertInto('record_write_routes')
    .values(row)
    .onConflict((oc) => oc.column('kind').doUpdateSet({ route_name: row.route_name, source_id: row.source_id, confirm_within_minutes: row.confirm_within_minutes, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

export async function deleteWriteRoute(db: Executor, kind: WriteRouteRow['kind']): Promise<boolean> {
  const r = await db.deleteFrom('record_write_routes').where('kind', '=', kind).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * The record's binding under the provider's id, at the lowest version and no content: the first line
 * its source sends for that id is newer and different, so it updates this record (sync-apply.ts). A
 * change sent for a record already bound forgets its content only, so that even a line with the same
 * fields as before comes through and confirms it.
 */
export async function bindSentRecord(db: Executor, r: { source_id: string; kind: string; external_id: string; record_id: string; tenant_id: string; now: string }): Promise<void> {
  await db
    .insertInto('sync_records')
    .values({ source_id: r.source_id, kind: r.kind, external_id: r.external_id, record_id: r.record_id, tenant_id: r.tenant_id, version: '', content_hash: '', deleted: 0, updated_at: r.now })
    .onConflict((oc) => oc.columns(['source_id', 'kind', 'external_id']).doUpdateSet({ content_hash: '', updated_at: r.now }).where('sync_records.record_id', '=', r.record_id))
    .execute();
}

/** The source's id of a record (null: the source does not know it). */
export async function externalIdOf(db: Executor, sourceId: string, kind: string, recordId: string): Promise<string | null> {
  // the literal kinds name the partial index (migration 0048) for SQLite's planner as well
  const r = await db.selectFrom('sync_records').select('external_id').where(sql.raw<boolean>(SENT_KINDS_SQL)).where('kind', '=', kind).where('record_id', '=', recordId).where('source_id', '=', sourceId).where('deleted', '=', 0).executeTakeFirst();
  return r?.external_id ?? null;
}
