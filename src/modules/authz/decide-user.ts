/**
 * The decision stages for a person (decide.ts composes them): a user acting on its own tenant
 * (platform role, tenant membership), a partner member acting on a customer through the partner's
 * delegations (membership, MFA policy, then the delegation stage, then the member role's cut), and
 * a user whose credential was issued through one partner.
 */
import type { AuthzSnapshot, DelegationSlots, SnapDelegation, SnapPartner, SnapUser } from './snapshot.ts';
import { O_CONSENT } from './snapshot.ts';
import { matchGrant } from './grant-set.ts';
import { JIT_GATED } from './jit-index.ts';
import { allowed, listMatch, namedBy, pass, refuse, type AuthzTarget, type Decision, type Matched, type Trace, type UserPrincipal } from './decide-answer.ts';
import { ACTIVATION_REQUIRED, jitState, throughDelegations, throughOne } from './decide-delegation.ts';

export function decideUser(snap: AuthzSnapshot, p: UserPrincipal, action: string | null, target: AuthzTarget, now: number, trace: Trace): Decision {
  const u = snap.users.get(p.userId);
  if (u === undefined || !u.active) return refuse('user_inactive', u ? `The user account is ${u.status}.` : 'The user is unknown.', trace, 'user_active');
  if (trace !== null) pass(trace, 'user_active', 'The user account is active.');
  const scopes = p.scopes ?? null;
  if (p.partnerId) return boundPartnerUser(snap, u, p.partnerId, action, target, scopes, now, trace, p.mfa);

  if (u.platformRole !== null && action !== null) {
    const role = snap.roles.get(u.platformRole);
    const g = role ? matchGrant(role.grants, action) : null;
    if (g !== null && (scopes === null || listMatch(scopes, action) !== null)) {
      if (trace !== null) pass(trace, 'platform_role', `The platform role ${u.platformRole} grants ${g}.`);
      return allowed('The platform role grants it.', { source: 'platform_role', grant: g, role: u.platformRole }, 'platform', target.tenantId ?? null, null, null, u.platformRole);
    }
    if (trace !== null) pass(trace, 'platform_role', `The platform role ${u.platformRole} does not grant ${action}; looking at tenant access.`);
  }

  const tenantId = target.tenantId ?? null;
  if (tenantId === null) return refuse('tenant_context_required', 'Choose the tenant to act on: send X-Active-Tenant-Id.', trace, 'tenant_context');
  if (trace !== null) pass(trace, 'tenant_context', `Acting on tenant ${tenantId}.`);

  const tenantRole = u.tenants?.get(tenantId);
  if (tenantRole !== undefined) {
    if (trace !== null) pass(trace, 'tenant_membership', `The user is ${tenantRole} of the tenant.`);
    const t = snap.tenants.get(tenantId);
    if (t === undefined || !t.active) return refuse('tenant_inactive', `The tenant is ${t?.status ?? 'unknown'}.`, trace, 'tenant_active');
    if (trace !== null) pass(trace, 'tenant_active', 'The tenant is active.');
    if (target.ban) {
      const b = snap.ban(target.ban);
      if (b === undefined || b.tenantId !== tenantId) return refuse('ban_not_covered', `Billing account ${target.ban} is not an account of the tenant.`, trace, 'ban_covered');
      if (trace !== null) pass(trace, 'ban_covered', `Billing account ${b.accountNumber} belongs to the tenant.`);
    }
    if (action === null) return allowed('A member of the tenant.', null, 'membership', tenantId, null, null, tenantRole);
    const role = snap.roles.get(tenantRole);
    const g = role ? matchGrant(role.grants, action) : null;
    if (g === null) return refuse('permission_denied', `The tenant role ${tenantRole} does not grant ${action}.`, trace, 'role_grant');
    const matched: Matched = { source: 'tenant_role', grant: g, role: tenantRole };
    if (trace !== null) pass(trace, 'role_grant', `The tenant role ${tenantRole} grants ${g}.`);
    if (scopes !== null) {
      const s = listMatch(scopes, action);
      if (s === null) return refuse('scope_insufficient', `The token's scopes do not include ${action}.`, trace, 'token_scope', null, matched);
      if (trace !== null) pass(trace, 'token_scope', `The token scope ${s} covers ${action}.`);
    }
    return allowed('The tenant role grants it.', matched, 'membership', tenantId, null, null, tenantRole);
  }

  const partner = u.partner;
  // Neither a member of the tenant nor in a partner: answered exactly like a tenant that does not exist.
  if (partner === null) return refuse('delegation_not_found', 'No delegation gives access to this tenant.', trace, 'delegation_found');
  // The delegation lookup goes through the user's own pointer to the partner's map, so it does
  // not wait for the partner object to arrive from memory (1M-delegation worlds are memory-bound).
  const v = u.byTenant!.get(tenantId);
  if (!u.partnerMemberActive) return refuse('partner_membership_inactive', 'The partner membership is deactivated.', trace, 'partner_membership_active');
  if (trace !== null) pass(trace, 'partner_membership_active', `Member (${u.partnerRole}) of partner ${partner.id}.`);
  if (p.mfa !== true && snap.mfa.requiredFor(partner.id, tenantId)) return refuse('mfa_required', MFA_REQUIRED, trace, 'mfa');
  if (trace !== null) pass(trace, 'mfa', p.mfa === true ? 'Signed in with a second factor.' : 'No MFA policy applies.');
  return memberRoleCut(u, partnerUsersAccess(snap, partner, action, tenantId, target.ban ?? null, scopes, now, trace, v, u.id), action, trace);
}

