/**
 * The database context of an /api request (platform/db/db-context.ts), chosen once the
 * organization wall has let the caller through — so row-level security enforces the same
 * boundary the wall just checked:
 *  - /api/v1/tenants/:tenant_id/…  → that tenant (members and the operator alike);
 *  - /api/v1/partners/:partner_id/… and /api/v1/partner/… → the partner: its own rows, and the
 *    tenants the decision snapshot says it may act on right now;
 *  - any other route: the operator's 'operator' context (every row), or the user's own.
 * Public routes get none: what they write for an organization (accepting an invitation, a
 * sign-up) the service does in that organization's context, after checking the token it holds.
 */
import type { FastifyRequest } from 'fastify';
import { OPERATOR_CONTEXT, type DbContext } from '../../platform/db/db-context.ts';
import type { Principal } from '../../platform/http/principal.ts';

/** The tenants a partner may act on now (effective delegations), from the decision snapshot. */
export type PartnerTenants = (partnerId: string) => readonly string[];

export function requestDbContext(req: FastifyRequest, p: Principal, operator: boolean, partnerTenants: PartnerTenants): DbContext {
  const route = req.routeOptions.url ?? '';
  const params = (req.params ?? {}) as Record<string, unknown>;
  const tenantId = params.tenant_id;
  if (route.startsWith('/api/v1/tenants/:tenant_id') && typeof tenantId === 'string') {
    // a route open to non-members (tenantWall: false) checks access itself, then enters the tenant's context
    if (operator || p.tenants.some((t) => t.tenantId === tenantId)) return { kind: 'tenant', tenantId };
  }
  if (route.startsWith('/api/v1/partners/:partner_id') && typeof params.partner_id === 'string') return partnerContext(params.partner_id, partnerTenants);
  if (route.startsWith('/api/v1/partner/') && p.partner) return partnerContext(p.partner.partnerId, partnerTenants);
  if (operator) return OPERATOR_CONTEXT;
  return { kind: 'user', userId: p.userId };
}

/** The partner's context; its tenants are worked out when a statement first needs them. */
function partnerContext(partnerId: string, partnerTenants: PartnerTenants): DbContext {
  let tenantIds: readonly string[] | undefined;
  return {
    kind: 'partner',
    partnerId,
    get tenantIds() {
      return (tenantIds ??= partnerTenants(partnerId));
    },
  };
}
