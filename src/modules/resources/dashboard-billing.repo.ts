/**
 * The MSP dashboard's billing figures over every managed customer, added up by the database: what
 * is owed and overdue per currency (the tiles), and the customers with something overdue (the
 * attention list's first criterion) — not each customer's totals. At 10,000 customers the
 * dashboard read 10,000 billing rows per view to find the few with something overdue; parsing them
 * and working out every customer's figures was a fifth of its CPU. A customer's billing figures are
 * those of its last currency, as in the customers' figures list (msp-figures.ts). The per-currency
 * part is currencyTotals' (resources.repo.ts) in the same scan: one pass over the customers' rows
 * gives both, where calling it beside this would read them twice.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { ALL_PERIODS, scopeFilter, type TenantScope } from './resources.repo.ts';

export interface DashboardBilling {
  /** per currency, in the order of the first customer (by id) invoiced in it */
  currencies: { currency: string; outstanding_cents: number; overdue_cents: number }[];
  /** the customers whose (last currency's) figures have something overdue */
  overdue: { tenant_id: string; currency: string; outstanding_cents: number; overdue_cents: number }[];
}

type Row = { part: string; tenant_id: string | null; currency: string; o: unknown; od: unknown; k: string | null };

export async function dashboardBilling(db: Executor, scopes: readonly TenantScope[]): Promise<DashboardBilling> {
  // the parts of the union share columns: a bare null would be text to PostgreSQL where another part has text anyway
  const text = sql`cast(null as text)`;
  const r = await sql<Row>`
    with b as (
      select tenant_id, currency, sum(outstanding_cents) as o, sum(overdue_cents) as od
        from invoice_totals
       where ${scopeFilter(scopes, '', { db })} and period = ${ALL_PERIODS} and invoices > 0
       group by tenant_id, currency)
    select 'currency' as part, ${text} as tenant_id, currency, sum(o) as o, sum(od) as od, min(tenant_id) as k from b group by currency
    union all select * from (
      select 'overdue', tenant_id, currency, o, od, ${text} from (
        select tenant_id, currency, o, od, row_number() over (partition by tenant_id order by currency desc) as k from b) x
       where k = 1 and od > 0) y`.execute(db);
  const out: DashboardBilling = { currencies: [], overdue: [] };
  const firsts = new Map<string, string>();
  for (const x of r.rows) {
    if (x.part === 'currency') {
      out.currencies.push({ currency: x.currency, outstanding_cents: Number(x.o ?? 0), overdue_cents: Number(x.od ?? 0) });
      firsts.set(x.currency, x.k ?? '');
    } else out.overdue.push({ tenant_id: x.tenant_id!, currency: x.currency, outstanding_cents: Number(x.o ?? 0), overdue_cents: Number(x.od ?? 0) });
  }
  const first = (c: string) => firsts.get(c) ?? '';
  out.currencies.sort((p, q) => (first(p.currency) < first(q.currency) ? -1 : first(p.currency) > first(q.currency) ? 1 : p.currency < q.currency ? -1 : 1));
  return out;
}

/**
 * dashboardBilling's `overdue` alone: the customers in scope whose last currency's figures have
 * something overdue, found among the few rows over every month with something overdue
 * (invoice_totals_overdue_idx, migration 0050) and not among every customer's — for the dashboard
 * whose tiles come from the partner's own totals (partner-totals.repo.ts).
 */
export async function overdueCustomers(db: Executor, scopes: readonly TenantScope[]): Promise<DashboardBilling['overdue']> {
  const all = sql.lit(ALL_PERIODS);
  const r = await sql<{ tenant_id: string; currency: string; o: unknown; od: unknown }>`
    select tenant_id, currency, sum(outstanding_cents) as o, sum(overdue_cents) as od
      from invoice_totals
     where period = ${all} and invoices > 0 and ${scopeFilter(scopes, '', { db })}
       and tenant_id in (select tenant_id from invoice_totals where period = ${all} and overdue_cents > 0 and ${scopeFilter(scopes, '', { db })})
     group by tenant_id, currency`.execute(db);
  // each customer's figures are its last currency's
  const last = new Map<string, (typeof r.rows)[number]>();
  for (const x of r.rows) {
    const seen = last.get(x.tenant_id);
    if (!seen || x.currency > seen.currency) last.set(x.tenant_id, x);
  }
  return [...last.values()].filter((x) => Number(x.od ?? 0) > 0).map((x) => ({ tenant_id: x.tenant_id, currency: x.currency, outstanding_cents: Number(x.o ?? 0), overdue_cents: Number(x.od ?? 0) }));
}
