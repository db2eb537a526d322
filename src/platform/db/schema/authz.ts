/**
 * Row shapes of roles and the permission catalog (modules/authz). Conventions: schema.ts.
 */

export interface RolesTable {
  id: string;
  catalog: 'platform' | 'partner' | 'tenant' | 'delegation';
  name: string;
  description: string;
  /** JSON array of permission grants (may end in a wildcard) */
  grants: string;
}

export interface PermissionsTable {
  name: string;
  description: string;
}
