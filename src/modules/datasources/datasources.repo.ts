/**
 * Queries of the data-source tables (migration 0035): sources, what each external id became,
 * per-kind and per-tenant sync state, held lines and batches.
 */
import { PostgresAdapter, sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DataSourcesTable, SyncBatchesTable, SyncHeldLinesTable, SyncRecordsTable } from '../../platform/db/schema.ts';

export type SourceRow = Selectable<DataSourcesTable>;
export type SyncRecordRow = Selectable<SyncRecordsTable>;
export type HeldLineRow = Selectable<SyncHeldLinesTable>;
export type BatchRow = Selectable<SyncBatchesTable>;

// ---- sources -----------------------------------------------------------------------------------

export function listSources(db: Executor): Promise<SourceRow[]> {
  return db.selectFrom('data_sources').selectAll().orderBy('built_in', 'desc').orderBy('name').execute();
}

export function findSource(db: Executor, id: string): Promise<SourceRow | undefined> {
  return db.selectFrom('data_sources').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSourceByTokenHash(db: Executor, hash: string): Promise<SourceRow | undefined> {
  return db.selectFrom('data_sources').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export function findSourceByName(db: Executor, name: string): Promise<SourceRow | undefined> {
  return db.selectFrom('data_sources').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function insertSource(db: Executor, row: Insertable<DataSourcesTable>): Promise<void> {
  await db.insertInto('data_sources').values(row).execute();
}

export async function updateSource(db: Executor, id: string, patch: Updateable<DataSourcesTable>): Promise<void> {
  await db.updateTable('data_sources').set(patch).where('id', '=', id).execute();
}

// ---- records -----------------------------------------------------------------------------------

export function findSyncRecord(db: Executor, sourceId: string, kind: string, externalId: string): Promise<SyncRecordRow | undefined> {
  return db.selectFrom('sync_records').selectAll().where('source_id', '=', sourceId).where('kind', '=', kind).where('external_id', '=', externalId).executeTakeFirst();
}

export async function upsertSyncRecord(db: Executor, row: Insertable<SyncRecordsTable>): Promise<void> {
  await db
    .insertInto('sync_records')
    .values(row)
    .onConflict((oc) => oc.columns(['source_id', 'kind', 'external_id']).doUpdateSet({ record_id: row.record_id, tenant_id: row.tenant_id, version: row.version, content_hash: row.content_hash, deleted: row.deleted, updated_at: row.updated_at }))
    .execute();
}

/** Per source and kind: the last version seen, the last sync, and the record count moved by `delta`. */
export async function touchKindState(db: Executor, sourceId: string, kind: string, version: string | null, at: string, delta: number): Promise<void> {
  await db
    .insertInto('sync_kind_state')
    .values({ source_id: sourceId, kind, last_version: version, last_synced_at: at, records: Math.max(0, delta) })
    .onConflict((oc) =>
      oc.columns(['source_id', 'kind']).doUpdateSet({
        // the highest version seen: what a source resumes from
        last_version: version === null ? sql`sync_kind_state.last_version` : sql`case when sync_kind_state.last_version is null or sync_kind_state.last_version < ${version} then ${version} else sync_kind_state.last_version end`,
        last_synced_at: at,
        records: sql`case when sync_kind_state.records + ${delta} < 0 then 0 else sync_kind_state.records + ${delta} end`,
      }),
    )
    .execute();
}

export async function setKindState(db: Executor, sourceId: string, kind: string, at: string, records: number): Promise<void> {
  await db
    .insertInto('sync_kind_state')
    .values({ source_id: sourceId, kind, last_version: null, last_synced_at: at, records })
    .onConflict((oc) => oc.columns(['source_id', 'kind']).doUpdateSet({ last_synced_at: at, records }))
    .execute();
}

export async function touchTenantState(db: Executor, sourceId: string, tenantId: string, kind: string, at: string): Promise<void> {
  await db
    .insertInto('sync_tenant_state')
    .values({ source_id: sourceId, tenant_id: tenantId, kind, last_synced_at: at })
    .onConflict((oc) => oc.columns(['source_id', 'tenant_id', 'kind']).doUpdateSet({ last_synced_at: at }))
    .execute();
}

/**
 * How stale a customer's last sync time may get before a batch moves it (PostgreSQL). The freshness
 * line says "updated 3 minutes ago": a batch a second rewriting the same 10,000 rows, each batch
 * waiting on the rows the one before it holds until it commits, bought nothing a reader could see.
 */
export const TENANT_STATE_STEP_MS = 60_000;

/**
 * Many (tenant, kind) pairs at once, in the order given (sorted by the caller: two batches take their rows in one order).
 * PostgreSQL: the new pairs are inserted (an existing one is left alone and not locked) and the pairs whose time
 * is older than TENANT_STATE_STEP_MS are moved, by one batch of the source at a time — a batch that finds
 * another of the same source moving them leaves them to it — each statement with the pairs as one JSON parameter.
 */
export async function touchTenantStates(db: Executor, sourceId: string, pairs: readonly (readonly [string, string])[], at: string): Promise<boolean> {
  if (pairs.length === 0) return true;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const rows = sql`json_populate_recordset(null::sync_tenant_state, ${JSON.stringify(pairs.map(([tenant_id, kind]) => ({ source_id: sourceId, tenant_id, kind, last_synced_at: at })))}::json)`;
    await sql`insert into sync_tenant_state (source_id, tenant_id, kind, last_synced_at) select source_id, tenant_id, kind, last_synced_at from ${rows} on conflict do nothing`.execute(db);
    const stale = new Date(Date.parse(at) - TENANT_STATE_STEP_MS).toISOString();
    const mine = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(${`sync_tenant_state:${sourceId}`})) as ok`.execute(db);
    if (!mine.rows[0]?.ok) return false;
    // per kind, the customers as one array: the primary key's three columns are the index condition (a join
    // to the JSON rows was planned as a scan per row while the table's statistics lagged: 17 s at 10,000)
    const byKind = new Map<string, string[]>();
    for (const [tenantId, kind] of pairs) byKind.get(kind)?.push(tenantId) ?? byKind.set(kind, [tenantId]);
    for (const [kind, tenantIds] of byKind) {
      await sql`update sync_tenant_state set last_synced_at = ${at} where source_id = ${sourceId} and kind = ${kind} and tenant_id = any(${tenantIds}::text[]) and last_synced_at < ${stale}`.execute(db);
    }
    return true;
  }
  for (let i = 0; i < pairs.length; i += 5000) {
    const rows = pairs.slice(i, i + 5000).map(([tenantId, kind]) => ({ source_id: sourceId, tenant_id: tenantId, kind, last_synced_at: at }));
    await db
      .insertInto('sync_tenant_state')
      .values(rows)
      .onConflict((oc) => oc.columns(['source_id', 'tenant_id', 'kind']).doUpdateSet((eb) => ({ last_synced_at: eb.ref('excluded.last_synced_at') })))
      .execute();
  }
  return true;
}

export function kindStates(db: Executor, sourceId?: string) {
  let q = db.selectFrom('sync_kind_state').selectAll();
  if (sourceId) q = q.where('source_id', '=', sourceId);
  return q.orderBy('source_id').orderBy('kind').execute();
}

/** Per kind, the source and last sync of the records of these tenants (one row per kind and source). */
export async function freshnessOf(db: Executor, tenantIds: readonly string[]): Promise<{ kind: string; source_id: string; source_name: string; last_synced_at: string }[]> {
  if (tenantIds.length === 0) return [];
  // PostgreSQL: the ids as one array parameter; SQLite: a thousand a statement, merged below
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const newest = new Map<string, { kind: string; source_id: string; source_name: string; last_synced_at: string }>();
  for (let i = 0; i < tenantIds.length; i += pg ? tenantIds.length : 1000) {
    const part = tenantIds.slice(i, pg ? tenantIds.length : i + 1000);
    const rows = await db
      .selectFrom('sync_tenant_state as s')
      .innerJoin('data_sources as d', 'd.id', 's.source_id')
      .select((eb) => ['s.kind', 's.source_id', 'd.name as source_name', eb.fn.max('s.last_synced_at').as('last_synced_at')])
      .where((eb) => (pg ? eb('s.tenant_id', '=', sql<string>`any(${[...part]}::text[])`) : eb('s.tenant_id', 'in', part)))
      .groupBy(['s.kind', 's.source_id', 'd.name'])
      .execute();
    for (const r of rows) {
      const x = { kind: r.kind, source_id: r.source_id, source_name: r.source_name, last_synced_at: String(r.last_synced_at) };
      const key = `${r.kind}|${r.source_id}`;
      if ((newest.get(key)?.last_synced_at ?? '') < x.last_synced_at) newest.set(key, x);
    }
  }
  return [...newest.values()];
}

// ---- held lines --------------------------------------------------------------------------------

export function findHeld(db: Executor, sourceId: string, kind: string, externalId: string): Promise<HeldLineRow | undefined> {
  return db.selectFrom('sync_held_lines').selectAll().where('source_id', '=', sourceId).where('kind', '=', kind).where('external_id', '=', externalId).executeTakeFirst();
}

export async function upsertHeld(db: Executor, row: Insertable<SyncHeldLinesTable>): Promise<void> {
  await db
    .insertInto('sync_held_lines')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['source_id', 'kind', 'external_id']).doUpdateSet({
        batch_id: row.batch_id,
        line_no: row.line_no,
        version: row.version,
        missing_key: row.missing_key,
        reason: row.reason,
        body: row.body,
        status: 'held',
        outcome: null,
        created_at: row.created_at,
        resolved_at: null,
      }),
    )
    .execute();
}

export async function resolveHeld(db: Executor, id: string, status: HeldLineRow['status'], outcome: string, at: string): Promise<void> {
  await db.updateTable('sync_held_lines').set({ status, outcome, resolved_at: at }).where('id', '=', id).execute();
}

export function listHeld(db: Executor, f: { sourceId?: string; status?: HeldLineRow['status']; missingKeys?: string[]; limit: number }): Promise<HeldLineRow[]> {
  let q = db.selectFrom('sync_held_lines').selectAll();
  if (f.sourceId) q = q.where('source_id', '=', f.sourceId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.missingKeys) q = f.missingKeys.length ? q.where('missing_key', 'in', f.missingKeys) : q.where(sql<boolean>`1 = 0`);
  return q.orderBy('created_at').orderBy('line_no').limit(f.limit).execute();
}

export async function countHeld(db: Executor): Promise<Map<string, number>> {
  const rows = await db.selectFrom('sync_held_lines').select((eb) => ['source_id', eb.fn.countAll<number>().as('n')]).where('status', '=', 'held').groupBy('source_id').execute();
  return new Map(rows.map((r) => [r.source_id, Number(r.n)]));
}

// ---- batches -----------------------------------------------------------------------------------

export async function insertBatch(db: Executor, row: Insertable<SyncBatchesTable>): Promise<void> {
  await db.insertInto('sync_batches').values(row).execute();
}

export function listBatches(db: Executor, sourceId: string, limit: number): Promise<BatchRow[]> {
  return db.selectFrom('sync_batches').selectAll().where('source_id', '=', sourceId).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
