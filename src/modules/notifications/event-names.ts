/**
 * A delegation event's payload reads (the delegation, its role's name, both parties' names, the
 * actor's name) in one statement: a cross-table read model (table-owners.ts READERS). Asking the
 * delegations, authz, tenants, partners and identity modules in turn made five round trips inside
 * every delegation write's transaction.
 */
import { readTogether, type Executor } from '../../platform/db/database.ts';

/** The delegation with its names, or undefined when it does not exist; `actorUserId` null reads no actor. */
export async function delegationEventNames(db: Executor, delegationId: string, actorUserId: string | null) {
  // in a transaction on PostgreSQL, written together with the other audit hooks' reads
  const q = db
    .selectFrom('delegations as d')
    .leftJoin('roles as r', 'r.id', 'd.role')
    .leftJoin('tenants as t', 't.id', 'd.tenant_id')
    .leftJoin('partners as p', 'p.id', 'd.partner_id')
    .leftJoin('users as u', (j) => j.on('u.id', '=', actorUserId ?? ''))
    .select(['d.id', 'd.origin', 'd.role', 'd.status', 'd.starts_at', 'd.ends_at', 'd.justification', 'd.tenant_id', 'd.partner_id', 'r.name as role_name', 't.name as tenant_name', 'p.name as partner_name', 'u.name as actor_name'])
    .where('d.id', '=', delegationId);
  const [[row]] = await readTogether(db, [q]);
  return row;
}
