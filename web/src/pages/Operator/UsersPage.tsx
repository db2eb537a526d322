/** Operator: every user account — search, disable (ends sessions and API tokens at once) and re-enable. */
import { SearchField } from './SearchField.tsx';
import { useIntl } from 'react-intl';
import { useState } from 'react';
import { Badge, Button, Group, Select, Stack, Text, } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api, type UserDto } from '../../api/index.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiList } from '../../query/query.ts';
import { roleLabel } from '../../session/access.ts';
import { useMe } from '../../session/SessionContext.tsx';
import { security } from '../../api/security.ts';
import { userKeys } from '../../api/keys/users.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  nowStatus: { id: 'operator.users.now_status', defaultMessage: '{email} is now {status, select, active {active} invited {invited} disabled {disabled} other {{status}}}.' },
  resetSent: {
    id: 'operator.users.reset_sent',
    defaultMessage: 'A link to choose a new password was e-mailed to {email}. It works once, until {date}.',
  },
  title: { id: 'operator.users.title', defaultMessage: 'Users' },
  description: {
    id: 'operator.users.description',
    defaultMessage: 'Every account on the platform. Disabling an account ends its sessions and stops its API tokens on the very next request.',
  },
  searchPlaceholder: { id: 'operator.users.search.placeholder', defaultMessage: 'Search by name or email' },
  searchLabel: { id: 'operator.users.search.label', defaultMessage: 'Search users' },
  anyStatus: { id: 'operator.users.filter.any_status', defaultMessage: 'Any status' },
  statusLabel: { id: 'operator.users.filter.status', defaultMessage: 'Filter by status' },
  active: { id: 'operator.users.filter.status.active', defaultMessage: 'Active' },
  invited: { id: 'operator.users.filter.status.invited', defaultMessage: 'Invited (not yet accepted)' },
  disabled: { id: 'operator.users.filter.status.disabled', defaultMessage: 'Disabled' },
  empty: { id: 'operator.users.empty', defaultMessage: 'No user matches.' },
  name: { id: 'operator.users.column.name', defaultMessage: 'Name' },
  email: { id: 'operator.users.column.email', defaultMessage: 'Email' },
  status: { id: 'operator.users.column.status', defaultMessage: 'Status' },
  lastLogin: { id: 'operator.users.column.last_login', defaultMessage: 'Last login' },
  never: { id: 'operator.users.never', defaultMessage: 'never' },
  created: { id: 'operator.users.column.created', defaultMessage: 'Created' },
  actions: { id: 'operator.users.column.actions', defaultMessage: 'Actions' },
  you: { id: 'operator.users.you', defaultMessage: 'you' },
  enable: { id: 'operator.users.enable', defaultMessage: 'Enable' },
  sendReset: { id: 'operator.users.send_reset', defaultMessage: 'Send reset link' },
  disable: { id: 'operator.users.disable', defaultMessage: 'Disable' },
  disableTitle: { id: 'operator.users.disable.title', defaultMessage: 'Disable {email}?' },
  enableTitle: { id: 'operator.users.enable.title', defaultMessage: 'Enable {email}?' },
  disableMessage: {
    id: 'operator.users.disable.message',
    defaultMessage: 'Their sessions end and their API tokens stop working on the next request. Their memberships are kept, so enabling the account restores access.',
  },
  enableMessage: { id: 'operator.users.enable.message', defaultMessage: 'They can log in again with their existing password and memberships.' },
  disableConfirm: { id: 'operator.users.disable.confirm', defaultMessage: 'Disable account' },
  enableConfirm: { id: 'operator.users.enable.confirm', defaultMessage: 'Enable account' },
});

