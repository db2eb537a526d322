/**
 * Step purpose (purpose-bound consent, the CAMARA model): a route the operator marked as requiring
 * a purpose admits a partner only when its access was granted for that purpose and the customer
 * has not revoked it since. Both answers come from memory: the route's purpose is on the rule
 * (copied from the purpose catalog when it changes), the token's purposes are in the verified
 * token (its `purpose` claim), and the delegation's current purposes in the index every instance
 * keeps from the change feed — so a purpose the customer revokes is refused from the next request
 * even to a token issued before.
 *
 *   the token does not carry the purpose (or a partner person's link was   purpose_required
 *   not granted it)
 *   the token carries it, the customer revoked it on the delegation since   purpose_revoked
 *
 * A customer's own people (no partner) act on their own data: no purpose to hold. A route that
 * requires none costs one field read.
 */
import { purposeErrors } from '../../purposes/index.ts';
import type { GatewayRule } from '../route-table.ts';
import type { Caller, GatewayCore, GatewayState, Refusal } from './core.ts';

const NONE: readonly string[] = Object.freeze([]);

export function purpose(g: GatewayCore, rule: GatewayRule, st: GatewayState): Refusal {
  const p = rule.purpose;
  if (p === null) return undefined;
  return requirePurpose(g, p, st);
}

function requirePurpose(g: GatewayCore, p: string, st: GatewayState): Refusal {
  const caller = st.caller!;
  if (caller.partnerId === null) return undefined;
  const claim = tokenPurposes(caller);
  const name = g.d.purposes?.nameOf(p) ?? p;
  if (claim !== null && !claim.includes(p)) {
    st.refusal = 'purpose_required';
    return purposeErrors.purpose_required(`This route is for ${name}, and the customer did not grant this access for it. Ask for it on the consent screen (purpose=${p}).`);
  }
  if (st.delegationId !== null) {
    if (heldBy(g, st.delegationId).includes(p)) return undefined;
    st.refusal = claim !== null ? 'purpose_revoked' : 'purpose_required';
    return claim !== null
      ? purposeErrors.purpose_revoked(`The customer revoked ${name} for this access; the route is refused from now on.`)
      : purposeErrors.purpose_required(`This route is for ${name}, and the customer did not grant this access for it.`);
  }
  if (claim !== null) return undefined;
  // a partner person on a route of no tenant: no delegation grants the purpose
  st.refusal = 'purpose_required';
  return purposeErrors.purpose_required(`This route is for ${name}; no access of yours was granted for it.`);
}

/** The purposes a partner app's token carries (none when it has no claim); null for other callers (their link's purposes decide). */
export function tokenPurposes(caller: Caller): readonly string[] | null {
  if (caller.kind !== 'app') return null;
  const c = caller.token.claims.purpose;
  return Array.isArray(c) ? c : NONE;
}

/** What a delegation holds now (the index every instance keeps from the change feed). */
export function heldBy(g: GatewayCore, delegationId: string): readonly string[] {
  return g.d.purposes?.of(delegationId) ?? NONE;
}

/** The purposes an access event names: the token's, else the delegation's (null: no partner access). */
export function accessPurposes(g: GatewayCore, st: GatewayState): readonly string[] | null {
  const caller = st.caller;
  if (caller === null || caller.partnerId === null) return null;
  return tokenPurposes(caller) ?? (st.delegationId !== null ? heldBy(g, st.delegationId) : NONE);
}
