/** Members of one tenant: the shared members panel with the tenant's roles and requests. Used by the tenant home and the operator console. */
import { useIntl, type IntlShape } from 'react-intl';
import { api, type TenantMemberDto } from '../../api/index.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { MembersPanel, type OrgMembers } from '../../components/members/MembersPanel.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { defineMessages } from '../../i18n/define.ts';
import { roleLabel } from '../../session/access.ts';

const m = defineMessages({
  adminDescription: {
    id: 'tenant_home.members.role.admin.description',
    defaultMessage: 'Administers the tenant: members, billing accounts, partner access; full use of its resources.',
  },
  userDescription: { id: 'tenant_home.members.role.user.description', defaultMessage: 'Uses the tenant’s resources; reads but does not administer.' },
  account: { id: 'tenant_home.members.column.account', defaultMessage: 'Account' },
});

/** The tenant's roles as the members panel offers them, in the reader's words. */
export function tenantRoles(intl: IntlShape) {
  return [
    { value: 'TENANT_ADMIN', label: roleLabel(intl, 'TENANT_ADMIN'), description: intl.formatMessage(m.adminDescription) },
    { value: 'TENANT_USER', label: roleLabel(intl, 'TENANT_USER'), description: intl.formatMessage(m.userDescription) },
  ];
}

function tenantMembers(intl: IntlShape, tenantId: string, tenantName: string): OrgMembers<TenantMemberDto> {
  return {
    kind: 'tenant',
    name: tenantName,
    roles: tenantRoles(intl),
    defaultRole: 'TENANT_USER',
    keys: { members: tenantKeys.members(tenantId), invitations: tenantKeys.invitations(tenantId) },
    members: () => api.tenants.members(tenantId),
    invitations: () => api.tenants.invitations(tenantId),
    invite: (input) => api.tenants.addMember(tenantId, input),
    withdraw: (invitationId) => api.tenants.revokeInvitation(tenantId, invitationId),
    setRole: (userId, role) => api.tenants.changeMemberRole(tenantId, userId, role),
    remove: (userId) => api.tenants.removeMember(tenantId, userId),
  };
}

export function TenantMembersPanel({ tenantId, tenantName, canManage, selfId }: { tenantId: string; tenantName: string; canManage: boolean; selfId?: string }) {
  const intl = useIntl();
  return (
    <MembersPanel
      org={tenantMembers(intl, tenantId, tenantName)}
      canManage={canManage}
      selfId={selfId}
      extraColumns={[{ key: 'status', title: intl.formatMessage(m.account), sortValue: (m) => m.status, render: (m) => <StatusBadge status={m.status} /> }]}
    />
  );
}
