/**
 * Open tickets per customer and billing account, kept as tickets are written. The MSP dashboard and
 * the customers' figures counted every open ticket of every managed customer on each request: at
 * 10,000 customers and 100,000 tickets that is a scan of the tickets table and a sort of the 66,000
 * open ones, 165 ms of PostgreSQL per dashboard — its longest statement. They now read one row per
 * customer and account.
 *
 *  - ticket_totals: per (tenant, billing account) the number of tickets not resolved or closed
 *    (open, in progress, waiting on the customer). A ticket about no account (the customer's own)
 *    counts under the account '' — an id no billing account has, so a caller who sees only some of
 *    a customer's accounts never sees it, as with the tickets themselves. A row whose tickets all
 *    closed stays with 0; readers skip it.
 *  - Triggers keep it, as the invoice totals (migration 0045) are kept: whatever writes a ticket (the
 *    sync API, the portal, the help desk's webhook, the demo world) moves the counts in the same
 *    transaction. On PostgreSQL one statement-level trigger per operation upserts each touched row
 *    once, in key order; on SQLite a row trigger per operation.
 * The table names the tenant and sits behind the tenant wall as the tickets do.
 */
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

/** The statuses a ticket counts as open in. */
const OPEN = `('open', 'in_progress', 'waiting_on_customer')`;
const opened = (r: string) => `case when ${r}.status in ${OPEN} then 1 else 0 end`;
const onConflict = 'on conflict (tenant_id, ban_id) do update set open = ticket_totals.open + excluded.open';

function pgTriggerFunction(op: 'insert' | 'update' | 'delete'): string {
  const side = (table: string, sign: number) => `select r.tenant_id, coalesce(r.ban_id, '') as ban_id, ${sign} * ${opened('r')} as open from ${table} r`;
  const sides = [...(op !== 'delete' ? [side('new_tickets', 1)] : []), ...(op !== 'insert' ? [side('old_tickets', -1)] : [])];
  return `create or replace function ticket_totals_on_${op}() returns trigger language plpgsql as $$
begin
  insert into ticket_totals (tenant_id, ban_id, open)
  select tenant_id, ban_id, sum(open)
    from (${sides.join(' union all ')}) d
   group by tenant_id, ban_id
  having sum(open) <> 0
   order by tenant_id, ban_id
  ${onConflict};
  return null;
end $$`;
}

const REFERENCING = { insert: 'new table as new_tickets', update: 'old table as old_tickets new table as new_tickets', delete: 'old table as old_tickets' } as const;

function sqliteTrigger(op: 'insert' | 'update' | 'delete'): string {
  const upsert = (r: 'new' | 'old', sign: number) => `insert into ticket_totals (tenant_id, ban_id, open) select ${r}.tenant_id, coalesce(${r}.ban_id, ''), ${sign} where ${r}.status in ${OPEN} ${onConflict};`;
  const body = [...(op !== 'insert' ? [upsert('old', -1)] : []), ...(op !== 'delete' ? [upsert('new', 1)] : [])];
  return `create trigger ticket_totals_on_${op} after ${op} on support_tickets for each row begin\n  ${body.join('\n  ')}\nend`;
}

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema
      .createTable('ticket_totals')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('ban_id', 'text', (c) => c.notNull())
      .addColumn('open', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('ticket_totals_pkey', ['tenant_id', 'ban_id'])
      .execute();
    // updated in place with every ticket opened or closed: room on each page to stay there (see invoice_totals)
    if (dialect === 'postgres') await sql`alter table ticket_totals set (fillfactor = 50)`.execute(db);
    await enableTenantRls(db, dialect, { table: 'ticket_totals', managed: true });
    await sql.raw(`insert into ticket_totals (tenant_id, ban_id, open) select r.tenant_id, coalesce(r.ban_id, ''), sum(${opened('r')}) from support_tickets r group by r.tenant_id, coalesce(r.ban_id, '')`).execute(db);
    await createTicketTotalsTriggers(db, dialect);
  },
};

async function createTicketTotalsTriggers(db: Kysely<any>, dialect: Dialect): Promise<void> {
  for (const op of ['insert', 'update', 'delete'] as const) {
    if (dialect === 'postgres') {
      await sql.raw(pgTriggerFunction(op)).execute(db);
      await sql.raw(`create trigger ticket_totals_on_${op} after ${op} on support_tickets referencing ${REFERENCING[op]} for each statement execute function ticket_totals_on_${op}()`).execute(db);
    } else {
      await sql.raw(sqliteTrigger(op)).execute(db);
    }
  }
}
