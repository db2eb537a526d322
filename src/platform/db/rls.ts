/**
 * Row-level security on PostgreSQL, the second wall behind the application's checks
 * (on PostgreSQL the application's role owns no table and cannot bypass it): every table with a `tenant_id` has ENABLE and FORCE ROW LEVEL SECURITY and
 * policies keyed on the transaction-local settings db-context.ts sends (app.scope,
 * app.tenant_id, app.partner_id, app.tenant_ids, app.user_id):
 *  - system / operator: every row;
 *  - tenant: rows of that tenant;
 *  - partner: the tenants it may act on (the decision snapshot's answer, in app.tenant_ids) on
 *    the tables of customer data, and its own rows where a table names the partner;
 *  - user: its own rows where a table says so (its memberships), read only;
 *  - no context: nothing.
 * A migration that adds a tenant table calls enableTenantRls for it; a test lists every table
 * with a tenant_id column and fails on one without (tablesMissingRls).
 *
 * The settings can be changed by any statement the application sends, so this wall stops a
 * query that forgot its tenant filter or was handed another tenant's id — not an attacker who
 * can run SQL of their choice as the application role.
 */
import { sql, type Kysely } from 'kysely';
import type { Dialect } from './dialect.ts';

/**
 * The tables behind the wall, as the application knows them: a statement outside a transaction
 * that reads none of them is sent without a context (pg-context-dialect.ts). A migration that walls
 * a table adds it here; rls.test.ts fails when this list and the database's differ.
 */
export const WALLED_TABLES: ReadonlySet<string> = new Set([
  'access_approval_policies',
  'access_request_approvals',
  'access_requests',
  'audit_events',
  'billing_accounts',
  'ciba_requests',
  'customer_accounts',
  'delegation_activations',
  'delegation_jit_settings',
  'delegation_limits',
  'delegation_notices',
  'delegation_relationships',
  'delegations',
  'domain_events',
  'invoice_totals',
  'invoices',
  'link_commitments',
  'kyc_cases',
  'kyc_documents',
  'orders',
  'partner_agencies',
  'partner_alerts',
  'partner_tokens',
  'partner_total_members',
  'program_earning_invoices',
  'program_earnings',
  'provisioned_services',
  'referral_attributions',
  'sla_records',
  'subscribers',
  'subscriptions',
  'support_tickets',
  'sync_records',
  'sync_tenant_state',
  'tenant_members',
  'ticket_totals',
  'usage_records',
  'vouchers',
]);

export interface TenantTableRls {
  table: string;
  /** a partner context sees the rows of the tenants it may act on (customer data) */
  managed?: boolean;
  /** a partner context sees (and writes) rows one of these columns names it in */
  partnerColumns?: readonly string[];
  /** a user context may read rows this column names it in */
  userReadColumn?: string;
  /** append-only (audit_events): no update or delete policy; rows about no tenant may be added in any context */
  appendOnly?: boolean;
}

/** `(select …)`: evaluated once per statement (an InitPlan), not once per row. */
const setting = (name: string) => `(select current_setting('${name}', true))`;

/**
 * A partner's managed tenants: `in (select unnest(…))`, an uncorrelated subquery PostgreSQL runs
 * once and probes as a hash table (a "hashed SubPlan"). An MSP with a thousand customers sends a
 * thousand ids; `= any (array)` compared each row with every one of them (120,000 invoices: 120
 * million comparisons, seconds per consolidated view). A missing or empty setting is no tenant.
 */
export const MANAGED_TERM = `(${setting('app.scope')} = 'partner' and tenant_id in (select unnest(string_to_array(current_setting('app.tenant_ids', true), ','))))`;

function visibility(spec: TenantTableRls): string {
  const terms = [`${setting('app.scope')} in ('system', 'operator')`, `tenant_id = ${setting('app.tenant_id')}`];
  if (spec.managed) terms.push(MANAGED_TERM);
  for (const c of spec.partnerColumns ?? []) terms.push(`${c} = ${setting('app.partner_id')}`);
  return terms.join(' or ');
}

/** The DDL that puts a tenant table behind the wall (idempotent: policies are replaced). */
export function tenantRlsStatements(spec: TenantTableRls): string[] {
  const t = spec.table;
  const vis = visibility(spec);
  const out = [
    `alter table ${t} enable row level security`,
    `alter table ${t} force row level security`,
    `drop policy if exists ${t}_tenant_wall on ${t}`,
    `drop policy if exists ${t}_tenant_wall_insert on ${t}`,
    `drop policy if exists ${t}_user_read on ${t}`,
    `drop policy if exists ${t}_seal on ${t}`,
  ];
  if (spec.appendOnly) {
    out.push(`create policy ${t}_tenant_wall on ${t} for select using (${vis})`);
    out.push(`create policy ${t}_tenant_wall_insert on ${t} for insert with check (tenant_id is null or ${vis})`);
    // the sealer (AuditLog.seal, as the system) writes an event's chain position and hashes; the
    // guard trigger refuses any other update, and the app role may update only those columns
    out.push(`create policy ${t}_seal on ${t} for update using (${setting('app.scope')} = 'system') with check (${setting('app.scope')} = 'system')`);
  } else {
    out.push(`create policy ${t}_tenant_wall on ${t} for all using (${vis}) with check (${vis})`);
  }
  if (spec.userReadColumn) out.push(`create policy ${t}_user_read on ${t} for select using (${spec.userReadColumn} = ${setting('app.user_id')})`);
  return out;
}

/** For migrations: put a tenant table behind the wall (a no-op on SQLite). */
export async function enableTenantRls(db: Kysely<any>, dialect: Dialect, spec: TenantTableRls): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const s of tenantRlsStatements(spec)) await sql.raw(s).execute(db);
}

/** Every table of the current schema with a tenant_id column, and whether it is behind the wall (RLS enabled and forced). */
export async function tenantTables(db: Kysely<any>): Promise<{ table: string; walled: boolean }[]> {
  const r = await sql<{ table_name: string; walled: boolean }>`
    select c.relname as table_name, (c.relrowsecurity and c.relforcerowsecurity) as walled
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where n.nspname = current_schema() and c.relkind in ('r', 'p')
     order by 1`.execute(db);
  return r.rows.map((x) => ({ table: x.table_name, walled: x.walled }));
}

/** Tables with a tenant_id column that are not behind the wall. */
export async function tablesMissingRls(db: Kysely<any>): Promise<string[]> {
  return (await tenantTables(db)).filter((t) => !t.walled).map((t) => t.table);
}

/** Every table of the current schema with row-level security enabled. */
export async function tablesWithRls(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ t: string }>`
    select relname as t from pg_class where relnamespace = current_schema()::regnamespace and relkind in ('r', 'p') and relrowsecurity order by 1`.execute(db);
  return r.rows.map((x) => x.t);
}
