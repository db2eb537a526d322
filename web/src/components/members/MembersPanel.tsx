/**
 * The members of one organization — a partner or a tenant — written once: the people with their role,
 * invitations waiting for an answer, invite (the one-time link shown), change a role, remove, and for
 * a partner deactivate/reactivate. What differs between the two comes in as an `OrgMembers` (the
 * requests, the role names, the cache keys) and extra columns.
 */
import { useState, type ReactNode } from 'react';
import type { QueryKey } from '@tanstack/react-query';
import { Button, Group, Menu, Select, Stack, Text } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import type { InvitationLink, PendingInvitationDto } from '../../api/index.ts';
import type { Schemas } from '../../api/schema.ts';
import { DataTable, type Column } from '../DataTable.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { InvitationModal, type PendingInvitation } from '../InvitationModal.tsx';
import { InviteMemberModal, type InviteInput } from '../InviteMemberModal.tsx';
import { PendingInvitations } from '../PendingInvitations.tsx';
import { ReasonModal } from '../ReasonModal.tsx';
import { RowActionsMenu, actionsColumn } from '../RowActionsMenu.tsx';
import { formatDate } from '../format.ts';
import { useApiMutation, useApiQuery, type Action } from '../../query/query.ts';

/** What every member row has: a tenant's member (a partner's also says whether the membership is active). */
export type MemberRow = Schemas['TenantMember'] & Partial<Pick<Schemas['PartnerMember'], 'member_status'>>;

export interface RoleChoice {
  value: string;
  label: string;
  description: string;
}

/** One organization's members as the panel reads and changes them. */
export interface OrgMembers<M extends MemberRow> {
  /** names the tables for tests: `${kind}-members`, `${kind}-invitations` */
  kind: 'partner' | 'tenant';
  name: string;
  roles: RoleChoice[];
  defaultRole: string;
  keys: { members: QueryKey; invitations: QueryKey };
  members(): Promise<{ data: M[] }>;
  invitations(): Promise<{ data: PendingInvitationDto[] }>;
  invite(input: InviteInput): Promise<{ invitation: InvitationLink }>;
  withdraw(invitationId: string): Promise<unknown>;
  setRole(userId: string, role: string): Promise<unknown>;
  remove(userId: string): Promise<unknown>;
  /** a partner's membership can be paused without removing the person */
  setActive?: (userId: string, active: boolean) => Promise<unknown>;
}

export interface MembersPanelProps<M extends MemberRow> {
  org: OrgMembers<M>;
  canManage: boolean;
  /** you: you cannot remove or deactivate yourself */
  selfId?: string;
  /** columns after the role (a partner's work on its customers and membership; a tenant's account status) */
  extraColumns: Column<M>[];
}

export function roleLabel(roles: RoleChoice[], role: string): string {
  return roles.find((r) => r.value === role)?.label ?? role;
}

/** The requests and the dialogs' state of one members panel. */
function useMembers<M extends MemberRow>(org: OrgMembers<M>, canManage: boolean) {
  const members = useApiQuery(org.keys.members, org.members);
  const invitations = useApiQuery(org.keys.invitations, org.invitations, { enabled: canManage });
  const [inviteOpen, setInviteOpen] = useState(false);
  const [invitation, setInvitation] = useState<PendingInvitation | null>(null);
  const [removing, setRemoving] = useState<M | null>(null);
  const invite = useApiMutation(async (input: InviteInput) => ({ input, r: await org.invite(input) }), {
    onDone: ({ input, r }) => {
      setInviteOpen(false);
      // Everyone, with or without an account, joins by accepting: the link is always shown.
      setInvitation({ email: input.email, what: org.name, link: r.invitation });
    },
  });
  const withdraw = useApiMutation((invitationId: string) => org.withdraw(invitationId), { success: 'Invitation withdrawn.' });
  const setRole = useApiMutation((userId: string, role: string) => org.setRole(userId, role), { success: 'Role changed.', notifyError: true });
  const setActive = useApiMutation((userId: string, active: boolean) => org.setActive!(userId, active), { success: 'Member updated.', notifyError: true });
  const remove = useApiMutation((userId: string) => org.remove(userId), { success: 'Member removed.', onDone: () => setRemoving(null) });
  return { members, invitations, inviteOpen, setInviteOpen, invitation, setInvitation, removing, setRemoving, invite, withdraw, setRole, setActive, remove };
}

