/** Members of one tenant: invite (with the one-time link), change role, remove. Used by the tenant home and the operator console. */
import { DataTable } from '../../components/DataTable.tsx';
import { useState } from 'react';
import { Button, Group, Menu, Select, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { api, type TenantMemberDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { InvitationModal, type PendingInvitation } from '../../components/InvitationModal.tsx';
import { InviteMemberModal, type InviteInput } from '../../components/InviteMemberModal.tsx';
import { PendingInvitations } from '../../components/PendingInvitations.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { RowActionsMenu, actionsColumn } from '../../components/RowActionsMenu.tsx';

export const TENANT_ROLES = [
  { value: 'TENANT_ADMIN', label: 'Admin', description: 'Administers the tenant: members, billing accounts, partner access; full use of its resources.' },
  { value: 'TENANT_USER', label: 'User', description: 'Uses the tenant’s resources; reads but does not administer.' },
];

export function TenantMembersPanel({ tenantId, tenantName, canManage, selfId }: { tenantId: string; tenantName: string; canManage: boolean; selfId?: string }) {
  const members = useApiQuery(['tenants', 'members', tenantId], () => api.tenants.members(tenantId));
  const [inviteOpen, setInviteOpen] = useState(false);
  const [invitation, setInvitation] = useState<PendingInvitation | null>(null);
  const [removing, setRemoving] = useState<TenantMemberDto | null>(null);

  const invitations = useApiQuery(['tenants', 'invitations', tenantId, canManage], () => (canManage ? api.tenants.invitations(tenantId) : Promise.resolve({ data: [] })));
  const invite = useApiMutation(async (input: InviteInput) => ({ input, r: await api.tenants.addMember(tenantId, input) }), {
    onDone: ({ input, r }) => {
      setInviteOpen(false);
      invitations.reload();
      // Everyone, with or without an account, joins by accepting: the link is always shown.
      setInvitation({ email: input.email, what: tenantName, link: r.invitation });
    },
  });
  const withdraw = useApiMutation((invitationId: string) => api.tenants.revokeInvitation(tenantId, invitationId), {
    success: 'Invitation withdrawn.',
    onDone: () => invitations.reload(),
  });
  const changeRole = useApiMutation((userId: string, role: string) => api.tenants.changeMemberRole(tenantId, userId, role), {
    success: 'Role changed.',
    notifyError: true,
    onDone: () => members.reload(),
  });
  const remove = useApiMutation((userId: string) => api.tenants.removeMember(tenantId, userId), {
    success: 'Member removed.',
    onDone: () => {
      setRemoving(null);
      members.reload();
    },
  });

  const rows = members.data?.data ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {rows.length} member{rows.length === 1 ? '' : 's'}
        </Text>
        {canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setInviteOpen(true)}>
            Invite member
          </Button>
        )}
      </Group>
      <ErrorAlert error={members.error} />
      <DataTable
        testId="tenant-members"
        records={rows}
        loading={members.loading}
        rowKey={(m) => m.user_id}
        rowProps={(m) => ({ 'data-email': m.email })}
        empty="No members yet."
        columns={[
          { key: 'name', title: 'Name', mobile: 'title', sortValue: (m) => m.name, render: (m) => m.name },
          { key: 'email', title: 'Email', sortValue: (m) => m.email, render: (m) => m.email },
          {
            key: 'role',
            title: 'Role',
            sortValue: (m) => m.role,
            render: (m) =>
              canManage ? (
                <Select
                  size="xs"
                  w={120}
                  aria-label={`Role of ${m.email}`}
                  data={TENANT_ROLES.map((r) => ({ value: r.value, label: r.label }))}
                  value={m.role}
                  allowDeselect={false}
                  onChange={(v) => v && v !== m.role && void changeRole.run(m.user_id, v)}
                />
              ) : (
                (TENANT_ROLES.find((r) => r.value === m.role)?.label ?? m.role)
              ),
          },
          { key: 'status', title: 'Account', sortValue: (m) => m.status, render: (m) => <StatusBadge status={m.status} /> },
          { key: 'since', title: 'Since', sortValue: (m) => m.created_at, render: (m) => formatDate(m.created_at) },
          ...(canManage
            ? [
                actionsColumn((m: (typeof rows)[number]) => (
                    <RowActionsMenu label={`Actions for ${m.email}`}>
                      <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => { remove.reset(); setRemoving(m); }} disabled={m.user_id === selfId}>
                        Remove from tenant
                      </Menu.Item>
                    </RowActionsMenu>
                  )),
              ]
            : []),
        ]}
      />

      {canManage && (
        <PendingInvitations
          invitations={invitations}
          roleLabel={(r) => TENANT_ROLES.find((x) => x.value === r)?.label ?? r}
          canManage={canManage}
          withdraw={withdraw}
          testId="tenant-invitations"
        />
      )}

      <InviteMemberModal opened={inviteOpen} onClose={() => setInviteOpen(false)} title={`Invite a member to ${tenantName}`} roles={TENANT_ROLES} defaultRole="TENANT_USER" action={invite} />
      <InvitationModal invitation={invitation} onClose={() => setInvitation(null)} />
      <ReasonModal
        opened={!!removing}
        title="Remove this member?"
        message={
          <>
            {removing?.name} ({removing?.email}) loses access to {tenantName} on their next request.
          </>
        }
        confirmLabel="Remove"
        color="red"
        reason="none"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && void remove.run(removing.user_id)}
      />
    </Stack>
  );
}