const FULL_MEMBER_ROLE = 'partner_msp_full';

/**
 * A partner member acts on a customer with the delegation's permissions ∩ their
 * member role's (partner_msp_full, _billing, _support, partner_auditor). No member role = no cut.
 * Checked last, so the refusals about the link (expired, BAN not covered, …) keep their codes.
 */
function memberRoleCut(u: SnapUser, d: Decision, action: string | null, trace: Trace): Decision {
  const mr = u.memberRole;
  // The operator may limit the member roles a partner uses (no member role = full access,
  // i.e. partner_msp_full); a member holding a role since disallowed is refused on the next request.
  const allowedMemberRoles = d.allow ? u.partner?.config.roles?.member_roles : undefined;
  if (allowedMemberRoles !== undefined && !allowedMemberRoles.includes(mr?.id ?? FULL_MEMBER_ROLE)) {
    return refuse('role_not_allowed', `Your member role ${mr?.id ?? FULL_MEMBER_ROLE} is no longer allowed for your organization.`, trace, 'member_role', namedBy(d));
  }
  if (!d.allow || action === null || mr === null) {
    if (d.allow && action !== null && trace !== null) pass(trace, 'member_role', 'No member role: the member has every permission the link gives.');
    return d;
  }
  const g = matchGrant(mr.grants, action);
  if (g === null) return refuse('permission_denied', `Your member role ${mr.id} does not allow ${action}.`, trace, 'member_role', namedBy(d));
  if (trace !== null) pass(trace, 'member_role', `The member role ${mr.id} grants ${g}.`);
  return d;
}

const MFA_REQUIRED = 'A policy requires partner people to sign in with a second factor (authenticator app or passkey) to act on this tenant.';

/**
 * A user whose credential was issued through one partner (UserPrincipal.partnerId). Membership
 * and partner are checked before the tenant context, so a removed or deactivated member, or a
 * suspended partner, is refused whatever the request names (user_inactive / partner_inactive,
 * the codes that end a caller everywhere, partner-level routes included).
 */
