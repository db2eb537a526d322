/** Invitations of a tenant or partner that wait for an answer; admins may withdraw them (the link stops working). */
import { DataTable } from './DataTable.tsx';
import { ActionIcon, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { PendingInvitationDto } from '../api/index.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { formatDate, formatDateTime } from './format.ts';
import type { Action, Loaded } from '../query/query.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  title: { id: 'components.pending_invitations.title', defaultMessage: 'Invitations waiting for an answer' },
  intro: { id: 'components.pending_invitations.intro', defaultMessage: 'These people join when they accept their invitation link.' },
  notWithdrawn: { id: 'components.pending_invitations.not_withdrawn', defaultMessage: 'The invitation was not withdrawn' },
  empty: { id: 'components.pending_invitations.empty', defaultMessage: 'No invitations are waiting.' },
  email: { id: 'components.pending_invitations.email', defaultMessage: 'Email' },
  role: { id: 'components.pending_invitations.role', defaultMessage: 'Role' },
  status: { id: 'components.pending_invitations.status', defaultMessage: 'Status' },
  invited: { id: 'components.pending_invitations.invited', defaultMessage: 'Invited' },
  expires: { id: 'components.pending_invitations.expires', defaultMessage: 'Link expires' },
  actions: { id: 'components.pending_invitations.actions', defaultMessage: 'Actions' },
  withdraw: { id: 'components.pending_invitations.withdraw', defaultMessage: 'Withdraw the invitation' },
  withdrawOf: { id: 'components.pending_invitations.withdraw_of', defaultMessage: 'Withdraw the invitation of {email}' },
});

export function PendingInvitations({
  invitations,
  roleLabel,
  canManage,
  withdraw,
  testId,
}: {
  invitations: Loaded<{ data: PendingInvitationDto[] }>;
  roleLabel: (role: string) => string;
  canManage: boolean;
  withdraw: Action<[string], unknown>;
  testId: string;
}) {
  const intl = useIntl();
  const rows = invitations.data?.data ?? [];
  if (!invitations.error && rows.length === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">{intl.formatMessage(m.title)}</Title>
      <Text size="sm" c="dimmed">
        {intl.formatMessage(m.intro)}
      </Text>
      <ErrorAlert error={invitations.error} />
      <ErrorAlert error={withdraw.error} title={intl.formatMessage(m.notWithdrawn)} />
      <DataTable
        testId={testId}
        records={rows}
        loading={invitations.loading}
        rowKey={(i) => i.id}
        rowProps={(i) => ({ 'data-email': i.email })}
        empty={intl.formatMessage(m.empty)}
        columns={[
          { key: 'email', title: intl.formatMessage(m.email), mobile: 'title', sortValue: (i) => i.email, render: (i) => i.email },
          { key: 'role', title: intl.formatMessage(m.role), sortValue: (i) => roleLabel(i.role), render: (i) => roleLabel(i.role) },
          { key: 'status', title: intl.formatMessage(m.status), render: () => <StatusBadge status="invited" /> },
          { key: 'invited', title: intl.formatMessage(m.invited), sortValue: (i) => i.created_at, render: (i) => formatDate(i.created_at) },
          { key: 'expires', title: intl.formatMessage(m.expires), sortValue: (i) => i.expires_at, render: (i) => formatDateTime(i.expires_at) },
          ...(canManage
            ? [
                {
                  key: 'actions',
                  title: '',
                  label: intl.formatMessage(m.actions),
                  align: 'right' as const,
                  mobile: 'footer' as const,
                  render: (i: (typeof rows)[number]) => (
                    <Tooltip label={intl.formatMessage(m.withdraw)}>
                      <ActionIcon variant="subtle" color="red" aria-label={intl.formatMessage(m.withdrawOf, { email: i.email })} loading={withdraw.busy} onClick={() => void withdraw.run(i.id)}>
                        <IconX size={16} />
                      </ActionIcon>
                    </Tooltip>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Stack>
  );
}
