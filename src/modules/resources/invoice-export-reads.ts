/**
 * The invoice export's reads of invoices (a cross-table read model, listed in READERS in
 * src/app/table-owners.ts): the export searches as the invoice list does, by the invoice's number
 * or its billing account's number or name, in the one statement that counts or pages a customer's
 * invoices (a subquery on the tenants module's billing accounts), and names each page's accounts
 * in one query. It only reads.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { likePattern } from '../../platform/http/list-params.ts';
import { scopeFilter, type InvoiceRow, type TenantScope } from './resources.repo.ts';

export interface InvoiceExportFilter {
  status?: string;
  period_from?: string;
  period_to?: string;
  q?: string;
}

/** A customer's invoices the export holds; `nameMatches`: the customer's name matched `q`, so all of them. */
export function exportWhere(scope: TenantScope, f: InvoiceExportFilter, range: { from?: string; to?: string }, nameMatches: boolean): RawBuilder<SqlBool> {
  const w: RawBuilder<SqlBool>[] = [scopeFilter([scope], 'i')];
  if (f.status) w.push(sql<SqlBool>`i.status = ${f.status}`);
  if (f.period_from) w.push(sql<SqlBool>`i.period >= ${f.period_from}`);
  if (f.period_to) w.push(sql<SqlBool>`i.period <= ${f.period_to}`);
  if (range.from) w.push(sql<SqlBool>`i.issued_at >= ${range.from}`);
  if (range.to) w.push(sql<SqlBool>`i.issued_at <= ${range.to}`);
  // q as the list searches it: the invoice number or its billing account's number or name (the customer's name is matched whole, above)
  if (f.q && !nameMatches) w.push(sql<SqlBool>`(lower(i.number) like ${likePattern(f.q)} escape '\\' or i.ban_id in (select ba.id from billing_accounts ba where ba.tenant_id = ${scope.tenantId} and (lower(ba.account_number) like ${likePattern(f.q)} escape '\\' or lower(ba.name) like ${likePattern(f.q)} escape '\\')))`);
  return sql.join(w, sql` and `) as RawBuilder<SqlBool>;
}

/** How many invoices match any of these conditions (exportWhere's). */
export async function countExportInvoices(db: Executor, conds: readonly RawBuilder<SqlBool>[]): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from invoices i where ${sql.join(conds.map((c) => sql`(${c})`), sql` or `)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** A page of the invoices matching `where`, newest first, after the invoice `after`. */
export async function exportInvoicePage(db: Executor, where: RawBuilder<SqlBool>, after: string | null, limit: number): Promise<InvoiceRow[]> {
  return (await sql<InvoiceRow>`select i.* from invoices i where ${where}${after ? sql` and i.id < ${after}` : sql``} order by i.id desc limit ${limit}`.execute(db)).rows;
}

/** The numbers and names of these billing accounts. */
export function accountNames(db: Executor, banIds: readonly string[]) {
  return db.selectFrom('billing_accounts').select(['id', 'account_number', 'name']).where('id', 'in', banIds).execute();
}
