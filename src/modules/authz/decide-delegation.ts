/**
 * The delegation stage of a decision (decide-user.ts and decide-app.ts reach it): the delegation's
 * state, its approver, the partner's capability and allowed roles, the tenant, the billing account,
 * feature toggles, deny overrides, role grants (eligible roles while activated) and grant
 * overrides, consented scopes and token scopes — and, when several delegations join a partner and
 * a tenant, which one answers.
 */
import type { AuthzSnapshot, SnapBan, SnapDelegation, SnapPartner } from './snapshot.ts';
import { CAP_FOR_ORIGIN, CAP_NAME_FOR_ORIGIN, D_ACTIVE, D_EXPIRED, D_REJECTED, D_REQUESTED, D_REVOKED, ORIGINS } from './snapshot.ts';
import { matchGrant } from './grant-set.ts';
import { JIT_ACTIVE, JIT_NONE, type JitState } from './jit-index.ts';
import { allowed, disabledFeature, listMatch, pass, refuse, refused, type Decision, type Matched, type Refused, type Trace } from './decide-answer.ts';

/** The link's just-in-time state for a member; the index is asked (and the delegation's id unpacked) only when any link is eligible. */
export function jitState(snap: AuthzSnapshot, d: SnapDelegation, userId: string | null, now: number, assumeActive: boolean): JitState {
  return snap.jit.size === 0 ? JIT_NONE : snap.jit.state(d.id, userId, now, assumeActive);
}

export const ACTIVATION_REQUIRED = 'The access to this tenant is eligible only: activate it (with a second factor and a reason) for a while first.';

/** Relevance of a delegation's state for the refusal reported: lower is more relevant. */
function stateRank(d: SnapDelegation, now: number): number {
  switch (d.status) {
    case D_ACTIVE:
      if (now >= d.endsMs) return 4;
      if (now < d.startsMs) return 3;
      return 1;
    case D_REQUESTED:
      return 2;
    case D_EXPIRED:
      return 4;
    case D_REVOKED:
      return 5;
    case D_REJECTED:
      return 6;
    default:
      return 7;
  }
}

function stateRefusal(d: SnapDelegation, now: number, trace: Trace): Refused {
  switch (stateRank(d, now)) {
    case 2:
      return refuse('delegation_pending', 'The delegation awaits the tenant admin approval.', trace, 'delegation_state', d);
    case 3:
      if (trace !== null) trace.push({ check: 'delegation_state', passed: false, detail: `The delegation starts at ${new Date(d.startsMs).toISOString()}.` });
      return refused('delegation_not_started', 'The delegation has not started yet.', null, d);
    case 4:
      if (trace !== null) trace.push({ check: 'delegation_state', passed: false, detail: `The delegation ended at ${new Date(d.endsMs).toISOString()}.` });
      return refused('delegation_expired', 'The delegation has expired.', null, d);
    case 5:
      return refuse('delegation_revoked', 'The delegation was revoked.', trace, 'delegation_state', d);
    default:
      return refuse('delegation_rejected', 'The delegation request was rejected.', trace, 'delegation_state', d);
  }
}

/** The common case: one delegation joins the partner and the tenant. */
export function throughOne(
  snap: AuthzSnapshot,
  partner: SnapPartner,
  d: SnapDelegation,
  action: string | null,
  banRef: string | null,
  tenantId: string,
  tokenBans: readonly string[] | null,
  scopes: readonly string[] | null,
  now: number,
  trace: Trace,
  /** the partner member whose activation of eligible roles counts (undefined: an app — eligible roles never count) */
  jitUser?: string | null,
  /** count eligible roles as activated (a partner's reach) */
  jitAssume = false,
): Decision {
  if (trace !== null) pass(trace, 'delegation_found', `Delegation ${d.id} (${ORIGINS[d.origin]}, ${d.role.id}).`);
  if (d.status !== D_ACTIVE || now >= d.endsMs || now < d.startsMs) return stateRefusal(d, now, trace);
  return throughDelegation(snap, partner, d, action, banRef, tenantId, tokenBans, scopes, trace, jitUser === undefined ? JIT_NONE : jitState(snap, d, jitUser, now, jitAssume));
}

