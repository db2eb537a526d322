/**
 * Step link limits: the customer's own limits on the link the decision admitted the request
 * through — the addresses and hours it allows (authz/link-limits.ts). Asked after the decision
 * (or a reused admission) on every request, since the address and the hour change between two
 * requests of one token; a link without limits, or none at all on the instance, costs a size check.
 */
import { linkLimitRefusal } from '../../authz/index.ts';
import type { GatewayCore, GatewayRequest, GatewayState, Refusal } from './core.ts';

export function linkLimits(g: GatewayCore, req: GatewayRequest, st: GatewayState): Refusal {
  const index = g.d.authz.snapshot.linkLimits;
  if (index.size === 0 || st.delegationId === null) return undefined;
  const r = linkLimitRefusal(index, st.delegationId, req.ip, g.d.clock.nowMs());
  if (r !== undefined) st.refusal = r.code;
  return r;
}
