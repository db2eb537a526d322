/**
 * Tenants' names and statuses for the in-memory indexes other modules keep current from the
 * change feed (the agency token index): every tenant at load, the few a feed batch names after.
 */
import type { Executor } from '../../platform/db/database.ts';

export function listTenantStatuses(db: Executor) {
  return db.selectFrom('tenants').select(['id', 'name', 'status']).execute();
}

/** These tenants' names and statuses (the ones that exist). */
export function findTenantStatuses(db: Executor, ids: readonly string[]) {
  return db.selectFrom('tenants').select(['id', 'name', 'status']).where('id', 'in', ids).execute();
}
