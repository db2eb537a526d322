/**
 * What the alerts module reads of other modules' tables (a cross-table read model, listed in
 * READERS in src/app/table-owners.ts). The resources module depends on alerts (its MSP views show
 * the alerts that hold), so alerts cannot ask it for the SLA records and open invoices a link's
 * conditions are evaluated on; the inbox's page joins each alert's tenant name in its one query,
 * and the people it names are read with their partner in one query. It only reads.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { PartnerAlertsTable } from '../../platform/db/schema.ts';

/** The SLA records of these tenants from `from` (to `to`), newest period first. */
export function slaRecordsOf(db: Executor, tenantIds: readonly string[], from: string, to?: string) {
  let q = db.selectFrom('sla_records').select(['id', 'tenant_id', 'ban_id', 'period', 'achieved_pct', 'downtime_minutes', 'incidents']).where('tenant_id', 'in', tenantIds).where('period', '>=', from);
  if (to) q = q.where('period', '<=', to);
  return q.orderBy('period', 'desc').orderBy('id').execute();
}

/** The open and overdue invoices of these tenants, soonest due first. */
export function openInvoicesOf(db: Executor, tenantIds: readonly string[]) {
  return db.selectFrom('invoices').select(['id', 'tenant_id', 'ban_id', 'number', 'period', 'status', 'balance_cents', 'currency', 'due_at']).where('tenant_id', 'in', tenantIds).where('status', 'in', ['open', 'overdue']).orderBy('due_at').orderBy('id').execute();
}

/** One page of alerts (`a`) with their tenant's name (`t`), the count of every page, and the open and acknowledged counts in `scope`. */
export async function alertPage(db: Executor, scope: RawBuilder<unknown>, cond: RawBuilder<unknown>, order: RawBuilder<unknown>, limit: number, offset: number) {
  const [rows, total, counts] = await Promise.all([
    sql<PartnerAlertsTable & { tenant_name: string }>`select a.*, t.name as tenant_name from partner_alerts a join tenants t on t.id = a.tenant_id where ${cond} order by ${order} limit ${limit} offset ${offset}`.execute(db),
    sql<{ n: number | string }>`select count(*) as n from partner_alerts a join tenants t on t.id = a.tenant_id where ${cond}`.execute(db),
    sql<{ status: string; n: number | string }>`select a.status, count(*) as n from partner_alerts a where ${scope} and a.status in ('open','acknowledged') group by a.status`.execute(db),
  ]);
  return { rows: rows.rows, total: Number(total.rows[0]?.n ?? 0), counts: counts.rows };
}

/** One alert with its tenant's name. */
export function alertWithTenant(db: Executor, id: string) {
  return db.selectFrom('partner_alerts as a').innerJoin('tenants as t', 't.id', 'a.tenant_id').selectAll('a').select('t.name as tenant_name').where('a.id', '=', id).executeTakeFirstOrThrow();
}

/** People by id, each with the partner they are a member of (if any). */
export function peopleWithPartner(db: Executor, ids: readonly string[]) {
  return db.selectFrom('users as u').leftJoin('partner_members as m', 'm.user_id', 'u.id').leftJoin('partners as p', 'p.id', 'm.partner_id').select(['u.id', 'u.name', 'u.email', 'm.partner_id', 'p.name as pname']).where('u.id', 'in', ids).execute();
}

/** The partner's active members who are active people (as the notification center reads them). */
export function activeMembers(db: Executor, partnerId: string) {
  return db.selectFrom('partner_members as m').innerJoin('users as u', 'u.id', 'm.user_id').select(['u.id', 'u.email', 'u.name']).where('m.partner_id', '=', partnerId).where('m.status', '=', 'active').where('u.status', '=', 'active').execute();
}
