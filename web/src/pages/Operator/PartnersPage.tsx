/** Operator: every partner, filtered by status and capability; applications under review first in mind. */
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Anchor, Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFileImport, IconPlus, IconSearch } from '@tabler/icons-react';
import { api, CAPABILITIES, PARTNER_STATUSES } from '../../api/index.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { capabilityLabel, formatDate } from '../../components/format.ts';
import { useApiList, useApiQuery } from '../../query/query.ts';
import { partnerKeys } from '../../api/keys/partners.ts';

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
  const pending = useApiQuery(partnerKeys.list({ status: 'applied', limit: 200 }), () => api.partners.list({ status: 'applied', limit: 200 }));
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
          <>
            {pendingCount > 0 && status !== 'applied' && (
              <Button variant="light" color="yellow" onClick={() => setFilter('status', 'applied')}>
                {pendingCount} application{pendingCount === 1 ? '' : 's'} to review
              </Button>
            )}
            <Button variant="default" component={Link} to="/operator/partners/import" leftSection={<IconFileImport size={16} />}>
              Import from a file
            </Button>
            <Button component={Link} to="/operator/partners/new" leftSection={<IconPlus size={16} />}>
              Add a partner
            </Button>
          </>
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
        <DataTable
          testId="partners-table"
          records={list.items}
          loading={list.loading}
          rowKey={(p) => p.id}
          rowProps={(p) => ({ 'data-partner': p.slug })}
          onRowClick={(p) => navigate(`/operator/partners/${p.id}`)}
          empty="No partner matches."
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: 'Name',
              mobile: 'title',
              sortValue: (p) => p.name,
              render: (p) => (
                <Anchor component={Link} to={`/operator/partners/${p.id}`} onClick={(e) => e.stopPropagation()}>
                  {p.name}
                </Anchor>
              ),
            },
            { key: 'status', title: 'Status', sortValue: (p) => p.status, render: (p) => <StatusBadge status={p.status} /> },
            {
              key: 'capabilities',
              title: 'Capabilities',
              render: (p) => (
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
              ),
            },
            { key: 'contact', title: 'Contact', sortValue: (p) => p.contact_email, render: (p) => p.contact_email },
            { key: 'applied', title: 'Applied', sortValue: (p) => p.applied_at, render: (p) => formatDate(p.applied_at) },
          ]}
        />
      </Stack>
    </>
  );
}
