/**
 * The record writers of the sync applier (sync-apply.ts): one function per kind writes a line's fields
 * into the reference resource tables and billing_accounts, inside the line's savepoint, and a deletion
 * removes a record. They trust their caller: the line was parsed, checked against the source's scope
 * and resolved to its billing account before it gets here.
 */
import type { Tx } from '../../platform/db/database.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import type { LineKind } from './sync-lines.ts';
import { invoiceQueries } from '../resources/index.ts';
import { billingLookups } from '../tenants/index.ts';

/**
 * A time as stored: UTC milliseconds. A provider's records share a few times again and again (one
 * billing run issues thousands of invoices on the same day), so each text is converted once; the
 * memo is emptied when it grows past a few thousand.
 */
const isoMemo = new Map<string, string>();
export function isoOf(t: unknown): string | null {
  if (typeof t !== 'string') return null;
  let iso = isoMemo.get(t);
  if (iso === undefined) {
    iso = new Date(Date.parse(t)).toISOString();
    if (isoMemo.size >= 4096) isoMemo.clear();
    isoMemo.set(t, iso);
  }
  return iso;
}

/** A billing account a line resolved to. */

export interface Ba {
  id: string;
  tenant_id: string;
}

export const ID_PREFIX: Record<LineKind, string> = { billing_account: 'ban', invoice: 'ivc', payment: 'pay', service: 'svc', order: 'ord', ticket: 'tkt', usage: 'usg', sla: 'sla', subscriber: 'sbs' };

export interface W {
  id: string;
  tenantId: string;
  update: boolean;
  now: string;
}
type D = Record<string, unknown>;
const s = (v: unknown) => (v === undefined || v === null ? null : String(v));

/** The tables a line's record lands in, by kind (a payment changes its invoice). */
export const TABLE_OF = { billing_account: 'billing_accounts', invoice: 'invoices', service: 'provisioned_services', order: 'orders', ticket: 'support_tickets', usage: 'usage_records', sla: 'sla_records', subscriber: 'subscribers' } as const;
export type RecordKind = keyof typeof TABLE_OF;
export type RecordTable = (typeof TABLE_OF)[RecordKind];

/**
 * What one line writes, before it is written: the whole row for an insert, or the columns an update
 * sets. The applier writes it alone (`writeRecord`) or with the batch's other rows (sync-bulk.ts).
 */
export interface RecordWrite {
  table: RecordTable;
  id: string;
  /** the row to insert (null: an update) */
  insert: Record<string, unknown> | null;
  /** the columns an update sets (null: an insert) */
  update: Record<string, unknown> | null;
}

type Fields = Record<string, unknown>;

function billingAccountRow(w: W, d: D): [Fields, Fields] {
  const row = { name: String(d.name), currency: String(d.currency), status: (d.status ?? 'active') as 'active' | 'closed', account_number: String(d.account_number), updated_at: w.now };
  return [row, { id: w.id, tenant_id: w.tenantId, created_at: w.now, ...row }];
}

function invoiceRow(w: W, ban: Ba, d: D): [Fields, Fields] {
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
    credited_cents: Number(d.credited_cents ?? 0),
  };
  return [row, { id: w.id, created_at: w.now, ...row }];
}

function serviceRow(w: W, ban: Ba, d: D): [Fields, Fields] {
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
  return [row, { id: w.id, order_id: null, created_at: w.now, ...row }];
}

function orderRow(w: W, ban: Ba, billTo: Ba | null, d: D): [Fields, Fields] {
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
    // a record sent to the provider is confirmed once its source sends it back (the portal shows it so only if it was sent)
    write_state: 'confirmed',
  };
  const insert = { id: w.id, ...row, placed_by_type: 'system', placed_by_user_id: null, placed_by_client_id: null, placed_by_partner_id: null, delegation_id: null, persona: 'customer', idempotency_key: null, request_id: null, created_at: isoOf(d.placed_at)! };
  return [row, insert];
}

