/** The figures the consolidated MSP views compute over per-customer rows: totals per currency, SLA compliance. */

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
