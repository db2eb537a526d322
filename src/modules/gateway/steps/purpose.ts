/**
 * Step purpose (purpose-bound consent, the CAMARA model): a route whose calls serve a purpose —
 * declared by the route table (a GATEWAY_ROUTES rule's `purpose`) or set by the operator in the
 * purpose catalog — admits a partner only when its access was granted for that purpose and the
 * customer has not withdrawn it since. The caller need not name the purpose: the route says it.
 * A caller may name one (the X-Purpose header, one catalog id): on a route that serves another it
 * is refused; on a route that declares none, the named purpose is checked as if the route
 * required it. All answers come from memory: the route's purpose is on the rule (copied from the
 * purpose catalog when it changes), the token's purposes are in the verified token (its
 * `purpose` claim), and the delegation's current purposes in the index every instance keeps from
 * the change feed — so a purpose the customer withdraws is refused from the next request even to
 * a token issued before.
 *
 *   X-Purpose is not one catalog id                                          purpose_invalid
 *   X-Purpose names another purpose than the route's                         purpose_mismatch
 *   the token does not carry the purpose (or a partner person's link was    purpose_required
 *   not granted it)
 *   the token carries it, the customer withdrew it on the delegation since   purpose_revoked
 *
 * A customer's own people (no partner) act on their own data: no purpose to hold. A route that
 * requires none, called without X-Purpose, costs two field reads.
 */
import { purposeErrors, purposeRefusal } from '../../purposes/index.ts';
import type { GatewayRule } from '../route-table.ts';
import type { Caller, GatewayCore, GatewayRequest, GatewayState, Refusal } from './core.ts';

/** The header a caller names the purpose of its request with (optional: a route may declare it). */
export const PURPOSE_HEADER = 'x-purpose';
const PURPOSE_ID = /^[a-z][a-z0-9_]{1,63}$/;
const NONE: readonly string[] = Object.freeze([]);

export function purpose(g: GatewayCore, req: GatewayRequest, rule: GatewayRule, st: GatewayState): Refusal {
  const p = rule.purpose;
  const named = req.headers[PURPOSE_HEADER];
  if (named === undefined) {
    if (p === null) return undefined;
    st.purpose = p;
    return requirePurpose(g, p, st);
  }
  return namedPurpose(g, named, p, st);
}

/** A request that names its purpose: one catalog id, the route's own when the route has one. */
function namedPurpose(g: GatewayCore, named: string | string[], p: string | null, st: GatewayState): Refusal {
  st.purpose = p;
  if (typeof named !== 'string' || !PURPOSE_ID.test(named) || (g.d.purposes && g.d.purposes.nameOf(named) === undefined)) {
    st.refusal = 'purpose_invalid';
    return purposeErrors.purpose_invalid('Name one purpose of the catalog in X-Purpose (GET /api/v1/purposes), e.g. billing_management — or leave it out where the route says what it is for.');
  }
  if (p !== null && named !== p) {
    st.refusal = 'purpose_mismatch';
    const name = (id: string) => g.d.purposes?.nameOf(id) ?? id;
    return purposeErrors.purpose_mismatch(`This route is for ${name(p)} (${p}), and the request named ${name(named)} (${named}). Leave X-Purpose out, or name ${p}.`);
  }
  st.purpose = named;
  return requirePurpose(g, named, st);
}

function requirePurpose(g: GatewayCore, p: string, st: GatewayState): Refusal {
  const caller = st.caller!;
  if (caller.partnerId === null) return undefined;
  const claim = tokenPurposes(caller);
  const code = purposeRefusal(p, claim, st.delegationId, (id) => heldBy(g, id));
  if (code === null) return undefined;
  st.refusal = code;
  const name = g.d.purposes?.nameOf(p) ?? p;
  if (code === 'purpose_revoked') return purposeErrors.purpose_revoked(`The customer revoked ${name} for this access; the route is refused from now on.`);
  if (claim !== null) return purposeErrors.purpose_required(`This route is for ${name}, and the customer did not grant this access for it. Ask for it on the consent screen (purpose=${p}).`);
  if (st.delegationId !== null) return purposeErrors.purpose_required(`This route is for ${name}, and the customer did not grant this access for it.`);
  // a partner person on a route of no tenant: no delegation grants the purpose
  return purposeErrors.purpose_required(`This route is for ${name}; no access of yours was granted for it.`);
}

/**
 * The purposes a partner's token carries (none when it has no claim): a partner app's, and an MSP
 * member's token (the purposes its app asked for when the member signed in); null for other
 * callers — sessions and personal API tokens, whose link's purposes decide.
 */
export function tokenPurposes(caller: Caller): readonly string[] | null {
  if (caller.kind === 'user') return caller.fromAppToken && caller.partnerId !== null ? (caller.purposes ?? NONE) : null;
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
