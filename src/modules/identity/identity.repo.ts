/** Users, sessions, API tokens, invitations and the membership view of a user. */
import { writeSoon, type Executor } from '../../platform/db/database.ts';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { ApiTokensTable, InvitationsTable, SessionsTable, UsersTable } from '../../platform/db/schema.ts';
import { anyColumnContains } from '../../platform/db/search.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { emailForLookup } from '../../platform/email-address.ts';
import { enrolledSql, enrolledValue } from './mfa.repo.ts';

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type InvitationRow = Selectable<InvitationsTable>;

export function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', emailForLookup(email)).executeTakeFirst();
}

/**
 * Signing in: the account behind an address and whether it has a second factor set up
 * (mfa.repo.ts enrolledSql, the rule MfaService.enrolled asks too), in one statement.
 */
export async function findUserSigningIn(db: Executor, email: string): Promise<(UserRow & { mfaEnrolled: boolean }) | undefined> {
  const row = await db
    .selectFrom('users as u')
    .selectAll('u')
    .select(enrolledSql(sql.ref('u.id')).as('mfa_enrolled'))
    .where('u.email', '=', emailForLookup(email))
    .executeTakeFirst();
  if (!row) return undefined;
  const { mfa_enrolled, ...user } = row;
  return { ...user, mfaEnrolled: enrolledValue(mfa_enrolled) };
}

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Display names of some users (id → name); unknown ids are absent. */
/** The platform's operators whose accounts are active, with their names and e-mail addresses (who hears of the platform's events). */
export function listActiveOperators(db: Executor): Promise<Pick<UserRow, 'id' | 'email' | 'name'>[]> {
  return db.selectFrom('users').select(['id', 'email', 'name']).where('platform_role', '=', 'SUPER_ADMIN').where('status', '=', 'active').execute();
}

export async function findUserNames(db: Executor, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (want.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', want).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function insertUser(db: Executor, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values({ ...row, email: emailForLookup(row.email) }).execute();
}

export async function updateUser(db: Executor, id: string, patch: Partial<Insertable<UsersTable>>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function listUsers(
  db: Executor,
  f: { q?: string; status?: string; cursor?: string; limit: number },
): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll();
  if (f.q) {
    q = q.where(anyColumnContains(['email', 'name'], f.q));
  }
  if (f.status) q = q.where('status', '=', f.status as UserRow['status']);
  if (f.cursor) q = q.where('id', '>', f.cursor);
  return q.orderBy('id').limit(f.limit + 1).execute();
}

/** What a principal is made of: the user's own columns (principals.ts). */
export type PrincipalUser = Pick<UserRow, 'id' | 'email' | 'name' | 'status' | 'platform_role' | 'locale'>;

/** The user's columns beside a credential's (left join `users as u`): all null when the user is gone. */
const JOINED_USER = ['u.id as u_id', 'u.email as u_email', 'u.name as u_name', 'u.status as u_status', 'u.platform_role as u_platform_role', 'u.locale as u_locale'] as const;
type JoinedUser = { u_id: string | null; u_email: string | null; u_name: string | null; u_status: UserRow['status'] | null; u_platform_role: string | null; u_locale: string | null };

const sessionWithUser = prepared(1, (db, id) => db.selectFrom('sessions as s').leftJoin('users as u', 'u.id', 's.user_id').selectAll('s').select(JOINED_USER).where('s.id', '=', id));
const apiTokenWithUser = prepared(1, (db, hash) => db.selectFrom('api_tokens as a').leftJoin('users as u', 'u.id', 'a.user_id').selectAll('a').select(JOINED_USER).where('a.token_hash', '=', hash));

/** A joined row split into the credential's own columns and its user (null when the user is gone). */
function splitUser<T extends JoinedUser>(r: T): { own: Omit<T, keyof JoinedUser>; user: PrincipalUser | null } {
  const { u_id, u_email, u_name, u_status, u_platform_role, u_locale, ...own } = r;
  return { own, user: u_id === null ? null : { id: u_id, email: u_email!, name: u_name!, status: u_status!, platform_role: u_platform_role, locale: u_locale } };
}

/**
 * A session and its user in one statement (the user's columns null when the user is gone): the
 * first read of every API request a session cookie authenticates from the database.
 */
export async function findSessionWithUser(db: Executor, id: string): Promise<{ session: SessionRow; user: PrincipalUser | null } | undefined> {
  const r = (await sessionWithUser(db, id)).rows[0];
  if (r === undefined) return undefined;
  const { own, user } = splitUser(r);
  return { session: own, user };
}

export function findSession(db: Executor, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** In a transaction on PostgreSQL the row travels with the next statement or the COMMIT (writeSoon). */
export async function insertSession(db: Executor, row: Insertable<SessionsTable>): Promise<void> {
  await writeSoon(db, db.insertInto('sessions').values(row));
}

/** The person's last sign-in; as insertSession, no round trip of its own in a transaction on PostgreSQL. */
export async function recordLastLogin(db: Executor, userId: string, at: string): Promise<void> {
  await writeSoon(db, db.updateTable('users').set({ last_login_at: at }).where('id', '=', userId));
}

export async function touchSession(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsByUser(db: Executor, userId: string, exceptId?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}

const SESSION_INDEX_FIELDS = ['id', 'user_id', 'csrf_token', 'created_at', 'expires_at', 'last_seen_at', 'amr'] as const;

/** Every unexpired session, for the in-memory session index. */
export function listLiveSessions(db: Executor, nowIso: string): Promise<Pick<SessionRow, (typeof SESSION_INDEX_FIELDS)[number]>[]> {
  return db.selectFrom('sessions').select(SESSION_INDEX_FIELDS).where('expires_at', '>', nowIso).execute();
}

/** The sessions among `ids` that exist (the session index re-reads a batch of changes at once). */
export function findSessionsByIds(db: Executor, ids: readonly string[]): Promise<Pick<SessionRow, (typeof SESSION_INDEX_FIELDS)[number]>[]> {
  return db.selectFrom('sessions').select(SESSION_INDEX_FIELDS).where('id', 'in', ids).execute();
}

/** Every session of each of `userIds`. */
export function listSessionsOfUsers(db: Executor, userIds: readonly string[]): Promise<Pick<SessionRow, (typeof SESSION_INDEX_FIELDS)[number]>[]> {
  return db.selectFrom('sessions').select(SESSION_INDEX_FIELDS).where('user_id', 'in', userIds).execute();
}

/** Last activity of many sessions, never moved backwards. */
export async function touchSessions(db: Executor, seen: [id: string, at: string][]): Promise<void> {
  for (const [id, at] of seen) {
    await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).where('last_seen_at', '<', at).execute();
  }
}

export async function deleteExpiredSessions(db: Executor, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}

export function findApiTokenByHash(db: Executor, hash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

/** An API token and its user in one statement (the user's columns null when the user is gone). */
export async function findApiTokenWithUser(db: Executor, hash: string): Promise<{ token: ApiTokenRow; user: PrincipalUser | null } | undefined> {
  const r = (await apiTokenWithUser(db, hash)).rows[0];
  if (r === undefined) return undefined;
  const { own, user } = splitUser(r);
  return { token: own, user };
}

/** The API tokens among `ids` that exist. */
export function findApiTokensByIds(db: Executor, ids: readonly string[]): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').selectAll().where('id', 'in', ids).execute();
}

/** Tokens neither revoked nor expired at `nowIso` (the gateway's in-memory index). */
export function listLiveApiTokens(db: Executor, nowIso: string): Promise<Pick<ApiTokenRow, 'id' | 'user_id' | 'token_hash' | 'expires_at' | 'revoked_at' | 'revoked_reason'>[]> {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'token_hash', 'expires_at', 'revoked_at', 'revoked_reason'])
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
    .execute();
}

