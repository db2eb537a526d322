/**
 * Stripe objects as sync lines, without I/O. Partnergate reads a few fields of each (typed here
 * loosely: Stripe's shapes change across API versions and only these fields matter):
 *  - an invoice (finalized, paid, voided, marked uncollectible) → an `invoice` line: amounts in
 *    minor units, status, due date, paid time; a paid one also → a `payment` line;
 *  - a subscription → a `service` line (its price per month);
 *  - a refund, a credit note, a lost dispute → the invoice it takes back from sent again with what was
 *    taken back (stripe-credits.ts): in full, a paid invoice is no longer paid (void).
 * Versions are whole numbers: the newest time the object records for its state (seconds) × 10 + the
 * state's rank, so a replayed or older event is `unchanged` and two states of one second still order.
 */

export interface StripeInvoice {
  id: string;
  customer: string | { id: string } | null;
  number?: string | null;
  status?: string | null;
  currency: string;
  created: number;
  due_date?: number | null;
  subtotal?: number;
  subtotal_excluding_tax?: number | null;
  total: number;
  total_excluding_tax?: number | null;
  tax?: number | null;
  total_taxes?: { amount: number }[] | null;
  amount_paid?: number;
  amount_remaining?: number;
  period_start?: number;
  status_transitions?: { finalized_at?: number | null; paid_at?: number | null; voided_at?: number | null; marked_uncollectible_at?: number | null } | null;
  charge?: string | { id: string } | null;
  payment_intent?: string | { id: string } | null;
  payments?: { data?: { payment?: { charge?: string | { id: string } | null; payment_intent?: string | { id: string } | null } }[] } | null;
}

export interface StripeSubscription {
  id: string;
  customer: string | { id: string };
  status: string;
  currency: string;
  start_date?: number;
  created: number;
  canceled_at?: number | null;
  ended_at?: number | null;
  items?: { data?: { id: string; quantity?: number; price?: { id: string; nickname?: string | null; unit_amount?: number | null; product?: string | { id: string; name?: string } | null; recurring?: { interval?: string; interval_count?: number } | null } }[] };
}

export interface StripeCharge {
  id: string;
  amount: number;
  amount_refunded: number;
  refunded?: boolean;
  created: number;
  invoice?: string | { id: string } | null;
  payment_intent?: string | { id: string } | null;
  refunds?: { data?: { created: number }[] } | null;
}

/** A dispute (charge.dispute.*): lost, its amount is taken back of the invoice the charge paid. */
export interface StripeDispute {
  id: string;
  amount: number;
  status: string;
  created: number;
  charge: string | { id: string };
  payment_intent?: string | { id: string } | null;
}

/** A credit note: its total (with tax) is taken back of its invoice while it is issued; void, nothing. */
export interface StripeCreditNote {
  id: string;
  invoice: string | { id: string };
  total: number;
  status: string;
  created: number;
  voided_at?: number | null;
  out_of_band_amount?: number | null;
  /** since 2025-03-31: the refunds it made, each with the amount that applies to it */
  refunds?: { refund: string | { id: string }; amount_refunded: number }[] | null;
  /** before 2025-03-31: the one refund it made */
  refund?: string | { id: string } | null;
}

/** An invoice payment (since 2025-03-31): which payment intent or charge paid which invoice. */
export interface StripeInvoicePayment {
  id: string;
  invoice: string | { id: string };
  status?: string;
  payment: { type?: string; payment_intent?: string | { id: string } | null; charge?: string | { id: string } | null };
}

export interface StripeRefund {
  id: string;
  amount: number;
  status?: string | null;
  created: number;
  charge?: string | { id: string } | null;
  payment_intent?: string | { id: string } | null;
}

/** A sync line without its BAN (added once the customer's billing account is known). */
export interface StripeLine {
  kind: 'invoice' | 'payment' | 'service';
  external_id: string;
  version: number;
  data: Record<string, unknown>;
}

export const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);
const iso = (s: number) => new Date(s * 1000).toISOString();
const month = (s: number) => iso(s).slice(0, 7);

const INVOICE_RANK: Record<string, number> = { open: 1, paid: 3, uncollectible: 4, void: 6 };
/** a full refund's rank: above paid, so the refund stands over the payment it undoes */
export const REFUND_RANK = 5;

/** The invoice's state as Partnergate's: open (overdue once past due), paid, void; uncollectible stays owed (overdue). */
function invoiceStatus(inv: StripeInvoice, nowSec: number): 'open' | 'paid' | 'overdue' | 'void' {
  if (inv.status === 'paid') return 'paid';
  if (inv.status === 'void') return 'void';
  if (inv.status === 'uncollectible') return 'overdue';
  return inv.due_date && inv.due_date < nowSec ? 'overdue' : 'open';
}

