/** The sso module's tables (migrations 0034, 0122): connections, group → role mappings, linked identities, flows, sessions made by single sign-on, logout tokens seen. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { SsoConnectionsTable, SsoIdentitiesTable, SsoSessionsTable } from '../../platform/db/schema.ts';
import type { GroupMapping, OrgType } from './sso-mapping.ts';

export type ConnectionRow = Selectable<SsoConnectionsTable>;
export type IdentityRow = Selectable<SsoIdentitiesTable>;
export interface Org {
  type: OrgType;
  id: string;
}

export function findConnectionOfOrg(db: Executor, org: Org): Promise<ConnectionRow | undefined> {
  return db.selectFrom('sso_connections').selectAll().where('org_type', '=', org.type).where('org_id', '=', org.id).executeTakeFirst();
}

export function findConnection(db: Executor, id: string): Promise<ConnectionRow | undefined> {
  return db.selectFrom('sso_connections').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listConnectionsOfOrgs(db: Executor, orgs: Org[]): Promise<ConnectionRow[]> {
  if (orgs.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('sso_connections')
    .selectAll()
    .where((eb) => eb.or(orgs.map((o) => eb.and([eb('org_type', '=', o.type), eb('org_id', '=', o.id)]))))
    .execute();
}

export async function insertConnection(db: Executor, row: Insertable<SsoConnectionsTable>): Promise<void> {
  await db.insertInto('sso_connections').values(row).execute();
}

export async function updateConnection(db: Executor, id: string, patch: Updateable<SsoConnectionsTable>): Promise<void> {
  await db.updateTable('sso_connections').set(patch).where('id', '=', id).execute();
}

/** SAML connections configured by metadata URL whose last re-read was tried before `beforeIso` (or never), oldest first. */
export function listMetadataDue(db: Executor, beforeIso: string, limit: number): Promise<ConnectionRow[]> {
  return db
    .selectFrom('sso_connections')
    .selectAll()
    .where('kind', '=', 'saml')
    .where('saml_idp_metadata_url', 'is not', null)
    .where((eb) => eb.or([eb('saml_idp_metadata_checked_at', 'is', null), eb('saml_idp_metadata_checked_at', '<', beforeIso)]))
    .orderBy('saml_idp_metadata_checked_at')
    .limit(limit)
    .execute();
}

/** SAML connections whose previous certificate of ours is past its overlap but still stored (sso-sp-rotation.ts). */
export function listSpPreviousEnded(db: Executor, nowIso: string, limit: number): Promise<ConnectionRow[]> {
  return db.selectFrom('sso_connections').selectAll().where('saml_sp_previous_until', 'is not', null).where('saml_sp_previous_until', '<=', nowIso).orderBy('saml_sp_previous_until').limit(limit).execute();
}

/** Drop the previous certificate whose overlap ended at `until`: true for the one writer that finds it still there. */
export async function clearSpPrevious(db: Executor, id: string, until: string, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('sso_connections')
    .set({ saml_sp_previous_private_key_enc: null, saml_sp_previous_certificate: null, saml_sp_previous_until: null, updated_at: nowIso })
    .where('id', '=', id)
    .where('saml_sp_previous_until', '=', until)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Take the re-read of one connection: true for the one instance whose write finds the try time still at `seen`. */
export async function claimMetadataRefresh(db: Executor, id: string, seen: string | null, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('sso_connections')
    .set({ saml_idp_metadata_checked_at: nowIso })
    .where('id', '=', id)
    .where((eb) => (seen === null ? eb('saml_idp_metadata_checked_at', 'is', null) : eb('saml_idp_metadata_checked_at', '=', seen)))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteConnection(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sso_connections').where('id', '=', id).execute();
}

export async function listMappings(db: Executor, connectionId: string): Promise<GroupMapping[]> {
  const rows = await db.selectFrom('sso_role_mappings').select(['group_name', 'role']).where('connection_id', '=', connectionId).orderBy('position').execute();
  return rows.map((r) => ({ group: r.group_name, role: r.role }));
}

export async function replaceMappings(db: Executor, connectionId: string, mappings: GroupMapping[]): Promise<void> {
  await db.deleteFrom('sso_role_mappings').where('connection_id', '=', connectionId).execute();
  if (mappings.length === 0) return;
  await db
    .insertInto('sso_role_mappings')
    .values(mappings.map((m, i) => ({ connection_id: connectionId, group_name: m.group, role: m.role, position: i })))
    .execute();
}

export function findIdentity(db: Executor, connectionId: string, subject: string): Promise<IdentityRow | undefined> {
  return db.selectFrom('sso_identities').selectAll().where('connection_id', '=', connectionId).where('subject', '=', subject).executeTakeFirst();
}

export async function insertIdentity(db: Executor, row: Insertable<SsoIdentitiesTable>): Promise<void> {
  await db.insertInto('sso_identities').values(row).execute();
}

export async function touchIdentity(db: Executor, connectionId: string, subject: string, patch: { email: string; last_sign_in_at: string }): Promise<void> {
  await db.updateTable('sso_identities').set(patch).where('connection_id', '=', connectionId).where('subject', '=', subject).execute();
}

export async function countIdentities(db: Executor, connectionId: string): Promise<number> {
  const r = await db.selectFrom('sso_identities').select((eb) => eb.fn.countAll<string>().as('n')).where('connection_id', '=', connectionId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export type SsoSessionRow = Selectable<SsoSessionsTable>;

export async function insertSsoSession(db: Executor, row: Insertable<SsoSessionsTable>): Promise<void> {
  await db.insertInto('sso_sessions').values(row).execute();
}

export function findSsoSession(db: Executor, sessionId: string): Promise<SsoSessionRow | undefined> {
  return db.selectFrom('sso_sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
}

/** The live sessions of one connection that came from one provider session (`upstreamHash`), else from one subject. */
export async function ssoSessionsMatching(db: Executor, connectionId: string, m: { subjectHash: string | null; upstreamHash: string | null }, now: string): Promise<{ session_id: string; user_id: string; saml_logout_enc: string | null }[]> {
  let q = db.selectFrom('sso_sessions').select(['session_id', 'user_id', 'saml_logout_enc']).where('connection_id', '=', connectionId).where('expires_at', '>', now);
  if (m.upstreamHash !== null) q = q.where('upstream_session_hash', '=', m.upstreamHash);
  if (m.subjectHash !== null) q = q.where('subject_hash', '=', m.subjectHash);
  if (m.upstreamHash === null && m.subjectHash === null) return [];
  return q.execute();
}

/** A logout token's jti, once: false when it was seen before (a replay). Expired ones are forgotten first. */
export async function takeLogoutJti(db: Executor, connectionId: string, jtiHash: string, expiresAt: string, now: string): Promise<boolean> {
  await db.deleteFrom('sso_logout_tokens').where('expires_at', '<', now).execute();
  const r = await db.insertInto('sso_logout_tokens').values({ connection_id: connectionId, jti_hash: jtiHash, expires_at: expiresAt }).onConflict((oc) => oc.columns(['connection_id', 'jti_hash']).doNothing()).returning('jti_hash').executeTakeFirst();
  return r !== undefined;
}
