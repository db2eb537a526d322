/**
 * Portal/admin API access checks, in the partner API's fixed order:
 *   1. authenticated (401)          2. user active (403 user_inactive)
 *   3. member of an active partner (403 not_partner_member / partner_membership_inactive / partner_inactive)
 *   4. belongs to the requested partner or tenant (404: another organization's record looks absent)
 *   5. role allows the action (403 permission_denied)
 * The operator (SUPER_ADMIN) passes 3–4 and is checked against its own role's grants.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal, PartnerMembership, TenantMembership } from '../../platform/http/principal.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { authzErrors as A } from './authz.errors.ts';
import type { RoleCatalog } from './role-catalog.ts';

export interface TenantAccess {
  principal: Principal;
  /** null when the caller is the operator */
  membership: TenantMembership | null;
}

export interface PartnerAccess {
  principal: Principal;
  membership: PartnerMembership | null;
}

export class Access {
  readonly #roles: RoleCatalog;
  readonly #notFound: { tenant: () => AppError; partner: () => AppError };
  constructor(roles: RoleCatalog, notFound: { tenant: () => AppError; partner: () => AppError }) {
    this.#roles = roles;
    this.#notFound = notFound;
  }

  get roles(): RoleCatalog {
    return this.#roles;
  }

  /** The answer for a tenant or partner the caller may not see: the same as for one that does not exist. */
  notFound(kind: 'tenant' | 'partner'): AppError {
    return this.#notFound[kind]();
  }

  /** Rules 1–2. */
  user(req: FastifyRequest): Principal {
    const p = req.principal;
    if (!p) {
      if (req.authFailure) throw new AppError(req.authFailure.code, req.authFailure.code === 'user_inactive' ? 403 : 401, req.authFailure.detail);
      throw A.authentication_required('Log in or send a personal API token.');
    }
    if (p.userStatus !== 'active') throw A.user_inactive();
    return p;
  }

  isOperator(p: Principal): boolean {
    return p.platformRole === 'SUPER_ADMIN';
  }

  /** Operator-only endpoints. */
  operator(req: FastifyRequest, permission: string): Principal {
    const p = this.user(req);
    if (!this.#roles.grants(p.platformRole, permission)) {
      throw A.permission_denied(`This action needs the ${permission} permission of a platform operator.`);
    }
    return p;
  }

  /** Tenant-plane endpoints: operator, or a member of this tenant whose role grants `permission`. */
  tenant(req: FastifyRequest, tenantId: string, permission: string): TenantAccess {
    const p = this.user(req);
    if (this.#roles.grants(p.platformRole, permission)) return { principal: p, membership: null };
    const m = p.tenants.find((t) => t.tenantId === tenantId);
    if (!m) throw this.#notFound.tenant();
    if (!this.#roles.grants(m.role, permission)) {
      throw A.permission_denied(`Your role ${m.role} does not allow ${permission}.`);
    }
    return { principal: p, membership: m };
  }

  /** Can read the tenant at all (members of any role, operator). */
  tenantMember(req: FastifyRequest, tenantId: string): TenantAccess {
    return this.tenant(req, tenantId, 'tenant.read');
  }

  /** Partner-plane endpoints (rules 1–5 above). */
  partner(req: FastifyRequest, partnerId: string, permission: string, opts: { allowInactivePartner?: boolean } = {}): PartnerAccess {
    const p = this.user(req);
    if (this.#roles.grants(p.platformRole, permission)) return { principal: p, membership: null };
    const m = this.partnerMembership(p, opts);
    if (m.partnerId !== partnerId) throw this.#notFound.partner();
    if (!this.#roles.grants(m.role, permission)) {
      throw A.permission_denied(`Your role ${m.role} does not allow ${permission}.`);
    }
    return { principal: p, membership: m };
  }

  /** Rule 2 alone: the caller's own active membership of an active partner. */
  partnerMembership(p: Principal, opts: { allowInactivePartner?: boolean } = {}): PartnerMembership {
    const m = p.partner;
    if (!m) throw A.not_partner_member('You are not a member of a partner organization.');
    if (m.memberStatus !== 'active') throw A.partner_membership_inactive('Your partner membership has been deactivated.');
    if (m.partnerStatus !== 'active' && !opts.allowInactivePartner) {
      throw A.partner_inactive(`Your partner organization is ${m.partnerStatus}.`);
    }
    return m;
  }

  can(roleId: string | null | undefined, permission: string): boolean {
    return !!this.#roles.grants(roleId, permission);
  }
}
