/**
 * A list of grants compiled for the hot path: `*`, exact names, `x.y.*` as prefixes. Lists are
 * short (a role has a dozen grants), so plain arrays beat sets in both time and memory.
 * `matchGrant` answers the same as `anyGrantCovers` (permissions.ts) and names the grant that
 * matched, for explain. Pure; compiled once when a role or delegation enters the snapshot.
 */
export interface GrantSet {
  readonly list: readonly string[];
  readonly all: boolean;
  readonly exact: readonly string[];
  /** `billing.*` is kept as `billing.` (with the dot), so it never covers `billingx.read` */
  readonly prefixes: readonly string[];
  /** the grant each prefix came from (`billing.*`), so a match allocates nothing */
  readonly prefixGrants: readonly string[];
}

export const NO_GRANTS: GrantSet = Object.freeze({ list: Object.freeze([]), all: false, exact: Object.freeze([]), prefixes: Object.freeze([]), prefixGrants: Object.freeze([]) });

export function compileGrants(list: readonly string[] | null | undefined): GrantSet {
  if (!list || list.length === 0) return NO_GRANTS;
  let all = false;
  const exact: string[] = [];
  const prefixes: string[] = [];
  const prefixGrants: string[] = [];
  for (const g of list) {
    if (g === '*') all = true;
    else if (g.endsWith('.*')) {
      prefixes.push(g.slice(0, -1));
      prefixGrants.push(g);
    } else if (!exact.includes(g)) exact.push(g);
  }
  return { list: [...list], all, exact, prefixes, prefixGrants };
}

/** The grant of `gs` that covers `permission`, or null. */
export function matchGrant(gs: GrantSet, permission: string): string | null {
  if (gs.all) return '*';
  const e = gs.exact;
  for (let i = 0; i < e.length; i++) if (e[i] === permission) return e[i];
  const p = gs.prefixes;
  for (let i = 0; i < p.length; i++) if (permission.startsWith(p[i])) return gs.prefixGrants[i];
  return null;
}
