/**
 * The just-in-time tables' queries (the delegations module owns them): a link's eligible-access
 * settings (delegation_jit_settings) and its members' activations (delegation_activations).
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DelegationActivationsTable, DelegationJitSettingsTable } from '../../platform/db/schema.ts';

export type JitSettingsRow = Selectable<DelegationJitSettingsTable>;
export type ActivationRow = Selectable<DelegationActivationsTable>;
type SettingsFields = Omit<Insertable<DelegationJitSettingsTable>, 'delegation_id' | 'tenant_id' | 'partner_id'>;

export function findSettings(db: Executor, delegationId: string): Promise<JitSettingsRow | undefined> {
  return db.selectFrom('delegation_jit_settings').selectAll().where('delegation_id', '=', delegationId).executeTakeFirst();
}

/** The settings rows of a tenant's or a partner's links (one query for a list page). */
export function listSettings(db: Executor, scope: { tenantId?: string; partnerId?: string }): Promise<JitSettingsRow[]> {
  let q = db.selectFrom('delegation_jit_settings').selectAll();
  if (scope.tenantId) q = q.where('tenant_id', '=', scope.tenantId);
  if (scope.partnerId) q = q.where('partner_id', '=', scope.partnerId);
  return q.execute();
}

export function findSettingsOf(db: Executor, delegationIds: readonly string[]): Promise<JitSettingsRow[]> {
  if (delegationIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('delegation_jit_settings').selectAll().where('delegation_id', 'in', delegationIds).execute();
}

export async function upsertSettings(db: Executor, link: { delegation_id: string; tenant_id: string; partner_id: string }, row: SettingsFields): Promise<void> {
  await db
    .insertInto('delegation_jit_settings')
    .values({ ...link, ...row })
    .onConflict((oc) => oc.column('delegation_id').doUpdateSet(row))
    .execute();
}

/** A member's open activation of a link: waiting for approval, or active until after `nowIso`. */
export function findOpenActivation(db: Executor, delegationId: string, userId: string, nowIso: string) {
  return db
    .selectFrom('delegation_activations')
    .select(['id', 'status', 'ends_at'])
    .where('delegation_id', '=', delegationId)
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'active'), eb('ends_at', '>', nowIso)])]))
    .executeTakeFirst();
}

export async function insertActivation(db: Executor, row: Insertable<DelegationActivationsTable>): Promise<void> {
  await db.insertInto('delegation_activations').values(row).execute();
}

export function findActivation(db: Executor, id: string): Promise<ActivationRow | undefined> {
  return db.selectFrom('delegation_activations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findActivationLink(db: Executor, id: string) {
  return db.selectFrom('delegation_activations').select(['delegation_id', 'tenant_id']).where('id', '=', id).executeTakeFirst();
}

/** Update an activation; `onlyIfPending` leaves one another decision reached first untouched. */
export async function updateActivation(db: Executor, id: string, patch: Partial<Insertable<DelegationActivationsTable>>, onlyIfPending = false): Promise<void> {
  let q = db.updateTable('delegation_activations').set(patch).where('id', '=', id);
  if (onlyIfPending) q = q.where('status', '=', 'pending');
  await q.execute();
}
