/** The Shared Signals tables: ssf_streams (one per partner app) and ssf_deliveries (the SETs queued for them). */
import { sql, type Insertable, type Selectable } from 'kysely';
import { readTogether, type Db, type Executor, type Tx } from '../../platform/db/database.ts';
import type { SsfDeliveriesTable, SsfStreamsTable } from '../../platform/db/schema.ts';

export type StreamRow = Selectable<SsfStreamsTable>;
export type DeliveryRow = Selectable<SsfDeliveriesTable>;

export function findStreamByApp(db: Executor, appId: string): Promise<StreamRow | undefined> {
  return db.selectFrom('ssf_streams').selectAll().where('app_id', '=', appId).executeTakeFirst();
}

export function findStreamById(db: Executor, id: string): Promise<StreamRow | undefined> {
  return db.selectFrom('ssf_streams').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertStream(db: Executor, row: Insertable<SsfStreamsTable>): Promise<void> {
  await db.insertInto('ssf_streams').values(row).execute();
}

export async function updateStream(db: Executor, id: string, patch: Partial<Insertable<SsfStreamsTable>>): Promise<void> {
  await db.updateTable('ssf_streams').set(patch).where('id', '=', id).execute();
}

export async function deleteStream(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('ssf_deliveries').where('stream_id', '=', id).execute();
  await db.deleteFrom('ssf_streams').where('id', '=', id).execute();
}

/** Streams that take events now (enabled, or paused: kept until enabled) of these partners' apps, or of one app. */
/** In a transaction on PostgreSQL, written together with the other audit hooks' reads (readTogether). */
export async function receivingStreams(db: Executor, to: { partners: string[] } | { app: string }): Promise<StreamRow[]> {
  const q = db.selectFrom('ssf_streams').selectAll().where('status', 'in', ['enabled', 'paused']);
  if ('app' in to) return (await readTogether(db, [q.where('app_id', '=', to.app)]))[0];
  if (to.partners.length === 0) return [];
  return (await readTogether(db, [q.where('partner_id', 'in', to.partners)]))[0];
}

/** Queue SETs; one already queued for the same stream and dedupe key is left as it is. */
export async function insertDeliveries(db: Executor, rows: Insertable<SsfDeliveriesTable>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const r of rows) {
    const res = await db.insertInto('ssf_deliveries').values(r).onConflict((oc) => oc.columns(['stream_id', 'dedupe_key']).doNothing()).executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) ids.push(r.id);
  }
  return ids;
}

/** Due deliveries of enabled streams get a lease; two instances take disjoint rows (SKIP LOCKED on PostgreSQL). */
export async function claimDue(db: Db, trx: Tx, nowIso: string, leaseUntil: string, limit: number): Promise<DeliveryRow[]> {
  const due = await sql<{ id: string }>`
    select d.id from ssf_deliveries d
     where d.status = 'pending' and d.next_attempt_at <= ${nowIso} and (d.locked_until is null or d.locked_until <= ${nowIso})
       and exists (select 1 from ssf_streams s where s.id = d.stream_id and s.status = 'enabled')
     order by d.next_attempt_at, d.id limit ${limit}${db.dialect === 'postgres' ? sql` for update of d skip locked` : sql``}`.execute(trx);
  const ids = due.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  await trx.updateTable('ssf_deliveries').set({ locked_until: leaseUntil }).where('id', 'in', ids).execute();
  return trx.selectFrom('ssf_deliveries').selectAll().where('id', 'in', ids).orderBy('next_attempt_at').execute();
}

export async function recordAttempt(db: Executor, id: string, patch: Partial<Insertable<SsfDeliveriesTable>>): Promise<void> {
  await db.updateTable('ssf_deliveries').set(patch).where('id', '=', id).execute();
}

export function listDeliveries(db: Executor, streamId: string, limit: number): Promise<DeliveryRow[]> {
  return db.selectFrom('ssf_deliveries').selectAll().where('stream_id', '=', streamId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