export function throughDelegations(
  snap: AuthzSnapshot,
  partner: SnapPartner,
  candidates: readonly SnapDelegation[],
  action: string | null,
  banRef: string | null,
  tenantId: string,
  tokenBans: readonly string[] | null,
  scopes: readonly string[] | null,
  now: number,
  trace: Trace,
  jitUser?: string | null,
  jitAssume = false,
): Decision {
  if (candidates.length === 0) return refuse('delegation_not_found', 'No delegation gives access to this tenant.', trace, 'delegation_found');
  if (candidates.length === 1) return throughOne(snap, partner, candidates[0], action, banRef, tenantId, tokenBans, scopes, now, trace, jitUser, jitAssume);
  // Several: try the effective ones in a fixed order; report the most relevant refusal.
  const sorted = [...candidates].sort((a, b) => stateRank(a, now) - stateRank(b, now) || a.origin - b.origin || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  if (trace !== null) pass(trace, 'delegation_found', `${sorted.length} delegations join the partner and the tenant: ${sorted.map((d) => d.id).join(', ')}.`);
  let first: Decision | null = null;
  for (const d of sorted) {
    if (stateRank(d, now) !== 1) break;
    const r = throughDelegation(snap, partner, d, action, banRef, tenantId, tokenBans, scopes, trace, jitUser === undefined ? JIT_NONE : jitState(snap, d, jitUser, now, jitAssume));
    if (r.allow) return r;
    first ??= r;
  }
  return first ?? stateRefusal(sorted[0], now, trace);
}

const APPROVER_INACTIVE = 'The tenant admin who approved this delegation is no longer an active admin of the tenant; a current tenant admin must confirm it again.';

export function banListed(list: readonly string[], b: SnapBan): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === b.id || list[i] === b.accountNumber) return true;
  return false;
}

export function resolveBans(snap: AuthzSnapshot, refs: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of refs) {
    const b = snap.ban(r);
    if (b && !out.includes(b.id)) out.push(b.id);
  }
  return out;
}

