/**
 * The link requests waiting for a tenant administrator's answer, counted per tenant with its name
 * (the bell's "waiting for you"): a cross-table read model (table-owners.ts READERS) joining the
 * requests to the person's administrator memberships and their tenants' names in one query.
 */
import type { Executor } from '../../platform/db/database.ts';

/** Per tenant this user administers, how many link requests wait for an answer (tenants with none are left out). */
export function countWaitingLinkRequests(db: Executor, userId: string) {
  return db
    .selectFrom('delegations as d')
    .innerJoin('tenant_members as m', (j) => j.onRef('m.tenant_id', '=', 'd.tenant_id').on('m.user_id', '=', userId).on('m.role', '=', 'TENANT_ADMIN'))
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .select(['t.id as tenant_id', 't.name as tenant_name', (eb) => eb.fn.countAll<number>().as('n')])
    .where('d.status', '=', 'requested')
    .groupBy(['t.id', 't.name'])
    .execute();
}
