/**
 * Invoice totals per partner and month, for the MSP dashboard's revenue and receivables chart. The
 * chart summed the per-customer month totals (migration 0045) of every managed customer on each
 * request: at 10,000 customers that is 120,000 rows for a year — 100–250 ms of PostgreSQL per
 * dashboard. It now reads one partner's rows: a dozen months, a few currencies.
 *
 *  - partner_total_members: the customers a partner's totals are kept over (the tenants its links
 *    let it read billing summaries of, whole). The application writes them when it finds the
 *    partner's customers changed (partner-totals.repo.ts), never a trigger: links also end by time.
 *  - partner_month_totals: per partner, month and currency the sums of its members' month totals —
 *    invoices, amount invoiced, outstanding and paid. Each row is split in STRIPES by the writing connection
 *    (`pg_backend_pid() % 16`) and readers add the stripes: every sync batch of every customer of an
 *    MSP moves the same month's total, and one row would make the batches wait for each other's
 *    commit; sixteen let the four to eight batches in flight run side by side.
 *  - partner_total_state: per partner, how many members its totals are over and a digest of their
 *    ids — what the dashboard compares with the customers it decided for, before it uses them.
 *  - A trigger on invoice_totals moves the partner rows in the same transaction as the invoices:
 *    on PostgreSQL one statement-level trigger per operation (a sync batch's totals upsert is one
 *    statement: one grouped upsert here), on SQLite a row trigger per operation.
 * partner_total_members names the tenant and sits behind the tenant wall (a partner context reads
 * the rows of the tenants it may act on, so the trigger sees the members an invoice writer may).
 * The other two name only the partner; they hold sums over its customers, and only the dashboard
 * reads them, for a partner it has decided for.
 */
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

/** How many rows each (partner, month, currency) total is split in (PostgreSQL; SQLite has one writer and writes stripe 0). */
export const STRIPES = 16;
const SUMS = ['invoices', 'invoiced_cents', 'outstanding_cents', 'paid_cents'] as const;
const KEY = ['partner_id', 'period', 'currency', 'stripe'] as const;
const onConflict = (sums: readonly string[]) => `on conflict (${KEY.join(', ')}) do update set ${sums.map((c) => `${c} = partner_month_totals.${c} + excluded.${c}`).join(', ')}`;

/** PostgreSQL: the statement trigger's function for `op`, adding up the sums `kept`. */
function pgTriggerFunction(op: 'insert' | 'update' | 'delete', kept: readonly string[]): string {
  const side = (table: string, sign: number) => `select period, tenant_id, currency, ${kept.map((c) => `${sign} * ${c} as ${c}`).join(', ')} from ${table} where period <> '*'`;
  const sides = [...(op !== 'delete' ? [side('new_totals', 1)] : []), ...(op !== 'insert' ? [side('old_totals', -1)] : [])];
  const sums = kept.map((c) => `sum(d.${c})`);
  return `create or replace function partner_month_totals_on_${op}() returns trigger language plpgsql as $$
begin
  insert into partner_month_totals (${KEY.join(', ')}, ${kept.join(', ')})
  select m.partner_id, d.period, d.currency, pg_backend_pid() % ${STRIPES}, ${sums.join(', ')}
    from (${sides.join(' union all ')}) d
    join partner_total_members m on m.tenant_id = d.tenant_id
   group by m.partner_id, d.period, d.currency
  having ${sums.map((x) => `${x} <> 0`).join(' or ')}
   order by 1, 2, 3
  ${onConflict(kept)};
  return null;
end $$`;
}

const REFERENCING = { insert: 'new table as new_totals', update: 'old table as old_totals new table as new_totals', delete: 'old table as old_totals' } as const;

function sqliteTrigger(op: 'insert' | 'update' | 'delete', kept: readonly string[]): string {
  const r = op === 'delete' ? 'old' : 'new';
  const amount = (c: string) => (op === 'insert' ? `new.${c}` : op === 'delete' ? `-old.${c}` : `new.${c} - old.${c}`);
  return `create trigger partner_month_totals_on_${op} after ${op} on invoice_totals for each row when ${r}.period <> '*' begin
  insert into partner_month_totals (${KEY.join(', ')}, ${kept.join(', ')})
  select m.partner_id, ${r}.period, ${r}.currency, 0, ${kept.map(amount).join(', ')} from partner_total_members m where m.tenant_id = ${r}.tenant_id
  ${onConflict(kept)};
end`;
}

export async function createPartnerTotalsTriggers(db: Kysely<any>, dialect: Dialect, sums: readonly string[] = SUMS): Promise<void> {
  for (const op of ['insert', 'update', 'delete'] as const) {
    if (dialect === 'postgres') {
      await sql.raw(pgTriggerFunction(op, sums)).execute(db);
      await sql.raw(`create trigger partner_month_totals_on_${op} after ${op} on invoice_totals referencing ${REFERENCING[op]} for each statement execute function partner_month_totals_on_${op}()`).execute(db);
    } else {
      await sql.raw(sqliteTrigger(op, sums)).execute(db);
    }
  }
}

/** Replace the triggers (and PostgreSQL's functions) with ones that keep `sums`. */
export async function replacePartnerTotalsTriggers(db: Kysely<any>, dialect: Dialect, sums: readonly string[]): Promise<void> {
  for (const op of ['insert', 'update', 'delete'] as const) await sql.raw(`drop trigger if exists partner_month_totals_on_${op}${dialect === 'postgres' ? ' on invoice_totals' : ''}`).execute(db);
  await createPartnerTotalsTriggers(db, dialect, sums);
}

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const money = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('partner_total_members')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('partner_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('partner_total_members_pkey', ['tenant_id', 'partner_id'])
      .execute();
    await db.schema.createIndex('partner_total_members_partner_idx').on('partner_total_members').columns(['partner_id', 'tenant_id']).execute();
    await enableTenantRls(db, dialect, { table: 'partner_total_members', managed: true });
    let t = db.schema.createTable('partner_month_totals').addColumn('partner_id', 'text', (c) => c.notNull()).addColumn('period', 'text', (c) => c.notNull()).addColumn('currency', 'text', (c) => c.notNull()).addColumn('stripe', 'integer', (c) => c.notNull());
    for (const c of SUMS) t = t.addColumn(c, c === 'invoices' ? 'integer' : money, (col) => col.notNull().defaultTo(0));
    await t.addPrimaryKeyConstraint('partner_month_totals_pkey', [...KEY] as never).execute();
    // updated in place all the time, as invoice_totals (migration 0045)
    if (dialect === 'postgres') await sql`alter table partner_month_totals set (fillfactor = 50)`.execute(db);
    await db.schema
      .createTable('partner_total_state')
      .addColumn('partner_id', 'text', (c) => c.primaryKey())
      .addColumn('members', 'integer', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('built_at', 'text', (c) => c.notNull())
      .execute();
    await createPartnerTotalsTriggers(db, dialect);
  },
};