/** Record last uses, never moving one backwards (another instance may have written a later one). */
export async function touchApiTokens(db: Executor, uses: [id: string, at: string][]): Promise<void> {
  for (const [id, at] of uses) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
      .execute();
  }
}

export function listApiTokensByUser(db: Executor, userId: string): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
}

/** In a transaction on PostgreSQL the row travels with the next statement or the COMMIT, which reports a refusal (writeSoon). */
export async function insertApiToken(db: Executor, row: Insertable<ApiTokensTable>): Promise<void> {
  await writeSoon(db, db.insertInto('api_tokens').values(row));
}

/** Revoke a user's own token if it is live, in one statement; returns whether it was. */
export async function revokeOwnApiToken(db: Executor, id: string, userId: string, patch: { revoked_at: string; revoked_reason: ApiTokenRow['revoked_reason'] }): Promise<boolean> {
  const r = await db.updateTable('api_tokens').set(patch).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Does this user own a token with this id (revoked or not)? */
export async function ownsApiToken(db: Executor, id: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('api_tokens').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function updateApiToken(db: Executor, id: string, patch: Partial<Insertable<ApiTokensTable>>): Promise<void> {
  await db.updateTable('api_tokens').set(patch).where('id', '=', id).execute();
}

export function findInvitationByHash(db: Executor, hash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export function findInvitationById(db: Executor, id: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Not accepted, not revoked, not expired at `now`. */
export function listPendingInvitationsByScope(db: Executor, scopeType: 'tenant' | 'partner', scopeId: string, now: string): Promise<InvitationRow[]> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('scope_type', '=', scopeType)
    .where('scope_id', '=', scopeId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export function listPendingInvitationsByEmail(db: Executor, email: string, now: string): Promise<InvitationRow[]> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('email', '=', emailForLookup(email))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** How many open invitations (not accepted, revoked or expired at `now`) wait to join a tenant or a partner. */
export async function countPendingInvitations(db: Executor, scopeType: 'tenant' | 'partner', scopeId: string, now: string): Promise<number> {
  const i = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('scope_type', '=', scopeType)
    .where('scope_id', '=', scopeId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(i.n);
}

export async function insertInvitation(db: Executor, row: Insertable<InvitationsTable>): Promise<void> {
  await db.insertInto('invitations').values(row).execute();
}

export async function updateInvitation(db: Executor, id: string, patch: Partial<Insertable<InvitationsTable>>): Promise<void> {
  await db.updateTable('invitations').set(patch).where('id', '=', id).execute();
}

export async function revokeInvitationsFor(db: Executor, scopeType: 'tenant' | 'partner', scopeId: string, email: string, at: string): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ revoked_at: at })
    .where('scope_type', '=', scopeType)
    .where('scope_id', '=', scopeId)
    .where('email', '=', emailForLookup(email))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The operator's overview: accounts by status. */
export async function userFigures(db: Executor): Promise<{ status: string; n: number }[]> {
  const rows = await db.selectFrom('users').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return rows.map((r) => ({ status: r.status as string, n: Number(r.n) }));
}

/** A session now counts as second-factor authenticated (its amr and when). */
export async function markSessionMfa(db: Executor, sessionId: string, amr: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ amr, mfa_at: at }).where('id', '=', sessionId).execute();
}

/** A user's live sessions but one, newest first (the sign-in's session limit ends the oldest over it). */
export async function liveSessionsOf(db: Executor, userId: string, now: string, exceptId: string): Promise<{ id: string; created_at: string }[]> {
  return db.selectFrom('sessions').select(['id', 'created_at']).where('user_id', '=', userId).where('expires_at', '>', now).where('id', '!=', exceptId).orderBy('created_at', 'desc').orderBy('id').execute();
}
