/**
 * The access template, access request, approval and approval-policy tables: queried only here.
 * Request rows are tenant rows (behind the wall; a partner context sees the ones naming it).
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AccessApprovalPoliciesTable, AccessRequestApprovalsTable, AccessRequestsTable, AccessRequestStatus, AccessTemplatesTable } from '../../platform/db/schema.ts';

export type TemplateRow = Selectable<AccessTemplatesTable>;
export type RequestRow = Selectable<AccessRequestsTable>;
export type ApprovalRow = Selectable<AccessRequestApprovalsTable>;
export type PolicyRow = Selectable<AccessApprovalPoliciesTable>;

// ---- templates -------------------------------------------------------------------------------

export async function insertTemplate(db: Executor, row: Insertable<AccessTemplatesTable>): Promise<void> {
  await db.insertInto('access_templates').values(row).execute();
}

export async function updateTemplate(db: Executor, id: string, patch: Partial<TemplateRow>): Promise<void> {
  await db.updateTable('access_templates').set(patch).where('id', '=', id).execute();
}

export function findTemplate(db: Executor, id: string): Promise<TemplateRow | undefined> {
  return db.selectFrom('access_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

/** owner null: the operator's templates; a partner id: that partner's; 'usable': the operator's and that partner's, active only. */
export function listTemplates(db: Executor, f: { partnerId: string | null; usable?: boolean; status?: 'active' | 'archived' }): Promise<TemplateRow[]> {
  let q = db.selectFrom('access_templates').selectAll();
  if (f.usable) {
    const pid = f.partnerId;
    q = q.where((eb) => (pid ? eb.or([eb('partner_id', 'is', null), eb('partner_id', '=', pid)]) : eb('partner_id', 'is', null))).where('status', '=', 'active');
  } else {
    q = f.partnerId === null ? q.where('partner_id', 'is', null) : q.where('partner_id', '=', f.partnerId);
    if (f.status) q = q.where('status', '=', f.status);
  }
  return q.orderBy('partner_id').orderBy('name').limit(500).execute();
}

// ---- requests --------------------------------------------------------------------------------

export async function insertRequest(db: Executor, row: Insertable<AccessRequestsTable>): Promise<void> {
  await db.insertInto('access_requests').values(row).execute();
}

export function findRequest(db: Executor, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Compare-and-set from pending: 1 when this call moved it, 0 when another writer had already. */
export async function closeRequest(db: Executor, id: string, patch: Partial<RequestRow> & { status: AccessRequestStatus }): Promise<number> {
  const r = await db.updateTable('access_requests').set(patch).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function listRequests(db: Executor, f: { tenantId?: string; partnerId?: string; status?: AccessRequestStatus[]; limit: number; before?: string }): Promise<RequestRow[]> {
  let q = db.selectFrom('access_requests').selectAll();
  if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
  if (f.partnerId) q = q.where('partner_id', '=', f.partnerId);
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.before) q = q.where('id', '<', f.before);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

/** Pending requests past their expiry (the sweep's work). */
export function listLapsed(db: Executor, nowIso: string, limit: number): Promise<RequestRow[]> {
  return db.selectFrom('access_requests').selectAll().where('status', '=', 'pending').where('expires_at', '<=', nowIso).orderBy('expires_at').limit(limit).execute();
}

/** Pending requests whose reminder is due and not yet sent. */
export function listDueReminders(db: Executor, nowIso: string, limit: number): Promise<RequestRow[]> {
  return db
    .selectFrom('access_requests')
    .selectAll()
    .where('status', '=', 'pending')
    .where('reminded_at', 'is', null)
    .where('remind_at', '<=', nowIso)
    .where('expires_at', '>', nowIso)
    .orderBy('remind_at')
    .limit(limit)
    .execute();
}

/** Mark the reminder sent once (compare-and-set: of two instances, one sends). */
export async function markReminded(db: Executor, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('access_requests').set({ reminded_at: at, updated_at: at }).where('id', '=', id).where('status', '=', 'pending').where('reminded_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Pending requests of these tenants that this person may still answer (not theirs, not approved by them yet), by tenant. */
export async function countWaitingFor(db: Executor, tenantIds: readonly string[], userId: string): Promise<{ tenant_id: string; n: number }[]> {
  if (tenantIds.length === 0) return [];
  const rows = await db
    .selectFrom('access_requests as r')
    .leftJoin('access_request_approvals as a', (j) => j.onRef('a.request_id', '=', 'r.id').on('a.user_id', '=', userId))
    .select(['r.tenant_id'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('r.tenant_id', 'in', [...tenantIds])
    .where('r.status', '=', 'pending')
    .where('r.requested_by', '<>', userId)
    .where('a.user_id', 'is', null)
    .groupBy('r.tenant_id')
    .execute();
  return rows.map((r) => ({ tenant_id: r.tenant_id, n: Number(r.n) }));
}

// ---- approvals -------------------------------------------------------------------------------

export async function insertApproval(db: Executor, row: ApprovalRow): Promise<void> {
  await db.insertInto('access_request_approvals').values(row).execute();
}

export function listApprovals(db: Executor, requestIds: readonly string[]): Promise<ApprovalRow[]> {
  if (requestIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('access_request_approvals').selectAll().where('request_id', 'in', [...requestIds]).orderBy('approved_at').execute();
}

// ---- policies --------------------------------------------------------------------------------

export function findPolicy(db: Executor, tenantId: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('access_approval_policies').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function upsertPolicy(db: Executor, row: PolicyRow): Promise<void> {
  const { tenant_id: _t, ...rest } = row;
  await db
    .insertInto('access_approval_policies')
    .values(row)
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(rest))
    .execute();
}
