/**
 * A delegation event's payload reads (the delegation, its role's name, both parties' names, the
 * actor's name) in one statement: a cross-table read model (table-owners.ts READERS). Asking the
 * delegations, authz, tenants, partners and identity modules in turn made five round trips inside
 * every delegation write's transaction.
 */
import { sql, type RawBuilder } from 'kysely';
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

/** A delegation event the database builds (delegationEventSelect). */
export interface DelegationEventRow {
  id: string;
  type: string;
  version: number;
  tenantId: string | null;
  partnerId: string | null;
  delegationId: string;
  actorUserId: string | null;
  /** the entry's reason; null: the justification for a request, else none */
  reason: string | null;
  /** `delegation.extended`: the end the delegation had before */
  previousEndsAt?: string | null;
  occurredAt: string;
}

/**
 * A delegation event's row, built by the database from the delegation as the writer's transaction
 * has it, with the same names `delegationEventNames` reads: the `select` of the insert the outbox
 * sends ahead of the writer's next statement (notifications.repo.ts insertEventFrom), so the writer
 * no longer reads the names before the COMMIT, which was a round trip of every delegation write.
 * The payload is the text EventOutbox writes from that read (a test compares the two); no row when
 * the delegation is not there. Columns in insertEventFrom's order.
 */
export function delegationEventSelect(e: DelegationEventRow): RawBuilder<unknown> {
  const actor = e.actorUserId;
  const payload: JsonShape = {
    delegation: { id: sql`d.id`, origin: sql`d.origin`, role: sql`d.role`, role_name: sql`coalesce(r.name, d.role)`, status: sql`d.status`, starts_at: sql`d.starts_at`, ends_at: sql`d.ends_at` },
    tenant: { id: sql`d.tenant_id`, name: sql`coalesce(t.name, d.tenant_id)` },
    partner: { id: sql`d.partner_id`, name: sql`coalesce(p.name, d.partner_id)` },
    actor: { user_id: sql`${actor}::text`, name: sql`u.name` },
    reason: e.reason !== null ? sql`${e.reason}::text` : e.type === 'delegation.requested' ? sql`d.justification` : sql`null::text`,
    ...(e.type === 'delegation.extended' ? { previous_ends_at: sql`${e.previousEndsAt ?? null}::text` } : {}),
  };
  return sql`select ${e.id}::text, ${e.type}::text, ${e.version}::int, ${e.tenantId}::text, ${e.partnerId}::text, ${jsonText(payload)}, ${e.occurredAt}::text, 'pending', null
from delegations d left join roles r on r.id = d.role left join tenants t on t.id = d.tenant_id left join partners p on p.id = d.partner_id
left join users u on u.id = ${actor ?? ''}::text
where d.id = ${e.delegationId}::text`;
}

type JsonShape = { [key: string]: JsonShape | RawBuilder<unknown> };

/**
 * The text JSON.stringify writes for `shape`, built by the database: keys in this order, no spaces,
 * each value by to_json (which escapes strings as JSON.stringify does). Readers match payload text
 * (`"id":"dlg_…"`), so an event built here reads as one built by the writer.
 */
function jsonText(shape: JsonShape): RawBuilder<string> {
  const members = Object.entries(shape).map(([key, value], i) => {
    const name = sql.lit(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
    return 'toOperationNode' in value ? sql`${name} || coalesce(to_json(${value})::text, 'null')` : sql`${name} || ${jsonText(value as JsonShape)}`;
  });
  return sql<string>`(${sql.join(members, sql` || `)} || '}')`;
}
