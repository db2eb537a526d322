/**
 * The record writers of the sync applier (sync-apply.ts): one function per kind writes a line's fields
 * into the reference resource tables and billing_accounts, inside the line's savepoint, and a deletion
 * removes a record. They trust their caller: the line was parsed, checked against the source's scope
 * and resolved to its billing account before it gets here.
 */
import type { Tx } from '../../platform/db/database.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import type { LineKind } from './sync-lines.ts';

/** A billing account a line resolved to. */
export const isoOf = (t: unknown): string | null => (typeof t === 'string' ? new Date(Date.parse(t)).toISOString() : null);

export interface Ba {
  id: string;
  tenant_id: string;
}

export const ID_PREFIX: Record<LineKind, string> = { billing_account: 'ban', invoice: 'ivc', payment: 'pay', service: 'svc', order: 'ord', ticket: 'tkt', usage: 'usg', sla: 'sla' };

interface W {
  trx: Tx;
  id: string;
  tenantId: string;
  update: boolean;
  now: string;
}
type D = Record<string, unknown>;
const s = (v: unknown) => (v === undefined || v === null ? null : String(v));

export async function writeBillingAccount(w: W, d: D): Promise<boolean> {
  const row = { name: String(d.name), currency: String(d.currency), status: (d.status ?? 'active') as 'active' | 'closed', account_number: String(d.account_number), updated_at: w.now };
  if (w.update) {
    await w.trx.updateTable('billing_accounts').set(row).where('id', '=', w.id).execute();
    return false;
  }
  await w.trx.insertInto('billing_accounts').values({ id: w.id, tenant_id: w.tenantId, created_at: w.now, ...row }).execute();
  return true;
}

export async function writeInvoice(w: W, ban: Ba, d: D) {
  const row = {
    tenant_id: w.tenantId,
    ban_id: ban.id,
    number: String(d.number),
    period: String(d.period),
    issued_at: isoOf(d.issued_at)!,
    due_at: isoOf(d.due_at)!,
    currency: String(d.currency),
    subtotal_cents: Number(d.subtotal_cents),
    tax_cents: Number(d.tax_cents),
    total_cents: Number(d.total_cents),
    balance_cents: Number(d.balance_cents),
    status: d.status as 'open' | 'paid' | 'overdue' | 'void',
    paid_at: isoOf(d.paid_at) ?? (d.status === 'paid' ? w.now : null),
  };
  if (w.update) await w.trx.updateTable('invoices').set(row).where('id', '=', w.id).execute();
  else await w.trx.insertInto('invoices').values({ id: w.id, created_at: w.now, ...row }).execute();
}

export async function applyPayment(trx: Tx, invoiceId: string, d: D) {
  const inv = await trx.selectFrom('invoices').select(['balance_cents', 'status']).where('id', '=', invoiceId).executeTakeFirst();
  if (!inv) throw E.record_conflict('The invoice this payment is for is no longer there.');
  const balance = Math.max(0, inv.balance_cents - Number(d.amount_cents));
  const paid = balance === 0 && inv.status !== 'void';
  await trx.updateTable('invoices').set({ balance_cents: balance, ...(paid ? { status: 'paid' as const, paid_at: isoOf(d.paid_at) } : {}) }).where('id', '=', invoiceId).execute();
}

export async function writeService(w: W, ban: Ba, d: D) {
  const row = {
    tenant_id: w.tenantId,
    ban_id: ban.id,
    product_code: String(d.product_code),
    name: String(d.name),
    status: d.status as 'pending' | 'active' | 'suspended' | 'terminated',
    location: s(d.location),
    bandwidth_mbps: d.bandwidth_mbps === undefined || d.bandwidth_mbps === null ? null : Number(d.bandwidth_mbps),
    monthly_price_cents: Number(d.monthly_price_cents),
    currency: String(d.currency),
    activated_at: isoOf(d.activated_at),
    updated_at: w.now,
  };
  if (w.update) await w.trx.updateTable('provisioned_services').set(row).where('id', '=', w.id).execute();
  else await w.trx.insertInto('provisioned_services').values({ id: w.id, order_id: null, created_at: w.now, ...row }).execute();
}

