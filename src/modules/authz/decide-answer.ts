/**
 * What the decision engine (decide.ts) answers with: the principals and target it is asked about,
 * the refusal codes, the one Answer class every allowed or refused decision is (one hidden class on
 * the hot path, its delegation id unpacked only when read), the helpers each stage refuses, allows
 * and records its checks with, and the plain-list matching the stages share.
 */
import type { SnapDelegation, SnapPartner } from './snapshot.ts';
import { ID_WORDS, idFromWords } from './snapshot.ts';

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

export type Trace = Check[] | null;

/** The delegation an answer names: a snapshot view, another answer's, an id, or none. */
export type Named = SnapDelegation | Answer | string | null;

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
export function refuse(code: RefusalCode, reason: string, trace: Trace, check: string, delegation: Named = null, matched: Matched | null = null): Refused {
  if (trace !== null) trace.push({ check, passed: false, detail: reason });
  return refused(code, reason, matched, delegation);
}

export function refused(code: RefusalCode, reason: string, matched: Matched | null, delegation: Named): Refused {
  return new Answer(false, code, reason, matched, delegation) as Refused;
}

/** The delegation another answer names, without reading its id out. */
export function namedBy(d: Decision): Named {
  return d instanceof Answer ? d : (d.delegationId ?? null);
}

export function allowed(reason: string, matched: Matched | null, via: Via, tenantId: string | null, delegation: Named, bans: readonly string[] | null, role: string | null): Allowed {
  return new Answer(true, 'allowed', reason, matched, delegation, via, tenantId, bans, role) as Allowed;
}

export function pass(trace: Trace, check: string, detail: string): void {
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

export function disabledFeature(partner: SnapPartner, permission: string): string | null {
  const d = partner.disabled;
  for (let i = 0; i < d.length; i++) {
    const k = d[i];
    if (permission === k || (permission.length > k.length && permission.charCodeAt(k.length) === 46 && permission.startsWith(k))) return k;
  }
  return null;
}
