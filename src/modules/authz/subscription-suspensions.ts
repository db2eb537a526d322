/**
 * The customers' current subscriptions (modules/plans), kept in the decision snapshot so the
 * gateway answers without reading the database: whose subscription is suspended (refused on their
 * next request) and what the current plan allows — the request quota the gateway counts for
 * everyone acting for the customer (plan limits apply in real time). Plans records a
 * change-feed entry of kind `customer_subscription` keyed by the customer's tenant id whenever a
 * subscription changes state or its plan's limits change; this re-reads that tenant's subscription.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { AuthzSnapshot, CustomerPlan } from './snapshot.ts';

export const SUBSCRIPTION_ENTITY = 'customer_subscription';

/** The plan limit names the platform enforces (the others are shown, and are the partner's to honour). */
export const ENFORCED_PLAN_LIMITS = ['api_requests_per_day', 'users'] as const;

type Row = { tenant_id: string; status: string; plan_name: string; limits: string };

/** Pure: the row of a customer's current subscription → what the snapshot keeps of it. */
export function customerPlanOf(row: { plan_name: string; limits: string }): CustomerPlan {
  let limits: Record<string, unknown> = {};
  try {
    const v = JSON.parse(row.limits) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) limits = v as Record<string, unknown>;
  } catch {
    // a plan row the application wrote always parses; an unreadable one enforces no limit
  }
  const perDay = limits.api_requests_per_day;
  return { planName: row.plan_name, requestsPerDay: typeof perDay === 'number' && Number.isInteger(perDay) && perDay >= 0 ? perDay : null };
}

/** The current subscriptions (active or suspended: at most one per customer), of some customers or all. */
function current(db: Executor, tenantIds: string[] | null): Promise<Row[]> {
  let q = db.selectFrom('subscriptions as s').innerJoin('plans as p', 'p.id', 's.plan_id').select(['s.tenant_id', 's.status', 'p.name as plan_name', 'p.limits']).where('s.status', 'in', ['active', 'suspended']);
  if (tenantIds !== null) q = q.where('s.tenant_id', 'in', tenantIds);
  return q.execute();
}

function put(snap: AuthzSnapshot, tenantId: string, row: Row | undefined): void {
  snap.setSubscriptionSuspended(tenantId, row?.status === 'suspended');
  snap.setCustomerPlan(tenantId, row ? customerPlanOf(row) : null);
}

export async function loadSuspendedTenants(db: Executor, snap: AuthzSnapshot): Promise<void> {
  for (const r of await current(db, null)) put(snap, r.tenant_id, r);
}

export async function applySuspendedTenants(db: Executor, snap: AuthzSnapshot, tenantIds: string[]): Promise<void> {
  const byTenant = new Map((await current(db, tenantIds)).map((r) => [r.tenant_id, r]));
  for (const id of tenantIds) put(snap, id, byTenant.get(id));
}
