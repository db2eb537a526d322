/**
 * The demo's provider records the alerts demo needs (alerts.demo.ts): among some customers, a
 * month below its SLA target and an overdue invoice, made from the customers' own records when
 * the random data has neither. Idempotent.
 */
import type { Executor } from '../../platform/db/database.ts';

/** Unless one of the tenants has a breached SLA record since `fromPeriod`, the first tenant's newest record becomes one. */
export async function ensureBreachedSla(db: Executor, tenantIds: readonly string[], fromPeriod: string): Promise<void> {
  if (tenantIds.length === 0) return;
  const breached = await db.selectFrom('sla_records').select('id').where('tenant_id', 'in', tenantIds).where('status', '=', 'breached').where('period', '>=', fromPeriod).limit(1).executeTakeFirst();
  if (breached) return;
  const r = await db.selectFrom('sla_records').selectAll().where('tenant_id', '=', tenantIds[0]!).orderBy('period', 'desc').limit(1).executeTakeFirst();
  if (r) await db.updateTable('sla_records').set({ achieved_pct: Math.round((r.target_pct - 0.25) * 1000) / 1000, downtime_minutes: 180, incidents: 2, status: 'breached' }).where('id', '=', r.id).execute();
}

/** Unless one of the tenants has an overdue invoice, the first tenant's invoice of `period` becomes one. */
export async function ensureOverdueInvoice(db: Executor, tenantIds: readonly string[], period: string): Promise<void> {
  if (tenantIds.length === 0) return;
  const overdue = await db.selectFrom('invoices').select('id').where('tenant_id', 'in', tenantIds).where('status', '=', 'overdue').limit(1).executeTakeFirst();
  if (overdue) return;
  const i = await db.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantIds[0]!).where('period', '=', period).limit(1).executeTakeFirst();
  if (i) await db.updateTable('invoices').set({ status: 'overdue', balance_cents: i.total_cents, paid_at: null }).where('id', '=', i.id).execute();
}
