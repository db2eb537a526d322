/**
 * Step assertion: the verified identity forwarded (and signed, assertion.ts) to the upstream, and
 * the delegation's "last use" noted. The last step of the admission; it refuses nothing.
 */
import { identityParts, type GatewayIdentity, type IdentityParts } from '../assertion.ts';
import type { GatewayRule } from '../route-table.ts';
import type { Admitted, GatewayCore, GatewayRequest, GatewayState } from './core.ts';

export function assertion(g: GatewayCore, req: GatewayRequest, rule: GatewayRule, st: GatewayState): Admitted {
  const caller = st.caller!;
  const allowed = st.allowed;
  const target = st.target!;
  const billing = st.billing!;
  if (allowed?.delegationId) g.d.lastUse?.note(allowed.delegationId);
  const identity: GatewayIdentity = {
    requestId: req.requestId,
    partnerId: caller.partnerId,
    userId: caller.principal.userId ?? null,
    clientId: caller.kind === 'app' ? caller.principal.clientId : null,
    tenantId: allowed?.tenantId ?? null,
    ban: target.ban ?? null,
    bans: allowed ? allowed.bans : null,
    billTo: billing.billTo,
    delegationId: allowed?.delegationId ?? null,
    scopes: caller.kind === 'app' ? caller.token.scopes : caller.scopes,
    persona: billing.persona,
    permission: rule.permission,
  };
  // The signed text and headers of everything but the request id: the same for every request of
  // a kept admission (one whose target this request reused), so worked out once for it.
  const kept = caller.admission !== null && caller.admission.target === target ? caller.admission : null;
  let parts: IdentityParts;
  if (kept !== null) parts = kept.parts ??= identityParts(identity);
  else parts = identityParts(identity);
  return { rateHeaders: st.rateHeaders!, identity, parts };
}
