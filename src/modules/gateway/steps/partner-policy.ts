/**
 * Step IP (with the partner's route classes): the partner's API access policy — the route
 * classes it may call and the addresses it may call from — from its configuration as the
 * snapshot holds it. The same check at every door (the gateway, forward-auth, the partner API,
 * the partner's own pages), with the same refusals.
 */
import type { AppError } from '../../../platform/errors/app-error.ts';
import { ipAllowed, partnerLimits as compile, type AuthzService, type PartnerLimits } from '../../authz/index.ts';
import { gatewayErrors as E } from '../gateway.errors.ts';
import type { Caller, GatewayCore, Refusal } from './core.ts';

/**
 * The partner's configuration as the snapshot holds it, compiled (partner-limits.ts), kept on the
 * caller while the snapshot's document object stays the same; a change rebuilds its limits.
 */
export function partnerLimits(g: GatewayCore, caller: Caller): PartnerLimits | null {
  const l = caller.limits;
  const cfg = caller.partnerId === null ? null : (g.d.authz.snapshot.partners.get(caller.partnerId)?.config ?? null);
  if (cfg !== l.cfg) {
    l.cfg = cfg;
    l.pl = cfg === null ? null : compile(cfg);
    l.cls = null;
    l.reqs = null;
    l.more = null;
    l.quota = null;
    l.quotaUntilMs = 0;
  }
  return l.pl;
}

/** route_class_not_allowed or ip_not_allowed for a partner's caller; undefined for anyone else. */
export function partnerPolicy(g: GatewayCore, caller: Caller, ip: string | null, rateClass: string): Refusal {
  if (caller.partnerId === null) return undefined;
  const pl = partnerLimits(g, caller);
  if (pl === null) return undefined;
  if (pl.routeClasses !== null && !pl.routeClasses.has(rateClass)) {
    return E.route_class_not_allowed(`This partner may not call ${rateClass} routes. The platform operator decides which kinds of routes a partner may call.`);
  }
  if (pl.ipAllow !== null && !ipAllowed(pl.ipAllow, ip)) return ipRefusal();
  return undefined;
}

/** The partner's IP allow-list alone (the partner's own pages), from its configuration in the snapshot. */
export function partnerAddress(snapshot: AuthzService['snapshot'], partnerId: string, ip: string | null): Refusal {
  const cfg = snapshot.partners.get(partnerId)?.config ?? null;
  const pl = cfg === null ? null : compile(cfg);
  if (pl !== null && pl.ipAllow !== null && !ipAllowed(pl.ipAllow, ip)) return ipRefusal();
  return undefined;
}

function ipRefusal(): AppError {
  return E.ip_not_allowed("This partner's tokens and sessions may only be used from the addresses it allowed.");
}
