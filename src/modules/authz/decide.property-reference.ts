/**
 * The reference model the decision engine's property tests compare it with: deliberately plain —
 * arrays, string statuses, its own naive wildcard matcher (segment by segment, nothing shared with
 * the production code), written from the rules in decide.ts's header rather than from its code —
 * and the safety property every allowed answer must satisfy on its own (`violation()`).
 */
import type { Allowed } from './decide.ts';
import type { PartnerReq, Req, WDelegation, WPartner, WBan, World } from './decide.property-world.ts';

// ---- the reference model -------------------------------------------------------------------------

export interface RefAnswer {
  allow: boolean;
  code: string;
  delegationId: string | null;
}

export const yes = (delegationId: string | null = null): RefAnswer => ({ allow: true, code: 'allowed', delegationId });
export const no = (code: string): RefAnswer => ({ allow: false, code, delegationId: null });
/**
 * The reference's own wildcard rule, segment by segment: `*` covers everything; `a.b.*` covers a
 * permission whose first segments are a, b and that has at least one segment more; anything else
 * covers only itself.
 */
export function naiveCovers(grant: string, permission: string): boolean {
  if (grant === '*') return true;
  const g = grant.split('.');
  const p = permission.split('.');
  if (g[g.length - 1] !== '*') return grant === permission;
  const head = g.slice(0, -1);
  if (p.length <= head.length) return false;
  for (let i = 0; i < head.length; i++) if (head[i] !== p[i]) return false;
  return true;
}
export const covers = (grants: readonly string[] | undefined, action: string) => (grants ?? []).some((g) => naiveCovers(g, action));

/** A link or consent counts only while its approver (if any) is an active TENANT_ADMIN of its tenant; wholesale has none. */
export function approverStands(w: World, d: WDelegation): boolean {
  if (d.origin === 'wholesale' || d.approvedBy === null) return true;
  const u = w.users.find((x) => x.id === d.approvedBy);
  return !!u && u.status === 'active' && u.tenants.some((m) => m.tenantId === d.tenantId && m.role === 'TENANT_ADMIN');
}

export function findBan(w: World, ref: string): WBan | undefined {
  return w.bans.find((b) => b.id === ref) ?? w.bans.find((b) => b.accountNumber === ref);
}

export function stateOf(d: WDelegation, now: number): string {
  if (d.status === 'active') {
    if (now >= d.ends) return 'expired';
    if (now < d.starts) return 'not_started';
    return 'effective';
  }
  return d.status === 'requested' ? 'pending' : d.status;
}
export const STATE_ORDER = ['effective', 'pending', 'not_started', 'expired', 'revoked', 'rejected'];
export const ORIGIN_ORDER = ['link', 'consent', 'wholesale'];
export const NEEDS = { link: 'managed_services', consent: 'delegated', wholesale: 'wholesale' };

/**
 * Two-tier partners, the chain rule: a partner with no distributor of its own also acts through the
 * link and wholesale delegations of its resellers (partners whose parent it is) on which the
 * customer turned distributor access on — never deeper than that one step.
 */
export function throughResellers(w: World, partner: WPartner, tenantId: string): WDelegation[] {
  if (partner.parentId !== null) return [];
  return w.delegations.filter((d) => d.tenantId === tenantId && d.origin !== 'consent' && d.distributorAccess && w.partners.find((x) => x.id === d.partnerId)?.parentId === partner.id);
}

/** A partner's users on a tenant: its own link and wholesale delegations, and those of its resellers open to it. */
export function usersDelegations(w: World, partner: WPartner, tenantId: string): WDelegation[] {
  return [...w.delegations.filter((d) => d.partnerId === partner.id && d.tenantId === tenantId && d.origin !== 'consent'), ...throughResellers(w, partner, tenantId)];
}

const toggledOff = (p: WPartner, action: string) => Object.entries(p.toggles).some(([k, on]) => on === false && (action === k || action.startsWith(k + '.')));

