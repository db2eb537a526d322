/**
 * The lifecycle sweep's queries (lifecycle-sweep.ts): links due for auto-extend, links nearing
 * their end, the compare-and-set extension and the expiry notices sent (delegation_notices).
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DelegationRow } from './delegations.repo.ts';

/** Active links past their end date that may auto-extend (on, or no settings row: on by default), oldest end first. */
export function listAutoExtendDue(db: Executor, nowIso: string, limit: number) {
  return db
    .selectFrom('delegations as d')
    .leftJoin('delegation_jit_settings as s', 's.delegation_id', 'd.id')
    .select(['d.id', 'd.ends_at'])
    .where('d.origin', '=', 'link')
    .where('d.status', '=', 'active')
    .where((eb) => eb.or([eb('s.auto_extend', '=', 1), eb('s.delegation_id', 'is', null)]))
    .where('d.ends_at', '<=', nowIso)
    .orderBy('d.ends_at')
    .limit(limit)
    .execute();
}

/** Move an active delegation's end date from `fromEndsAt` to `toEndsAt`; false when another instance moved it first. */
export async function extendIfUnchanged(db: Executor, id: string, fromEndsAt: string, toEndsAt: string, nowIso: string): Promise<boolean> {
  const r = await db.updateTable('delegations').set({ ends_at: toEndsAt, updated_at: nowIso }).where('id', '=', id).where('ends_at', '=', fromEndsAt).where('status', '=', 'active').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Active links and wholesale delegations ending after `nowIso` and by `horizonIso`, soonest first. */
export function listEndingBy(db: Executor, nowIso: string, horizonIso: string, limit: number): Promise<DelegationRow[]> {
  return db
    .selectFrom('delegations')
    .selectAll()
    .where('status', '=', 'active')
    .where('origin', 'in', ['link', 'wholesale'])
    .where('ends_at', '>', nowIso)
    .where('ends_at', '<=', horizonIso)
    .orderBy('ends_at')
    .limit(limit)
    .execute();
}

/** Record a notice once per (delegation, end date, threshold); true only for the call that added it. */
export async function insertNoticeOnce(db: Executor, n: { delegation_id: string; ends_at: string; threshold_days: number; tenant_id: string; partner_id: string; sent_at: string }): Promise<boolean> {
  const r = await db
    .insertInto('delegation_notices')
    .values(n)
    .onConflict((oc) => oc.columns(['delegation_id', 'ends_at', 'threshold_days']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export function listNotices(db: Executor, delegationId: string) {
  return db.selectFrom('delegation_notices').selectAll().where('delegation_id', '=', delegationId).orderBy(sql`sent_at`).execute();
}
