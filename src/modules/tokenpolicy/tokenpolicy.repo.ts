/** cross_tenant_token_policies: how long tokens acting across tenants may live, per partner (the operator's) and per customer (its own). */
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CrossTenantTokenPoliciesTable } from '../../platform/db/schema.ts';

export type PolicyRow = Selectable<CrossTenantTokenPoliciesTable>;
export type Owner = { type: 'partner' | 'tenant'; id: string };

export function listPolicies(db: Executor): Promise<PolicyRow[]> {
  return db.selectFrom('cross_tenant_token_policies').selectAll().execute();
}

export function findPolicy(db: Executor, owner: Owner): Promise<PolicyRow | undefined> {
  return db.selectFrom('cross_tenant_token_policies').selectAll().where('owner_type', '=', owner.type).where('owner_id', '=', owner.id).executeTakeFirst();
}

export async function upsertPolicy(db: Executor, row: PolicyRow): Promise<void> {
  await db
    .insertInto('cross_tenant_token_policies')
    .values(row)
    .onConflict((oc) => oc.columns(['owner_type', 'owner_id']).doUpdateSet({ access_ttl_sec: row.access_ttl_sec, refresh_ttl_sec: row.refresh_ttl_sec, updated_by: row.updated_by, updated_at: row.updated_at }))
    .execute();
}