export function refOne(w: World, partner: WPartner, d: WDelegation, action: string | null, tenantId: string, banRef: string | null, tokenBans: string[] | null, scopes: readonly string[] | null): RefAnswer {
  // through a reseller: the reseller must be active, and its capability and toggles apply (the distributor's toggles too)
  const owner = d.partnerId === partner.id ? partner : w.partners.find((x) => x.id === d.partnerId)!;
  if (owner.status !== 'active') return no('partner_inactive');
  if (!approverStands(w, d)) return no('delegation_approver_inactive');
  if (!owner.capabilities.includes(NEEDS[d.origin])) return no('partner_capability_missing');
  const tenant = w.tenants.find((t) => t.id === tenantId);
  if (!tenant || tenant.status !== 'active') return no('tenant_inactive');
  if (banRef) {
    const b = findBan(w, banRef);
    if (!b || b.tenantId !== tenantId) return no('ban_not_covered');
    if (d.banIds && !d.banIds.includes(b.id)) return no('ban_not_covered');
    if (tokenBans && !tokenBans.includes(b.id) && !tokenBans.includes(b.accountNumber)) return no('ban_not_covered');
  }
  if (action === null) return yes(d.id);
  if (toggledOff(owner, action) || toggledOff(partner, action)) return no('feature_disabled');
  if (covers(d.deny, action)) return no('permission_denied');
  if (!covers(w.roles[d.role], action) && !covers(d.grant, action)) return no('permission_denied');
  if (d.scopes && !covers(d.scopes, action)) return no('scope_insufficient');
  if (scopes && !covers(scopes, action)) return no('scope_insufficient');
  return yes(d.id);
}

export function refDelegations(w: World, partner: WPartner, ds: WDelegation[], action: string | null, tenantId: string, banRef: string | null, tokenBans: string[] | null, scopes: readonly string[] | null, now: number): RefAnswer {
  if (ds.length === 0) return no('delegation_not_found');
  const sorted = [...ds].sort(
    (a, b) => STATE_ORDER.indexOf(stateOf(a, now)) - STATE_ORDER.indexOf(stateOf(b, now)) || ORIGIN_ORDER.indexOf(a.origin) - ORIGIN_ORDER.indexOf(b.origin) || b.id.localeCompare(a.id),
  );
  const effective = sorted.filter((d) => stateOf(d, now) === 'effective');
  const answers = effective.map((d) => refOne(w, partner, d, action, tenantId, banRef, tokenBans, scopes));
  const allowed = answers.find((a) => a.allow);
  if (allowed) return allowed;
  if (answers.length > 0) return answers[0];
  const state = stateOf(sorted[0], now);
  return no({ pending: 'delegation_pending', not_started: 'delegation_not_started', expired: 'delegation_expired', revoked: 'delegation_revoked', rejected: 'delegation_rejected' }[state]!);
}

export function reference(w: World, r: Req): RefAnswer {
  const { principal: p, action, target, now } = r;
  const banRef = target.ban ?? null;
  if (p.type === 'user') {
    const u = w.users.find((x) => x.id === p.userId);
    if (!u || u.status !== 'active') return no('user_inactive');
    const scopes = p.scopes ?? null;
    if (p.partnerId) {
      // A credential issued through a partner: only that partner's link/wholesale delegations count —
      // not the user's own tenants nor its platform role — and only while an active member of it.
      if (!u.partner || u.partner.partnerId !== p.partnerId || u.partner.status !== 'active') return no('user_inactive');
      const partner = w.partners.find((x) => x.id === p.partnerId);
      if (!partner || partner.status !== 'active') return no('partner_inactive');
      const tenantId = target.tenantId ?? null;
      if (!tenantId) return no('tenant_context_required');
      return refDelegations(w, partner, usersDelegations(w, partner, tenantId), action, tenantId, banRef, null, scopes, now);
    }
    if (action !== null && u.platformRole && covers(w.roles[u.platformRole], action) && (!scopes || covers(scopes, action))) return yes();
    const tenantId = target.tenantId ?? null;
    if (!tenantId) return no('tenant_context_required');
    const mem = u.tenants.find((m) => m.tenantId === tenantId);
    if (mem) {
      const tenant = w.tenants.find((t) => t.id === tenantId);
      if (!tenant || tenant.status !== 'active') return no('tenant_inactive');
      if (banRef) {
        const b = findBan(w, banRef);
        if (!b || b.tenantId !== tenantId) return no('ban_not_covered');
      }
      if (action === null) return yes();
      if (!covers(w.roles[mem.role], action)) return no('permission_denied');
      if (scopes && !covers(scopes, action)) return no('scope_insufficient');
      return yes();
    }
    if (!u.partner) return no('delegation_not_found');
    if (u.partner.status !== 'active') return no('partner_membership_inactive');
    const partner = w.partners.find((x) => x.id === u.partner!.partnerId);
    if (!partner || partner.status !== 'active') return no('partner_inactive');
    return refDelegations(w, partner, usersDelegations(w, partner, tenantId), action, tenantId, banRef, null, scopes, now);
  }
  if (p.userId) {
    const u = w.users.find((x) => x.id === p.userId);
    if (!u || u.status !== 'active') return no('user_inactive');
  }
  const partner = w.partners.find((x) => x.id === p.partnerId);
  if (!partner || partner.status !== 'active') return no('partner_inactive');
  if (p.tenantId && target.tenantId && p.tenantId !== target.tenantId) return no('delegation_not_found');
  const tokenBans = p.bans ? [...p.bans] : null;
  const scopes = p.scopes ?? null;
  if (p.delegationId) {
    const d = w.delegations.find((x) => x.id === p.delegationId);
    const tenantId = target.tenantId ?? p.tenantId ?? d?.tenantId;
    if (!d || d.partnerId !== p.partnerId || d.tenantId !== tenantId || (d.clientId && d.clientId !== p.clientId)) return no('delegation_not_found');
    return refDelegations(w, partner, [d], action, d.tenantId, banRef, tokenBans, scopes, now);
  }
  const tenantId = target.tenantId ?? p.tenantId ?? null;
  if (!tenantId) return no('tenant_context_required');
  if (tenantId === partner.homeTenantId) {
    const tenant = w.tenants.find((t) => t.id === tenantId);
    if (!tenant || tenant.status !== 'active') return no('tenant_inactive');
    if (banRef) {
      const b = findBan(w, banRef);
      if (!b || b.tenantId !== tenantId || (tokenBans && !tokenBans.includes(b.id) && !tokenBans.includes(b.accountNumber))) return no('ban_not_covered');
    }
    if (action === null) return yes();
    if (Object.entries(partner.toggles).some(([k, on]) => on === false && (action === k || action.startsWith(k + '.')))) return no('feature_disabled');
    if (!scopes) return no('permission_denied');
    if (!covers(scopes, action)) return no('scope_insufficient');
    return yes();
  }
  const ds = w.delegations.filter((d) => d.partnerId === partner.id && d.tenantId === tenantId && (d.origin === 'wholesale' || (d.origin === 'consent' && (!d.clientId || d.clientId === p.clientId))));
  return refDelegations(w, partner, ds, action, tenantId, banRef, tokenBans, scopes, now);
}

