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
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  withdrawn: { id: 'components.members.invitation_withdrawn', defaultMessage: 'Invitation withdrawn.' },
  roleChanged: { id: 'components.members.role_changed', defaultMessage: 'Role changed.' },
  memberUpdated: { id: 'components.members.member_updated', defaultMessage: 'Member updated.' },
  memberRemoved: { id: 'components.members.member_removed', defaultMessage: 'Member removed.' },
  count: { id: 'components.members.count', defaultMessage: '{count, plural, one {# member} other {# members}}' },
  invite: { id: 'components.members.invite', defaultMessage: 'Invite member' },
  empty: { id: 'components.members.empty', defaultMessage: 'No members yet.' },
  inviteTitle: { id: 'components.members.invite_title', defaultMessage: 'Invite a member to {organization}' },
  removeTitle: { id: 'components.members.remove_title', defaultMessage: 'Remove this member?' },
  remove: { id: 'components.members.remove', defaultMessage: 'Remove' },
  removeMessage: {
    id: 'components.members.remove_message',
    defaultMessage: '{name} ({email}) leaves {organization} and loses access on their next request.',
  },
  name: { id: 'components.members.column.name', defaultMessage: 'Name' },
  email: { id: 'components.members.column.email', defaultMessage: 'Email' },
  role: { id: 'components.members.column.role', defaultMessage: 'Role' },
  since: { id: 'components.members.column.since', defaultMessage: 'Since' },
  roleOf: { id: 'components.members.role_of', defaultMessage: 'Role of {email}' },
  actionsFor: { id: 'components.members.actions_for', defaultMessage: 'Actions for {email}' },
  deactivate: { id: 'components.members.deactivate', defaultMessage: 'Deactivate' },
  reactivate: { id: 'components.members.reactivate', defaultMessage: 'Reactivate' },
  removeFrom: { id: 'components.members.remove_from', defaultMessage: 'Remove from {organization}' },
});
/** the messages, where `m` names a member row */
const msg = m;

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
  const intl = useIntl();
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
  const withdraw = useApiMutation((invitationId: string) => org.withdraw(invitationId), { success: intl.formatMessage(m.withdrawn) });
  const setRole = useApiMutation((userId: string, role: string) => org.setRole(userId, role), { success: intl.formatMessage(m.roleChanged), notifyError: true });
  const setActive = useApiMutation((userId: string, active: boolean) => org.setActive!(userId, active), { success: intl.formatMessage(m.memberUpdated), notifyError: true });
  const remove = useApiMutation((userId: string) => org.remove(userId), { success: intl.formatMessage(m.memberRemoved), onDone: () => setRemoving(null) });
  return { members, invitations, inviteOpen, setInviteOpen, invitation, setInvitation, removing, setRemoving, invite, withdraw, setRole, setActive, remove };
}

export function MembersPanel<M extends MemberRow>({ org, canManage, selfId, extraColumns }: MembersPanelProps<M>) {
  const intl = useIntl();
  const s = useMembers(org, canManage);
  const rows = s.members.data?.data ?? [];
  const menu = (m: M) => <MemberActions member={m} org={org} selfId={selfId} setActive={s.setActive} onRemove={() => { s.remove.reset(); s.setRemoving(m); }} />;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {intl.formatMessage(m.count, { count: rows.length })}
        </Text>
        {canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => s.setInviteOpen(true)}>
            {intl.formatMessage(m.invite)}
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
        empty={intl.formatMessage(m.empty)}
        columns={[...memberColumns(intl, org.roles, canManage ? s.setRole : null), ...extraColumns, sinceColumn<M>(intl), ...(canManage ? [actionsColumn(menu)] : [])]}
      />
      {canManage && <PendingInvitations invitations={s.invitations} roleLabel={(r) => roleLabel(org.roles, r)} canManage withdraw={s.withdraw} testId={`${org.kind}-invitations`} />}
      <InviteMemberModal opened={s.inviteOpen} onClose={() => s.setInviteOpen(false)} title={intl.formatMessage(m.inviteTitle, { organization: org.name })} roles={org.roles} defaultRole={org.defaultRole} action={s.invite} />
      <InvitationModal invitation={s.invitation} onClose={() => s.setInvitation(null)} />
      <ReasonModal
        opened={!!s.removing}
        title={intl.formatMessage(m.removeTitle)}
        message={<RemoveMessage member={s.removing} orgName={org.name} />}
        confirmLabel={intl.formatMessage(m.remove)}
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
    <FormattedMessage {...m.removeMessage} values={{ name: member?.name, email: member?.email, organization: orgName }} />
  );
}

/** The role picker's box grows with its value (field-sizing); 120 px at least, as before, so short names do not make a tiny box. */
const ROLE_PICKER_STYLES = { input: { fieldSizing: 'content', width: 'auto', minWidth: 120 } } as const;

/** Name, email and role (a choice for those who manage the members, a word for the others). */
function memberColumns<M extends MemberRow>(intl: IntlShape, roles: RoleChoice[], setRole: Action<[string, string], unknown> | null): Column<M>[] {
  return [
    { key: 'name', title: intl.formatMessage(m.name), mobile: 'title', sortValue: (m) => m.name, render: (m) => m.name },
    { key: 'email', title: intl.formatMessage(m.email), sortValue: (m) => m.email, render: (m) => m.email },
    {
      key: 'role',
      title: intl.formatMessage(m.role),
      sortValue: (m) => m.role,
      render: (m) =>
        setRole ? (
          <Select
            size="xs"
            // as wide as the chosen role's name in the reader's language ("Administrateur", "Collaborateur"), never cut
            w="fit-content"
            styles={ROLE_PICKER_STYLES}
            comboboxProps={{ width: 'max-content' }}
            aria-label={intl.formatMessage(msg.roleOf, { email: m.email })}
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

function sinceColumn<M extends MemberRow>(intl: IntlShape): Column<M> {
  return { key: 'since', title: intl.formatMessage(m.since), sortValue: (m) => m.created_at, render: (m) => formatDate(m.created_at) };
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
  const intl = useIntl();
  const self = m.user_id === selfId;
  return (
    <RowActionsMenu label={intl.formatMessage(msg.actionsFor, { email: m.email })}>
      {org.setActive &&
        (m.member_status === 'active' ? (
          <Menu.Item leftSection={<IconPlayerPause size={14} />} onClick={() => void setActive.run(m.user_id, false)} disabled={self}>
            {intl.formatMessage(msg.deactivate)}
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconPlayerPlay size={14} />} onClick={() => void setActive.run(m.user_id, true)}>
            {intl.formatMessage(msg.reactivate)}
          </Menu.Item>
        ))}
      <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={onRemove} disabled={self}>
        {intl.formatMessage(msg.removeFrom, { organization: org.name })}
      </Menu.Item>
    </RowActionsMenu>
  );
}
