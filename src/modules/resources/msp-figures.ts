/** The figures the consolidated MSP views show per customer: totals per currency, SLA compliance, who needs attention and in which order. */

/** The dashboard's list of customers that need attention: at most this many (the count says how many in all). */
export const ATTENTION_CUSTOMERS = 20;
/** SLA compliance under this (percent) needs attention. */
export const ATTENTION_SLA_PCT = 95;
/** The dashboard's SLA chart: this many customers, the lowest in compliance. */
export const SLA_CHART_CUSTOMERS = 10;

/** Per-currency totals over per-tenant billing rows. */
export function billingTotalsByCurrency(rows: readonly { currency: string; invoiced_cents: number; outstanding_cents: number; overdue_cents: number; paid_cents: number }[]) {
  const totals = new Map<string, { currency: string; invoiced_cents: number; outstanding_cents: number; overdue_cents: number; paid_cents: number; tenants: number }>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { currency: r.currency, invoiced_cents: 0, outstanding_cents: 0, overdue_cents: 0, paid_cents: 0, tenants: 0 };
    t.invoiced_cents += r.invoiced_cents;
    t.outstanding_cents += r.outstanding_cents;
    t.overdue_cents += r.overdue_cents;
    t.paid_cents += r.paid_cents;
    t.tenants++;
    totals.set(r.currency, t);
  }
  return [...totals.values()];
}

/** Share of service-months that met their target, in percent with two decimals (100 with none). */
export function compliancePct(records: number, breached: number): number {
  return records === 0 ? 100 : Math.round(((records - breached) / records) * 10_000) / 100;
}

/** One customer's figures as the dashboard and the figures list show them; null: the member's access shows no such figure for it. */
export interface CustomerFigure {
  tenant_id: string;
  tenant_name: string;
  currency: string | null;
  outstanding_cents: number | null;
  overdue_cents: number | null;
  open_tickets: number | null;
  sla_compliance_pct: number | null;
}

/** What a customer's figures are made of: the per-customer rows read, and where the member may see each part. */
export interface FigureSources {
  billing: { visible: ReadonlyMap<string, unknown>; rows: readonly { tenant_id: string; currency: string; outstanding_cents: number; overdue_cents: number }[] };
  tickets: { visible: ReadonlyMap<string, unknown>; rows: readonly { tenant_id: string; open: number }[] };
  sla: { visible: ReadonlyMap<string, unknown>; rows: readonly { tenant_id: string; records: number; breached: number }[] };
}

/** A function giving each customer's figures (its name added later), from per-customer rows: the last row of a customer is its currency's. */
export function figuresOf(src: FigureSources): (tenantId: string) => CustomerFigure {
  const bill = new Map(src.billing.rows.map((r) => [r.tenant_id, r]));
  const open = new Map(src.tickets.rows.map((r) => [r.tenant_id, r.open]));
  const sla = new Map(src.sla.rows.map((r) => [r.tenant_id, compliancePct(r.records, r.breached)]));
  return (t) => {
    const b = bill.get(t);
    const billed = src.billing.visible.has(t);
    return {
      tenant_id: t,
      tenant_name: '',
      currency: billed ? (b?.currency ?? null) : null,
      outstanding_cents: billed ? (b?.outstanding_cents ?? 0) : null,
      overdue_cents: billed ? (b?.overdue_cents ?? 0) : null,
      open_tickets: src.tickets.visible.has(t) ? (open.get(t) ?? 0) : null,
      sla_compliance_pct: src.sla.visible.has(t) ? (sla.get(t) ?? 100) : null,
    };
  };
}

/** Something overdue, SLA compliance under ATTENTION_SLA_PCT, or open tickets — of what the member may see. */
export function needsAttention(f: CustomerFigure): boolean {
  return (f.overdue_cents ?? 0) > 0 || (f.sla_compliance_pct ?? 100) < ATTENTION_SLA_PCT || (f.open_tickets ?? 0) > 0;
}

/** Most overdue first, then most open tickets, then lowest SLA. */
export function attentionOrder(a: CustomerFigure, b: CustomerFigure): number {
  return (b.overdue_cents ?? 0) - (a.overdue_cents ?? 0) || (b.open_tickets ?? 0) - (a.open_tickets ?? 0) || (a.sla_compliance_pct ?? 100) - (b.sla_compliance_pct ?? 100) || (a.tenant_id < b.tenant_id ? -1 : 1);
}

/** What the customers' figures list may be sorted by (`-` for descending), and the part of the figures each comes from. */
export const FIGURE_SORTS = { tenant_name: null, outstanding_cents: 'billing', overdue_cents: 'billing', open_tickets: 'tickets', sla_compliance_pct: 'sla' } as const;
export type FigureSort = keyof typeof FIGURE_SORTS;

/**
 * The customers in the order of one value each: a value the member's access does not show (null)
 * comes last in either direction, and equal values keep the order given (the customers' ids).
 */
export function orderByValue(ids: readonly string[], value: (tenantId: string) => string | number | null, desc: boolean): string[] {
  const keyed = ids.map((id, i) => ({ id, i, v: value(id) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
    const c = typeof a.v === 'string' ? a.v.localeCompare(b.v as string) : a.v - (b.v as number);
    return (desc ? -c : c) || a.i - b.i;
  });
  return keyed.map((k) => k.id);
}

/** The permission that shows each part of a customer's figures. */
export const FIGURE_PERMISSION = { billing: 'billing.summary.read', tickets: 'support.tickets.read', sla: 'reports.sla.read' } as const;

/** The customers by name (a customer without one first, as an empty name). */
export function orderByName(ids: readonly string[], names: ReadonlyMap<string, string>, desc: boolean): string[] {
  return orderByValue(ids, (t) => names.get(t) ?? '', desc);
}

/** The customers in the order of one figure, from the rows of the one part of the figures it comes from. */
export function orderByFigure(ids: readonly string[], sort: FigureSort, part: Partial<FigureSources>, desc: boolean): string[] {
  const none = { visible: new Map<string, unknown>(), rows: [] };
  const figures = figuresOf({ billing: none, tickets: none, sla: none, ...part });
  return orderByValue(ids, (t) => figures(t)[sort], desc);
}

/**
 * The customers' orders by one figure, kept a short while per person and sort: paging through one
 * order reads that figure for every customer once, not once a page. A kept order is only an order:
 * the customers are the ones the person may act on now (one no longer reachable is left out, a new
 * one comes last) and each page's figures are read afresh.
 */
export class FigureOrders {
  readonly #kept = new Map<string, { at: number; ids: string[] }>();
  readonly #ttlMs: number;
  readonly #max: number;
  constructor(ttlMs = 30_000, max = 500) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  async order(key: string, now: number, reachable: readonly string[], make: () => Promise<string[]>): Promise<string[]> {
    let kept = this.#kept.get(key);
    if (!kept || now - kept.at >= this.#ttlMs || now < kept.at) {
      kept = { at: now, ids: await make() };
      this.#kept.delete(key);
      if (this.#kept.size >= this.#max) this.#kept.delete(this.#kept.keys().next().value as string);
      this.#kept.set(key, kept);
    }
    const still = new Set(reachable);
    const inOrder = kept.ids.filter((t) => still.has(t));
    const known = new Set(kept.ids);
    return [...inOrder, ...reachable.filter((t) => !known.has(t))];
  }
}
