/**
 * Reach: whether a partner may act on a customer, with what and why — one walk of the decision
 * snapshot made of the same stages the gateway's decide() runs (decide-user.ts, decide-delegation.ts),
 * read by AuthZEN (evaluation, searches) and the access reviews; nothing here re-states a rule.
 *
 * A partner reaches a customer through any of:
 *  - its own links and wholesale delegations (what its people act through: decideForPartner);
 *  - for a distributor, its resellers' links the customer opened to it (two tiers at most);
 *  - a consent the customer gave to one of its apps (what that app's token acts through: decideApp),
 *    limited to the consented scopes.
 * Each counts only while the gateway would let it: state and window, approver, capability, allowed
 * roles, tenant, billing account, feature toggles, overrides, consented scopes, purposes; an eligible
 * (just-in-time) link only while activated. Pure: the snapshot and `now` are arguments.
 */
import type { AuthzSnapshot, SnapDelegation } from './snapshot.ts';
import { O_CONSENT, ORIGINS } from './snapshot.ts';
import type { AuthzTarget, Decision } from './decide-answer.ts';
import { decideForPartner } from './decide-user.ts';
import { throughDelegations, throughOne } from './decide-delegation.ts';

export type ReachKind = (typeof ORIGINS)[number];

/** One relationship through which a partner reaches a customer now. */
export interface ReachRoute {
  kind: ReachKind;
  delegationId: string;
  /** the reseller whose link a distributor acts through; null: the partner's own delegation */
  resellerId: string | null;
  /** a consent: the app (client id) the customer consented to; null otherwise, or a consent to any of the partner's apps */
  clientId: string | null;
}

const NO_ROUTES: readonly ReachRoute[] = [];

/** The consents between a partner and a tenant (what its apps act through). */
function consentsOf(snap: AuthzSnapshot, partnerId: string, tenantId: string): SnapDelegation[] {
  return snap.pair(partnerId, tenantId).filter((d) => d.origin === O_CONSENT);
}

/**
 * The partner's decision on a customer: its people's (links, wholesale, its resellers' links) or,
 * failing that, its apps' (consents). A refusal is the people's, unless they have no delegation at all.
 */
export function decideReach(snap: AuthzSnapshot, partnerId: string, action: string | null, target: AuthzTarget, now: number): Decision {
  const people = decideForPartner(snap, partnerId, action, target, now);
  const tenantId = target.tenantId ?? null;
  if (people.allow || tenantId === null) return people;
  const partner = snap.partners.get(partnerId);
  if (partner === undefined || !partner.active) return people;
  const consents = consentsOf(snap, partnerId, tenantId);
  if (consents.length === 0) return people;
  const apps = throughDelegations(snap, partner, consents, action, target.ban ?? null, tenantId, null, null, now, null);
  return apps.allow || people.code === 'delegation_not_found' ? apps : people;
}

/**
 * decideReach when the access must also satisfy a condition on the delegation a caller is admitted
 * through (a purpose: the purpose rule on that delegation). Each of the partner's callers is checked
 * as the gateway checks it: its people through the one delegation their decision names, and each
 * app token bound to a consent (the token a consent issues names it) through that consent. The first
 * that is allowed and `holds`; null when some are allowed and none holds; otherwise the refusal.
 */
export function decideReachHolding(snap: AuthzSnapshot, partnerId: string, action: string | null, target: AuthzTarget, now: number, holds: (delegationId: string) => boolean): Decision | null {
  const people = decideForPartner(snap, partnerId, action, target, now);
  if (people.allow && people.delegationId !== null && holds(people.delegationId)) return people;
  let reached = people.allow;
  const tenantId = target.tenantId ?? null;
  const partner = snap.partners.get(partnerId);
  if (tenantId !== null && partner !== undefined && partner.active) {
    for (const c of consentsOf(snap, partnerId, tenantId)) {
      const d = throughOne(snap, partner, c, action, target.ban ?? null, tenantId, null, null, now, null);
      if (!d.allow) continue;
      if (holds(c.id)) return d;
      reached = true;
    }
  }
  return reached ? null : decideReach(snap, partnerId, action, target, now);
}

/**
 * Why the partner reaches the customer: every delegation that gives it effective access now on its
 * own (the same checks as decideReach, one delegation at a time), the partner's own first, by id.
 */
export function reachRoutes(snap: AuthzSnapshot, partnerId: string, tenantId: string, now: number): readonly ReachRoute[] {
  const partner = snap.partners.get(partnerId);
  if (partner === undefined || !partner.active) return NO_ROUTES;
  const out: ReachRoute[] = [];
  for (const d of [...snap.pair(partnerId, tenantId), ...snap.chainPair(partnerId, tenantId)]) {
    // an eligible link counts at the partner's level only while activated, as in decideForPartner
    if (d.origin !== O_CONSENT && snap.jit.size !== 0 && snap.jit.gated(d.id, null, now)) continue;
    if (!throughOne(snap, partner, d, null, null, tenantId, null, null, now, null, d.origin === O_CONSENT ? undefined : null).allow) continue;
    out.push({ kind: ORIGINS[d.origin], delegationId: d.id, resellerId: d.owner === partner ? null : d.owner.id, clientId: d.origin === O_CONSENT ? d.clientId : null });
  }
  return out.sort((a, b) => (a.resellerId === null) !== (b.resellerId === null) ? (a.resellerId === null ? -1 : 1) : a.delegationId < b.delegationId ? -1 : 1);
}

/** The customers a partner may reach through some relationship (any state: decideReach says which are effective). */
export function customersOf(snap: AuthzSnapshot, partnerId: string): string[] {
  return [...snap.partnerTenantIds(partnerId)].sort();
}

/** The partners that may reach a customer through some relationship (its own, or as the distributor of a reseller), sorted. */
export function partnersOf(snap: AuthzSnapshot, tenantId: string): string[] {
  const out: string[] = [];
  for (const p of snap.partners.values()) {
    if (p.byTenant.has(tenantId) || (p.parent === null && p.chain !== null && p.chain.has(tenantId))) out.push(p.id);
  }
  return out.sort();
}

/** Whether a wholesaler resold the customer: some partner holds a wholesale delegation on it (any state). */
export function isResold(snap: AuthzSnapshot, tenantId: string): boolean {
  return partnersOf(snap, tenantId).some((p) => snap.pair(p, tenantId).some((d) => ORIGINS[d.origin] === 'wholesale'));
}
