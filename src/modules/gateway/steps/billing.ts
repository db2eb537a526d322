/**
 * Step billing: the persona and the billing account to charge, from the live relationship, never
 * from a claim alone: a consent delegation acts as `partner` (the customer is billed), a wholesale
 * one as `wholesaler` (the wholesaler's own BAN is billed), a link as `msp`; the partner's own
 * tenant as `wholesaler` or `partner`; a member as `customer`. A `bill_to` claim must name a BAN
 * the relationship allows. Sets st.billing.
 */
import { gatewayErrors as E } from '../gateway.errors.ts';
import type { GatewayCore, GatewayState, Refusal } from './core.ts';

// Mirrors the snapshot's origin numbering (authz/snapshot.ts: O_LINK, O_CONSENT, O_WHOLESALE).
const ORIGIN_PERSONA = ['msp', 'partner', 'wholesaler'] as const;

export function billing(g: GatewayCore, st: GatewayState): Refusal {
  const caller = st.caller!;
  const a = st.allowed;
  if (!a) {
    st.billing = { persona: caller.kind === 'app' ? 'partner' : null, billTo: null };
    return undefined;
  }
  const snap = g.d.authz.snapshot;
  let persona: string;
  if (a.via === 'delegation') persona = ORIGIN_PERSONA[snap.delegations.get(a.delegationId!)?.origin ?? 1] ?? 'partner';
  else if (a.via === 'home') persona = snap.partners.get(caller.partnerId!)?.capabilities.includes('wholesale') ? 'wholesaler' : 'partner';
  else if (a.via === 'membership') persona = 'customer';
  else persona = 'operator';

  const claim = caller.kind === 'app' ? (caller.token.claims.bill_to ?? null) : null;
  if (claim === null) {
    // Without a claim: the customer's named BAN for the customer-billed personas; the upstream
    // resolves a wholesale delegation's own billing account.
    const ban = st.target!.ban;
    st.billing = { persona, billTo: persona === 'wholesaler' || !ban ? null : (snap.ban(ban)?.id ?? null) };
    return undefined;
  }
  const b = snap.ban(claim);
  if (persona === 'wholesaler') {
    const home = snap.partners.get(caller.partnerId!)?.homeTenantId ?? null;
    if (!b || home === null || b.tenantId !== home || b.status !== 'active') return E.bill_to_invalid("The bill_to account is not an open account of the wholesaler's own tenant.");
  } else if (!b || b.tenantId !== a.tenantId || (a.bans !== null && !a.bans.includes(b.id))) {
    return E.bill_to_invalid('The bill_to account is not a covered account of the customer.');
  }
  st.billing = { persona, billTo: b.id };
  return undefined;
}
