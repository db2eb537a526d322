/** Invitations of a tenant or partner that wait for an answer; admins may withdraw them (the link stops working). */
import { DataTable } from './DataTable.tsx';
import { ActionIcon, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { PendingInvitationDto } from '../api/index.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { formatDate, formatDateTime } from './format.ts';
import type { Action, Loaded } from '../query/query.ts';

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
  const rows = invitations.data?.data ?? [];
  if (!invitations.error && rows.length === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={4}>Invitations waiting for an answer</Title>
      <Text size="sm" c="dimmed">
        These people join when they accept their invitation link.
      </Text>
      <ErrorAlert error={invitations.error} />
      <ErrorAlert error={withdraw.error} title="The invitation was not withdrawn" />
      <DataTable
        testId={testId}
        records={rows}
        loading={invitations.loading}
        rowKey={(i) => i.id}
        rowProps={(i) => ({ 'data-email': i.email })}
        empty="No invitations are waiting."
        columns={[
          { key: 'email', title: 'Email', mobile: 'title', sortValue: (i) => i.email, render: (i) => i.email },
          { key: 'role', title: 'Role', sortValue: (i) => roleLabel(i.role), render: (i) => roleLabel(i.role) },
          { key: 'status', title: 'Status', render: () => <StatusBadge status="invited" /> },
          { key: 'invited', title: 'Invited', sortValue: (i) => i.created_at, render: (i) => formatDate(i.created_at) },
          { key: 'expires', title: 'Link expires', sortValue: (i) => i.expires_at, render: (i) => formatDateTime(i.expires_at) },
          ...(canManage
            ? [
                {
                  key: 'actions',
                  title: '',
                  label: 'Actions',
                  align: 'right' as const,
                  mobile: 'footer' as const,
                  render: (i: (typeof rows)[number]) => (
                    <Tooltip label="Withdraw the invitation">
                      <ActionIcon variant="subtle" color="red" aria-label={`Withdraw the invitation of ${i.email}`} loading={withdraw.busy} onClick={() => void withdraw.run(i.id)}>
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
