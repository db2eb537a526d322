/**
 * Invoice totals kept as invoices are written. The MSP views (billing summary, revenue and
 * receivables by month, the dashboard's tiles, the invoice list's count) summed every invoice of
 * every managed customer on each request: a million invoices at 10,000 customers is a million index
 * entries behind the tenant wall per view, seconds per page. They now read these sums instead: one
 * row per month, customer, currency and billing account, and one more per customer, currency and
 * account over every month (period `*`, ALL_PERIODS) — a view without a period range reads 10,000
 * rows at 10,000 customers, not the 240,000 of two years of months (23 ms against 555 ms).
 *
 *  - invoice_totals: per (period, tenant, currency, billing account) the number of invoices, the
 *    amount invoiced (not void), outstanding (balance of open and overdue), overdue (balance of
 *    overdue) and paid (total of paid), and the counts of open, paid and overdue invoices (the
 *    invoice list's total reads them: a count of a million invoices per page was 0.6 s). A row whose
 *    invoices all went is kept with zeros (`invoices = 0`); readers skip it.
 *  - Triggers keep it: whatever writes an invoice (the sync API, Stripe, a CSV import, the demo
 *    world, a payment) moves the totals in the same transaction, so they never disagree with the
 *    invoices. On PostgreSQL one statement-level trigger per operation sums the statement's changed
 *    rows (its transition tables) and upserts each touched row once, in one fixed order (two such
 *    statements touching the same rows lock them in the same order, so one waits for the other);
 *    a sync batch of 5,000 invoices is one upsert. Two batches writing invoices of the same
 *    customer and month wait for each other's commit on that row. On SQLite a row trigger per operation.
 *  - The covering index the sums were read from (migration 0020) goes: nothing reads it any more,
 *    and it was one of the six indexes each written invoice paid for.
 * The table names the tenant and sits behind the tenant wall as the invoices do.
 */
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

/** The period of the rows that total every month. */
const ALL_PERIODS = '*';
/** Period first: a view reads one period's rows (or ALL_PERIODS') in (tenant, currency) order. */
const KEY = ['period', 'tenant_id', 'currency', 'ban_id'] as const;
/** The key of an invoice row `r`'s totals row; ALL_PERIODS for its every-month row. */
const keyOf = (r: string, period: string) => KEY.map((k) => (k === 'period' ? period : `${r}.${k}`)).join(', ');

/** Each total as the contribution of one invoice row (`r`): the same rules the views summed by. */
const CONTRIBUTION = {
  invoices: () => '1',
  invoiced_cents: (r: string) => `case when ${r}.status <> 'void' then ${r}.total_cents else 0 end`,
  outstanding_cents: (r: string) => `case when ${r}.status in ('open','overdue') then ${r}.balance_cents else 0 end`,
  overdue_cents: (r: string) => `case when ${r}.status = 'overdue' then ${r}.balance_cents else 0 end`,
  paid_cents: (r: string) => `case when ${r}.status = 'paid' then ${r}.total_cents else 0 end`,
  open_count: (r: string) => `case when ${r}.status = 'open' then 1 else 0 end`,
  paid_count: (r: string) => `case when ${r}.status = 'paid' then 1 else 0 end`,
  overdue_count: (r: string) => `case when ${r}.status = 'overdue' then 1 else 0 end`,
} as const;
const TOTALS = Object.keys(CONTRIBUTION) as (keyof typeof CONTRIBUTION)[];

const onConflict = `on conflict (${KEY.join(', ')}) do update set ${TOTALS.map((c) => `${c} = invoice_totals.${c} + excluded.${c}`).join(', ')}`;

/**
 * The one order every statement upserts its rows in (two statements touching the same rows lock them in
 * the same order, so one waits for the other, never both): the key, customer first, compared as bytes.
 * Any fixed order would do; this one sorts the 10,000 rows of a 5,000-invoice batch in 10 ms where the
 * key's own order (period first — the same for the whole batch — compared by the database's collation) took 26.
 */
const LOCK_ORDER = ['tenant_id', 'period', 'currency', 'ban_id'].map((k) => `${k} collate "C"`).join(', ');

