/**
 * The consolidated MSP views at 1,000 tenants (npm run bench:msp):
 *  - covering indexes for the per-tenant aggregates (billing totals and months, usage, SLA): the
 *    totals are read from the index in (tenant, …) order instead of one table row per invoice;
 *  - (tenant, status) indexes for the alert views (overdue invoices, breached SLA months), which
 *    otherwise read every invoice or SLA record of every tenant to find the few that match;
 *  - PostgreSQL: the row-level security policies of the tables a partner reads for its managed
 *    tenants test `tenant_id in (select unnest(…))` — a hash probe per row — instead of
 *    `tenant_id = any (array)`, which compared each row with each of the partner's tenants
 *    (rls.ts MANAGED_TERM; a fresh database gets it from the migrations that create the policies,
 *    an existing one from here).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

/** The managed-tenant term as PostgreSQL deparses the policies written before this migration. */
const OLD_TERM = /\(tenant_id = ANY \(COALESCE\(\( SELECT string_to_array\(current_setting\('app\.tenant_ids'::text, true\), ','::text\) AS string_to_array\), '\{\}'::text\[\]\)\)\)/g;
const NEW_TERM = "(tenant_id IN (SELECT unnest(string_to_array(current_setting('app.tenant_ids', true), ','))))";

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema.createIndex('invoices_tenant_totals_idx').on('invoices').columns(['tenant_id', 'currency', 'status', 'period', 'total_cents', 'balance_cents']).execute();
    await db.schema.createIndex('invoices_tenant_status_idx').on('invoices').columns(['tenant_id', 'status']).execute();
    await db.schema.createIndex('usage_records_tenant_totals_idx').on('usage_records').columns(['tenant_id', 'period', 'metric', 'currency', 'quantity', 'amount_cents']).execute();
    await db.schema.createIndex('sla_records_tenant_totals_idx').on('sla_records').columns(['tenant_id', 'period', 'status', 'achieved_pct', 'downtime_minutes']).execute();
    await db.schema.createIndex('sla_records_tenant_status_idx').on('sla_records').columns(['tenant_id', 'status', 'period']).execute();
    if (dialect !== 'postgres') return;
    const policies = await sql<{ tbl: string; pol: string; qual: string | null; chk: string | null }>`
      select c.relname as tbl, p.polname as pol, pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as chk
        from pg_policy p join pg_class c on c.oid = p.polrelid
       where c.relnamespace = current_schema()::regnamespace`.execute(db);
    for (const p of policies.rows) {
      const qual = p.qual?.replace(OLD_TERM, NEW_TERM) ?? null;
      const chk = p.chk?.replace(OLD_TERM, NEW_TERM) ?? null;
      if (qual === p.qual && chk === p.chk) continue;
      const using = qual !== null ? sql` using (${sql.raw(qual)})` : sql``;
      const check = chk !== null ? sql` with check (${sql.raw(chk)})` : sql``;
      await sql`alter policy ${sql.id(p.pol)} on ${sql.id(p.tbl)}${using}${check}`.execute(db);
    }
  },
};
