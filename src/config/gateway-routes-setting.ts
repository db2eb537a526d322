/**
 * The GATEWAY_ROUTES setting checked: each operator route's name, prefix (never on Partnergate's own paths),
 * upstream and rules. Read by config.ts.
 */

/**
 * Paths Partnergate serves itself. An operator route may not sit on, above or below one of them
 * (`/` is the portal root, so it clashes with everything); under /resources it may add its own
 * prefix beside or below the reference service's /resources/v1 (e.g. /resources/v1/crm).
 */
export const RESERVED_PATH_PREFIXES = ['/api', '/oauth', '/embed', '/authz', '/access', '/ssf', '/scim', '/docs', '/.well-known', '/assets', '/healthz', '/readyz', '/openapi.json', '/metrics'] as const;
const REFERENCE_PREFIX = '/resources/v1';
/** The reference resource service's upstream name (its assertion key derives from it). */
export const REFERENCE_UPSTREAM_NAME = 'reference-resources';
const UPSTREAM_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function prefixClash(prefix: string): string | null {
  const p = prefix.replace(/\/+$/, '');
  if (p === '') return "the portal root (/): a route prefix must name a path of its own, e.g. /resources/v1/crm";
  const under = (a: string, b: string) => a === b || a.startsWith(b + '/');
  for (const r of RESERVED_PATH_PREFIXES) {
    if (under(p, r) || under(r, p)) return `Partnergate's own ${r} paths`;
  }
  if (p === REFERENCE_PREFIX || under(REFERENCE_PREFIX, p)) return `the reference resource service's ${REFERENCE_PREFIX} (use a prefix of its own, e.g. ${REFERENCE_PREFIX}/crm)`;
  return null;
}

/** A purpose catalog id (modules/purposes: PurposeId). */
const PURPOSE_ID = /^[a-z][a-z0-9_]{1,63}$/;

export function isGatewayRoutes(x: unknown): string | null {
  if (!Array.isArray(x)) return 'must be a list of routes';
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const [i, r] of x.entries()) {
    if (!r || typeof r !== 'object') return `route ${i} must be an object`;
    const route = r as Record<string, unknown>;
    if (typeof route.name !== 'string' || !UPSTREAM_NAME.test(route.name)) return `route ${i}: name must be 1-63 lowercase letters, digits or ._- (it derives the upstream's assertion key)`;
    if (route.name === REFERENCE_UPSTREAM_NAME) return `route ${i}: the name ${REFERENCE_UPSTREAM_NAME} belongs to the reference resource service`;
    if (names.has(route.name)) return `route ${i}: the name ${route.name} is used twice`;
    names.add(route.name);
    if (typeof route.prefix !== 'string' || !route.prefix.startsWith('/')) return `route ${i} (${route.name}): prefix must start with /`;
    const clash = prefixClash(route.prefix);
    if (clash) return `route ${i} (${route.name}): prefix ${route.prefix} clashes with ${clash}`;
    const norm = route.prefix.replace(/\/+$/, '');
    if (prefixes.has(norm)) return `route ${i} (${route.name}): prefix ${route.prefix} is used by another route`;
    prefixes.add(norm);
    try {
      const u = new URL(String(route.upstream));
      if (!['http:', 'https:'].includes(u.protocol)) return `route ${i} (${route.name}): upstream must be http(s)`;
    } catch {
      return `route ${i} (${route.name}): upstream must be a URL`;
    }
    if (!Array.isArray(route.rules) || route.rules.length === 0) return `route ${i} (${route.name}): rules must be a non-empty list`;
    for (const [j, rule] of (route.rules as Record<string, unknown>[]).entries()) {
      if (typeof rule?.method !== 'string' || typeof rule?.path !== 'string' || typeof rule?.permission !== 'string') {
        return `route ${i} (${route.name}) rule ${j}: needs method, path and permission`;
      }
      if (rule.purpose !== undefined && (typeof rule.purpose !== 'string' || !PURPOSE_ID.test(rule.purpose))) {
        return `route ${i} (${route.name}) rule ${j}: purpose must be a purpose catalog id, e.g. billing_management`;
      }
    }
  }
  return null;
}