/** PostgreSQL: sum the statement's new rows (+1) and old rows (−1) per key, each under its month and ALL_PERIODS, and upsert them in LOCK_ORDER. */
function pgTriggerFunction(op: 'insert' | 'update' | 'delete'): string {
  const sides: string[] = [];
  const side = (table: string, sign: number, period: string) => `select ${keyOf('r', period)}, ${TOTALS.map((c) => `${sign} * (${CONTRIBUTION[c]('r')}) as ${c}`).join(', ')} from ${table} r`;
  for (const period of ['r.period', `'${ALL_PERIODS}'`]) {
    if (op !== 'delete') sides.push(side('new_invoices', 1, period));
    if (op !== 'insert') sides.push(side('old_invoices', -1, period));
  }
  const sums = TOTALS.map((c) => `sum(${c})`);
  return `create or replace function invoice_totals_on_${op}() returns trigger language plpgsql as $$
begin
  insert into invoice_totals (${KEY.join(', ')}, ${TOTALS.join(', ')})
  select ${KEY.join(', ')}, ${sums.join(', ')}
    from (${sides.join(' union all ')}) d
   group by ${KEY.join(', ')}
  having ${sums.map((x) => `${x} <> 0`).join(' or ')}
   order by ${LOCK_ORDER}
  ${onConflict};
  return null;
end $$`;
}

const REFERENCING = { insert: 'new table as new_invoices', update: 'old table as old_invoices new table as new_invoices', delete: 'old table as old_invoices' } as const;

/** SQLite: upserts per changed row (the old row's contribution taken away, the new one's added), under its month and ALL_PERIODS. */
function sqliteTrigger(op: 'insert' | 'update' | 'delete'): string {
  const upsert = (r: 'new' | 'old', sign: number, period: string) =>
    `insert into invoice_totals (${KEY.join(', ')}, ${TOTALS.join(', ')}) select ${keyOf(r, period)}, ${TOTALS.map((c) => `${sign} * (${CONTRIBUTION[c](r)})`).join(', ')} where true ${onConflict};`;
  const body: string[] = [];
  for (const period of ['period', `'${ALL_PERIODS}'`]) {
    if (op !== 'insert') body.push(upsert('old', -1, period === 'period' ? 'old.period' : period));
    if (op !== 'delete') body.push(upsert('new', 1, period === 'period' ? 'new.period' : period));
  }
  return `create trigger invoice_totals_on_${op} after ${op} on invoices for each row begin\n  ${body.join('\n  ')}\nend`;
}

/** PostgreSQL: (re)create the trigger functions (a later migration that changes them calls this). */
export async function createInvoiceTotalsFunctions(db: Kysely<any>): Promise<void> {
  for (const op of ['insert', 'update', 'delete'] as const) await sql.raw(pgTriggerFunction(op)).execute(db);
}

async function createInvoiceTotalsTriggers(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await createInvoiceTotalsFunctions(db);
  for (const op of ['insert', 'update', 'delete'] as const) {
    if (dialect === 'postgres') {
      await sql.raw(`create trigger invoice_totals_on_${op} after ${op} on invoices referencing ${REFERENCING[op]} for each statement execute function invoice_totals_on_${op}()`).execute(db);
    } else {
      await sql.raw(sqliteTrigger(op)).execute(db);
    }
  }
}

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const money = dialect === 'postgres' ? 'bigint' : 'integer';
    let t = db.schema.createTable('invoice_totals');
    for (const k of KEY) t = t.addColumn(k, 'text', (c) => c.notNull());
    for (const c of TOTALS) t = t.addColumn(c, c.endsWith('_cents') ? money : 'integer', (col) => col.notNull().defaultTo(0));
    await t.addPrimaryKeyConstraint('invoice_totals_pkey', [...KEY] as never).execute();
    // Rows are updated in place all the time (every invoice written moves two of them): half of each
    // page is left free so an update can stay on its page (no new index entry, no vacuum needed to
    // reclaim the old version). Packed full, a load of a million invoices left 1.7 million dead
    // versions and a key twice its size, and the load slowed by a third.
    if (dialect === 'postgres') await sql`alter table invoice_totals set (fillfactor = 50)`.execute(db);
    await enableTenantRls(db, dialect, { table: 'invoice_totals', managed: true });
    for (const period of ['r.period', `'${ALL_PERIODS}'`]) {
      await sql
        .raw(`insert into invoice_totals (${KEY.join(', ')}, ${TOTALS.join(', ')})
              select ${keyOf('r', period)}, ${TOTALS.map((c) => `sum(${CONTRIBUTION[c]('r')})`).join(', ')}
                from invoices r group by ${KEY.filter((k) => k !== 'period' || period === 'r.period').map((k) => `r.${k}`).join(', ')}`)
        .execute(db);
    }
    await createInvoiceTotalsTriggers(db, dialect);
    await db.schema.dropIndex('invoices_tenant_totals_idx').execute();
  },
};
