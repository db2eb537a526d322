/** Members of one partner organization: invite, change role, deactivate/reactivate, remove. Used by the partner home (owner) and the operator console. */
import { DataTable } from '../../components/DataTable.tsx';
import { useState } from 'react';
import { Button, Group, Menu, Select, Stack, Text } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import { api, type PartnerMemberDto } from '../../api/index.ts';

/** The roles an owner gives each member of an MSP, for its work on the managed customers. */
const MEMBER_ROLE_IDS = ['partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor'];
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { InvitationModal, type PendingInvitation } from '../../components/InvitationModal.tsx';
import { InviteMemberModal, type InviteInput } from '../../components/InviteMemberModal.tsx';
import { PendingInvitations } from '../../components/PendingInvitations.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { RowActionsMenu, actionsColumn } from '../../components/RowActionsMenu.tsx';

export const PARTNER_ROLES = [
  { value: 'PARTNER_OWNER', label: 'Owner', description: 'Full control of the partner organization: profile, team, apps, agreements, earnings and the audit log.' },
  { value: 'PARTNER_STAFF', label: 'Staff', description: 'Day-to-day work: sees the profile, apps, customers and referrals, but not the team or the audit log.' },
];

export function PartnerMembersPanel({
  partnerId,
  partnerName,
  canManage,
  selfId,
  memberRoles = false,
}: {
  partnerId: string;
  partnerName: string;
  canManage: boolean;
  selfId?: string;
  /** an MSP: show and set what each member may do on the managed customers */
  memberRoles?: boolean;
}) {
  const workRoles = useApiQuery(['roles', 'partner'], () => api.partners.workRoles(), {
    enabled: memberRoles,
    staleTime: Infinity,
  });
  const work = (workRoles.data?.data ?? []).filter((r) => MEMBER_ROLE_IDS.includes(r.id));
  const setWork = useApiMutation((userId: string, member_role: string) => api.partners.setWorkRole(partnerId, userId, member_role), {
    success: 'Done: it applies from their next request.',
    notifyError: true,
  });
  const members = useApiQuery(['partners', 'members', partnerId], () => api.partners.members(partnerId));
  const [inviteOpen, setInviteOpen] = useState(false);
  const [invitation, setInvitation] = useState<PendingInvitation | null>(null);
  const [removing, setRemoving] = useState<PartnerMemberDto | null>(null);

  const invitations = useApiQuery(['partners', 'invitations', partnerId, canManage], () => (canManage ? api.partners.invitations(partnerId) : Promise.resolve({ data: [] })));
  const invite = useApiMutation(async (input: InviteInput) => ({ input, r: await api.partners.addMember(partnerId, input) }), {
    onDone: ({ input, r }) => {
      setInviteOpen(false);
      invitations.reload();
      // Everyone, with or without an account, joins by accepting: the link is always shown.
      setInvitation({ email: input.email, what: partnerName, link: r.invitation });
    },
  });
  const withdraw = useApiMutation((invitationId: string) => api.partners.revokeInvitation(partnerId, invitationId), {
    success: 'Invitation withdrawn.',
    onDone: () => invitations.reload(),
  });
  const update = useApiMutation((userId: string, body: { role?: string; status?: 'active' | 'inactive' }) => api.partners.updateMember(partnerId, userId, body), {
    success: 'Member updated.',
    notifyError: true,
    onDone: () => members.reload(),
  });
  const remove = useApiMutation((userId: string) => api.partners.removeMember(partnerId, userId), {
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
        testId="partner-members"
        records={rows}
        loading={members.loading}
        rowKey={(m) => m.user_id}
        rowProps={(m) => ({ 'data-email': m.email })}
        empty="No members."
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
                  data={PARTNER_ROLES.map((r) => ({ value: r.value, label: r.label }))}
                  value={m.role}
                  allowDeselect={false}
                  onChange={(v) => v && v !== m.role && void update.run(m.user_id, { role: v })}
                />
              ) : (
                (PARTNER_ROLES.find((r) => r.value === m.role)?.label ?? m.role)
              ),
          },
          ...(memberRoles
            ? [
                {
                  key: 'work',
                  title: 'On customers',
                  render: (m: (typeof rows)[number]) => {
                    const current = (m as { member_role?: string | null }).member_role ?? 'partner_msp_full';
                    const info = work.find((r) => r.id === current);
                    if (m.role === 'PARTNER_OWNER') return <Text fz="inherit">Full access (owner)</Text>;
                    if (!canManage) return <Text fz="inherit">{info?.name ?? '—'}</Text>;
                    return (
                      <Select
                        size="xs"
                        w={150}
                        aria-label={`What ${m.email} may do on customers`}
                        data={work.map((r) => ({ value: r.id, label: r.name }))}
                        value={current}
                        allowDeselect={false}
                        onChange={(v) => v && v !== current && void setWork.run(m.user_id, v)}
                        title={info?.description}
                        data-testid="member-work-role"
                      />
                    );
                  },
                },
              ]
            : []),
          {
            key: 'membership',
            title: 'Membership',
            sortValue: (m) => m.member_status,
            render: (m) => (
              <Group gap={4}>
                <StatusBadge status={m.member_status} />
                {m.status !== 'active' && <StatusBadge status={m.status} />}
              </Group>
            ),
          },
          { key: 'since', title: 'Since', sortValue: (m) => m.created_at, render: (m) => formatDate(m.created_at) },
          ...(canManage
            ? [
                actionsColumn((m: (typeof rows)[number]) => (
                    <RowActionsMenu label={`Actions for ${m.email}`}>
                      {m.member_status === 'active' ? (
                        <Menu.Item leftSection={<IconPlayerPause size={14} />} onClick={() => void update.run(m.user_id, { status: 'inactive' })} disabled={m.user_id === selfId}>
                          Deactivate
                        </Menu.Item>
                      ) : (
                        <Menu.Item leftSection={<IconPlayerPlay size={14} />} onClick={() => void update.run(m.user_id, { status: 'active' })}>
                          Reactivate
                        </Menu.Item>
                      )}
                      <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => { remove.reset(); setRemoving(m); }} disabled={m.user_id === selfId}>
                        Remove from {partnerName}
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
          roleLabel={(r) => PARTNER_ROLES.find((x) => x.value === r)?.label ?? r}
          canManage={canManage}
          withdraw={withdraw}
          testId="partner-invitations"
        />
      )}

      <InviteMemberModal opened={inviteOpen} onClose={() => setInviteOpen(false)} title={`Invite a member to ${partnerName}`} roles={PARTNER_ROLES} defaultRole="PARTNER_STAFF" action={invite} />
      <InvitationModal invitation={invitation} onClose={() => setInvitation(null)} />
      <ReasonModal
        opened={!!removing}
        title="Remove this member?"
        message={
          <>
            {removing?.name} ({removing?.email}) leaves {partnerName} and loses its access on their next request.
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
