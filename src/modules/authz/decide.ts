/**
 * The decision engine (permissions, and the enforcement pipeline's decision step): `decide(snapshot, principal, action, target, now)`.
 * Pure — no I/O, no clock; the snapshot and `now` (epoch ms) are arguments — so the same call
 * answers the same everywhere, and `explain()` is the same walk with a trace.
 *
 * Principals:
 *  - `user`: a person with a session or personal API token — the operator (platform role), a
 *    tenant's own member acting on its tenant, or a partner user acting on a customer tenant
 *    through a link (or wholesale) delegation, the tenant chosen by X-Active-Tenant-Id. A user
 *    bound to a partner (`partnerId`: an MSP user's token from the partner's own app) acts only
 *    through that partner's delegations, and only while an active member of it.
 *  - `app`: a partner app token (RFC 9068 claims partner_id, client_id, dlg, tenant_id,
 *    customer_ban, scope) acting through the delegation its `dlg` names, or on the partner's own
 *    home tenant with client credentials.
 *
 * The order of checks, each returning one refusal code:
 *   user active → platform role grant → tenant context → own-tenant membership (tenant active,
 *   BAN of the tenant, tenant role, scopes) — or, for partners: membership active → partner
 *   active → delegation found → delegation state (pending/not started/expired/revoked/rejected)
 *   → approver (the tenant admin who approved a link or consented is still an active
 *   TENANT_ADMIN of the tenant; wholesale has none) → partner capability for the origin → tenant
 *   active → BAN covered → feature toggles → overrides.deny → role grants ∪ overrides.grant →
 *   delegation scopes → token scopes.
 *
 * Effective permissions = (role grants ∪ overrides.grant) ∩ delegation scopes ∩ token scopes
 * − overrides.deny − disabled features. A deny always wins, and a token never exceeds its
 * scopes: overrides widen the role, not the token.
 *
 * When several delegations join the same partner and tenant (a link and a wholesale one), any
 * effective one that allows the action allows it; otherwise the refusal reported is that of the
 * most relevant: effective first, then pending, not started, expired, revoked, rejected; the
 * newest among equals.
 *
 * Hot-path care: no string is built and nothing is formatted unless explain() asked for a trace
 * (allowed reasons are constants; `matched`, `role` and `delegationId` carry the specifics).
 */
import type { AuthzSnapshot, DelegationSlots, SnapBan, SnapDelegation, SnapPartner, SnapUser } from './snapshot.ts';
import { ID_WORDS, idFromWords, CAP_FOR_ORIGIN, CAP_NAME_FOR_ORIGIN, D_ACTIVE, D_EXPIRED, D_REJECTED, D_REQUESTED, D_REVOKED, O_CONSENT, O_LINK, O_WHOLESALE, ORIGINS } from './snapshot.ts';
import { matchGrant } from './grant-set.ts';
import { JIT_ACTIVE, JIT_GATED, JIT_NONE, type JitState } from './jit-index.ts';

export interface UserPrincipal {
  type: 'user';
  userId: string;
  /** permission grants the credential is limited to (a scoped token); absent = no limit */
  scopes?: readonly string[] | null;
  /**
   * The partner the credential was issued through (an MSP user's access token from the
   * partner's own app: `partner_id`). Only that partner's delegations count — not the user's own
   * tenant memberships or platform role, which no tenant gave the partner's app — and the user
   * must still be an active member of it. Absent = a plain session or personal API token.
   */
  partnerId?: string | null;
  /**
   * The credential was established with a second factor (amr has "mfa": a session after the
   * sign-in second step or a step-up, a token issued from one). MFA policies (snapshot.mfa)
   * refuse partner people acting on a tenant without it: mfa_required.
   */
  mfa?: boolean;
}

export interface AppPrincipal {
  type: 'app';
  partnerId: string;
  clientId: string;
  /** the `dlg` claim */
  delegationId?: string | null;
  /** the `tenant_id` claim */
  tenantId?: string | null;
  /** the `customer_ban` claim: BAN ids or account numbers the token is limited to */
  bans?: readonly string[] | null;
  /** the token's scopes, mapped to permission grants */
  scopes?: readonly string[] | null;
  /** the user behind the token, when there is one (`sub`) */
  userId?: string | null;
}

export type AuthzPrincipal = UserPrincipal | AppPrincipal;

