/**
 * What the signed-in user may see, derived from GET /api/v1/me. Pages are gated by permission —
 * the permissions /me lists for the platform role and for each membership's role — never by a role
 * name, so a role whose grants change needs no portal change. The server still decides every request.
 */
import type { IntlShape, MessageDescriptor } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';
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
  return { me, isOperator: me.permissions.length > 0, partner: me.partner, tenants: me.tenants, tenant };
}

const activePartner: Rule = (s) => !!s.partner && s.partner.member_status === 'active' && s.partner.partner_status === 'active';

export const can = {
  anyone: (() => true) as Rule,
  /** the platform role allows `permission` (the operator console) */
  platform:
    (permission: string): Rule =>
    (s) =>
      s.me.permissions.includes(permission),
  /** an active member of a partner, whatever the partner's status (applied partners follow their application) */
  partnerMember: ((s) => !!s.partner && s.partner.member_status === 'active') as Rule,
  /** an active member of an active partner whose role allows `permission` */
  partner:
    (permission: string): Rule =>
    (s) =>
      activePartner(s) && s.partner!.permissions.includes(permission),
  /** the partner has capability `c` (and the member may act) */
  capability:
    (c: string): Rule =>
    (s) =>
      activePartner(s) && s.partner!.capabilities.includes(c),
  /** the tenant being looked at: the member's role allows `permission` */
  tenant:
    (permission: string): Rule =>
    (s) =>
      !!s.tenant?.permissions.includes(permission),
  all:
    (...rules: Rule[]): Rule =>
    (s) =>
      rules.every((r) => r(s)),
  any:
    (...rules: Rule[]): Rule =>
    (s) =>
      rules.some((r) => r(s)),
};

/** Does this membership's role allow `permission`? For buttons inside a page. */
export function allows(m: { permissions: string[] } | null | undefined, permission: string): boolean {
  return !!m?.permissions.includes(permission);
}

const ROLE_LABELS: Record<string, MessageDescriptor> = defineMessages({
  SUPER_ADMIN: { id: 'role.super_admin', defaultMessage: 'Platform operator' },
  PARTNER_OWNER: { id: 'role.partner_owner', defaultMessage: 'Owner' },
  PARTNER_STAFF: { id: 'role.partner_staff', defaultMessage: 'Staff' },
  TENANT_ADMIN: { id: 'role.tenant_admin', defaultMessage: 'Admin' },
  TENANT_USER: { id: 'role.tenant_user', defaultMessage: 'User' },
});

/** An organization role in the reader's words ("Admin", "Propriétaire"); an unknown role by its name. */
export function roleLabel(intl: IntlShape, role: string): string {
  const m = ROLE_LABELS[role];
  return m ? intl.formatMessage(m) : role;
}
