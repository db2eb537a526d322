/** Operator: every partner, filtered by status and capability; applications under review first in mind. */
import { SearchField } from './SearchField.tsx';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Anchor, Badge, Button, Group, Select, Stack, Text, } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFileImport, IconPlus, } from '@tabler/icons-react';
import { api, CAPABILITIES, PARTNER_STATUSES } from '../../api/index.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { capabilityLabel, formatDate } from '../../components/format.ts';
import { useApiList, useApiQuery } from '../../query/query.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';

const STATUS_LABELS: Record<string, Message> = defineMessages({
  applied: { id: 'operator.partners.status.applied', defaultMessage: 'Under review (applied)' },
  active: { id: 'operator.partners.status.active', defaultMessage: 'Active' },
  suspended: { id: 'operator.partners.status.suspended', defaultMessage: 'Suspended' },
  terminated: { id: 'operator.partners.status.terminated', defaultMessage: 'Terminated' },
  rejected: { id: 'operator.partners.status.rejected', defaultMessage: 'Rejected' },
});

const m = defineMessages({
  title: { id: 'operator.partners.title', defaultMessage: 'Partners' },
  description: {
    id: 'operator.partners.description',
    defaultMessage: 'Organizations that work with your customers. Review applications, grant capabilities, and suspend or terminate partners.',
  },
  toReview: { id: 'operator.partners.to_review', defaultMessage: '{count, plural, one {# application} other {# applications}} to review' },
  import: { id: 'operator.partners.import', defaultMessage: 'Import from a file' },
  add: { id: 'operator.partners.add', defaultMessage: 'Add a partner' },
  searchPlaceholder: { id: 'operator.partners.search.placeholder', defaultMessage: 'Search by name or slug' },
  searchLabel: { id: 'operator.partners.search.label', defaultMessage: 'Search partners' },
  anyStatus: { id: 'operator.partners.filter.any_status', defaultMessage: 'Any status' },
  statusLabel: { id: 'operator.partners.filter.status', defaultMessage: 'Filter by status' },
  anyCapability: { id: 'operator.partners.filter.any_capability', defaultMessage: 'Any capability' },
  capabilityLabel: { id: 'operator.partners.filter.capability', defaultMessage: 'Filter by capability' },
  empty: { id: 'operator.partners.empty', defaultMessage: 'No partner matches.' },
  name: { id: 'operator.partners.column.name', defaultMessage: 'Name' },
  status: { id: 'operator.partners.column.status', defaultMessage: 'Status' },
  capabilities: { id: 'operator.partners.column.capabilities', defaultMessage: 'Capabilities' },
  asksFor: { id: 'operator.partners.asks_for', defaultMessage: 'asks for {capabilities}' },
  contact: { id: 'operator.partners.column.contact', defaultMessage: 'Contact' },
  applied: { id: 'operator.partners.column.applied', defaultMessage: 'Applied' },
});

export function PartnersPage() {
  const intl = useIntl();
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
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
        actions={
          <>
            {pendingCount > 0 && status !== 'applied' && (
              <Button variant="light" color="yellow" onClick={() => setFilter('status', 'applied')}>
                <FormattedMessage {...m.toReview} values={{ count: pendingCount }} />
              </Button>
            )}
            <Button variant="default" component={Link} to="/operator/partners/import" leftSection={<IconFileImport size={16} />}>
              <FormattedMessage {...m.import} />
            </Button>
            <Button component={Link} to="/operator/partners/new" leftSection={<IconPlus size={16} />}>
              <FormattedMessage {...m.add} />
            </Button>
          </>
        }
      />
      <Stack>
        <Group>
          <SearchField placeholder={intl.formatMessage(m.searchPlaceholder)} value={q} onChange={setQ} label={intl.formatMessage(m.searchLabel)} />
          <Select
            placeholder={intl.formatMessage(m.anyStatus)}
            aria-label={intl.formatMessage(m.statusLabel)}
            data={PARTNER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] ? intl.formatMessage(STATUS_LABELS[s]) : s }))}
            value={status}
            onChange={(v) => setFilter('status', v)}
            clearable
            w={220}
          />
          <Select
            placeholder={intl.formatMessage(m.anyCapability)}
            aria-label={intl.formatMessage(m.capabilityLabel)}
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
          empty={intl.formatMessage(m.empty)}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: intl.formatMessage(m.name),
              mobile: 'title',
              sortValue: (p) => p.name,
              render: (p) => (
                <Anchor component={Link} to={`/operator/partners/${p.id}`} onClick={(e) => e.stopPropagation()}>
                  {p.name}
                </Anchor>
              ),
            },
            { key: 'status', title: intl.formatMessage(m.status), sortValue: (p) => p.status, render: (p) => <StatusBadge status={p.status} /> },
            {
              key: 'capabilities',
              title: intl.formatMessage(m.capabilities),
              render: (p) => (
                <Group gap={4}>
                  {p.capabilities.map((c) => (
                    <Badge key={c} variant="light" size="sm">
                      {capabilityLabel(c)}
                    </Badge>
                  ))}
                  {p.status === 'applied' && p.requested_capabilities.length > 0 && (
                    <Text size="xs" c="dimmed">
                      <FormattedMessage {...m.asksFor} values={{ capabilities: p.requested_capabilities.map(capabilityLabel).join(', ') }} />
                    </Text>
                  )}
                </Group>
              ),
            },
            { key: 'contact', title: intl.formatMessage(m.contact), sortValue: (p) => p.contact_email, render: (p) => p.contact_email },
            { key: 'applied', title: intl.formatMessage(m.applied), sortValue: (p) => p.applied_at, render: (p) => formatDate(p.applied_at) },
          ]}
        />
      </Stack>
    </>
  );
}
