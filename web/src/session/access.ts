/**
 * What the signed-in user may see, derived from GET /api/v1/me. Route `allow` rules and page
 * logic use these predicates; the server still decides every request (deny by default).
 */
import type { Me, PartnerMembershipDto, TenantMembershipDto } from '../api/index.ts';

export interface SessionView {
  me: Me;
  isOperator: boolean;
  /** the user's partner membership, whatever its status */
  partner: PartnerMembershipDto | null;
  /** every tenant the user belongs to */
  tenants: TenantMembershipDto[];
  /** the tenant being looked at (from the URL, else the one picked in the switcher) */
  tenant: TenantMembershipDto | null;
}

export type Rule = (s: SessionView) => boolean;

export function viewOf(me: Me, activeTenantId: string | null): SessionView {
  const tenant = me.tenants.find((t) => t.tenant_id === activeTenantId) ?? me.tenants[0] ?? null;
  return { me, isOperator: me.user.platform_role === 'SUPER_ADMIN', partner: me.partner, tenants: me.tenants, tenant };
}

export const can = {
  anyone: (() => true) as Rule,
  operator: ((s) => s.isOperator) as Rule,
  /** an active member of a partner, whatever the partner's status (applied partners follow their application) */
  partnerMember: ((s) => !!s.partner && s.partner.member_status === 'active') as Rule,
  /** an active member of an active partner: may act */
  activePartner: ((s) => !!s.partner && s.partner.member_status === 'active' && s.partner.partner_status === 'active') as Rule,
  partnerOwner: ((s) => can.activePartner(s) && s.partner!.role === 'PARTNER_OWNER') as Rule,
  capability:
    (c: string): Rule =>
    (s) =>
      can.activePartner(s) && s.partner!.capabilities.includes(c),
  tenantMember: ((s) => !!s.tenant) as Rule,
  tenantAdmin: ((s) => s.tenant?.role === 'TENANT_ADMIN') as Rule,
  all:
    (...rules: Rule[]): Rule =>
    (s) =>
      rules.every((r) => r(s)),
};

export const ROLE_LABELS: Record<string, string> = {
  SUPER_ADMIN: 'Platform operator',
  PARTNER_OWNER: 'Owner',
  PARTNER_STAFF: 'Staff',
  TENANT_ADMIN: 'Admin',
  TENANT_USER: 'User',
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}
