import type { Insertable, Selectable } from 'kysely';
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { lockRows } from '../../platform/db/database.ts';
import type { BillingAccountsTable, TenantsTable } from '../../platform/db/schema.ts';
import { anyColumnContains } from '../../platform/db/search.ts';
import { identityQueries } from '../identity/index.ts';

export type TenantRow = Selectable<TenantsTable>;
export type BillingAccountRow = Selectable<BillingAccountsTable>;

/** The tenant by id, not yet run (for readTogether). */
export function selectTenantById(db: Executor, id: string) {
  return db.selectFrom('tenants').selectAll().where('id', '=', id);
}

export function findTenantById(db: Executor, id: string): Promise<TenantRow | undefined> {
  return selectTenantById(db, id).executeTakeFirst();
}

/** The tenant by slug, not yet run (for readTogether). */
export function selectTenantBySlug(db: Executor, slug: string) {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug);
}

export function findTenantBySlug(db: Executor, slug: string): Promise<TenantRow | undefined> {
  return selectTenantBySlug(db, slug).executeTakeFirst();
}

/** The names of some tenants (id → name); unknown ids are absent. */
export async function findTenantNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  return new Map((await db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', ids).execute()).map((t) => [t.id, t.name]));
}

/** The partners that referred any of these customers (at most a thousand ids a call). */
export async function findReferrersOf(db: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('tenants').select('referred_by_partner_id').distinct().where('id', 'in', ids).where('referred_by_partner_id', 'is not', null).execute();
  return rows.map((r) => r.referred_by_partner_id!);
}

/** The tenant by invite_code, not yet run (for readTogether). */
export function selectTenantByInviteCode(db: Executor, code: string) {
  return db.selectFrom('tenants').selectAll().where('invite_code', '=', code);
}

export function findTenantByInviteCode(db: Executor, code: string): Promise<TenantRow | undefined> {
  return selectTenantByInviteCode(db, code).executeTakeFirst();
}

/** Hold the tenant's row until the caller's transaction ends (PostgreSQL; lockRows says when to take it). */
export function lockTenant(db: Db, trx: Tx, id: string, mode: 'update' | 'share' = 'update'): Promise<void> {
  return lockRows(db, trx, 'tenants', { id }, mode);
}

export function listTenants(db: Executor, f: { ids?: string[]; q?: string; status?: string; cursor?: string; limit: number }): Promise<TenantRow[]> {
  let q = db.selectFrom('tenants').selectAll();
  if (f.ids) {
    if (f.ids.length === 0) return Promise.resolve([]);
    q = q.where('id', 'in', f.ids);
  }
  if (f.q) {
    q = q.where(anyColumnContains(['slug', 'name'], f.q));
  }
  if (f.status) q = q.where('status', '=', f.status as TenantRow['status']);
  if (f.cursor) q = q.where('id', '>', f.cursor);
  return q.orderBy('id').limit(f.limit + 1).execute();
}

export async function insertTenant(db: Executor, row: Insertable<TenantsTable>): Promise<void> {
  await db.insertInto('tenants').values(row).execute();
}

export async function updateTenant(db: Executor, id: string, patch: Partial<Insertable<TenantsTable>>): Promise<void> {
  await db.updateTable('tenants').set(patch).where('id', '=', id).execute();
}

/** How many people a tenant has, and how many open invitations (not accepted, revoked or expired at `now`) wait to join it. */
export async function countMembersAndInvitations(db: Executor, tenantId: string, now: string): Promise<{ members: number; pending: number }> {
  const m = await db.selectFrom('tenant_members').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return { members: Number(m.n), pending: await identityQueries.countPendingInvitations(db, 'tenant', tenantId, now) };
}

export { findMemberByEmail, listActiveAdminContacts, listMembers } from './member-reads.ts';

/** The active tenants a user is a member of, by name, with the user's role in each. */
export function listActiveTenantsOfMember(db: Executor, userId: string) {
  return db
    .selectFrom('tenant_members as m')
    .innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .select(['t.id', 't.name', 't.slug', 'm.role'])
    .where('m.user_id', '=', userId)
    .where('t.status', '=', 'active')
    .orderBy('t.name')
    .execute();
}

export function findMember(db: Executor, tenantId: string, userId: string) {
  return db.selectFrom('tenant_members').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
}

export async function countAdmins(db: Executor, tenantId: string): Promise<number> {
  const r = await db
    .selectFrom('tenant_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'TENANT_ADMIN')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertMember(db: Executor, row: { tenant_id: string; user_id: string; role: 'TENANT_ADMIN' | 'TENANT_USER'; invited_by: string | null; created_at: string }): Promise<void> {
  await db.insertInto('tenant_members').values(row).execute();
}

export async function updateMemberRole(db: Executor, tenantId: string, userId: string, role: 'TENANT_ADMIN' | 'TENANT_USER'): Promise<void> {
  await db.updateTable('tenant_members').set({ role }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
}

export async function deleteMember(db: Executor, tenantId: string, userId: string): Promise<void> {
  await db.deleteFrom('tenant_members').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
}

export function listBillingAccounts(db: Executor, tenantId: string): Promise<BillingAccountRow[]> {
  return db.selectFrom('billing_accounts').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
}

/** The accounts of many tenants at once (oldest first). */
export function listBillingAccountsOfTenants(db: Executor, tenantIds: readonly string[]): Promise<BillingAccountRow[]> {
  return db.selectFrom('billing_accounts').selectAll().where('tenant_id', 'in', tenantIds).orderBy('created_at').execute();
}

/** A tenant's accounts as a delegation's BAN scope names them (oldest first). */
export function listBillingAccountSummaries(db: Executor, tenantId: string) {
  return db.selectFrom('billing_accounts').select(['id', 'account_number', 'name', 'status']).where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
}

/** A tenant's active accounts, oldest first; accounts opened in the same millisecond (a seeded tenant) in their number's order, not the random id's. */
export function listActiveBillingAccounts(db: Executor, tenantId: string) {
  return db
    .selectFrom('billing_accounts')
    .select(['id', 'account_number', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('account_number')
    .execute();
}

export function findBillingAccount(db: Executor, tenantId: string, id: string): Promise<BillingAccountRow | undefined> {
  return db.selectFrom('billing_accounts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function insertBillingAccount(db: Executor, row: Insertable<BillingAccountsTable>): Promise<void> {
  await db.insertInto('billing_accounts').values(row).execute();
}

/** Rename the tenant's account when its name differs; the renamed row, or undefined (none, another tenant's, or the same name). */
export function renameBillingAccount(db: Executor, tenantId: string, id: string, name: string, at: string): Promise<BillingAccountRow | undefined> {
  return db.updateTable('billing_accounts').set({ name, updated_at: at }).where('id', '=', id).where('tenant_id', '=', tenantId).where('name', '<>', name).returningAll().executeTakeFirst();
}

export async function updateBillingAccount(db: Executor, id: string, patch: Partial<Insertable<BillingAccountsTable>>): Promise<void> {
  await db.updateTable('billing_accounts').set(patch).where('id', '=', id).execute();
}

/** The operator's overview: tenants by status, and when each arrived since `sinceIso`. */
export async function tenantFigures(db: Executor, sinceIso: string) {
  const [byStatus, arrivals] = await Promise.all([
    db.selectFrom('tenants').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
    db.selectFrom('tenants').select('created_at').where('created_at', '>=', sinceIso).execute(),
  ]);
  return { byStatus: byStatus.map((r) => ({ status: r.status as string, n: Number(r.n) })), arrivals: arrivals.map((r) => r.created_at) };
}
