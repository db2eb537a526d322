/**
 * Invoice queries other modules ask for (the resources module owns the invoices table): the
 * non-payment sweep's oldest unpaid due dates, the partner program's paid invoices and its
 * bounty's invoice, the data sync's invoice writes.
 */
import type { Insertable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { InvoicesTable } from '../../platform/db/schema.ts';

/** The earliest due date of each tenant's unpaid invoices. */
export async function oldestUnpaidDue(db: Executor, tenantIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (tenantIds.length === 0) return out;
  const rows = await db
    .selectFrom('invoices')
    .select((eb) => ['tenant_id', eb.fn.min('due_at').as('due_at')])
    .where('tenant_id', 'in', tenantIds)
    .where('status', 'in', ['open', 'overdue'])
    .where('balance_cents', '>', 0)
    .groupBy('tenant_id')
    .execute();
  for (const r of rows) out.set(r.tenant_id, r.due_at as string);
  return out;
}

export function findInvoiceById(db: Executor, id: string) {
  return db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A payment of `amountCents` on an invoice: its balance goes down, and it is paid (at `paidAt`) at
 * zero unless void. Returns its status before and after; undefined when there is no such invoice.
 */
export async function applyInvoicePayment(db: Executor, invoiceId: string, amountCents: number, paidAt: string | null): Promise<{ before: string; after: string } | undefined> {
  const inv = await db.selectFrom('invoices').select(['balance_cents', 'status']).where('id', '=', invoiceId).executeTakeFirst();
  if (!inv) return undefined;
  const balance = Math.max(0, inv.balance_cents - amountCents);
  const paid = balance === 0 && inv.status !== 'void';
  await db.updateTable('invoices').set({ balance_cents: balance, ...(paid ? { status: 'paid' as const, paid_at: paidAt } : {}) }).where('id', '=', invoiceId).execute();
  return { before: inv.status, after: paid ? 'paid' : inv.status };
}

/**
 * Aggregated monthly revenue of some tenants: the paid subtotal of each one's latest invoiced
 * period (one number per tenant; no invoice leaves this function).
 */
export async function latestMonthlyRevenue(db: Executor, tenantIds: readonly string[]): Promise<Map<string, { minor: number; currency: string }>> {
  const out = new Map<string, { minor: number; currency: string }>();
  if (tenantIds.length === 0) return out;
  const rows = await db
    .selectFrom('invoices as i')
    .select(['i.tenant_id', 'i.currency', 'i.period'])
    .select((eb) => eb.fn.sum<number | string>('i.subtotal_cents').as('minor'))
    .where('i.tenant_id', 'in', tenantIds)
    .where('i.status', '=', 'paid')
    .where('i.period', '=', (eb) => eb.selectFrom('invoices as j').select((e2) => e2.fn.max('j.period').as('p')).whereRef('j.tenant_id', '=', 'i.tenant_id').where('j.status', '=', 'paid'))
    .groupBy(['i.tenant_id', 'i.currency', 'i.period'])
    .execute();
  for (const r of rows) {
    const prev = out.get(r.tenant_id);
    if (!prev || Number(r.minor) > prev.minor) out.set(r.tenant_id, { minor: Number(r.minor), currency: r.currency });
  }
  return out;
}

/** The demo world's referred tenants' invoices (the partner program's demo). */
export async function insertDemoInvoices(db: Executor, rows: Insertable<InvoicesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('invoices').values(rows).execute();
}

export async function setInvoiceStatus(db: Executor, id: string, status: 'void' | 'paid'): Promise<void> {
  await db.updateTable('invoices').set({ status }).where('id', '=', id).execute();
}

/**
 * The paid invoices of some tenants (`month`: only those paid that month). The month of payment
 * is paid_at's; an invoice marked paid without a payment time counts in its billing period.
 */
export function paidInvoicesOfTenants(db: Executor, tenantIds: readonly string[], month?: string) {
  let q = db.selectFrom('invoices').select(['id', 'tenant_id', 'number', 'period', 'paid_at', 'subtotal_cents', 'total_cents', 'credited_cents', 'currency']).where('tenant_id', 'in', tenantIds).where('status', '=', 'paid');
  if (month) {
    q = q.where((eb) =>
      eb.or([eb.and([eb('paid_at', '>=', `${month}-01`), eb('paid_at', '<', `${monthAfter(month)}-01`)]), eb.and([eb('paid_at', 'is', null), eb('period', '=', month)])]),
    );
  }
  return q.execute();
}

/** 'YYYY-MM' after `m`. */
function monthAfter(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y! + 1}-01` : `${y}-${String(mo! + 1).padStart(2, '0')}`;
}
