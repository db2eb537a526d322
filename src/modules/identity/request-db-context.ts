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
import { OPERATOR_CONTEXT, type DbContext } from '../../platform/db/db-context.ts';
import type { Principal } from '../../platform/http/principal.ts';

/** The tenants a partner may act on now (effective delegations), from the decision snapshot. */
export type PartnerTenants = (partnerId: string) => readonly string[];

/** A tenant-plane route, once the wall let the caller in (members and the operator alike). */
export function tenantDbContext(tenantId: string): DbContext {
  return { kind: 'tenant', tenantId };
}

/** A route about the caller, the catalogs or the whole platform: the operator's context (every row), or the user's own. */
export function personDbContext(p: Principal, operator: boolean): DbContext {
  return operator ? OPERATOR_CONTEXT : { kind: 'user', userId: p.userId };
}

/** The partner's context; its tenants are worked out when a statement first needs them. */
export function partnerDbContext(partnerId: string, partnerTenants: PartnerTenants): DbContext {
  let tenantIds: readonly string[] | undefined;
  return {
    kind: 'partner',
    partnerId,
    get tenantIds() {
      return (tenantIds ??= partnerTenants(partnerId));
    },
  };
}
