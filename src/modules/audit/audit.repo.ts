/**
 * The audit_events table's queries (the audit module owns it): appending unsealed events, looking
 * up which ids the log holds, listing a page and the gateway's requests by day. Sealing them into
 * the hash chain is audit-seal.ts's.
 */
import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { takePage } from '../../platform/http/pagination.ts';
import { insertRows, type RowSet } from '../../platform/db/insert-rows.ts';
import { columnLike, likeLiteral } from '../../platform/db/search.ts';
import { CHAIN_ORDER } from './audit-chain.ts';
import type { AuditRow } from './audit-names.ts';

export interface AuditFilter {
  action?: string;
  actorUserId?: string;
  tenantId?: string;
  partnerId?: string;
  /** partner visibility: events about the partner or done by it */
  partnerScope?: string;
  /** events done by or about one agency (partner_agency_id) */
  agencyId?: string;
  targetId?: string;
  outcome?: string;
  since?: string;
  until?: string;
  /** seq to continue before (newest first) */
  cursor?: number;
  limit: number;
}

/** PostgreSQL: events are appended unsealed; the sealer chains them (AuditLog.seal()). */
const UNSEALED_ROWSET: RowSet = { table: 'audit_events', columns: CHAIN_ORDER, pgTypes: CHAIN_ORDER.map(() => 'text') };
/** …and a replayed batch skips the events the log holds already (by their unique id). */
const UNSEALED_MISSING_ROWSET: RowSet = { ...UNSEALED_ROWSET, skipConflictOn: 'id' };

/** PostgreSQL: append rows (CHAIN_ORDER columns) unsealed; `skipHeld` skips ids the log holds. Returns how many were written. */
export function insertUnsealed(trx: Tx, rows: unknown[][], skipHeld = false): Promise<number> {
  return insertRows(trx, 'postgres', skipHeld ? UNSEALED_MISSING_ROWSET : UNSEALED_ROWSET, rows);
}

/** Which of these event ids the log holds. */
export async function heldEventIds(trx: Tx, ids: readonly string[]): Promise<Set<string>> {
  const rows = await trx.selectFrom('audit_events').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function listEvents(executor: Executor, f: AuditFilter): Promise<{ data: AuditRow[]; nextCursor: string | null }> {
  let q = executor.selectFrom('audit_events').selectAll();
  // `tenant.member_*` is not a prefix: `_` and `%` in the prefix match themselves only.
  if (f.action) q = f.action.endsWith('.*') ? q.where(columnLike('action', likeLiteral(f.action.slice(0, -1)) + '%')) : q.where('action', '=', f.action);
  if (f.actorUserId) q = q.where('actor_user_id', '=', f.actorUserId);
  if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
  if (f.partnerId) q = q.where('partner_id', '=', f.partnerId);
  if (f.partnerScope) {
    const p = f.partnerScope;
    q = q.where((eb) => eb.or([eb('partner_id', '=', p), eb('actor_partner_id', '=', p)]));
  }
  if (f.agencyId) q = q.where('partner_agency_id', '=', f.agencyId);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.outcome) q = q.where('outcome', '=', f.outcome as AuditRow['outcome']);
  if (f.since) q = q.where('occurred_at', '>=', f.since);
  if (f.until) q = q.where('occurred_at', '<', f.until);
  if (f.cursor !== undefined) q = q.where('seq', '<', f.cursor);
  const page = takePage(await q.orderBy('seq', 'desc').limit(f.limit + 1).execute(), f.limit, (row) => String(row.seq));
  return { data: page.rows, nextCursor: page.nextCursor };
}

/** A partner's admitted gateway requests since `since`, by app, customer and UTC day (see AuditLog.gatewayRequestsByDay). */
export async function gatewayRequestsByDay(db: Db, partnerId: string, since: string): Promise<{ client_id: string | null; tenant_id: string | null; day: string; requests: number }[]> {
  const count = db.dialect === 'postgres' ? sql<number>`coalesce((details::jsonb->>'count')::integer, 1)` : sql<number>`coalesce(json_extract(details, '$.count'), 1)`;
  const day = sql<string>`substr(occurred_at, 1, 10)`;
  const rows = await db.kysely
    .selectFrom('audit_events')
    .select(['actor_client_id as client_id', 'tenant_id', day.as('day'), sql<number | string>`sum(${count})`.as('requests')])
    .where('partner_id', '=', partnerId)
    .where('action', '=', 'gateway.request')
    .where('outcome', '=', 'success')
    .where('occurred_at', '>=', since)
    .groupBy(['actor_client_id', 'tenant_id', day])
    .execute();
  return rows.map((r) => ({ client_id: r.client_id, tenant_id: r.tenant_id, day: String(r.day), requests: Number(r.requests) }));
}

export async function countEvents(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from audit_events`.execute(db.kysely);
  return Number(r.rows[0]?.n ?? 0);
}
