/**
 * Role catalogs (platform, partner organization, tenant, delegation) are data, seeded by
 * migrations. Loaded once at start; the catalog answers "does role R grant permission P".
 */
import type { Db } from '../../platform/db/database.ts';
import { anyGrantCovers } from './permissions.ts';
import { allPermissions, allRoles } from './roles.repo.ts';

export interface Role {
  id: string;
  catalog: 'platform' | 'partner' | 'tenant' | 'delegation';
  name: string;
  description: string;
  grants: string[];
}

export class RoleCatalog {
  readonly #roles: Map<string, Role>;
  readonly permissions: ReadonlyMap<string, string>;
  constructor(roles: Role[], permissions: Map<string, string>) {
    this.#roles = new Map(roles.map((r) => [r.id, r]));
    this.permissions = permissions;
  }

  static async load(db: Db): Promise<RoleCatalog> {
    const roles = await allRoles(db);
    const perms = await allPermissions(db);
    return new RoleCatalog(
      roles.map((r) => ({ ...r, grants: JSON.parse(r.grants) as string[] })),
      new Map(perms.map((p) => [p.name, p.description])),
    );
  }

  get(id: string): Role | undefined {
    return this.#roles.get(id);
  }

  list(catalog?: Role['catalog']): Role[] {
    return [...this.#roles.values()].filter((r) => !catalog || r.catalog === catalog);
  }

  /** The grant of `roleId` that covers `permission`, or null. */
  /** Every catalog permission the role's grants cover, wildcards expanded (what a portal gates pages on). */
  permissionsOf(roleId: string | null | undefined): string[] {
    const role = roleId ? this.#roles.get(roleId) : undefined;
    if (!role) return [];
    return [...this.permissions.keys()].filter((p) => anyGrantCovers(role.grants, p)).sort();
  }

  grants(roleId: string | null | undefined, permission: string): string | null {
    if (!roleId) return null;
    const role = this.#roles.get(roleId);
    return role ? anyGrantCovers(role.grants, permission) : null;
  }
}
