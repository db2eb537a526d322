/** Second factors, challenges, password resets and MFA policies: the rows. */
import { sql, type Insertable, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AuthChallengesTable, MfaPasskeysTable, MfaRecoveryCodesTable, MfaPoliciesTable, MfaTotpTable, PasswordResetsTable } from '../../platform/db/schema.ts';

export type TotpRow = Selectable<MfaTotpTable>;
export type PasskeyRow = Selectable<MfaPasskeysTable>;
export type ChallengeRow = Selectable<AuthChallengesTable>;
export type PasswordResetRow = Selectable<PasswordResetsTable>;
export type MfaPolicyRow = Selectable<MfaPoliciesTable>;

// ---- enrolled --------------------------------------------------------------------------------------

/**
 * Whether the user `userId` names (a column reference or a value) has a second factor set up: a
 * confirmed authenticator app or a passkey. The one statement of that rule: signing in reads it
 * with the account (identity.repo.ts findUserSigningIn), MfaService.enrolled on its own.
 */
export function enrolledSql(userId: RawBuilder<unknown>): RawBuilder<boolean | number> {
  return sql<boolean | number>`(exists (select 1 from mfa_totp t where t.user_id = ${userId} and t.status = 'active') or exists (select 1 from mfa_passkeys k where k.user_id = ${userId}))`;
}

/** enrolledSql's answer: PostgreSQL answers a boolean, SQLite 0 or 1. */
export function enrolledValue(v: boolean | number | null | undefined): boolean {
  return v === true || v === 1;
}

export async function isEnrolled(db: Executor, userId: string): Promise<boolean> {
  const r = await sql<{ enrolled: boolean | number }>`select ${enrolledSql(sql`${userId}`)} as enrolled`.execute(db);
  return enrolledValue(r.rows[0]?.enrolled);
}

// ---- TOTP ------------------------------------------------------------------------------------------

