import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CustomerAccountsTable, KycCasesTable, KycDocumentsTable, PartnerPlansTable, PlansTable, SubscriptionsTable } from '../../platform/db/schema.ts';

export type PlanRow = Selectable<PlansTable>;
export type PartnerPlanRow = Selectable<PartnerPlansTable>;
export type CustomerRow = Selectable<CustomerAccountsTable>;
export type KycCaseRow = Selectable<KycCasesTable>;
export type KycDocumentRow = Selectable<KycDocumentsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;

export function listPlans(db: Executor): Promise<PlanRow[]> {
  return db.selectFrom('plans').selectAll().orderBy('price_minor').orderBy('id').execute();
}

export function findPlan(db: Executor, id: string): Promise<PlanRow | undefined> {
  return db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The customers whose current subscription (active or suspended) is on this plan. */
export async function listCurrentSubscribersOf(db: Executor, planId: string): Promise<string[]> {
  const rows = await db.selectFrom('subscriptions').select('tenant_id').where('plan_id', '=', planId).where('status', 'in', ['active', 'suspended']).execute();
  return rows.map((r) => r.tenant_id);
}

/** The number of people a customer's current plan allows (its `users` limit), and the plan's name; null when it sets none. */
export async function findMemberLimit(db: Executor, tenantId: string): Promise<{ limit: number; plan: string } | null> {
  const r = await db.selectFrom('subscriptions as s').innerJoin('plans as p', 'p.id', 's.plan_id').select(['p.name', 'p.limits']).where('s.tenant_id', '=', tenantId).where('s.status', 'in', ['active', 'suspended']).executeTakeFirst();
  if (!r) return null;
  const users = (JSON.parse(r.limits) as Record<string, unknown>).users;
  return typeof users === 'number' ? { limit: users, plan: r.name } : null;
}

export function listPartnerPlans(db: Executor, partnerId: string): Promise<PartnerPlanRow[]> {
  return db.selectFrom('partner_plans').selectAll().where('partner_id', '=', partnerId).orderBy('created_at').orderBy('id').execute();
}

export function findPartnerPlan(db: Executor, partnerId: string, planId: string): Promise<PartnerPlanRow | undefined> {
  return db.selectFrom('partner_plans').selectAll().where('partner_id', '=', partnerId).where('plan_id', '=', planId).executeTakeFirst();
}

export function findCustomer(db: Executor, tenantId: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customer_accounts').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export function listCustomers(db: Executor, partnerId: string): Promise<CustomerRow[]> {
  return db.selectFrom('customer_accounts').selectAll().where('partner_id', '=', partnerId).execute();
}

export function findKycCase(db: Executor, id: string): Promise<KycCaseRow | undefined> {
  return db.selectFrom('kyc_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listKycCasesOfPartner(db: Executor, partnerId: string, status?: string): Promise<KycCaseRow[]> {
  let q = db.selectFrom('kyc_cases').selectAll().where('partner_id', '=', partnerId);
  if (status) q = q.where('status', '=', status as KycCaseRow['status']);
  return q.orderBy('submitted_at', 'desc').orderBy('id', 'desc').limit(500).execute();
}

export function latestKycCase(db: Executor, tenantId: string): Promise<KycCaseRow | undefined> {
  return db.selectFrom('kyc_cases').selectAll().where('tenant_id', '=', tenantId).orderBy('submitted_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
}

export function listDocumentsMeta(db: Executor, caseIds: string[]): Promise<Omit<KycDocumentRow, 'content_enc'>[]> {
  if (caseIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('kyc_documents')
    .select(['id', 'case_id', 'tenant_id', 'partner_id', 'filename', 'content_type', 'size_bytes', 'sha256', 'created_at'])
    .where('case_id', 'in', caseIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findDocument(db: Executor, caseId: string, id: string): Promise<KycDocumentRow | undefined> {
  return db.selectFrom('kyc_documents').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
}

export function findSubscription(db: Executor, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function currentSubscription(db: Executor, tenantId: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', tenantId).where('status', '<>', 'cancelled').executeTakeFirst();
}

export function listSubscriptionsOfPartner(db: Executor, partnerId: string): Promise<SubscriptionRow[]> {
  return db.selectFrom('subscriptions').selectAll().where('partner_id', '=', partnerId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1000).execute();
}

export function listSubscriptionsOfTenant(db: Executor, tenantId: string): Promise<SubscriptionRow[]> {
  return db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
}

/** Subscriptions the non-payment sweep looks at: active ones, and those suspended for non-payment. */
export function listSweepCandidates(db: Executor): Promise<(SubscriptionRow & { grace_days: number })[]> {
  return db
    .selectFrom('subscriptions as s')
    .innerJoin('plans as p', 'p.id', 's.plan_id')
    .selectAll('s')
    .select('p.grace_days')
    .where((eb) => eb.or([eb('s.status', '=', 'active'), eb.and([eb('s.status', '=', 'suspended'), eb('s.suspension_kind', '=', 'non_payment')])]))
    .execute();
}

// ---- writes (plans.service.ts, plans-customers.ts) ----------------------------------------------

export async function insertPlan(db: Executor, row: Insertable<PlansTable>): Promise<void> {
  await db.insertInto('plans').values(row).execute();
}

export async function updatePlan(db: Executor, id: string, patch: Updateable<PlansTable>): Promise<void> {
  await db.updateTable('plans').set(patch).where('id', '=', id).execute();
}

export async function insertPartnerPlan(db: Executor, row: Insertable<PartnerPlansTable>): Promise<void> {
  await db.insertInto('partner_plans').values(row).execute();
}

export async function updatePartnerPlan(db: Executor, id: string, patch: Updateable<PartnerPlansTable>): Promise<void> {
  await db.updateTable('partner_plans').set(patch).where('id', '=', id).execute();
}

export async function insertSubscription(db: Executor, row: Insertable<SubscriptionsTable>): Promise<void> {
  await db.insertInto('subscriptions').values(row).execute();
}

/** Compare-and-set: change the subscription only while it is still in `fromStatus`. */
export async function updateSubscriptionFrom(db: Executor, id: string, fromStatus: SubscriptionRow['status'], patch: Updateable<SubscriptionsTable>): Promise<void> {
  await db.updateTable('subscriptions').set(patch).where('id', '=', id).where('status', '=', fromStatus).execute();
}

export async function insertCustomer(db: Executor, row: Insertable<CustomerAccountsTable>): Promise<void> {
  await db.insertInto('customer_accounts').values(row).execute();
}

export async function updateCustomer(db: Executor, tenantId: string, patch: Updateable<CustomerAccountsTable>): Promise<void> {
  await db.updateTable('customer_accounts').set(patch).where('tenant_id', '=', tenantId).execute();
}

export async function insertKycCase(db: Executor, row: Insertable<KycCasesTable>): Promise<void> {
  await db.insertInto('kyc_cases').values(row).execute();
}

export async function updateKycCase(db: Executor, id: string, patch: Updateable<KycCasesTable>): Promise<void> {
  await db.updateTable('kyc_cases').set(patch).where('id', '=', id).execute();
}

export async function insertKycDocument(db: Executor, row: Insertable<KycDocumentsTable>): Promise<void> {
  await db.insertInto('kyc_documents').values(row).execute();
}
