/** Members of one tenant: the shared members panel with the tenant's roles and requests. Used by the tenant home and the operator console. */
import { api, type TenantMemberDto } from '../../api/index.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { MembersPanel, type OrgMembers } from '../../components/members/MembersPanel.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';

export const TENANT_ROLES = [
  { value: 'TENANT_ADMIN', label: 'Admin', description: 'Administers the tenant: members, billing accounts, partner access; full use of its resources.' },
  { value: 'TENANT_USER', label: 'User', description: 'Uses the tenant’s resources; reads but does not administer.' },
];

function tenantMembers(tenantId: string, tenantName: string): OrgMembers<TenantMemberDto> {
  return {
    kind: 'tenant',
    name: tenantName,
    roles: TENANT_ROLES,
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
  return (
    <MembersPanel
      org={tenantMembers(tenantId, tenantName)}
      canManage={canManage}
      selfId={selfId}
      extraColumns={[{ key: 'status', title: 'Account', sortValue: (m) => m.status, render: (m) => <StatusBadge status={m.status} /> }]}
    />
  );
}