function ticketRow(w: W, ban: Ba | null, d: D): [Fields, Fields] {
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
    // a record sent to the provider is confirmed once its source sends it back (the portal shows it so only if it was sent)
    write_state: 'confirmed',
  };
  const number = d.number ? String(d.number) : `TCK-${w.id.slice(-8).toUpperCase()}`;
  const insert = { id: w.id, number, ...row, comments: '[]', opened_by_type: 'system', opened_by_user_id: null, opened_by_client_id: null, opened_by_partner_id: null, delegation_id: null, created_at: isoOf(d.opened_at)! };
  return [{ ...row, ...(d.number ? { number: String(d.number) } : {}) }, insert];
}

function usageRow(w: W, ban: Ba, d: D): [Fields, Fields] {
  const row = { tenant_id: w.tenantId, ban_id: ban.id, period: String(d.period), metric: d.metric as 'data_gb' | 'voice_minutes' | 'sms_count', quantity: Number(d.quantity), amount_cents: Number(d.amount_cents), currency: String(d.currency), recorded_at: isoOf(d.recorded_at) ?? w.now };
  return [row, { id: w.id, service_id: null, ...row }];
}

function slaRow(w: W, ban: Ba, d: D): [Fields, Fields] {
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
  return [row, { id: w.id, service_id: null, ...row }];
}

function subscriberRow(w: W, ban: Ba, d: D): [Fields, Fields] {
  const row = {
    tenant_id: w.tenantId,
    ban_id: ban.id,
    number: String(d.number),
    name: String(d.name),
    email: s(d.email),
    phone: s(d.phone),
    plan: s(d.plan),
    service_address: s(d.service_address),
    status: d.status as 'active' | 'suspended' | 'terminated',
    activated_at: isoOf(d.activated_at),
    updated_at: w.now,
  };
  return [row, { id: w.id, created_at: w.now, ...row }];
}

/** A line's record as a write: its kind's fields, resolved to the billing accounts it names. */
export function recordWrite(kind: RecordKind, w: W, ban: Ba | null, billTo: Ba | null, d: D): RecordWrite {
  const [update, insert] =
    kind === 'billing_account' ? billingAccountRow(w, d)
    : kind === 'invoice' ? invoiceRow(w, ban!, d)
    : kind === 'service' ? serviceRow(w, ban!, d)
    : kind === 'order' ? orderRow(w, ban!, billTo, d)
    : kind === 'ticket' ? ticketRow(w, ban, d)
    : kind === 'usage' ? usageRow(w, ban!, d)
    : kind === 'subscriber' ? subscriberRow(w, ban!, d)
    : slaRow(w, ban!, d);
  return { table: TABLE_OF[kind], id: w.id, insert: w.update ? null : insert, update: w.update ? update : null };
}

/** Write one record (a line applied on its own, in its savepoint). */
export async function writeRecord(trx: Tx, r: RecordWrite): Promise<void> {
  if (r.update) await trx.updateTable(r.table).set(r.update as never).where('id', '=', r.id).execute();
  else await trx.insertInto(r.table).values(r.insert as never).execute();
}

/** A payment: the invoice's balance goes down, and it is paid at zero. Returns the invoice's status before and after. */
export async function applyPayment(trx: Tx, invoiceId: string, d: D): Promise<{ before: string; after: string }> {
  const moved = await invoiceQueries.applyInvoicePayment(trx, invoiceId, Number(d.amount_cents), isoOf(d.paid_at));
  if (!moved) throw E.record_conflict('The invoice this payment is for is no longer there.');
  return moved;
}

/** A deletion: the record goes (a billing account is closed instead: invoices and orders name it). */
export async function deleteRecord(trx: Tx, kind: LineKind, id: string, now: string) {
  if (kind === 'payment') throw E.payment_immutable('A payment cannot be deleted; send a correction as an update of the invoice.');
  if (kind === 'billing_account') {
    await billingLookups.closeBillingAccount(trx, id, now);
    return;
  }
  await trx.deleteFrom(TABLE_OF[kind]).where('id', '=', id).execute();
}