export interface AuthzTarget {
  /** the tenant acted on (X-Active-Tenant-Id, the route, or the token's tenant) */
  tenantId?: string | null;
  /** a billing account id or account number the request touches */
  ban?: string | null;
}

export type RefusalCode =
  | 'user_inactive'
  | 'partner_membership_inactive'
  | 'partner_inactive'
  | 'tenant_context_required'
  | 'delegation_not_found'
  | 'delegation_pending'
  | 'delegation_not_started'
  | 'delegation_expired'
  | 'delegation_revoked'
  | 'delegation_rejected'
  | 'delegation_approver_inactive'
  | 'partner_capability_missing'
  | 'tenant_inactive'
  | 'ban_not_covered'
  | 'feature_disabled'
  | 'permission_denied'
  | 'scope_insufficient'
  | 'mfa_required'
  | 'activation_required'
  | 'role_not_allowed';

export const REFUSAL_CODES: readonly RefusalCode[] = [
  'user_inactive',
  'partner_membership_inactive',
  'partner_inactive',
  'tenant_context_required',
  'delegation_not_found',
  'delegation_pending',
  'delegation_not_started',
  'delegation_expired',
  'delegation_revoked',
  'delegation_rejected',
  'delegation_approver_inactive',
  'partner_capability_missing',
  'tenant_inactive',
  'ban_not_covered',
  'feature_disabled',
  'permission_denied',
  'scope_insufficient',
  'mfa_required',
  'activation_required',
  'role_not_allowed',
];

export interface Matched {
  source: 'platform_role' | 'tenant_role' | 'delegation_role' | 'override_grant' | 'override_deny' | 'token_scope' | 'feature_toggle';
  grant: string;
  role?: string;
}

export type Via = 'platform' | 'membership' | 'delegation' | 'home';

export interface Allowed {
  allow: true;
  code: 'allowed';
  reason: string;
  matched: Matched | null;
  via: Via;
  tenantId: string | null;
  delegationId: string | null;
  /** billing account ids the access covers; null = every account of the tenant */
  bans: readonly string[] | null;
  /** the role the access comes from */
  role: string | null;
}

export interface Refused {
  allow: false;
  code: RefusalCode;
  reason: string;
  /** the deny or toggle that refused, or the grant a scope then cut (the engine always sets it, null when none) */
  matched?: Matched | null;
  /** the delegation the refusal is about (the engine always sets it, null when none) */
  delegationId?: string | null;
}

export type Decision = Allowed | Refused;

export interface Check {
  check: string;
  passed: boolean;
  detail: string;
}

type Trace = Check[] | null;

/** The delegation an answer names: a snapshot view, another answer's, an id, or none. */
type Named = SnapDelegation | Answer | string | null;

/**
 * Every answer the engine gives is one of these (one hidden class on the hot path, allowed or
 * refused; a refusal leaves via, tenantId, bans and role undefined). The delegation it names is
 * read out of the snapshot's packed words only when `delegationId` is read: making that
 * 30-character string on every decision, whether or not anyone reads it, cost a fifth of
 * bench:authz's throughput, where five integers copied into the answer cost nothing measurable.
 * The words are a copy, so a later change to the delegation's slot does not change the answer.
 * Fields are assigned in the constructor (`declare`d: no define-then-assign), in one order.
 * toJSON gives the plain object, delegationId included.
 */
class Answer {
  #id: string | null;
  #packed: boolean;
  #w0: number;
  #w1: number;
  #w2: number;
  #w3: number;
  #w4: number;
  declare readonly allow: boolean;
  declare readonly code: 'allowed' | RefusalCode;
  declare readonly reason: string;
  declare readonly matched: Matched | null;
  declare readonly via: Via | undefined;
  declare readonly tenantId: string | null | undefined;
  declare readonly bans: readonly string[] | null | undefined;
  declare readonly role: string | null | undefined;

