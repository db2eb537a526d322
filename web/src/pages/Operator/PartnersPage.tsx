/** Operator: every partner, filtered by status and capability; applications under review first in mind. */
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { api, CAPABILITIES, PARTNER_STATUSES } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { TableCard } from '../../components/TableCard.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { capabilityLabel, formatDate } from '../../components/format.ts';
import { useApiList, useApiQuery } from '../../query/query.ts';

const STATUS_LABELS: Record<string, string> = { applied: 'Under review (applied)', active: 'Active', suspended: 'Suspended', terminated: 'Terminated', rejected: 'Rejected' };

export function PartnersPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  const capability = params.get('capability');
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const list = useApiList(
    ['partners', 'list', debouncedQ, status, capability],
    (cursor) => api.partners.list({ q: debouncedQ || undefined, status: status ?? undefined, capability: capability ?? undefined, cursor, limit: 50 }),
  );
  const pending = useApiQuery(['partners', 'list', 'applied'], () => api.partners.list({ status: 'applied', limit: 200 }));
  const navigate = useNavigate();
  const setFilter = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const pendingCount = pending.data?.data.length ?? 0;

  return (
    <>
      <PageHeader
        title="Partners"
        description="Organizations that work with your customers. Review applications, grant capabilities, and suspend or terminate partners."
        actions={
          pendingCount > 0 && status !== 'applied' ? (
            <Button variant="light" color="yellow" onClick={() => setFilter('status', 'applied')}>
              {pendingCount} application{pendingCount === 1 ? '' : 's'} to review
            </Button>
          ) : undefined
        }
      />
      <Stack>
        <Group>
          <TextInput placeholder="Search by name or slug" leftSection={<IconSearch size={16} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={320} aria-label="Search partners" />
          <Select
            placeholder="Any status"
            aria-label="Filter by status"
            data={PARTNER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] ?? s }))}
            value={status}
            onChange={(v) => setFilter('status', v)}
            clearable
            w={220}
          />
          <Select
            placeholder="Any capability"
            aria-label="Filter by capability"
            data={CAPABILITIES.map((c) => ({ value: c, label: capabilityLabel(c) }))}
            value={capability}
            onChange={(v) => setFilter('capability', v)}
            clearable
            w={200}
          />
        </Group>
        <ErrorAlert error={list.error} />
        <TableCard>
          <Table highlightOnHover verticalSpacing="sm" data-testid="partners-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Capabilities</Table.Th>
                <Table.Th>Contact</Table.Th>
                <Table.Th>Applied</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((p) => (
                <Table.Tr key={p.id} onClick={() => navigate(`/operator/partners/${p.id}`)} style={{ cursor: 'pointer' }} data-partner={p.slug}>
                  <Table.Td>
                    <Anchor component={Link} to={`/operator/partners/${p.id}`} onClick={(e) => e.stopPropagation()}>
                      {p.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={p.status} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {p.capabilities.map((c) => (
                        <Badge key={c} variant="light" size="sm">
                          {capabilityLabel(c)}
                        </Badge>
                      ))}
                      {p.status === 'applied' && p.requested_capabilities.length > 0 && (
                        <Text size="xs" c="dimmed">
                          asks for {p.requested_capabilities.map(capabilityLabel).join(', ')}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{p.contact_email}</Table.Td>
                  <Table.Td>{formatDate(p.applied_at)}</Table.Td>
                </Table.Tr>
              ))}
              {!list.loading && list.items.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed" ta="center" size="sm" py="sm">
                      No partner matches.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </TableCard>
        {list.hasMore && (
          <Group justify="center">
            <Button variant="default" onClick={list.loadMore} loading={list.loadingMore}>
              Load more
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}
