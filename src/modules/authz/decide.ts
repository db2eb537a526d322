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
 *
 * This file composes the stages, each in its own file: decide-user.ts (people), decide-app.ts
 * (partner apps' tokens), decide-delegation.ts (through a delegation), decide-answer.ts (what
 * every stage answers with).
 */
import type { AuthzSnapshot } from './snapshot.ts';
import { O_CONSENT, O_LINK, O_WHOLESALE } from './snapshot.ts';
import type { AuthzPrincipal, AuthzTarget, Check, Decision } from './decide-answer.ts';
import { decideUser } from './decide-user.ts';
import { decideApp } from './decide-app.ts';

// the answers' vocabulary (decide-answer.ts) and the partner-side view (decide-user.ts), from where callers import them
export {
  REFUSAL_CODES, listMatch,
  type UserPrincipal, type AppPrincipal, type AuthzPrincipal, type AuthzTarget, type RefusalCode, type Matched, type Via, type Allowed, type Refused, type Decision, type Check,
} from './decide-answer.ts';
export { decideForPartner } from './decide-user.ts';

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

export { O_LINK, O_CONSENT, O_WHOLESALE };