export function MembersPanel<M extends MemberRow>({ org, canManage, selfId, extraColumns }: MembersPanelProps<M>) {
  const s = useMembers(org, canManage);
  const rows = s.members.data?.data ?? [];
  const menu = (m: M) => <MemberActions member={m} org={org} selfId={selfId} setActive={s.setActive} onRemove={() => { s.remove.reset(); s.setRemoving(m); }} />;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {rows.length} member{rows.length === 1 ? '' : 's'}
        </Text>
        {canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => s.setInviteOpen(true)}>
            Invite member
          </Button>
        )}
      </Group>
      <ErrorAlert error={s.members.error} />
      <DataTable
        testId={`${org.kind}-members`}
        records={rows}
        loading={s.members.loading}
        rowKey={(m) => m.user_id}
        rowProps={(m) => ({ 'data-email': m.email })}
        empty="No members yet."
        columns={[...memberColumns(org.roles, canManage ? s.setRole : null), ...extraColumns, sinceColumn<M>(), ...(canManage ? [actionsColumn(menu)] : [])]}
      />
      {canManage && <PendingInvitations invitations={s.invitations} roleLabel={(r) => roleLabel(org.roles, r)} canManage withdraw={s.withdraw} testId={`${org.kind}-invitations`} />}
      <InviteMemberModal opened={s.inviteOpen} onClose={() => s.setInviteOpen(false)} title={`Invite a member to ${org.name}`} roles={org.roles} defaultRole={org.defaultRole} action={s.invite} />
      <InvitationModal invitation={s.invitation} onClose={() => s.setInvitation(null)} />
      <ReasonModal
        opened={!!s.removing}
        title="Remove this member?"
        message={<RemoveMessage member={s.removing} orgName={org.name} />}
        confirmLabel="Remove"
        color="red"
        reason="none"
        busy={s.remove.busy}
        error={s.remove.error}
        onClose={() => s.setRemoving(null)}
        onConfirm={() => s.removing && void s.remove.run(s.removing.user_id)}
      />
    </Stack>
  );
}

function RemoveMessage({ member, orgName }: { member: MemberRow | null; orgName: string }): ReactNode {
  return (
    <>
      {member?.name} ({member?.email}) leaves {orgName} and loses access on their next request.
    </>
  );
}

/** Name, email and role (a choice for those who manage the members, a word for the others). */
function memberColumns<M extends MemberRow>(roles: RoleChoice[], setRole: Action<[string, string], unknown> | null): Column<M>[] {
  return [
    { key: 'name', title: 'Name', mobile: 'title', sortValue: (m) => m.name, render: (m) => m.name },
    { key: 'email', title: 'Email', sortValue: (m) => m.email, render: (m) => m.email },
    {
      key: 'role',
      title: 'Role',
      sortValue: (m) => m.role,
      render: (m) =>
        setRole ? (
          <Select
            size="xs"
            w={120}
            aria-label={`Role of ${m.email}`}
            data={roles.map((r) => ({ value: r.value, label: r.label }))}
            value={m.role}
            allowDeselect={false}
            onChange={(v) => v && v !== m.role && void setRole.run(m.user_id, v)}
          />
        ) : (
          roleLabel(roles, m.role)
        ),
    },
  ];
}

function sinceColumn<M extends MemberRow>(): Column<M> {
  return { key: 'since', title: 'Since', sortValue: (m) => m.created_at, render: (m) => formatDate(m.created_at) };
}

function MemberActions<M extends MemberRow>({
  member: m,
  org,
  selfId,
  setActive,
  onRemove,
}: {
  member: M;
  org: OrgMembers<M>;
  selfId?: string;
  setActive: Action<[string, boolean], unknown>;
  onRemove(): void;
}) {
  const self = m.user_id === selfId;
  return (
    <RowActionsMenu label={`Actions for ${m.email}`}>
      {org.setActive &&
        (m.member_status === 'active' ? (
          <Menu.Item leftSection={<IconPlayerPause size={14} />} onClick={() => void setActive.run(m.user_id, false)} disabled={self}>
            Deactivate
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconPlayerPlay size={14} />} onClick={() => void setActive.run(m.user_id, true)}>
            Reactivate
          </Menu.Item>
        ))}
      <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={onRemove} disabled={self}>
        Remove from {org.name}
      </Menu.Item>
    </RowActionsMenu>
  );
}
