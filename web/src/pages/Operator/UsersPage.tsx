/** Operator: every user account — search, disable (ends sessions and API tokens at once) and re-enable. */
import { useIntl } from 'react-intl';
import { useState } from 'react';
import { Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
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

export function UsersPage() {
  const intl = useIntl();
  const me = useMe();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const list = useApiList(userKeys.list(debouncedQ, status), (cursor) => api.users.list({ q: debouncedQ || undefined, status: status ?? undefined, cursor, limit: 50 }));
  const [pending, setPending] = useState<{ user: UserDto; verb: 'disable' | 'enable' } | null>(null);
  const act = useApiMutation((u: UserDto, verb: 'disable' | 'enable') => (verb === 'disable' ? api.users.disable(u.id) : api.users.enable(u.id)), {
    success: (u) => `${u.email} is now ${u.status}.`,
    onDone: () => {
      setPending(null);
      list.reload();
    },
  });

  const sendReset = useApiMutation((u: UserDto) => security.sendResetLink(u.id), {
    success: (r) => `A link to choose a new password was e-mailed to ${r.sent_to}. It works once, until ${formatDateTime(r.expires_at)}.`,
    notifyError: true,
    invalidates: [],
  });

  return (
    <>
      <PageHeader title="Users" description="Every account on the platform. Disabling an account ends its sessions and stops its API tokens on the very next request." />
      <Stack>
        <Group>
          <TextInput placeholder="Search by name or email" leftSection={<IconSearch size={16} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={320} aria-label="Search users" />
          <Select
            placeholder="Any status"
            aria-label="Filter by status"
            data={[
              { value: 'active', label: 'Active' },
              { value: 'invited', label: 'Invited (not yet accepted)' },
              { value: 'disabled', label: 'Disabled' },
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
          empty="No user matches."
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: 'Name',
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
            { key: 'email', title: 'Email', sortValue: (u) => u.email, render: (u) => u.email },
            { key: 'status', title: 'Status', sortValue: (u) => u.status, render: (u) => <StatusBadge status={u.status} /> },
            { key: 'last_login', title: 'Last login', sortValue: (u) => u.last_login_at, render: (u) => (u.last_login_at ? formatDateTime(u.last_login_at) : 'never') },
            { key: 'created', title: 'Created', sortValue: (u) => u.created_at, render: (u) => formatDate(u.created_at) },
            {
              key: 'actions',
              title: '',
              label: 'Actions',
              align: 'right',
              mobile: 'footer',
              render: (u) =>
                u.id === me.user.id ? (
                  <Text size="xs" c="dimmed">
                    you
                  </Text>
                ) : u.status === 'disabled' ? (
                  <Button size="xs" variant="light" color="teal" onClick={() => { act.reset(); setPending({ user: u, verb: 'enable' }); }}>
                    Enable
                  </Button>
                ) : (
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="subtle" onClick={() => void sendReset.run(u)} loading={sendReset.busy} data-action="send-reset">
                      Send reset link
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => { act.reset(); setPending({ user: u, verb: 'disable' }); }}>
                      Disable
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
          title={pending.verb === 'disable' ? `Disable ${pending.user.email}?` : `Enable ${pending.user.email}?`}
          message={
            pending.verb === 'disable'
              ? 'Their sessions end and their API tokens stop working on the next request. Their memberships are kept, so enabling the account restores access.'
              : 'They can log in again with their existing password and memberships.'
          }
          confirmLabel={pending.verb === 'disable' ? 'Disable account' : 'Enable account'}
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
