/** Invitations of a tenant or partner that wait for an answer; admins may withdraw them (the link stops working). */
import { ActionIcon, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { PendingInvitationDto } from '../api/index.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { TableCard } from './TableCard.tsx';
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
      <TableCard>
        <Table verticalSpacing="sm" data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Invited</Table.Th>
              <Table.Th>Link expires</Table.Th>
              {canManage && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((i) => (
              <Table.Tr key={i.id} data-email={i.email}>
                <Table.Td>{i.email}</Table.Td>
                <Table.Td>{roleLabel(i.role)}</Table.Td>
                <Table.Td>
                  <StatusBadge status="invited" />
                </Table.Td>
                <Table.Td>{formatDate(i.created_at)}</Table.Td>
                <Table.Td>{formatDateTime(i.expires_at)}</Table.Td>
                {canManage && (
                  <Table.Td ta="right">
                    <Tooltip label="Withdraw the invitation">
                      <ActionIcon variant="subtle" color="red" aria-label={`Withdraw the invitation of ${i.email}`} loading={withdraw.busy} onClick={() => void withdraw.run(i.id)}>
                        <IconX size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableCard>
    </Stack>
  );
}
