/**
 * The pure rules of a delegation: which roles, permission overrides, scopes and windows are
 * valid, which partner capability each origin needs, and which status a step may start from.
 * No database, no clock of its own: everything comes in as arguments, so each rule is tested alone.
 */
import { authzErrors as A, grantCovers, isGrant, type RoleCatalog } from '../authz/index.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import type { DelegationOrigin, DelegationStatus } from './delegations.repo.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export interface Overrides {
  grant: string[];
  deny: string[];
}

/** Which partner capability each origin needs. */
export const ORIGIN_CAPABILITY = { link: 'managed_services', consent: 'delegated', wholesale: 'wholesale' } as const;

/** Top-level permission namespaces a delegation may grant: the customer resource APIs. */
const RESOURCE_NAMESPACES = new Set(['billing', 'orders', 'services', 'support', 'reports', 'alerts', 'vouchers']);

export const DAY_MS = 86_400_000;

/** A delegation that still grants, or may come to grant, access: what revoke and edits act on. */
export function isOpen(status: DelegationStatus): boolean {
  return status === 'active' || status === 'requested';
}

/**
 * Overrides are validated, never silently ignored: a malformed name, or a well-formed one that
 * names no known permission (a typo in a deny would leave access open), is 400 invalid_permission.
 * A grant may only widen access to the customer resource APIs.
 */
export function validateOverrides(roles: RoleCatalog, input: Partial<Overrides> | null | undefined): Overrides {
  const known = [...roles.permissions.keys()];
  const check = (list: string[] | undefined, kind: 'grant' | 'deny'): string[] => {
    const out: string[] = [];
    for (const [i, g] of (list ?? []).entries()) {
      const pointer = `/overrides/${kind}/${i}`;
      if (typeof g !== 'string' || !isGrant(g)) {
        throw A.invalid_permission(`"${String(g)}" is not a permission name (dotted lowercase segments, optionally ending in .*).`, { fields: [{ pointer, detail: 'malformed permission' }] });
      }
      const covered = known.filter((p) => grantCovers(g, p));
      if (covered.length === 0) {
        throw A.invalid_permission(`"${g}" names no known permission (GET /api/v1/permissions lists them).`, { fields: [{ pointer, detail: 'unknown permission' }] });
      }
      if (kind === 'grant' && (g === '*' || covered.some((p) => !RESOURCE_NAMESPACES.has(p.split('.')[0])))) {
        throw A.invalid_permission(`"${g}" reaches beyond the customer resource APIs; a delegation can grant only ${[...RESOURCE_NAMESPACES].map((n) => n + '.*').join(', ')}.`, {
          fields: [{ pointer, detail: 'not a resource permission' }],
        });
      }
      if (!out.includes(g)) out.push(g);
    }
    return out;
  };
  return { grant: check(input?.grant, 'grant'), deny: check(input?.deny, 'deny') };
}

/** Scopes of a consent delegation are permission grants too. */
export function validateScopes(scopes: string[] | null | undefined): string[] | null {
  if (scopes === null || scopes === undefined) return null;
  for (const [i, s] of scopes.entries()) {
    if (!isGrant(s)) throw A.invalid_permission(`Scope "${s}" is not a permission grant.`, { fields: [{ pointer: `/scopes/${i}`, detail: 'malformed permission' }] });
  }
  return [...new Set(scopes)];
}

export function validateRole(roles: RoleCatalog, role: string, origin: DelegationOrigin): void {
  const r = roles.get(role);
  if (!r || r.catalog !== 'delegation') {
    const names = roles.list('delegation').map((x) => x.id);
    throw E.delegation_role_invalid(PD.notDelegationRole, { values: { role, names: names.join(', ') }, fields: [{ pointer: '/role', detail: 'unknown role' }] });
  }
  if (origin === 'link' && role === 'WHOLESALE') {
    throw E.delegation_role_invalid(PD.wholesaleOnlyWholesaleDelegations, { fields: [{ pointer: '/role', detail: 'not a link role' }] });
  }
}

/** Start and end: end after start, in the future, at most maxDays from now. Returns ISO strings. */
export function validateWindow(startsAt: string | null | undefined, endsAt: string, now: Date, maxDays: number): { starts: string; ends: string } {
  const start = startsAt ? Date.parse(startsAt) : now.getTime();
  const end = Date.parse(endsAt);
  if (Number.isNaN(start) || Number.isNaN(end)) throw E.delegation_window_invalid(PD.startsEndsMustIso);
  if (end <= now.getTime()) throw E.delegation_window_invalid(PD.endsMustFuture, { fields: [{ pointer: '/ends_at', detail: 'in the past' }] });
  if (end <= start) throw E.delegation_window_invalid(PD.endsMustAfterStarts, { fields: [{ pointer: '/ends_at', detail: 'before the start' }] });
  if (end - now.getTime() > maxDays * DAY_MS) {
    throw E.delegation_too_long(PD.delegationMayLastMost, { values: { maxDays }, fields: [{ pointer: '/ends_at', detail: `more than ${maxDays} days away` }] });
  }
  return { starts: new Date(start).toISOString(), ends: new Date(end).toISOString() };
}

/** A partner's stored capabilities name the one the origin needs. */
export function capabilityProblem(capabilities: string[], origin: DelegationOrigin): string | null {
  const need = ORIGIN_CAPABILITY[origin];
  return capabilities.includes(need) ? null : `A ${origin} delegation needs the partner capability ${need}.`;
}

export function parseOverrides(s: string): Overrides {
  try {
    const o = JSON.parse(s) as Partial<Overrides>;
    return { grant: Array.isArray(o.grant) ? o.grant : [], deny: Array.isArray(o.deny) ? o.deny : [] };
  } catch {
    return { grant: [], deny: [] };
  }
}
