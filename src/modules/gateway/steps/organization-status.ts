/**
 * Step organization status: a customer whose subscription is suspended (modules/plans) is refused
 * whoever acts for it. (A partner's and a user's own status are decide()'s: partner_inactive,
 * user_inactive.)
 */
import { gatewayErrors as E } from '../gateway.errors.ts';
import type { GatewayCore, GatewayState, Refusal } from './core.ts';

export function organizationStatus(g: GatewayCore, st: GatewayState): Refusal {
  const a = st.allowed;
  if (a !== null && a.tenantId !== null && g.d.authz.snapshot.suspendedTenants.has(a.tenantId)) return E.subscription_suspended('The subscription of this customer is suspended.');
  return undefined;
}
