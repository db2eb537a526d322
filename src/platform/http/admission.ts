import type { FastifyRequest } from 'fastify';

/**
 * What a route of the partner API (/api/v1/partner/…) declares it needs of its caller. The
 * partner audience's one gate (modules/gateway/partner-admission.ts) reads it and takes every
 * step of the admission in its fixed order before the handler runs; a route cannot skip one,
 * and the router refuses at boot a partner route that declares nothing.
 */
export interface AdmissionNeeds {
  /**
   * The permission on customer data the route exercises (`billing.invoices.read`): the member's
   * own member role must grant it, and — where the route names a tenant — the partner's access
   * to that tenant too. null: the route reads no customer data of one kind (a list of the
   * partner's own export jobs), only the organization role's.
   */
  permission: string | null;
  /**
   * Where the route names a billing account (BAN) it narrows to: decided with the tenant — an
   * account the access does not cover is refused as the gateway refuses it — and, when the request
   * names no tenant, the account's own tenant is the one decided.
   */
  ban?: { from: 'query' | 'body'; field: string };
  /**
   * A permission of the member role alone, not of customer data (`links.commitments.manage`,
   * `alerts.manage`): the member role must grant it; the link is not asked.
   */
  memberPermission?: string;
  /** the route class whose limits count the request: the gateway's classes */
  rateClass: 'read' | 'write' | 'export';
  /** where the route names the customer tenant it acts on, when it names one */
  tenant?: { from: 'params' | 'query' | 'body'; field: string } | { from: 'header'; field: string };
  /**
   * The route answers people outside any partner too (the tenant context a customer's own member
   * resolves): such a caller passes the identity steps and the limits only, and the handler reads
   * `request.principal`.
   */
  nonPartnersToo?: boolean;
  /** the organization role's permission (default partner.customers.read: the customer work of a partner) */
  orgPermission?: string;
}

/** The partner person a gate admitted, as the handler reads it. */
export interface AdmittedPartnerPerson {
  userId: string;
  partnerId: string;
  /** the credential proved a second factor (sign-in or step-up) */
  mfa: boolean;
  /** the tenant the route named and the decision admitted; null when it named none */
  tenantId: string | null;
}

/** The partner person the gate admitted; a handler of another audience asking is a bug. */
export function admittedPerson(req: FastifyRequest): AdmittedPartnerPerson {
  if (!req.admitted) throw new Error(`${req.method} ${req.routeOptions.url}: no partner admission on this route`);
  return req.admitted;
}
