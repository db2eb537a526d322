/** The SCIM tables (migration 0033): connections, provisioned people and groups, recent requests. Owned by modules/scim. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ScimConnectionsTable, ScimGroupsTable, ScimOrgType, ScimUsersTable } from '../../platform/db/schema.ts';

export type ConnectionRow = Selectable<ScimConnectionsTable>;
export type ScimUserRow = Selectable<ScimUsersTable>;
export type ScimGroupRow = Selectable<ScimGroupsTable>;
export interface Org {
  type: ScimOrgType;
  id: string;
}

/** How many requests the portal's log keeps per organization. */
export const KEPT_REQUESTS = 50;

export function findConnectionByOrg(db: Executor, org: Org) {
  return db.selectFrom('scim_connections').selectAll().where('org_type', '=', org.type).where('org_id', '=', org.id).executeTakeFirst();
}

export function findConnectionByTokenHash(db: Executor, hash: string) {
  return db.selectFrom('scim_connections').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export async function insertConnection(db: Executor, row: Insertable<ScimConnectionsTable>) {
  await db.insertInto('scim_connections').values(row).execute();
}

export async function updateConnection(db: Executor, id: string, patch: Updateable<ScimConnectionsTable>) {
  await db.updateTable('scim_connections').set(patch).where('id', '=', id).execute();
}

// ---- people ------------------------------------------------------------------------------------

export function listScimUsers(db: Executor, org: Org) {
  return db.selectFrom('scim_users').selectAll().where('org_type', '=', org.type).where('org_id', '=', org.id).orderBy('created_at').orderBy('user_id').execute();
}

export function findScimUser(db: Executor, org: Org, userId: string) {
  return db.selectFrom('scim_users').selectAll().where('org_type', '=', org.type).where('org_id', '=', org.id).where('user_id', '=', userId).executeTakeFirst();
}

export function findScimUserByExternalId(db: Executor, org: Org, externalId: string) {
  return db.selectFrom('scim_users').selectAll().where('org_type', '=', org.type).where('org_id', '=', org.id).where('external_id', '=', externalId).executeTakeFirst();
}

export async function insertScimUser(db: Executor, row: Insertable<ScimUsersTable>) {
  await db.insertInto('scim_users').values(row).execute();
}

export async function updateScimUser(db: Executor, org: Org, userId: string, patch: Updateable<ScimUsersTable>) {
  await db.updateTable('scim_users').set(patch).where('org_type', '=', org.type).where('org_id', '=', org.id).where('user_id', '=', userId).execute();
}

export async function deleteScimUser(db: Executor, org: Org, userId: string) {
  await db.deleteFrom('scim_users').where('org_type', '=', org.type).where('org_id', '=', org.id).where('user_id', '=', userId).execute();
  await db
    .deleteFrom('scim_group_members')
    .where('user_id', '=', userId)
    .where('group_id', 'in', (eb) => eb.selectFrom('scim_groups').select('id').where('org_type', '=', org.type).where('org_id', '=', org.id))
    .execute();
}

// ---- groups ------------------------------------------------------------------------------------

export function listGroups(db: Executor, org: Org) {
  return db.selectFrom('scim_groups').selectAll().where('org_type', '=', org.type).where('org_id', '=', org.id).orderBy('created_at').orderBy('id').execute();
}

export function findGroup(db: Executor, org: Org, id: string) {
  return db.selectFrom('scim_groups').selectAll().where('org_type', '=', org.type).where('org_id', '=', org.id).where('id', '=', id).executeTakeFirst();
}

export async function insertGroup(db: Executor, row: Insertable<ScimGroupsTable>) {
  await db.insertInto('scim_groups').values(row).execute();
}

export async function updateGroup(db: Executor, id: string, patch: Updateable<ScimGroupsTable>) {
  await db.updateTable('scim_groups').set(patch).where('id', '=', id).execute();
}

export async function deleteGroup(db: Executor, id: string) {
  await db.deleteFrom('scim_group_members').where('group_id', '=', id).execute();
  await db.deleteFrom('scim_groups').where('id', '=', id).execute();
}

export async function listGroupMembers(db: Executor, groupIds: readonly string[]) {
  if (groupIds.length === 0) return [];
  return db.selectFrom('scim_group_members').selectAll().where('group_id', 'in', groupIds).execute();
}

export async function setGroupMembers(db: Executor, groupId: string, userIds: readonly string[]) {
  await db.deleteFrom('scim_group_members').where('group_id', '=', groupId).execute();
  if (userIds.length > 0) await db.insertInto('scim_group_members').values(userIds.map((user_id) => ({ group_id: groupId, user_id }))).execute();
}

/** The member roles of the groups a person is in, within one organization. */
export async function memberRolesOfUser(db: Executor, org: Org, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('scim_group_members')
    .innerJoin('scim_groups', 'scim_groups.id', 'scim_group_members.group_id')
    .select('scim_groups.member_role')
    .where('scim_group_members.user_id', '=', userId)
    .where('scim_groups.org_type', '=', org.type)
    .where('scim_groups.org_id', '=', org.id)
    .execute();
  return rows.map((r) => r.member_role).filter((r): r is string => r !== null);
}

// ---- request log -------------------------------------------------------------------------------

export async function insertRequest(db: Executor, org: Org, row: { method: string; path: string; status: number; result: string; at: string }) {
  await db.insertInto('scim_requests').values({ org_type: org.type, org_id: org.id, ...row }).execute();
  // keep the last KEPT_REQUESTS: delete what is older than the KEPT_REQUESTS-th newest
  const cut = await db.selectFrom('scim_requests').select('id').where('org_type', '=', org.type).where('org_id', '=', org.id).orderBy('id', 'desc').offset(KEPT_REQUESTS).limit(1).executeTakeFirst();
  if (cut) await db.deleteFrom('scim_requests').where('org_type', '=', org.type).where('org_id', '=', org.id).where('id', '<=', cut.id).execute();
}

export function listRequests(db: Executor, org: Org, limit: number) {
  return db.selectFrom('scim_requests').select(['id', 'method', 'path', 'status', 'result', 'at']).where('org_type', '=', org.type).where('org_id', '=', org.id).orderBy('id', 'desc').limit(limit).execute();
}
