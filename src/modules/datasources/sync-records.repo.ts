/**
 * The bulk writer's queries on the data sync's own tables (sync-bulk.ts): a batch's sync records
 * read in bulk, a group's sync records upserted in one statement, and the held lines a group
 * resolves.
 */
import { PostgresAdapter, sql, type Insertable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { SyncRecordsTable } from '../../platform/db/schema.ts';
import type { SyncRecordRow } from './datasources.repo.ts';

/**
 * The sync records of these external ids of one kind. On PostgreSQL the ids are one array parameter
 * compared with `= any(…)`, so all three columns of the primary key are the index condition: one
 * index probe per id, whatever the planner believes of the table's size. An `in (…)` list of a
 * thousand parameters is no constant the planner can hash, and while a bulk load outruns the table's
 * statistics it chose a scan comparing every row with every id — 1.8 s a statement at 60,000
 * records; `unnest(…)` joined to the table did the same once the generic plan put the array on the
 * inner side (minutes a statement at 960,000 records). SQLite keeps the list (at most a thousand).
 */
export async function findSyncRecordsOf(db: Executor, sourceId: string, kind: string, externalIds: readonly string[]): Promise<SyncRecordRow[]> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const r = await sql<SyncRecordRow>`select s.* from sync_records s where s.source_id = ${sourceId} and s.kind = ${kind} and s.external_id = any(${[...externalIds]}::text[])`.execute(db);
    return r.rows;
  }
  return db.selectFrom('sync_records').selectAll().where('source_id', '=', sourceId).where('kind', '=', kind).where('external_id', 'in', externalIds).execute();
}

/** Upsert sync records, each only to a newer version; returns how many moved (fewer than given: another batch applied a newer one meanwhile). */
export async function upsertNewerSyncRecords(db: Executor, rows: Insertable<SyncRecordsTable>[]): Promise<number> {
  const moved = await db
    .insertInto('sync_records')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['source_id', 'kind', 'external_id'])
        .doUpdateSet((eb) => ({
          record_id: eb.ref('excluded.record_id'),
          tenant_id: eb.ref('excluded.tenant_id'),
          version: eb.ref('excluded.version'),
          content_hash: eb.ref('excluded.content_hash'),
          deleted: eb.ref('excluded.deleted'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where(sql<boolean>`sync_records.version < excluded.version`),
    )
    .returning('external_id')
    .execute();
  return moved.length;
}

/** The lines of a source held under these external ids (at most a thousand a call). */
export function findHeldUnder(db: Executor, sourceId: string, externalIds: readonly string[]) {
  return db.selectFrom('sync_held_lines').select(['id', 'kind', 'external_id', 'version']).where('source_id', '=', sourceId).where('status', '=', 'held').where('external_id', 'in', externalIds).execute();
}

export async function markHeldApplied(db: Executor, ids: readonly string[], outcome: string, at: string): Promise<void> {
  await db.updateTable('sync_held_lines').set({ status: 'applied', outcome, resolved_at: at }).where('id', 'in', ids).execute();
}