/** A partner-level route: the partner's link/wholesale delegations on the tenant, no token limits. */
export function referenceForPartner(w: World, r: PartnerReq): RefAnswer {
  const tenantId = r.target.tenantId ?? null;
  if (!tenantId) return no('tenant_context_required');
  const partner = w.partners.find((x) => x.id === r.partnerId);
  if (!partner || partner.status !== 'active') return no('partner_inactive');
  return refDelegations(w, partner, usersDelegations(w, partner, tenantId), r.action, tenantId, r.target.ban ?? null, null, null, r.now);
}

/**
 * The safety property, stated on its own and checked on every allowed answer (not by agreement
 * with the reference): the access the engine says it used (`via`) must stand on its own.
 *  - platform: an unbound, active user whose platform role covers the action, within its scopes;
 *  - membership: an unbound, active user, member of the (active) tenant, its role covering the
 *    action within its scopes, the BAN the tenant's;
 *  - home: an app of an active partner on that partner's own (active) tenant, a token scope covering
 *    the action, no disabled feature;
 *  - delegation (every cross-tenant access): the delegation named exists, joins the principal's
 *    partner and this tenant, is active and in its window, its approver still stands, its partner
 *    is active and has the capability its origin needs, its tenant is active, it (and the token)
 *    covers the BAN, role ∪ grant overrides cover the action and no deny override, disabled feature,
 *    consented scope or token scope takes it away; a consent only for an app of its client, a link
 *    for an app only when its token names it. A user acts through it only as an active member of
 *    its partner; a credential bound to a partner only through that partner; an app naming a
 *    `dlg` only through that delegation.
 * Returns what failed, or null.
 */