function boundPartnerUser(snap: AuthzSnapshot, u: SnapUser, partnerId: string, action: string | null, target: AuthzTarget, scopes: readonly string[] | null, now: number, trace: Trace, mfa: boolean | undefined): Decision {
  const partner = u.partner;
  if (partner === null || partner.id !== partnerId) return refuse('user_inactive', 'The user is no longer a member of the partner the token was issued through.', trace, 'partner_membership');
  if (!u.partnerMemberActive) return refuse('user_inactive', "The user's membership of the partner is deactivated.", trace, 'partner_membership_active');
  if (trace !== null) pass(trace, 'partner_membership_active', `Member (${u.partnerRole}) of partner ${partner.id}, the partner the token was issued through.`);
  if (!partner.active) return refuse('partner_inactive', `The partner is ${partner.status}.`, trace, 'partner_active');
  const tenantId = target.tenantId ?? null;
  if (tenantId === null) return refuse('tenant_context_required', 'Choose the tenant to act on: send X-Active-Tenant-Id.', trace, 'tenant_context');
  if (trace !== null) pass(trace, 'tenant_context', `Acting on tenant ${tenantId}.`);
  if (mfa !== true && snap.mfa.requiredFor(partner.id, tenantId)) return refuse('mfa_required', MFA_REQUIRED, trace, 'mfa');
  if (trace !== null) pass(trace, 'mfa', mfa === true ? 'Signed in with a second factor.' : 'No MFA policy applies.');
  return memberRoleCut(u, partnerUsersAccess(snap, partner, action, tenantId, target.ban ?? null, scopes, now, trace, u.byTenant!.get(tenantId), u.id), action, trace);
}

/**
 * What a partner's users may do on a tenant through the partner's link (and wholesale)
 * delegations — the partner-side view, whatever tenants the user is a member of itself.
 */
export function decideForPartner(snap: AuthzSnapshot, partnerId: string, action: string | null, target: AuthzTarget, now: number, reach = false): Decision {
  const tenantId = target.tenantId ?? null;
  if (tenantId === null) return refuse('tenant_context_required', 'Choose the tenant to act on: send X-Active-Tenant-Id.', null, 'tenant_context');
  const partner = snap.partners.get(partnerId);
  // reach (the tenants a partner request's database context may touch): an eligible link counts, each member's own decision gates it
  return partnerUsersAccess(snap, partner, action, tenantId, target.ban ?? null, null, now, null, partner?.byTenant.get(tenantId), null, !reach);
}

function partnerUsersAccess(
  snap: AuthzSnapshot,
  partner: SnapPartner | undefined,
  action: string | null,
  tenantId: string,
  banRef: string | null,
  scopes: readonly string[] | null,
  now: number,
  trace: Trace,
  /** partner.byTenant.get(tenantId), looked up by the caller: the delegation slot(s) */
  v: DelegationSlots | undefined,
  /** the partner member acting (eligible links count only with this user's open activation); null: nobody's */
  userId: string | null = null,
  /** false: eligible links count as if activated (the partner's reach, for its database context) */
  gate = true,
): Decision {
  if (partner === undefined || !partner.active) return refuse('partner_inactive', `The partner is ${partner?.status ?? 'unknown'}.`, trace, 'partner_active');
  if (trace !== null) pass(trace, 'partner_active', 'The partner is active.');
  // a distributor (no parent of its own) also acts through its resellers' links the customer opened to it: one field read when none
  const c = partner.chain !== null && partner.parent === null ? partner.chain.get(tenantId) : undefined;
  if (v === undefined && c === undefined) return refuse('delegation_not_found', 'No delegation gives access to this tenant.', trace, 'delegation_found');
  // consent delegations belong to an app (its client), not to the partner's users
  if (c === undefined && typeof v === 'number') {
    // one delegation: read into the snapshot's scratch view (nothing allocated; not kept past this decision)
    const d = snap.peek(v);
    if (d.origin === O_CONSENT) return refuse('delegation_not_found', 'No delegation gives access to this tenant.', trace, 'delegation_found');
    const js = jitState(snap, d, userId, now, !gate);
    if (js === JIT_GATED) return refuse('activation_required', ACTIVATION_REQUIRED, trace, 'activation', d);
    return throughOne(snap, partner, d, action, banRef, tenantId, null, scopes, now, trace, userId, !gate);
  }
  const candidates: SnapDelegation[] = [];
  let gated = false;
  for (const slots of [v, c]) {
    if (slots === undefined) continue;
    for (const slot of typeof slots === 'number' ? [slots] : slots) {
      const d = snap.at(slot);
      if (d.origin === O_CONSENT) continue;
      if (gate && snap.jit.size !== 0 && snap.jit.gated(d.id, userId, now)) gated = true;
      else candidates.push(d);
    }
  }
  if (gated && candidates.length === 0) return refuse('activation_required', ACTIVATION_REQUIRED, trace, 'activation');
  return throughDelegations(snap, partner, candidates, action, banRef, tenantId, null, scopes, now, trace, userId, !gate);
}
