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

/** Raise an alert unless one with its key is unresolved (the partial unique index decides the winner); true when this call raised it. */
export async function insertAlertOnce(db: Executor, row: Insertable<PartnerAlertsTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('partner_alerts')
    .values(row)
    .onConflict((oc) => oc.column('dedup_key').where('resolved_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Resolve (automatically) a link's unresolved alerts, except those whose key is in `keep`; returns how many. */
export async function resolveAlertsOfLink(db: Executor, delegationId: string, nowIso: string, keep: readonly string[] = []): Promise<number> {
  let q = db.updateTable('partner_alerts').set({ status: 'resolved', resolved_at: nowIso, resolution: 'auto' }).where('delegation_id', '=', delegationId).where('resolved_at', 'is', null);
  if (keep.length > 0) q = q.where('dedup_key', 'not in', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0);
}

/** The links that have unresolved alerts. */
export async function linksWithOpenAlerts(db: Executor): Promise<string[]> {
  return (await db.selectFrom('partner_alerts').select('delegation_id').distinct().where('resolved_at', 'is', null).execute()).map((r) => r.delegation_id);
}

export async function markNotified(db: Executor, id: string, atIso: string): Promise<void> {
  await db.updateTable('partner_alerts').set({ notified_at: atIso }).where('id', '=', id).execute();
}

export function findAlertOfPartner(db: Executor, id: string, partnerId: string) {
  return db.selectFrom('partner_alerts').selectAll().where('id', '=', id).where('partner_id', '=', partnerId).executeTakeFirst();
}

/** Acknowledge or resolve an alert still unresolved; false when it was resolved first. */
export async function updateUnresolvedAlert(db: Executor, id: string, set: Updateable<PartnerAlertsTable>): Promise<boolean> {
  const r = await db.updateTable('partner_alerts').set(set).where('id', '=', id).where('resolved_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) > 0;
}
