import type { Insertable, Selectable } from 'kysely';
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { lockRows } from '../../platform/db/database.ts';
import type { PartnerConfigVersionsTable, PartnersTable } from '../../platform/db/schema.ts';
import { anyColumnContains, columnLike, likeLiteral } from '../../platform/db/search.ts';

export type PartnerRow = Selectable<PartnersTable>;

/** The partner by id, not yet run (for readTogether). */
export function selectPartnerById(db: Executor, id: string) {
  return db.selectFrom('partners').selectAll().where('id', '=', id);
}

export function findPartnerById(db: Executor, id: string): Promise<PartnerRow | undefined> {
  return selectPartnerById(db, id).executeTakeFirst();
}

/** Hold the partner's row until the caller's transaction ends (PostgreSQL; lockRows says when to take it). */
export function lockPartner(db: Db, trx: Tx, id: string, mode: 'update' | 'share' = 'update'): Promise<void> {
  return lockRows(db, trx, 'partners', { id }, mode);
}

export function findPartnerBySlug(db: Executor, slug: string): Promise<PartnerRow | undefined> {
  return db.selectFrom('partners').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function listPartners(db: Executor, f: { ids?: string[]; q?: string; status?: string; capability?: string; cursor?: string; limit: number }): Promise<PartnerRow[]> {
  let q = db.selectFrom('partners').selectAll();
  if (f.ids) {
    if (f.ids.length === 0) return Promise.resolve([]);
    q = q.where('id', 'in', f.ids);
  }
  if (f.q) {
    q = q.where(anyColumnContains(['slug', 'name'], f.q));
  }
  if (f.status) q = q.where('status', '=', f.status as PartnerRow['status']);
  // capabilities is a JSON array; `managed_services` holds a LIKE wildcard, matched literally here.
  if (f.capability) q = q.where(columnLike('capabilities', `%${likeLiteral(JSON.stringify(f.capability))}%`));
  if (f.cursor) q = q.where('id', '>', f.cursor);
  return q.orderBy('id').limit(f.limit + 1).execute();
}

export async function insertPartner(db: Executor, row: Insertable<PartnersTable>): Promise<void> {
  await db.insertInto('partners').values(row).execute();
}

export async function updatePartner(db: Executor, id: string, patch: Partial<Insertable<PartnersTable>>): Promise<void> {
  await db.updateTable('partners').set(patch).where('id', '=', id).execute();
}

export { findMemberByEmail, findMembershipByEmail, findMemberWithUserStatus, listActiveMemberContacts, listMembers } from './people-reads.ts';

export function findMember(db: Executor, partnerId: string, userId: string) {
  return db.selectFrom('partner_members').selectAll().where('partner_id', '=', partnerId).where('user_id', '=', userId).executeTakeFirst();
}

/** The active members' roles of a partner (no personal details). */
export function listActiveMemberRoles(db: Executor, partnerId: string) {
  return db.selectFrom('partner_members').select(['user_id', 'role']).where('partner_id', '=', partnerId).where('status', '=', 'active').execute();
}

export function findMembershipOfUser(db: Executor, userId: string) {
  return db.selectFrom('partner_members').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function countActiveOwners(db: Executor, partnerId: string): Promise<number> {
  const r = await db
    .selectFrom('partner_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partner_id', '=', partnerId)
    .where('role', '=', 'PARTNER_OWNER')
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertMember(
  db: Executor,
  row: { partner_id: string; user_id: string; role: 'PARTNER_OWNER' | 'PARTNER_STAFF'; status: 'active' | 'inactive'; invited_by: string | null; created_at: string },
): Promise<void> {
  await db.insertInto('partner_members').values(row).execute();
}

export async function updateMember(db: Executor, partnerId: string, userId: string, patch: { role?: 'PARTNER_OWNER' | 'PARTNER_STAFF'; status?: 'active' | 'inactive'; member_role?: string | null }): Promise<void> {
  await db.updateTable('partner_members').set(patch).where('partner_id', '=', partnerId).where('user_id', '=', userId).execute();
}

export async function deleteMember(db: Executor, partnerId: string, userId: string): Promise<void> {
  await db.deleteFrom('partner_members').where('partner_id', '=', partnerId).where('user_id', '=', userId).execute();
}

/** The operator's overview: active partners' capabilities, applications waiting (oldest first), arrivals since `sinceIso`. */
export async function partnerFigures(db: Executor, sinceIso: string, applicationsShown: number) {
  const [active, applied, applications, arrivals] = await Promise.all([
    db.selectFrom('partners').select('capabilities').where('status', '=', 'active').execute(),
    db.selectFrom('partners').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'applied').executeTakeFirstOrThrow(),
    db.selectFrom('partners').select(['id', 'name', 'applied_at']).where('status', '=', 'applied').orderBy('applied_at').orderBy('id').limit(applicationsShown).execute(),
    db.selectFrom('partners').select('created_at').where('created_at', '>=', sinceIso).execute(),
  ]);
  return { activeCapabilities: active.map((r) => r.capabilities), applied: Number(applied.n), applications, arrivals: arrivals.map((r) => r.created_at) };
}

/** One saved change of a partner's configuration (its history). */
export async function insertConfigVersion(db: Executor, row: Insertable<PartnerConfigVersionsTable>): Promise<void> {
  await db.insertInto('partner_config_versions').values(row).execute();
}

/** A distributor's resellers, by name. */
export function listResellersOf(db: Executor, distributorId: string) {
  return db
    .selectFrom('partners')
    .select(['id', 'name', 'slug', 'status', 'suspended_by_parent', 'status_reason', 'created_at'])
    .where('parent_partner_id', '=', distributorId)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** These partners' names and the distributor each resells under (null: none). */
export async function partnerParents(db: Executor, ids: readonly string[]): Promise<{ id: string; name: string; parent_partner_id: string | null }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('partners').select(['id', 'name', 'parent_partner_id']).where('id', 'in', [...ids]).execute();
}

/** Whether a partner has resellers of its own. */
export async function hasResellers(db: Executor, partnerId: string): Promise<boolean> {
  return (await db.selectFrom('partners').select('id').where('parent_partner_id', '=', partnerId).limit(1).executeTakeFirst()) !== undefined;
}