export function violation(w: World, r: Req | PartnerReq, got: Allowed): string | null {
  const action = r.action;
  const tenantId = got.tenantId;
  const userOf = (id: string) => w.users.find((x) => x.id === id && x.status === 'active');
  const tenantActive = (id: string | null) => id !== null && w.tenants.some((t) => t.id === id && t.status === 'active');
  const within = (scopes: readonly string[] | null | undefined) => action === null || !scopes || covers(scopes, action);
  const featureOff = (partner: WPartner) => action !== null && Object.entries(partner.toggles).some(([k, on]) => on === false && (action === k || action.startsWith(k + '.')));
  const banRef = r.target.ban ?? null;
  // on the tenant (every access but a platform role's): a BAN asked for exists and is the tenant's
  const ban = banRef === null ? null : findBan(w, banRef);
  const banOfTenant = ban === null || (ban !== undefined && ban.tenantId === tenantId);

  const byDelegation = (partnerId: string, app: { clientId: string; bans: readonly string[] | null; dlg: string | null } | null, scopes: readonly string[] | null): string | null => {
    const d = w.delegations.find((x) => x.id === got.delegationId);
    if (!d) return 'no such delegation';
    if (!banOfTenant) return "a BAN that does not exist or is not the tenant's";
    const partner = w.partners.find((x) => x.id === partnerId);
    // through a reseller (two-tier partners): the delegation's partner resells under this one, which resells under nobody
    const owner = w.partners.find((x) => x.id === d.partnerId);
    const chained = d.partnerId !== partnerId && !!owner && !!partner && owner.parentId === partnerId && partner.parentId === null;
    const failed = [
      d.partnerId !== partnerId && !chained && "another partner's delegation",
      chained && !d.distributorAccess && 'the customer did not let the distributor act through the link',
      chained && app !== null && "an app acting through a reseller's link",
      chained && d.origin === 'consent' && "a reseller's consent",
      chained && owner.status !== 'active' && 'reseller not active',
      chained && featureOff(owner) && "feature disabled for the reseller",
      (!partner || partner.status !== 'active') && 'partner not active',
      d.tenantId !== tenantId && "another tenant's delegation",
      !(d.status === 'active' && d.starts <= r.now && r.now < d.ends) && 'delegation not in effect',
      d.origin === 'consent' && !(app && (d.clientId === null || d.clientId === app.clientId)) && "a consent of another client, or used by a partner's users",
      app?.dlg && app.dlg !== d.id && 'not the delegation the token names',
      app && !app.dlg && d.origin === 'link' && "a link (the partner's users') used by an app token that does not name it",
      !approverStands(w, d) && 'approver no longer stands',
      owner && !owner.capabilities.includes(NEEDS[d.origin]) && `partner lacks ${NEEDS[d.origin]}`,
      !tenantActive(d.tenantId) && 'tenant not active',
      ban && d.banIds && !d.banIds.includes(ban.id) && 'BAN outside the delegation',
      ban && app?.bans && !app.bans.includes(ban.id) && !app.bans.includes(ban.accountNumber) && 'BAN outside the token',
      action !== null && !covers(w.roles[d.role], action) && !covers(d.grant, action) && 'neither role nor grant override covers the action',
      action !== null && covers(d.deny, action) && 'a deny override covers the action',
      partner && featureOff(partner) && 'feature disabled',
      !within(d.scopes) && 'outside the consented scopes',
      !within(scopes) && 'outside the token scopes',
    ].filter(Boolean);
    return failed.length > 0 ? failed.join('; ') : null;
  };

  if (!('principal' in r)) return got.via === 'delegation' ? byDelegation(r.partnerId, null, null) : `a partner route allowed via ${got.via}`;
  const p = r.principal;
  if (p.type === 'user') {
    const u = userOf(p.userId);
    if (!u) return 'an inactive or unknown user';
    const bound = p.partnerId ?? null;
    if (bound !== null && got.via !== 'delegation') return `a user bound to ${bound} allowed via ${got.via}`;
    switch (got.via) {
      case 'platform':
        return action !== null && u.platformRole && covers(w.roles[u.platformRole], action) && within(p.scopes) ? null : 'platform role does not cover';
      case 'membership': {
        const m = u.tenants.find((x) => x.tenantId === tenantId);
        return m && tenantActive(tenantId) && banOfTenant && (action === null || covers(w.roles[m.role], action)) && within(p.scopes) ? null : 'membership does not cover';
      }
      case 'delegation':
        if (!u.partner || u.partner.status !== 'active' || (bound !== null && u.partner.partnerId !== bound)) return 'not an active member of the partner';
        return byDelegation(u.partner.partnerId, null, p.scopes ?? null);
      default:
        return `a user allowed via ${got.via}`;
    }
  }
  if (p.userId && !userOf(p.userId)) return 'the user behind the token is inactive';
  if (p.tenantId && p.tenantId !== tenantId) return 'the token is for another tenant';
  if (got.via === 'home') {
    const partner = w.partners.find((x) => x.id === p.partnerId);
    if (!partner || partner.status !== 'active' || partner.homeTenantId !== tenantId || !tenantActive(tenantId)) return 'not the active home tenant of an active partner';
    if (!banOfTenant) return "a BAN that does not exist or is not the tenant's";
    if (ban && p.bans && !p.bans.includes(ban.id) && !p.bans.includes(ban.accountNumber)) return 'BAN outside the token';
    if (action !== null && (!p.scopes || !covers(p.scopes, action) || featureOff(partner))) return 'no token scope covers the action, or the feature is disabled';
    return null;
  }
  if (got.via !== 'delegation') return `an app allowed via ${got.via}`;
  return byDelegation(p.partnerId, { clientId: p.clientId, bans: p.bans ?? null, dlg: p.delegationId ?? null }, p.scopes ?? null);
}
