/**
 * The names of the organizations identity's records are for (an invitation's tenant or partner,
 * the partners with a second-factor rule): a cross-table read model (table-owners.ts READERS).
 * Tenants and partners own these tables, but they depend on identity, so identity cannot ask them.
 */
import type { Executor } from '../../platform/db/database.ts';

/** id → name of the tenants or partners named (those that exist). */
export async function organizationNames(db: Executor, kind: 'tenant' | 'partner', ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows =
    kind === 'tenant'
      ? await db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', [...ids]).execute()
      : await db.selectFrom('partners').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