export function invoiceVersion(inv: StripeInvoice): number {
  const t = inv.status_transitions ?? {};
  const at = Math.max(inv.created, t.finalized_at ?? 0, t.paid_at ?? 0, t.voided_at ?? 0, t.marked_uncollectible_at ?? 0);
  return at * 10 + (INVOICE_RANK[inv.status ?? ''] ?? 0);
}

/** The charges and payment intents that paid an invoice (a refund names one of them). */
export function paymentRefs(inv: StripeInvoice): string[] {
  const refs = [idOf(inv.charge), idOf(inv.payment_intent)];
  for (const p of inv.payments?.data ?? []) refs.push(idOf(p.payment?.charge), idOf(p.payment?.payment_intent));
  return [...new Set(refs.filter((r): r is string => !!r))];
}

/** An invoice as lines (none for a draft: Partnergate shows invoices once issued). */
export function invoiceLines(inv: StripeInvoice, nowSec: number): StripeLine[] {
  if (!inv.status || inv.status === 'draft') return [];
  const t = inv.status_transitions ?? {};
  const issued = t.finalized_at ?? inv.created;
  const tax = inv.total_taxes ? inv.total_taxes.reduce((a, x) => a + x.amount, 0) : (inv.tax ?? (inv.total_excluding_tax != null ? inv.total - inv.total_excluding_tax : 0));
  const subtotal = inv.total_excluding_tax ?? inv.subtotal_excluding_tax ?? inv.total - tax;
  const status = invoiceStatus(inv, nowSec);
  const version = invoiceVersion(inv);
  const lines: StripeLine[] = [
    {
      kind: 'invoice',
      external_id: inv.id,
      version,
      data: {
        number: inv.number ?? inv.id,
        period: month(issued),
        issued_at: iso(issued),
        due_at: iso(inv.due_date ?? issued),
        currency: inv.currency.toUpperCase(),
        subtotal_cents: subtotal,
        tax_cents: tax,
        total_cents: inv.total,
        balance_cents: status === 'void' ? 0 : (inv.amount_remaining ?? (status === 'paid' ? 0 : inv.total)),
        status,
        paid_at: status === 'paid' && t.paid_at ? iso(t.paid_at) : null,
      },
    },
  ];
  if (status === 'paid' && (inv.amount_paid ?? 0) > 0) {
    lines.push({ kind: 'payment', external_id: `${inv.id}/payment`, version, data: { invoice_external_id: inv.id, amount_cents: inv.amount_paid, paid_at: iso(t.paid_at ?? issued) } });
  }
  return lines;
}

const SERVICE_STATUS: Record<string, 'pending' | 'active' | 'suspended' | 'terminated'> = {
  incomplete: 'pending',
  trialing: 'active',
  active: 'active',
  past_due: 'suspended',
  unpaid: 'suspended',
  paused: 'suspended',
  canceled: 'terminated',
  incomplete_expired: 'terminated',
};

/** A subscription as a service: its first item's product, the price per month of all its items. */
export function subscriptionLine(sub: StripeSubscription, eventCreated: number): StripeLine {
  const items = sub.items?.data ?? [];
  const first = items[0]?.price;
  const product = first?.product;
  const perMonth = items.reduce((sum, it) => {
    const p = it.price;
    const amount = (p?.unit_amount ?? 0) * (it.quantity ?? 1);
    const r = p?.recurring;
    const months = r?.interval === 'year' ? 12 * (r.interval_count ?? 1) : r?.interval === 'month' ? (r.interval_count ?? 1) : r?.interval === 'week' ? (r.interval_count ?? 1) / (52 / 12) : r?.interval === 'day' ? (r.interval_count ?? 1) / (365 / 12) : 1;
    return sum + amount / months;
  }, 0);
  const status = SERVICE_STATUS[sub.status] ?? 'pending';
  const at = Math.max(eventCreated, sub.created, sub.canceled_at ?? 0, sub.ended_at ?? 0);
  return {
    kind: 'service',
    external_id: sub.id,
    version: at * 10 + (status === 'terminated' ? 9 : 1),
    data: {
      product_code: (idOf(product ?? null) ?? first?.id ?? sub.id).slice(0, 64),
      name: (typeof product === 'object' && product?.name) || first?.nickname || idOf(product ?? null) || 'Subscription',
      status,
      monthly_price_cents: Math.round(perMonth),
      currency: sub.currency.toUpperCase(),
      activated_at: sub.start_date ? iso(sub.start_date) : null,
    },
  };
}

/** With the customer's billing account: the line the applier takes. */
export function withBan(l: StripeLine, ban: string): Record<string, unknown> {
  return l.kind === 'payment' ? { ...l } : { ...l, data: { ...l.data, ban } };
}
