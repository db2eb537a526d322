/**
 * Dotted hierarchical permission names (`billing.invoices.read`) and grants that may end in a
 * wildcard (`billing.*`, `*`). Pure.
 */
const SEGMENT = '[a-z][a-z0-9_]*';
const PERMISSION_RE = new RegExp(`^${SEGMENT}(\\.${SEGMENT})*$`);
const GRANT_RE = new RegExp(`^(\\*|${SEGMENT}(\\.${SEGMENT})*(\\.\\*)?)$`);

/** A concrete permission: no wildcard. */
export function isPermissionName(s: string): boolean {
  return s.length <= 128 && PERMISSION_RE.test(s);
}

/** A grant: a permission or a prefix ending in `.*`, or `*`. */
export function isGrant(s: string): boolean {
  return s.length <= 128 && GRANT_RE.test(s);
}

/** Does `grant` cover `permission`? `billing.*` covers `billing.invoices.read`, not `billingx.read`. */
export function grantCovers(grant: string, permission: string): boolean {
  if (grant === '*' || grant === permission) return true;
  if (grant.endsWith('.*')) {
    const prefix = grant.slice(0, -1); // keep the dot
    return permission.startsWith(prefix);
  }
  return false;
}

export function anyGrantCovers(grants: readonly string[], permission: string): string | null {
  for (const g of grants) if (grantCovers(g, permission)) return g;
  return null;
}
