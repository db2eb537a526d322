/** Tenants' memberships asked by other modules for a whole page at once. */
import type { Executor } from '../../platform/db/database.ts';

/** The memberships of these users in these tenants. */
export function findMembershipsAmong(db: Executor, userIds: readonly string[], tenantIds: readonly string[]) {
  return db.selectFrom('tenant_members').select(['user_id', 'tenant_id']).where('user_id', 'in', userIds).where('tenant_id', 'in', tenantIds).execute();
}
