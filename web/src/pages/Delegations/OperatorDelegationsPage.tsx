/** Operator console: every delegation on the platform, filterable by partner, tenant, status and origin; revoke any, break glass on a partner. */
import { useState } from 'react';
import { Box, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiList } from '../../query/query.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';

const STATUSES = ['requested', 'active', 'expired', 'revoked', 'rejected'];
const ORIGINS = ['link', 'consent', 'wholesale'];

type Revoking = { kind: 'one'; d: DelegationDto } | { kind: 'partner'; partnerId: string; name: string };

export function OperatorDelegationsPage() {
  const [status, setStatus] = useState<string | null>(null);
  const [origin, setOrigin] = useState<string | null>(null);
  const [partnerId, setPartnerId] = useState('');
  const [tenantId, setTenantId] = useState('');
  const filter = { status: status ?? undefined, origin: origin ?? undefined, partner_id: partnerId.trim() || undefined, tenant_id: tenantId.trim() || undefined };
  const list = useApiList(['delegations', 'all', status, origin, partnerId, tenantId], (cursor) => delegationsApi.all({ ...filter, cursor }));
  const [revoking, setRevoking] = useState<Revoking | null>(null);
  const roles = useDelegationRoles();
  const revoke = useApiMutation(
    async (r: Revoking, reason: string) => (r.kind === 'one' ? (await delegationsApi.operatorRevoke(r.d.id, reason), 1) : (await delegationsApi.operatorBreakGlass(r.partnerId, reason)).revoked.length),
    {
      success: (n) => `${n} delegation${n === 1 ? '' : 's'} revoked.`,
      onDone: () => {
        setRevoking(null);
        list.reload();
      },
    },
  );

  return (
    <>
      <PageHeader title="Delegations" description="Every partner access to tenant data on the platform — links, consents and wholesale — with its status and end date." />
      <Stack>
        <Group align="flex-end">
          <Select label="Status" placeholder="Any" data={STATUSES} value={status} onChange={setStatus} clearable w={160} />
          <Select label="Origin" placeholder="Any" data={ORIGINS} value={origin} onChange={setOrigin} clearable w={160} />
          <TextInput label="Partner id" placeholder="ptr_…" value={partnerId} onChange={(e) => setPartnerId(e.currentTarget.value)} w={300} />
          <TextInput label="Tenant id" placeholder="tnt_…" value={tenantId} onChange={(e) => setTenantId(e.currentTarget.value)} w={300} />
        </Group>
        <ErrorAlert error={list.error} />
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={1000}>
            <Table verticalSpacing="sm" data-testid="all-delegations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Tenant</Table.Th>
                  <Table.Th>Origin</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Ends</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.items.length === 0 && !list.loading && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Text size="sm" c="dimmed">
                        No delegation matches.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {list.items.map((d) => (
                  <Table.Tr key={d.id} data-delegation={d.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {d.partner.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {d.partner.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{d.tenant.name}</Text>
                      <Text size="xs" c="dimmed">
                        {d.tenant.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>{d.origin}</Table.Td>
                    <Table.Td>{roles.name(d.role)}</Table.Td>
                    <Table.Td>
                      <Box miw={104}>
                        <StatusBadge status={d.status} />
                      </Box>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(d.ends_at)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} justify="flex-end">
                        {(d.status === 'active' || d.status === 'requested') && (
                          <Button size="xs" variant="light" color="red" onClick={() => setRevoking({ kind: 'one', d })}>
                            Revoke
                          </Button>
                        )}
                        <Button size="xs" variant="subtle" color="red" leftSection={<IconAlertTriangle size={14} />} onClick={() => setRevoking({ kind: 'partner', partnerId: d.partner.id, name: d.partner.name ?? d.partner.id })}>
                          Break glass
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
        {list.hasMore && (
          <Group justify="center">
            <Button variant="default" loading={list.loadingMore} onClick={list.loadMore}>
              Load more
            </Button>
          </Group>
        )}
      </Stack>
      <ReasonModal
        opened={!!revoking}
        title={revoking?.kind === 'partner' ? `Break glass on ${revoking.name}` : 'Revoke the delegation'}
        message={
          revoking?.kind === 'partner'
            ? `Every open delegation of ${revoking.name}, on every tenant, ends now in one step.`
            : `${revoking?.kind === 'one' ? revoking.d.partner.name : ''} loses access to ${revoking?.kind === 'one' ? revoking.d.tenant.name : ''} now.`
        }
        confirmLabel={revoking?.kind === 'partner' ? 'Revoke everything' : 'Revoke'}
        color="red"
        reason="required"
        busy={revoke.busy}
        error={revoke.error}
        onClose={() => setRevoking(null)}
        onConfirm={(reason) => revoking && void revoke.run(revoking, reason ?? '')}
      />
    </>
  );
}
