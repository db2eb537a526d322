/**
 * The roles and permissions tables' queries (the authz module owns both; migrations seed them):
 * the catalogs loaded at start, and the names other modules show for a role.
 */
import type { Db, Executor } from '../../platform/db/database.ts';

export function allRoles(db: Db) {
  return db.kysely.selectFrom('roles').selectAll().orderBy('id').execute();
}

export function allPermissions(db: Db) {
  return db.kysely.selectFrom('permissions').selectAll().orderBy('name').execute();
}

/** A role's display name, or undefined for a role the catalog does not hold. */
export async function roleName(executor: Executor, roleId: string): Promise<string | undefined> {
  return (await executor.selectFrom('roles').select('name').where('id', '=', roleId).executeTakeFirst())?.name;
}

/** Which of these role ids the catalog (partner member roles, or delegation roles) holds. */
export async function roleIdsInCatalog(executor: Executor, catalog: 'partner' | 'delegation', ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  return new Set((await executor.selectFrom('roles').select('id').where('catalog', '=', catalog).where('id', 'in', [...ids]).execute()).map((r) => r.id));
}
