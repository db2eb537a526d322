/**
 * Tenants and billing accounts looked up by other modules: by what a provider's records name
 * (the data sync, src/modules/datasources: accounts by number, customers by reference, and the
 * one write the sync makes to an account it may not delete: closing it), an invoice's heading, and
 * the account numbers an access token claims (the authorization server).
 */
import { PostgresAdapter, sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** The billing accounts with these numbers: PostgreSQL takes any number of them as one array; SQLite at most a thousand a call. */
export function findBillingAccountsByNumbers(db: Executor, numbers: readonly string[]) {
  const q = db.selectFrom('billing_accounts').select(['id', 'tenant_id', 'account_number']);
  if (db.getExecutor().adapter instanceof PostgresAdapter) return q.where(sql<boolean>`account_number = any(${[...numbers]}::text[])`).execute();
  return q.where('account_number', 'in', numbers).execute();
}

export function findBillingAccountByNumber(db: Executor, number: string) {
  return db.selectFrom('billing_accounts').select(['id', 'tenant_id']).where('account_number', '=', number).executeTakeFirst();
}

export async function findBillingAccountNumber(db: Executor, id: string): Promise<string | null> {
  return (await db.selectFrom('billing_accounts').select('account_number').where('id', '=', id).executeTakeFirst())?.account_number ?? null;
}

/** The tenants with these references (slugs), at most a thousand a call. */
export function findTenantIdsBySlugs(db: Executor, slugs: readonly string[]) {
  return db.selectFrom('tenants').select(['id', 'slug']).where('slug', 'in', slugs).execute();
}

export async function closeBillingAccount(db: Executor, id: string, nowIso: string): Promise<void> {
  await db.updateTable('billing_accounts').set({ status: 'closed', updated_at: nowIso }).where('id', '=', id).execute();
}

/** A tenant's name and one of its billing accounts' number and name (an invoice's heading), in one query. */
export function findTenantAndAccountNames(db: Executor, tenantId: string, banId: string) {
  return db
    .selectFrom('tenants as t')
    .leftJoin('billing_accounts as b', (j) => j.on('b.id', '=', banId).on('b.tenant_id', '=', tenantId))
    .select(['t.name as tenant_name', 'b.account_number as ban_account_number', 'b.name as ban_name'])
    .where('t.id', '=', tenantId)
    .executeTakeFirst();
}

/** Account numbers of the given billing accounts of a tenant (all its active ones when ids is null), oldest first. */
export async function listAccountNumbers(db: Executor, tenantId: string, ids: readonly string[] | null): Promise<string[]> {
  let q = db.selectFrom('billing_accounts').select('account_number').where('tenant_id', '=', tenantId);
  if (ids === null) q = q.where('status', '=', 'active');
  else if (ids.length === 0) return [];
  else q = q.where('id', 'in', ids);
  return (await q.orderBy('created_at').orderBy('id').execute()).map((r) => r.account_number);
}

/** A tenant's active accounts and (when named) one more account by id, in one statement: what a token's BAN claims stand on. */
export function findActiveAccountsAnd(db: Executor, tenantId: string, alsoId: string | null) {
  return db
    .selectFrom('billing_accounts')
    .select(['id', 'tenant_id', 'account_number', 'created_at', 'status'])
    .where((eb) => eb.or([eb.and([eb('tenant_id', '=', tenantId), eb('status', '=', 'active')]), ...(alsoId ? [eb('id', '=', alsoId)] : [])]))
    .execute();
}

/** These accounts' tenants, numbers and creation times (what never changes of an account). */
export function findAccountsByIds(db: Executor, ids: readonly string[]) {
  return db.selectFrom('billing_accounts').select(['id', 'tenant_id', 'account_number', 'created_at']).where('id', 'in', ids).execute();
}