export async function writeOrder(w: W, ban: Ba, billTo: Ba | null, d: D) {
  const placed = isoOf(d.placed_at)!;
  const row = {
    tenant_id: w.tenantId,
    ban_id: ban.id,
    bill_to_ban_id: (billTo ?? ban).id,
    product_code: String(d.product_code),
    product_name: String(d.product_name),
    quantity: Number(d.quantity),
    unit_price_cents: Number(d.unit_price_cents),
    total_cents: Number(d.total_cents),
    currency: String(d.currency),
    status: d.status as 'submitted' | 'in_progress' | 'completed' | 'cancelled',
    notes: s(d.notes),
    updated_at: w.now,
    cancelled_at: d.status === 'cancelled' ? w.now : null,
  };
  if (w.update) await w.trx.updateTable('orders').set(row).where('id', '=', w.id).execute();
  else {
    await w.trx
      .insertInto('orders')
      .values({ id: w.id, ...row, placed_by_type: 'system', placed_by_user_id: null, placed_by_client_id: null, placed_by_partner_id: null, delegation_id: null, persona: 'customer', idempotency_key: null, request_id: null, created_at: placed })
      .execute();
  }
}

export async function writeTicket(w: W, ban: Ba | null, d: D) {
  const row = {
    tenant_id: w.tenantId,
    ban_id: ban?.id ?? null,
    subject: String(d.subject),
    description: String(d.description),
    category: d.category as 'billing' | 'technical' | 'service_request' | 'other',
    priority: d.priority as 'low' | 'normal' | 'high' | 'urgent',
    status: d.status as 'open' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed',
    assignee: s(d.assignee),
    updated_at: w.now,
    resolved_at: isoOf(d.resolved_at),
  };
  if (w.update) {
    await w.trx.updateTable('support_tickets').set({ ...row, ...(d.number ? { number: String(d.number) } : {}) }).where('id', '=', w.id).execute();
  } else {
    const number = d.number ? String(d.number) : `TCK-${w.id.slice(-8).toUpperCase()}`;
    await w.trx
      .insertInto('support_tickets')
      .values({ id: w.id, number, ...row, comments: '[]', opened_by_type: 'system', opened_by_user_id: null, opened_by_client_id: null, opened_by_partner_id: null, delegation_id: null, created_at: isoOf(d.opened_at)! })
      .execute();
  }
}

export async function writeUsage(w: W, ban: Ba, d: D) {
  const row = { tenant_id: w.tenantId, ban_id: ban.id, period: String(d.period), metric: d.metric as 'data_gb' | 'voice_minutes' | 'sms_count', quantity: Number(d.quantity), amount_cents: Number(d.amount_cents), currency: String(d.currency), recorded_at: isoOf(d.recorded_at) ?? w.now };
  if (w.update) await w.trx.updateTable('usage_records').set(row).where('id', '=', w.id).execute();
  else await w.trx.insertInto('usage_records').values({ id: w.id, service_id: null, ...row }).execute();
}

export async function writeSla(w: W, ban: Ba, d: D) {
  const target = Number(d.target_pct);
  const achieved = Number(d.achieved_pct);
  const row = {
    tenant_id: w.tenantId,
    ban_id: ban.id,
    period: String(d.period),
    target_pct: target,
    achieved_pct: achieved,
    downtime_minutes: Number(d.downtime_minutes),
    incidents: Number(d.incidents),
    status: (d.status ?? (achieved >= target ? 'met' : 'breached')) as 'met' | 'breached',
    recorded_at: isoOf(d.recorded_at) ?? w.now,
  };
  if (w.update) await w.trx.updateTable('sla_records').set(row).where('id', '=', w.id).execute();
  else await w.trx.insertInto('sla_records').values({ id: w.id, service_id: null, ...row }).execute();
}

const TABLE_OF = { invoice: 'invoices', service: 'provisioned_services', order: 'orders', ticket: 'support_tickets', usage: 'usage_records', sla: 'sla_records' } as const;

/** A deletion: the record goes (a billing account is closed instead: invoices and orders name it). */
export async function deleteRecord(trx: Tx, kind: LineKind, id: string, now: string) {
  if (kind === 'payment') throw E.payment_immutable('A payment cannot be deleted; send a correction as an update of the invoice.');
  if (kind === 'billing_account') {
    await trx.updateTable('billing_accounts').set({ status: 'closed', updated_at: now }).where('id', '=', id).execute();
    return;
  }
  await trx.deleteFrom(TABLE_OF[kind]).where('id', '=', id).execute();
}
