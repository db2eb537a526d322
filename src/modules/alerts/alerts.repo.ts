/**
 * The alerts module's tables: a link's commitments (link_commitments) and the alerts raised on
 * partners' links (partner_alerts). The inbox's pages, which name the tenant and the people, are
 * alert-reads.ts's.
 */
import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { LinkCommitmentsTable, PartnerAlertsTable } from '../../platform/db/schema.ts';

export type CommitmentsRow = { delegation_id: string; sla: string; alerts: string; threshold_cents: number; threshold_currency: string };
type CommitmentFields = Omit<Insertable<LinkCommitmentsTable>, 'delegation_id' | 'tenant_id' | 'partner_id'>;

export function findCommitments(db: Executor, delegationId: string) {
  return db.selectFrom('link_commitments').selectAll().where('delegation_id', '=', delegationId).executeTakeFirst();
}

/** The commitments rows of these links (at most a few hundred ids a call). */
export function listCommitments(db: Executor, delegationIds: readonly string[]): Promise<CommitmentsRow[]> {
  return db.selectFrom('link_commitments').select(['delegation_id', 'sla', 'alerts', 'threshold_cents', 'threshold_currency']).where('delegation_id', 'in', delegationIds).execute();
}

export async function upsertCommitments(db: Executor, link: { delegation_id: string; tenant_id: string; partner_id: string }, row: CommitmentFields): Promise<void> {
  await db
    .insertInto('link_commitments')
    .values({ ...link, ...row })
    .onConflict((oc) => oc.column('delegation_id').doUpdateSet(row))
    .execute();
}

/** Open these alerts, each unless its key has an unresolved alert already; returns the ids opened. */
export async function insertAlertsOnce(db: Executor, rows: readonly Insertable<PartnerAlertsTable>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db
    .insertInto('partner_alerts')
    .values([...rows])
    .onConflict((oc) => oc.column('dedup_key').where('resolved_at', 'is', null).doNothing())
    .returning('id')
    .execute();
  return new Set(inserted.map((r) => r.id));
}

/** Mark these alerts pushed. */
export async function markAllNotified(db: Executor, ids: readonly string[], atIso: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await db.updateTable('partner_alerts').set({ notified_at: atIso }).where('id', 'in', ids.slice(i, i + 500)).execute();
}

/** Every unresolved alert's id and key (what one evaluation compares the conditions that hold with). */
export async function unresolvedAlertKeys(db: Executor): Promise<{ id: string; dedup_key: string }[]> {
  return db.selectFrom('partner_alerts').select(['id', 'dedup_key']).where('resolved_at', 'is', null).execute();
}

/** The alert as its resolution tells of it. */
export type ResolvedAlert = Pick<PartnerAlertsTable, 'id' | 'partner_id' | 'tenant_id' | 'kind' | 'severity' | 'message' | 'facts'>;

/** Resolve (automatically) these alerts where still unresolved (at most 500 ids); returns those it resolved. */
export function resolveAlerts(db: Executor, ids: readonly string[], nowIso: string): Promise<ResolvedAlert[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .updateTable('partner_alerts')
    .set({ status: 'resolved', resolved_at: nowIso, resolution: 'auto' })
    .where('id', 'in', ids)
    .where('resolved_at', 'is', null)
    .returning(['id', 'partner_id', 'tenant_id', 'kind', 'severity', 'message', 'facts'])
    .execute();
}

export function findAlertOfPartner(db: Executor, id: string, partnerId: string) {
  return db.selectFrom('partner_alerts').selectAll().where('id', '=', id).where('partner_id', '=', partnerId).executeTakeFirst();
}

/** Acknowledge or resolve an alert still unresolved; false when it was resolved first. */
export async function updateUnresolvedAlert(db: Executor, id: string, set: Updateable<PartnerAlertsTable>): Promise<boolean> {
  const r = await db.updateTable('partner_alerts').set(set).where('id', '=', id).where('resolved_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) > 0;
}