function throughDelegation(
  snap: AuthzSnapshot,
  partner: SnapPartner,
  d: SnapDelegation,
  action: string | null,
  banRef: string | null,
  tenantId: string,
  tokenBans: readonly string[] | null,
  scopes: readonly string[] | null,
  trace: Trace,
  /** the link's just-in-time state for the acting member (jit-index.ts); JIT_GATED never reaches here */
  js: JitState = JIT_NONE,
): Decision {
  if (trace !== null) pass(trace, 'delegation_state', `Delegation ${d.id} is active until ${new Date(d.endsMs).toISOString()}.`);
  // Two-tier partners: a distributor acting through a reseller's link (the snapshot's chain holds
  // only links with distributor access, of its resellers). The reseller must be active; its
  // capability, allowed roles and feature toggles apply, and the distributor's toggles on top.
  const owner = d.owner;
  if (owner !== partner) {
    if (owner.parent !== partner || partner.parent !== null || !d.distributorAccess) return refuse('delegation_not_found', 'No delegation gives access to this tenant.', trace, 'reseller_link', d);
    if (!owner.active) return refuse('partner_inactive', `The reseller ${owner.id} is ${owner.status}.`, trace, 'reseller_active', d);
    if (trace !== null) pass(trace, 'reseller_active', `Through reseller ${owner.id}: the customer lets its distributor act through this link.`);
  }
  // One field read: the snapshot keeps approverActive current when the approver's account or tenant role changes.
  if (!d.approverActive) {
    return refuse('delegation_approver_inactive', APPROVER_INACTIVE, trace, 'delegation_approver', d);
  }
  if (trace !== null) pass(trace, 'delegation_approver', d.approverId === null ? 'No tenant approver to check (wholesale, or created by the platform).' : `Approver ${d.approverId} is still an active tenant admin.`);
  if ((owner.caps & CAP_FOR_ORIGIN[d.origin]) === 0) {
    return refuse('partner_capability_missing', `A ${ORIGINS[d.origin]} delegation needs the partner capability ${CAP_NAME_FOR_ORIGIN[d.origin]}.`, trace, 'partner_capability', d);
  }
  if (trace !== null) pass(trace, 'partner_capability', `The partner has ${CAP_NAME_FOR_ORIGIN[d.origin]}.`);
  // The operator may limit the delegation roles a partner uses; a link that already holds
  // a role since disallowed stops working on the next request (the configuration rides on the partner).
  const allowedRoles = owner.config.roles?.delegation_roles;
  if (allowedRoles !== undefined && !allowedRoles.includes(d.role.id)) {
    return refuse('role_not_allowed', `The partner may no longer use the delegation role ${d.role.id}.`, trace, 'partner_roles', d);
  }
  const t = d.tenant;
  if (!t.active) return refuse('tenant_inactive', `The tenant is ${t.status}.`, trace, 'tenant_active', d);
  if (trace !== null) pass(trace, 'tenant_active', 'The tenant is active.');
  if (banRef !== null) {
    const b = snap.ban(banRef);
    if (b === undefined || b.tenantId !== tenantId) return refuse('ban_not_covered', `Billing account ${banRef} is not an account of the tenant.`, trace, 'ban_covered', d);
    if (d.banIds !== null && !d.banIds.includes(b.id)) return refuse('ban_not_covered', `The delegation does not cover billing account ${b.accountNumber}.`, trace, 'ban_covered', d);
    if (tokenBans !== null && !banListed(tokenBans, b)) return refuse('ban_not_covered', `The token is not for billing account ${b.accountNumber}.`, trace, 'ban_covered', d);
    if (trace !== null) pass(trace, 'ban_covered', `Billing account ${b.accountNumber} is covered.`);
  }
  let bans = d.banIds;
  if (tokenBans !== null) {
    const tb = resolveBans(snap, tokenBans);
    bans = bans === null ? tb : bans.filter((x) => tb.includes(x));
  }
  if (action === null) {
    return allowed('The delegation is active.', null, 'delegation', tenantId, d, bans, d.role.id);
  }
  const f = disabledFeature(owner, action) ?? (owner === partner ? null : disabledFeature(partner, action));
  if (f !== null) return refuse('feature_disabled', `The feature ${f} is disabled for this partner.`, trace, 'feature_toggle', d, { source: 'feature_toggle', grant: f });
  if (trace !== null) pass(trace, 'feature_toggle', 'No disabled feature covers the action.');
  const deny = matchGrant(d.deny, action);
  if (deny !== null) return refuse('permission_denied', `The delegation override denies ${deny}.`, trace, 'override_deny', d, { source: 'override_deny', grant: deny });
  if (trace !== null) pass(trace, 'override_deny', d.deny.list.length > 0 ? `No deny override (${d.deny.list.join(', ')}) covers the action.` : 'No deny overrides.');
  let matched: Matched;
  const rg = matchGrant(d.role.grants, action);
  // eligible roles: granted while the member's activation is open; otherwise say activation would
  let eg: string | null = null;
  let eRole: string | null = null;
  let eligibleWould = false;
  if (rg === null && js !== JIT_NONE) {
    const ids = snap.jit.rolesOf(d.id);
    for (let i = 0; i < ids.length; i++) {
      const r = snap.roles.get(ids[i]);
      const g = r ? matchGrant(r.grants, action) : null;
      if (g === null) continue;
      if (js === JIT_ACTIVE) {
        eg = g;
        eRole = ids[i];
      } else eligibleWould = true;
      break;
    }
  }
  if (rg !== null) {
    matched = { source: 'delegation_role', grant: rg, role: d.role.id };
    if (trace !== null) pass(trace, 'grant', `The delegation role ${d.role.id} grants ${rg}.`);
  } else if (eg !== null) {
    matched = { source: 'delegation_role', grant: eg, role: eRole! };
    if (trace !== null) pass(trace, 'grant', `The eligible role ${eRole!}, activated now, grants ${eg}.`);
  } else {
    const og = matchGrant(d.grant, action);
    if (og === null && eligibleWould) return refuse('activation_required', ACTIVATION_REQUIRED, trace, 'activation', d);
    if (og === null) return refuse('permission_denied', `Neither the role ${d.role.id} nor the grant overrides allow ${action}.`, trace, 'grant', d);
    matched = { source: 'override_grant', grant: og };
    if (trace !== null) pass(trace, 'grant', `The grant override ${og} allows it.`);
  }
  if (d.scopes !== null) {
    const s = matchGrant(d.scopes, action);
    if (s === null) return refuse('scope_insufficient', `The customer did not consent to ${action}.`, trace, 'delegation_scope', d, matched);
    if (trace !== null) pass(trace, 'delegation_scope', `The consented scope ${s} covers it.`);
  }
  if (scopes !== null) {
    const s = listMatch(scopes, action);
    if (s === null) return refuse('scope_insufficient', `The token's scopes do not include ${action}.`, trace, 'token_scope', d, matched);
    if (trace !== null) pass(trace, 'token_scope', `The token scope ${s} covers it.`);
  }
  return allowed(matched.source === 'delegation_role' ? 'The delegation role grants it.' : 'A grant override of the delegation allows it.', matched, 'delegation', tenantId, d, bans, matched.role ?? d.role.id);
}