export function UsersPage() {
  const intl = useIntl();
  const me = useMe();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const list = useApiList(userKeys.list(debouncedQ, status), (cursor) => api.users.list({ q: debouncedQ || undefined, status: status ?? undefined, cursor, limit: 50 }));
  const [pending, setPending] = useState<{ user: UserDto; verb: 'disable' | 'enable' } | null>(null);
  const act = useApiMutation((u: UserDto, verb: 'disable' | 'enable') => (verb === 'disable' ? api.users.disable(u.id) : api.users.enable(u.id)), {
    success: (u) => intl.formatMessage(m.nowStatus, { email: u.email, status: u.status }),
    onDone: () => {
      setPending(null);
      list.reload();
    },
  });

  const sendReset = useApiMutation((u: UserDto) => security.sendResetLink(u.id), {
    success: (r) => intl.formatMessage(m.resetSent, { email: r.sent_to, date: formatDateTime(r.expires_at) }),
    notifyError: true,
    invalidates: [],
  });

  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <Stack>
        <Group>
          <SearchField placeholder={intl.formatMessage(m.searchPlaceholder)} value={q} onChange={setQ} label={intl.formatMessage(m.searchLabel)} />
          <Select
            placeholder={intl.formatMessage(m.anyStatus)}
            aria-label={intl.formatMessage(m.statusLabel)}
            data={[
              { value: 'active', label: intl.formatMessage(m.active) },
              { value: 'invited', label: intl.formatMessage(m.invited) },
              { value: 'disabled', label: intl.formatMessage(m.disabled) },
            ]}
            value={status}
            onChange={setStatus}
            clearable
            w={240}
          />
        </Group>
        <ErrorAlert error={list.error} />
        <DataTable
          testId="users-table"
          records={list.items}
          loading={list.loading}
          rowKey={(u) => u.id}
          rowProps={(u) => ({ 'data-email': u.email })}
          empty={intl.formatMessage(m.empty)}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: intl.formatMessage(m.name),
              mobile: 'title',
              sortValue: (u) => u.name,
              render: (u) => (
                <Group gap={6}>
                  {u.name}
                  {u.platform_role && (
                    <Badge size="xs" variant="light" color="grape">
                      {roleLabel(intl, u.platform_role)}
                    </Badge>
                  )}
                </Group>
              ),
            },
            { key: 'email', title: intl.formatMessage(m.email), sortValue: (u) => u.email, render: (u) => u.email },
            { key: 'status', title: intl.formatMessage(m.status), sortValue: (u) => u.status, render: (u) => <StatusBadge status={u.status} /> },
            { key: 'last_login', title: intl.formatMessage(m.lastLogin),
              sortValue: (u) => u.last_login_at,
              render: (u) => (u.last_login_at ? formatDateTime(u.last_login_at) : intl.formatMessage(m.never)),
            },
            { key: 'created', title: intl.formatMessage(m.created), sortValue: (u) => u.created_at, render: (u) => formatDate(u.created_at) },
            {
              key: 'actions',
              title: '',
              label: intl.formatMessage(m.actions),
              align: 'right',
              mobile: 'footer',
              render: (u) =>
                u.id === me.user.id ? (
                  <Text size="xs" c="dimmed">
                    {intl.formatMessage(m.you)}
                  </Text>
                ) : u.status === 'disabled' ? (
                  <Button size="xs" variant="light" color="teal" onClick={() => { act.reset(); setPending({ user: u, verb: 'enable' }); }}>
                    {intl.formatMessage(m.enable)}
                  </Button>
                ) : (
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="subtle" onClick={() => void sendReset.run(u)} loading={sendReset.busy} data-action="send-reset">
                      {intl.formatMessage(m.sendReset)}
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => { act.reset(); setPending({ user: u, verb: 'disable' }); }}>
                      {intl.formatMessage(m.disable)}
                    </Button>
                  </Group>
                ),
            },
          ]}
        />
      </Stack>
      {pending && (
        <ReasonModal
          opened
          title={intl.formatMessage(pending.verb === 'disable' ? m.disableTitle : m.enableTitle, { email: pending.user.email })}
          message={
            pending.verb === 'disable'
              ? intl.formatMessage(m.disableMessage)
              : intl.formatMessage(m.enableMessage)
          }
          confirmLabel={intl.formatMessage(pending.verb === 'disable' ? m.disableConfirm : m.enableConfirm)}
          color={pending.verb === 'disable' ? 'red' : 'teal'}
          reason="none"
          busy={act.busy}
          error={act.error}
          onClose={() => setPending(null)}
          onConfirm={() => void act.run(pending.user, pending.verb)}
        />
      )}
    </>
  );
}