  constructor(
    allow: boolean,
    code: 'allowed' | RefusalCode,
    reason: string,
    matched: Matched | null,
    delegation: Named,
    via?: Via,
    tenantId?: string | null,
    bans?: readonly string[] | null,
    role?: string | null,
  ) {
    const id = delegation === null || typeof delegation === 'string' ? delegation : delegation.idOrWords();
    this.#id = id;
    this.#packed = id === null && delegation !== null;
    this.#w0 = ID_WORDS[0];
    this.#w1 = ID_WORDS[1];
    this.#w2 = ID_WORDS[2];
    this.#w3 = ID_WORDS[3];
    this.#w4 = ID_WORDS[4];
    this.allow = allow;
    this.code = code;
    this.reason = reason;
    this.matched = matched;
    this.via = via;
    this.tenantId = tenantId;
    this.bans = bans;
    this.role = role;
  }

  /** As SnapDelegation.idOrWords: the id when it is a string, else null with the words in ID_WORDS. */
  idOrWords(): string | null {
    if (!this.#packed) return this.#id;
    ID_WORDS[0] = this.#w0;
    ID_WORDS[1] = this.#w1;
    ID_WORDS[2] = this.#w2;
    ID_WORDS[3] = this.#w3;
    ID_WORDS[4] = this.#w4;
    return null;
  }

  /** The delegation the answer is about (null when none). */
  get delegationId(): string | null {
    if (this.#packed) {
      this.#id = idFromWords(this.#w0, this.#w1, this.#w2, this.#w3, this.#w4);
      this.#packed = false;
    }
    return this.#id;
  }

  toJSON(): Decision {
    return this.allow
      ? { allow: true, code: 'allowed', reason: this.reason, matched: this.matched, via: this.via!, tenantId: this.tenantId ?? null, delegationId: this.delegationId, bans: this.bans ?? null, role: this.role ?? null }
      : { allow: false, code: this.code as RefusalCode, reason: this.reason, matched: this.matched, delegationId: this.delegationId };
  }
}

/** Every refusal has the same shape (one hidden class on the hot path). */
function refuse(code: RefusalCode, reason: string, trace: Trace, check: string, delegation: Named = null, matched: Matched | null = null): Refused {
  if (trace !== null) trace.push({ check, passed: false, detail: reason });
  return refused(code, reason, matched, delegation);
}

function refused(code: RefusalCode, reason: string, matched: Matched | null, delegation: Named): Refused {
  return new Answer(false, code, reason, matched, delegation) as Refused;
}

/** The delegation another answer names, without reading its id out. */
function namedBy(d: Decision): Named {
  return d instanceof Answer ? d : (d.delegationId ?? null);
}

function allowed(reason: string, matched: Matched | null, via: Via, tenantId: string | null, delegation: Named, bans: readonly string[] | null, role: string | null): Allowed {
  return new Answer(true, 'allowed', reason, matched, delegation, via, tenantId, bans, role) as Allowed;
}

function pass(trace: Trace, check: string, detail: string): void {
  if (trace) trace.push({ check, passed: true, detail });
}

/** The grant of a plain list that covers `permission` (wildcards honoured), without allocating. */
export function listMatch(list: readonly string[], permission: string): string | null {
  for (let i = 0; i < list.length; i++) {
    const g = list[i];
    if (g === '*' || g === permission) return g;
    const n = g.length;
    if (n > 2 && g.charCodeAt(n - 1) === 42 /* * */ && g.charCodeAt(n - 2) === 46 /* . */ && permission.length > n - 1) {
      let ok = true;
      for (let j = 0; j < n - 1; j++) {
        if (g.charCodeAt(j) !== permission.charCodeAt(j)) {
          ok = false;
          break;
        }
      }
      if (ok) return g;
    }
  }
  return null;
}

function disabledFeature(partner: SnapPartner, permission: string): string | null {
  const d = partner.disabled;
  for (let i = 0; i < d.length; i++) {
    const k = d[i];
    if (permission === k || (permission.length > k.length && permission.charCodeAt(k.length) === 46 && permission.startsWith(k))) return k;
  }
  return null;
}

/** Decide one request. `action` is a permission name; null resolves the context only (no permission check). */
export function decide(snap: AuthzSnapshot, principal: AuthzPrincipal, action: string | null, target: AuthzTarget, now: number): Decision {
  return principal.type === 'user' ? decideUser(snap, principal, action, target, now, null) : decideApp(snap, principal, action, target, now, null);
}

export interface Explanation {
  decision: Decision;
  checks: Check[];
}

/** The same walk as decide(), recording every check in order: which passed, which failed and why. */
export function explain(snap: AuthzSnapshot, principal: AuthzPrincipal, action: string | null, target: AuthzTarget, now: number): Explanation {
  const checks: Check[] = [];
  const decision = principal.type === 'user' ? decideUser(snap, principal, action, target, now, checks) : decideApp(snap, principal, action, target, now, checks);
  return { decision, checks };
}

// ---- users ----------------------------------------------------------------------------------------

function decideUser(snap: AuthzSnapshot, p: UserPrincipal, action: string | null, target: AuthzTarget, now: number, trace: Trace): Decision {
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

/** The link's just-in-time state for a member; the index is asked (and the delegation's id unpacked) only when any link is eligible. */
function jitState(snap: AuthzSnapshot, d: SnapDelegation, userId: string | null, now: number, assumeActive: boolean): JitState {
  return snap.jit.size === 0 ? JIT_NONE : snap.jit.state(d.id, userId, now, assumeActive);
}

const ACTIVATION_REQUIRED = 'The access to this tenant is eligible only: activate it (with a second factor and a reason) for a while first.';
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
  if (v === undefined) return refuse('delegation_not_found', 'No delegation gives access to this tenant.', trace, 'delegation_found');
  // consent delegations belong to an app (its client), not to the partner's users
  if (typeof v === 'number') {
    // one delegation: read into the snapshot's scratch view (nothing allocated; not kept past this decision)
    const d = snap.peek(v);
    if (d.origin === O_CONSENT) return refuse('delegation_not_found', 'No delegation gives access to this tenant.', trace, 'delegation_found');
    const js = jitState(snap, d, userId, now, !gate);
    if (js === JIT_GATED) return refuse('activation_required', ACTIVATION_REQUIRED, trace, 'activation', d);
    return throughOne(snap, partner, d, action, banRef, tenantId, null, scopes, now, trace, userId, !gate);
  }
  const candidates: SnapDelegation[] = [];
  let gated = false;
  for (const slot of v) {
    const d = snap.at(slot);
    if (d.origin === O_CONSENT) continue;
    if (gate && snap.jit.size !== 0 && snap.jit.gated(d.id, userId, now)) gated = true;
    else candidates.push(d);
  }
  if (gated && candidates.length === 0) return refuse('activation_required', ACTIVATION_REQUIRED, trace, 'activation');
  return throughDelegations(snap, partner, candidates, action, banRef, tenantId, null, scopes, now, trace, userId, !gate);
}

// ---- apps -------------------------------------------------------------------------------------

function decideApp(snap: AuthzSnapshot, p: AppPrincipal, action: string | null, target: AuthzTarget, now: number, trace: Trace): Decision {
  if (p.userId) {
    const u = snap.users.get(p.userId);
    if (u === undefined || !u.active) return refuse('user_inactive', u ? `The user account is ${u.status}.` : 'The user is unknown.', trace, 'user_active');
    if (trace !== null) pass(trace, 'user_active', 'The user behind the token is active.');
  }
  const partner = snap.partners.get(p.partnerId);
  if (partner === undefined || !partner.active) return refuse('partner_inactive', `The partner is ${partner?.status ?? 'unknown'}.`, trace, 'partner_active');
  if (trace !== null) pass(trace, 'partner_active', 'The partner is active.');

  const claimed = p.tenantId ?? null;
  const asked = target.tenantId ?? null;
  if (claimed !== null && asked !== null && claimed !== asked) {
    return refuse('delegation_not_found', 'The token is not for this tenant.', trace, 'delegation_found');
  }
  const scopes = p.scopes ?? null;

  if (p.delegationId) {
    const d = snap.delegations.get(p.delegationId);
    const tenantId = asked ?? claimed ?? d?.tenantId ?? null;
    if (d === undefined || d.partnerId !== partner.id || d.tenantId !== tenantId || (d.clientId !== null && d.clientId !== p.clientId)) {
      return refuse('delegation_not_found', 'The delegation of the token does not exist or is not for this partner, app and tenant.', trace, 'delegation_found');
    }
    return throughOne(snap, partner, d, action, target.ban ?? null, d.tenantId, p.bans ?? null, scopes, now, trace);
  }

  const tenantId = asked ?? claimed;
  if (tenantId === null) return refuse('tenant_context_required', 'The token names no tenant and the request none either.', trace, 'tenant_context');
  if (trace !== null) pass(trace, 'tenant_context', `Acting on tenant ${tenantId}.`);

  if (tenantId === partner.homeTenantId) {
    // Client credentials on the partner's own tenant (e.g. a wholesaler's own resources): the scopes are the grant.
    if (trace !== null) pass(trace, 'home_tenant', "The tenant is the partner's own.");
    const t = snap.tenants.get(tenantId);
    if (t === undefined || !t.active) return refuse('tenant_inactive', `The tenant is ${t?.status ?? 'unknown'}.`, trace, 'tenant_active');
    if (trace !== null) pass(trace, 'tenant_active', 'The tenant is active.');
    const banRef = target.ban ?? null;
    if (banRef !== null) {
      const b = snap.ban(banRef);
      if (b === undefined || b.tenantId !== tenantId || (p.bans && !banListed(p.bans, b))) return refuse('ban_not_covered', `Billing account ${banRef} is not covered.`, trace, 'ban_covered');
      if (trace !== null) pass(trace, 'ban_covered', `Billing account ${b.accountNumber} is covered.`);
    }
    if (action === null) return allowed("The partner's own tenant.", null, 'home', tenantId, null, p.bans ? resolveBans(snap, p.bans) : null, null);
    const f = disabledFeature(partner, action);
    if (f !== null) return refuse('feature_disabled', `The feature ${f} is disabled for this partner.`, trace, 'feature_toggle', null, { source: 'feature_toggle', grant: f });
    if (trace !== null) pass(trace, 'feature_toggle', 'No disabled feature covers the action.');
    const s = scopes === null ? null : listMatch(scopes, action);
    if (s === null) return refuse(scopes === null ? 'permission_denied' : 'scope_insufficient', `The token's scopes do not include ${action}.`, trace, 'token_scope');
    if (trace !== null) pass(trace, 'token_scope', `The token scope ${s} covers ${action}.`);
    return allowed("A token scope on the partner's own tenant grants it.", { source: 'token_scope', grant: s }, 'home', tenantId, null, p.bans ? resolveBans(snap, p.bans) : null, null);
  }

  const v = partner.byTenant.get(tenantId);
  const usable = (d: SnapDelegation) => d.origin === O_WHOLESALE || (d.origin === O_CONSENT && (d.clientId === null || d.clientId === p.clientId));
  const candidates: SnapDelegation[] = [];
  if (typeof v === 'number') {
    const d = snap.peek(v);
    if (usable(d)) candidates.push(d);
  } else if (v !== undefined) {
    for (const slot of v) {
      const d = snap.at(slot);
      if (usable(d)) candidates.push(d);
    }
  }
  return throughDelegations(snap, partner, candidates, action, target.ban ?? null, tenantId, p.bans ?? null, scopes, now, trace);
}

// ---- delegations ----------------------------------------------------------------------------------

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
function throughOne(
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

function throughDelegations(
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

function banListed(list: readonly string[], b: SnapBan): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === b.id || list[i] === b.accountNumber) return true;
  return false;
}

function resolveBans(snap: AuthzSnapshot, refs: readonly string[]): string[] {
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
  // One field read: the snapshot keeps approverActive current when the approver's account or tenant role changes.
  if (!d.approverActive) {
    return refuse('delegation_approver_inactive', APPROVER_INACTIVE, trace, 'delegation_approver', d);
  }
  if (trace !== null) pass(trace, 'delegation_approver', d.approverId === null ? 'No tenant approver to check (wholesale, or created by the platform).' : `Approver ${d.approverId} is still an active tenant admin.`);
  if ((partner.caps & CAP_FOR_ORIGIN[d.origin]) === 0) {
    return refuse('partner_capability_missing', `A ${ORIGINS[d.origin]} delegation needs the partner capability ${CAP_NAME_FOR_ORIGIN[d.origin]}.`, trace, 'partner_capability', d);
  }
  if (trace !== null) pass(trace, 'partner_capability', `The partner has ${CAP_NAME_FOR_ORIGIN[d.origin]}.`);
  // The operator may limit the delegation roles a partner uses; a link that already holds
  // a role since disallowed stops working on the next request (the configuration rides on the partner).
  const allowedRoles = partner.config.roles?.delegation_roles;
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
  const f = disabledFeature(partner, action);
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

export { O_LINK, O_CONSENT, O_WHOLESALE };
