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
 * The sync records of these external ids of one kind. On PostgreSQL the ids are one array parameter,
 * each looked up on its own (a lateral subquery the planner cannot flatten, `limit 1` on the primary
 * key), so all three columns of the primary key are the index condition: one index probe per id,
 * whatever the planner believes of the table's size. The forms before it were planned from statistics
 * that lag behind a bulk load: an `in (…)` list of a thousand parameters compared every row with every
 * id (1.8 s a statement at 60,000 records); `unnest(…)` joined to the table became a hash join over the
 * whole table (minutes at 960,000); `external_id = any(…)` probed only (source, kind) and filtered
 * every record of the kind (8–16 s a batch at 100,000 invoices). Callers send at most
 * SYNC_RECORD_IDS_PER_STATEMENT ids: more makes the estimate cross the server's JIT threshold, and
 * compiling costs more than the probes. SQLite keeps the list (at most a thousand).
 */
export const SYNC_RECORD_IDS_PER_STATEMENT = 2_000;
export async function findSyncRecordsOf(db: Executor, sourceId: string, kind: string, externalIds: readonly string[]): Promise<SyncRecordRow[]> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const r = await sql<SyncRecordRow>`select s.* from unnest(${[...externalIds]}::text[]) as x(id)
      cross join lateral (select * from sync_records r where r.source_id = ${sourceId} and r.kind = ${kind} and r.external_id = x.id limit 1) as s`.execute(db);
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

/**
 * PostgreSQL: a group's rows of one table as one statement with one parameter — the rows as one JSON
 * array of arrays (each row's values in the columns' order), each value cast back to its column's type
 * — instead of a multi-row VALUES of tens of thousands of bound values (which the driver serializes one
 * by one and the server parses and plans as as many expressions). Arrays rather than objects: without
 * a key per value the text is a third shorter, and `jsonb_array_elements` reads 5,000 invoices in
 * about half the time `json_populate_recordset` took over the same rows as objects. Every row names the
 * same columns (the writers build them so): the first row's.
 */
async function rowsOf(db: Executor, table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]) {
  const types = await columnTypes(db, table);
  const values = rows.map((r) => columns.map((c) => r[c]));
  const cast = columns.map((c, i) => {
    const type = types.get(c);
    if (!type) throw new Error(`${table} has no column ${c}`);
    return sql`(e->>${sql.lit(i)})::${sql.raw(type)} as ${sql.id(c)}`;
  });
  return sql`(select ${sql.join(cast)} from jsonb_array_elements(${JSON.stringify(values)}::jsonb) as e)`;
}

/** Each table's column types (as the catalog writes them: `text`, `integer`, `bigint`), read once per table by the process. */
const TYPES = new Map<string, Promise<Map<string, string>>>();
function columnTypes(db: Executor, table: string): Promise<Map<string, string>> {
  let types = TYPES.get(table);
  if (!types) {
    types = sql<{ name: string; type: string }>`select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`
      .execute(db)
      .then((r) => new Map(r.rows.map((x) => [x.name, x.type])));
    // a failed read is not remembered
    types.catch(() => TYPES.delete(table));
    TYPES.set(table, types);
  }
  return types;
}
/** The columns the rows name — every row names the same ones (the writers build them so): the first row's. */
const columnsOf = (rows: readonly Record<string, unknown>[]) => Object.keys(rows[0] ?? {});

export async function insertRowsAsJson(db: Executor, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const columns = columnsOf(rows);
  const list = sql.join(columns.map((c) => sql.id(c)));
  await sql`insert into ${sql.table(table)} (${list}) select ${list} from ${await rowsOf(db, table, columns, rows)} as j`.execute(db);
}

/** PostgreSQL: rows updated by id from one JSON parameter (each row: its id and the columns it sets, the same for all). */
export async function updateRowsAsJson(db: Executor, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const columns = columnsOf(rows);
  const sets = sql.join(columns.filter((c) => c !== 'id').map((c) => sql`${sql.id(c)} = j.${sql.id(c)}`));
  await sql`update ${sql.table(table)} as t set ${sets} from ${await rowsOf(db, table, columns, rows)} as j where t.id = j.id`.execute(db);
}

/** PostgreSQL: `upsertNewerSyncRecords` from one JSON parameter; returns how many moved. */
export async function upsertNewerSyncRecordsAsJson(db: Executor, rows: Insertable<SyncRecordsTable>[]): Promise<number> {
  const columns = columnsOf(rows as unknown as Record<string, unknown>[]);
  const list = sql.join(columns.map((c) => sql.id(c)));
  const r = await sql`insert into sync_records (${list}) select ${list} from ${await rowsOf(db, 'sync_records', columns, rows as unknown as Record<string, unknown>[])} as j
    on conflict (source_id, kind, external_id) do update set record_id = excluded.record_id, tenant_id = excluded.tenant_id, version = excluded.version,
      content_hash = excluded.content_hash, deleted = excluded.deleted, updated_at = excluded.updated_at
    where sync_records.version < excluded.version`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
}
