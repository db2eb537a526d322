/**
 * The customers whose subscription is suspended (modules/plans), kept in the decision snapshot so
 * the gateway refuses them on their next request without reading the database. Plans records a
 * change-feed entry of kind `customer_subscription` keyed by the customer's tenant id whenever a
 * subscription changes state; this re-reads that tenant's subscriptions.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { AuthzSnapshot } from './snapshot.ts';

export const SUBSCRIPTION_ENTITY = 'customer_subscription';

export async function loadSuspendedTenants(db: Executor, snap: AuthzSnapshot): Promise<void> {
  for (const r of await db.selectFrom('subscriptions').select('tenant_id').where('status', '=', 'suspended').execute()) snap.setSubscriptionSuspended(r.tenant_id, true);
}

export async function applySuspendedTenants(db: Executor, snap: AuthzSnapshot, tenantIds: string[]): Promise<void> {
  const rows = await db.selectFrom('subscriptions').select('tenant_id').where('tenant_id', 'in', tenantIds).where('status', '=', 'suspended').execute();
  const suspended = new Set(rows.map((r) => r.tenant_id));
  for (const id of tenantIds) snap.setSubscriptionSuspended(id, suspended.has(id));
}
