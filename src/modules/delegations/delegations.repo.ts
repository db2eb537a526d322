/** Delegation rows; a tenant's, partner's or person's rows are asked of their owners. */
import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import { writeSoon, type Executor } from '../../platform/db/database.ts';
import type { DelegationLimitsTable, DelegationsTable } from '../../platform/db/schema.ts';
import { identityQueries } from '../identity/index.ts';
import { tenantQueries } from '../tenants/index.ts';

export type DelegationRow = Selectable<DelegationsTable>;
export type DelegationStatus = DelegationRow['status'];
export type DelegationOrigin = DelegationRow['origin'];

export type { DelegationFilter, DelegationView } from './delegation-views.ts';

export function findDelegationById(db: Executor, id: string): Promise<DelegationRow | undefined> {
  return db.selectFrom('delegations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The partner's open (requested or active) link to the tenant, not yet run (for readTogether). */
export function selectOpenLink(db: Executor, partnerId: string, tenantId: string) {
  return db.selectFrom('delegations').selectAll().where('partner_id', '=', partnerId).where('tenant_id', '=', tenantId).where('origin', '=', 'link').where('status', 'in', ['requested', 'active']);
}

/** The open (requested or active) link of a partner to a tenant, if any. */
export function findOpenLink(db: Executor, partnerId: string, tenantId: string): Promise<DelegationRow | undefined> {
  return selectOpenLink(db, partnerId, tenantId).executeTakeFirst();
}

/** Open delegations of one partner, on one tenant or on all (break-glass). */
export function listOpenOfPartner(db: Executor, partnerId: string, tenantId?: string): Promise<DelegationRow[]> {
  let q = db.selectFrom('delegations').selectAll().where('partner_id', '=', partnerId).where('status', 'in', ['requested', 'active']);
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  return q.orderBy('id').execute();
}

/** Active delegations whose end date has passed. */
export function listLapsed(db: Executor, nowIso: string, limit: number): Promise<DelegationRow[]> {
  return db.selectFrom('delegations').selectAll().where('status', '=', 'active').where('ends_at', '<=', nowIso).orderBy('ends_at').limit(limit).execute();
}

/** In a transaction on PostgreSQL the row travels with the next statement, which reports a refusal (writeSoon). */
export async function insertDelegation(db: Executor, row: Insertable<DelegationsTable>): Promise<void> {
  await writeSoon(db, db.insertInto('delegations').values(row));
}

/** As insertDelegation: no round trip of its own in a transaction on PostgreSQL. */
export async function updateDelegation(db: Executor, id: string, patch: Partial<Insertable<DelegationsTable>>): Promise<void> {
  await writeSoon(db, db.updateTable('delegations').set(patch).where('id', '=', id));
}

/** Active wholesale delegations of a partner on a tenant, newest first. */
export function findWholesaleDelegations(db: Executor, partnerId: string, tenantId: string): Promise<DelegationRow[]> {
  return db
    .selectFrom('delegations')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('tenant_id', '=', tenantId)
    .where('origin', '=', 'wholesale')
    .orderBy('id', 'desc')
    .execute();
}

/** Active consent delegations of one app on one tenant (a new consent supersedes them). */
export function findOpenConsents(db: Executor, clientId: string, tenantId: string): Promise<DelegationRow[]> {
  return db
    .selectFrom('delegations')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('tenant_id', '=', tenantId)
    .where('origin', '=', 'consent')
    .where('status', 'in', ['active', 'requested'])
    .execute();
}

/** The last use of a delegation by a token, written at most once per `olderThanIso` window. */
export async function touchLastUsed(db: Executor, delegationId: string, nowIso: string, olderThanIso: string): Promise<void> {
  await db
    .updateTable('delegations')
    .set({ last_used_at: nowIso })
    .where('id', '=', delegationId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', olderThanIso)]))
    .execute();
}

/** Many last uses at once (the batched writer of the authorization server), `batch` rows per statement; never moves a last use back. */
export async function writeLastUses(db: Executor, entries: readonly [id: string, at: string][], batch: number): Promise<void> {
  for (let i = 0; i < entries.length; i += batch) {
    const chunk = entries.slice(i, i + batch);
    const at = sql`case id ${sql.join(
      chunk.map(([id, iso]) => sql`when ${id} then ${iso}`),
      sql` `,
    )} end`;
    await sql`update delegations set last_used_at = ${at} where id in (${sql.join(chunk.map(([id]) => id))}) and (last_used_at is null or last_used_at < ${at})`.execute(db);
  }
}

/** Consent delegations bound to an app that are still open. */
export function listOpenConsentDelegations(db: Executor, clientId: string) {
  return db.selectFrom('delegations').select(['id', 'tenant_id', 'partner_id']).where('client_id', '=', clientId).where('origin', '=', 'consent').where('status', 'in', ['active', 'requested']).execute();
}

/** Is the user an active TENANT_ADMIN of the tenant (the only one who may approve or confirm a delegation)? */
export async function isActiveTenantAdmin(db: Executor, tenantId: string, userId: string): Promise<boolean> {
  const member = await tenantQueries.findMember(db, tenantId, userId);
  if (member?.role !== 'TENANT_ADMIN') return false;
  return (await identityQueries.findUserById(db, userId))?.status === 'active';
}

/**
 * The operator's overview: active delegations by origin, requests waiting (all, and those asked
 * before `waitingBefore`), and when access was granted since `sinceIso` (decided_at of every
 * delegation that was not rejected: approved requests and direct grants).
 */
export async function delegationFigures(db: Executor, sinceIso: string, waitingBefore: string) {
  const [active, requested, grants] = await Promise.all([
    db.selectFrom('delegations').select(['origin', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'active').groupBy('origin').execute(),
    db
      .selectFrom('delegations')
      .select([(eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(case when requested_at < ${waitingBefore} then 1 else 0 end)`.as('old')])
      .where('status', '=', 'requested')
      .executeTakeFirstOrThrow(),
    db.selectFrom('delegations').select('decided_at').where('decided_at', '>=', sinceIso).where('status', '!=', 'rejected').execute(),
  ]);
  return {
    activeByOrigin: active.map((r) => ({ origin: r.origin, n: Number(r.n) })),
    requested: Number(requested.n),
    requestedBefore: Number(requested.old ?? 0),
    grants: grants.map((r) => r.decided_at).filter((x): x is string => x !== null),
  };
}

/** The wholesaler that resells a customer: the partner of its oldest active wholesale delegation. */
export async function findWholesalerOf(db: Executor, tenantId: string): Promise<string | null> {
  const r = await db
    .selectFrom('delegations')
    .select('partner_id')
    .where('tenant_id', '=', tenantId)
    .where('origin', '=', 'wholesale')
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  return r?.partner_id ?? null;
}

/** The ids of a tenant's open (active or requested) links and wholesale delegations. */
export async function listOpenLinkIdsOfTenant(db: Executor, tenantId: string): Promise<string[]> {
  const rows = await db.selectFrom('delegations').select('id').where('tenant_id', '=', tenantId).where('origin', 'in', ['link', 'wholesale']).where('status', 'in', ['active', 'requested']).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Links and wholesale delegations in force at `nowIso` (active, started, not ended): what the alerts watch. */
export function listLinksInForce(db: Executor, nowIso: string) {
  return db.selectFrom('delegations').select(['id', 'tenant_id', 'partner_id', 'ban_ids']).where('status', '=', 'active').where('origin', 'in', ['link', 'wholesale']).where('ends_at', '>', nowIso).where('starts_at', '<=', nowIso).execute();
}

/** The active delegations between these partners and these tenants (partner and tenant ids only). */
export function findActiveBetween(db: Executor, partnerIds: readonly string[], tenantIds: readonly string[]) {
  return db.selectFrom('delegations').select(['partner_id', 'tenant_id']).where('partner_id', 'in', partnerIds).where('tenant_id', 'in', tenantIds).where('status', '=', 'active').execute();
}

/** A tenant's open (requested or active) links and wholesale delegations, with whether each lets the partner's distributor act through it. */
export function listOpenNonConsentOfTenant(db: Executor, tenantId: string) {
  return db
    .selectFrom('delegations')
    .select(['id', 'partner_id', 'status', 'origin', 'distributor_access'])
    .where('tenant_id', '=', tenantId)
    .where('origin', '!=', 'consent')
    .where('status', 'in', ['requested', 'active'])
    .orderBy('id')
    .execute();
}

/** Turn a tenant's delegation's distributor access on or off. */
export async function setDistributorAccess(db: Executor, tenantId: string, delegationId: string, allowed: boolean, nowIso: string): Promise<void> {
  await db.updateTable('delegations').set({ distributor_access: allowed ? 1 : 0, updated_at: nowIso }).where('id', '=', delegationId).where('tenant_id', '=', tenantId).execute();
}

export type LinkLimitsRow = Selectable<DelegationLimitsTable>;

/** A customer's own limits on one link (link-limits.service.ts), if it set any. */
export function findLinkLimits(db: Executor, delegationId: string): Promise<LinkLimitsRow | undefined> {
  return db.selectFrom('delegation_limits').selectAll().where('delegation_id', '=', delegationId).executeTakeFirst();
}

export async function putLinkLimits(db: Executor, row: Insertable<DelegationLimitsTable>): Promise<void> {
  const { delegation_id: _, ...rest } = row;
  await db.insertInto('delegation_limits').values(row).onConflict((oc) => oc.column('delegation_id').doUpdateSet(rest)).execute();
}

export async function deleteLinkLimits(db: Executor, delegationId: string): Promise<void> {
  await db.deleteFrom('delegation_limits').where('delegation_id', '=', delegationId).execute();
}
