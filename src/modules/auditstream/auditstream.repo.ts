/** The audit streaming destinations table (audit_stream_destinations): an organization's destinations and their delivery cursors. */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import type { AuditOwnerType, AuditStreamDestinationsTable } from '../../platform/db/schema.ts';

export type DestinationRow = Selectable<AuditStreamDestinationsTable>;
export type DestinationPatch = Partial<Insertable<AuditStreamDestinationsTable>>;

export function listDestinationsByOwner(db: Executor, type: AuditOwnerType, id: string): Promise<DestinationRow[]> {
  return db.selectFrom('audit_stream_destinations').selectAll().where('owner_type', '=', type).where('owner_id', '=', id).orderBy('created_at').orderBy('id').execute();
}

export function findDestinationById(db: Executor, id: string): Promise<DestinationRow | undefined> {
  return db.selectFrom('audit_stream_destinations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertDestination(db: Executor, row: Insertable<AuditStreamDestinationsTable>): Promise<void> {
  await db.insertInto('audit_stream_destinations').values(row).execute();
}

export async function updateDestination(db: Executor, id: string, patch: DestinationPatch): Promise<void> {
  await db.updateTable('audit_stream_destinations').set(patch).where('id', '=', id).execute();
}

export async function deleteDestination(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('audit_stream_destinations').where('id', '=', id).execute();
}

/**
 * Active destinations due now and behind the chain's head get a lease until `leaseUntil`; two
 * instances take disjoint rows (SKIP LOCKED on PostgreSQL; SQLite has one writer). A lease lapses
 * if its instance dies. A destination caught up with the head is not touched (no write per pass).
 */
export async function claimDue(db: Db, trx: Tx, nowIso: string, leaseUntil: string, limit: number, head: number): Promise<DestinationRow[]> {
  const due = await sql<{ id: string }>`
    select id from audit_stream_destinations
     where status = 'active' and cursor_seq < ${head} and next_attempt_at <= ${nowIso} and (locked_until is null or locked_until <= ${nowIso})
     order by next_attempt_at, id limit ${limit}${db.dialect === 'postgres' ? sql` for update skip locked` : sql``}`.execute(trx);
  const ids = due.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  await trx.updateTable('audit_stream_destinations').set({ locked_until: leaseUntil }).where('id', 'in', ids).execute();
  return trx.selectFrom('audit_stream_destinations').selectAll().where('id', 'in', ids).execute();
}

/**
 * Move the cursor after an acknowledged batch — only if it is still where the batch started (a
 * lease that lapsed while a slow send finished must not move it back or twice).
 */
export async function advanceCursor(db: Executor, id: string, from: number, patch: DestinationPatch & { cursor_seq: number; cursor_hash: string }, delivered: number): Promise<boolean> {
  const r = await db
    .updateTable('audit_stream_destinations')
    .set({ ...patch, delivered_count: sql`delivered_count + ${delivered}` })
    .where('id', '=', id)
    .where('cursor_seq', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Nothing of the organization's up to chain position `head`: the cursor moves there (its hash, the
 * organization's last event, stays), so the destination is not claimed again until the chain grows.
 */
export async function skipTo(db: Executor, id: string, from: number, head: number): Promise<void> {
  await db.updateTable('audit_stream_destinations').set({ cursor_seq: head, locked_until: null }).where('id', '=', id).where('cursor_seq', '=', from).execute();
}