export function findTotp(db: Executor, userId: string): Promise<TotpRow | undefined> {
  return db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function upsertPendingTotp(db: Executor, row: Insertable<MfaTotpTable>): Promise<void> {
  await db.deleteFrom('mfa_totp').where('user_id', '=', row.user_id).execute();
  await db.insertInto('mfa_totp').values(row).execute();
}

export async function updateTotp(db: Executor, userId: string, patch: Partial<Insertable<MfaTotpTable>>): Promise<void> {
  await db.updateTable('mfa_totp').set(patch).where('user_id', '=', userId).execute();
}

/** Compare-and-set: a time step is accepted once, even by two requests at the same moment. */
export async function advanceTotpCounter(db: Executor, userId: string, counter: number, at: string): Promise<boolean> {
  const r = await db.updateTable('mfa_totp').set({ last_counter: counter, last_used_at: at }).where('user_id', '=', userId).where('last_counter', '<', counter).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteTotp(db: Executor, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('mfa_totp').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---- recovery codes -----------------------------------------------------------------------------

export async function replaceRecoveryCodes(db: Executor, userId: string, rows: Insertable<MfaRecoveryCodesTable>[]): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  if (rows.length > 0) await db.insertInto('mfa_recovery_codes').values(rows).execute();
}

export async function deleteRecoveryCodes(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
}

/** Uses one unused code; false when there is none with this hash (wrong, or used already — even by a concurrent request). */
export async function spendRecoveryCode(db: Executor, userId: string, codeHash: string, at: string): Promise<boolean> {
  const r = await db.updateTable('mfa_recovery_codes').set({ used_at: at }).where('user_id', '=', userId).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countRecoveryCodes(db: Executor, userId: string): Promise<{ total: number; unused: number }> {
  const rows = await db.selectFrom('mfa_recovery_codes').select(['used_at']).where('user_id', '=', userId).execute();
  return { total: rows.length, unused: rows.filter((r) => r.used_at === null).length };
}

// ---- passkeys ------------------------------------------------------------------------------------

export function listPasskeys(db: Executor, userId: string): Promise<PasskeyRow[]> {
  return db.selectFrom('mfa_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

export function findPasskeyByCredential(db: Executor, credentialId: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('mfa_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

export async function insertPasskey(db: Executor, row: Insertable<MfaPasskeysTable>): Promise<void> {
  await db.insertInto('mfa_passkeys').values(row).execute();
}

export async function updatePasskey(db: Executor, id: string, patch: Partial<Insertable<MfaPasskeysTable>>): Promise<void> {
  await db.updateTable('mfa_passkeys').set(patch).where('id', '=', id).execute();
}

export async function deletePasskey(db: Executor, userId: string, id: string): Promise<PasskeyRow | undefined> {
  const row = await db.selectFrom('mfa_passkeys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  if (row) await db.deleteFrom('mfa_passkeys').where('id', '=', id).execute();
  return row;
}

// ---- challenges ----------------------------------------------------------------------------------

export async function deleteChallenge(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('auth_challenges').where('id', '=', id).execute();
}

export async function insertChallenge(db: Executor, row: Insertable<AuthChallengesTable>): Promise<void> {
  await db.insertInto('auth_challenges').values(row).execute();
}

export function findChallenge(db: Executor, id: string): Promise<ChallengeRow | undefined> {
  return db.selectFrom('auth_challenges').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateChallenge(db: Executor, id: string, patch: Partial<Insertable<AuthChallengesTable>>): Promise<void> {
  await db.updateTable('auth_challenges').set(patch).where('id', '=', id).execute();
}

/** Counts one wrong answer; the new count. */
export async function countChallengeFailure(db: Executor, id: string): Promise<number> {
  await db
    .updateTable('auth_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
  return (await db.selectFrom('auth_challenges').select('attempts').where('id', '=', id).executeTakeFirst())?.attempts ?? Number.MAX_SAFE_INTEGER;
}

/** Takes the challenge (single use): false when another request took it first. */
export async function takeChallenge(db: Executor, id: string): Promise<boolean> {
  const r = await db.deleteFrom('auth_challenges').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function deleteChallengesOf(db: Executor, userId: string, purpose?: ChallengeRow['purpose']): Promise<void> {
  let q = db.deleteFrom('auth_challenges').where('user_id', '=', userId);
  if (purpose) q = q.where('purpose', '=', purpose);
  await q.execute();
}

export async function deleteExpiredChallenges(db: Executor, now: string): Promise<void> {
  await db.deleteFrom('auth_challenges').where('expires_at', '<', now).execute();
}

// ---- password resets -----------------------------------------------------------------------------

export async function insertPasswordReset(db: Executor, row: Insertable<PasswordResetsTable>): Promise<void> {
  await db.insertInto('password_resets').values(row).execute();
}

export function findPasswordReset(db: Executor, id: string): Promise<PasswordResetRow | undefined> {
  return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Compare-and-set: one link resets once. */
export async function consumePasswordReset(db: Executor, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('password_resets').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', at).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Older links of the user stop working when a new one is sent or one is used. */
export async function retirePasswordResets(db: Executor, userId: string, at: string): Promise<void> {
  await db.updateTable('password_resets').set({ used_at: at }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

// ---- policies -------------------------------------------------------------------------------------

export function listMfaPolicies(db: Executor): Promise<MfaPolicyRow[]> {
  return db.selectFrom('mfa_policies').selectAll().execute();
}

export function findMfaPolicy(db: Executor, scopeType: MfaPolicyRow['scope_type'], scopeId: string): Promise<MfaPolicyRow | undefined> {
  return db.selectFrom('mfa_policies').selectAll().where('scope_type', '=', scopeType).where('scope_id', '=', scopeId).executeTakeFirst();
}

export async function setMfaPolicy(db: Executor, row: Insertable<MfaPoliciesTable>): Promise<void> {
  await db.deleteFrom('mfa_policies').where('scope_type', '=', row.scope_type).where('scope_id', '=', row.scope_id).execute();
  await db.insertInto('mfa_policies').values(row).execute();
}
