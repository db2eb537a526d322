/**
 * The domain events of the provider's records: what a record's change means to a customer
 * (an invoice finalized, paid, voided or overdue; a ticket opened, updated or closed; an order
 * placed or changed). One function decides them from a record's state before and after a write,
 * whatever brought the record — the sync API, Stripe, a CSV import (all through the sync applier)
 * or the demo world — so every source fires the same events. The applier calls it only for a
 * line that changed a record, and writes the events in that line's savepoint (or its bulk group's),
 * so a line rolled back leaves no event and an unchanged or older line makes none.
 */
import type { Tx } from '../../platform/db/database.ts';
import type { LineKind } from './sync-lines.ts';

export interface RecordEvent {
  type: string;
  tenantId: string;
  data: Record<string, unknown>;
}

/** Where the records' events go (the notifications outbox), in the caller's transaction. */
export interface EmitRecordEvents {
  /** write the events someone listens to */
  (trx: Tx, events: readonly RecordEvent[]): Promise<void>;
  /**
   * Of these customers, the ones some active endpoint would hear an event of these types about
   * ('all': every customer). A group of lines asks first, so no event is made for a customer no one hears.
   */
  listening(trx: Tx, types: readonly string[], tenantIds: readonly string[]): Promise<ReadonlySet<string> | 'all'>;
}

/** The events' way out, from its two halves. */
export function recordEventSink(emit: (trx: Tx, events: readonly RecordEvent[]) => Promise<void>, listening: EmitRecordEvents['listening']): EmitRecordEvents {
  return Object.assign(emit, { listening });
}

/** Every type `recordEvents` may fire. */
export const RECORD_EVENT_TYPES: readonly string[] = ['invoice.finalized', 'invoice.paid', 'invoice.voided', 'invoice.overdue', 'ticket.opened', 'ticket.updated', 'ticket.closed', 'order.placed', 'order.changed'];

/** A record's state before a write that matters to its events (null: the record is new). */
export interface PriorState {
  status: string;
  number?: string | null;
}

/** What an event names besides the record: the customer, its billing account and the source. */
export interface EventParties {
  tenant: { id: string; name: string };
  billingAccount: { id: string; account_number: string } | null;
  source: { id: string; name: string };
}

type Row = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? null : String(v));

const INVOICE_EVENT: Record<string, string> = { paid: 'invoice.paid', void: 'invoice.voided', overdue: 'invoice.overdue' };
const CLOSED = new Set(['resolved', 'closed']);

/** The kinds of record that have events. */
export const EVENT_KINDS: ReadonlySet<LineKind> = new Set<LineKind>(['invoice', 'ticket', 'order']);

/**
 * The events one write of a record fires. `row` is the record as written (an insert's whole row, or
 * an update's columns plus its id); `before` its state before (null for a new record).
 * An invoice fires on its status: finalized when it appears open, then paid, voided or overdue when
 * it moves there. A ticket is opened when it appears, closed when it moves to resolved or closed,
 * updated on any other change. An order is placed when it appears and changed on any change.
 */
export function recordEvents(kind: LineKind, before: PriorState | null, row: Row, p: EventParties): RecordEvent[] {
  const status = String(row.status);
  const base = { tenant: p.tenant, billing_account: p.billingAccount, source: p.source };
  const previous = before?.status ?? null;
  if (kind === 'invoice') {
    if (previous === status) return [];
    const type = status === 'open' ? (before ? null : 'invoice.finalized') : INVOICE_EVENT[status];
    if (!type) return [];
    const invoice = {
      id: String(row.id),
      number: String(row.number),
      period: String(row.period),
      status,
      previous_status: previous,
      currency: String(row.currency),
      total_cents: Number(row.total_cents),
      balance_cents: Number(row.balance_cents),
      issued_at: String(row.issued_at),
      due_at: String(row.due_at),
      paid_at: str(row.paid_at),
    };
    return [{ type, tenantId: p.tenant.id, data: { invoice, ...base } }];
  }
  if (kind === 'ticket') {
    const type = !before ? 'ticket.opened' : CLOSED.has(status) && !CLOSED.has(previous ?? '') ? 'ticket.closed' : 'ticket.updated';
    const ticket = {
      id: String(row.id),
      number: String(row.number ?? before?.number ?? ''),
      subject: String(row.subject),
      category: String(row.category),
      priority: String(row.priority),
      status,
      previous_status: previous,
      assignee: str(row.assignee),
      resolved_at: str(row.resolved_at),
    };
    return [{ type, tenantId: p.tenant.id, data: { ticket, ...base } }];
  }
  if (kind === 'order') {
    const order = {
      id: String(row.id),
      product_code: String(row.product_code),
      product_name: String(row.product_name),
      quantity: Number(row.quantity),
      total_cents: Number(row.total_cents),
      currency: String(row.currency),
      status,
      previous_status: previous,
    };
    return [{ type: before ? 'order.changed' : 'order.placed', tenantId: p.tenant.id, data: { order, ...base } }];
  }
  return [];
}

/** The columns `recordEvents` reads of a record's state before a write, per table. */
export const PRIOR_COLUMNS = { invoices: ['id', 'status'], support_tickets: ['id', 'status', 'number'], orders: ['id', 'status'] } as const;
