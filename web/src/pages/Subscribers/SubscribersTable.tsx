/**
 * Subscribers — the provider's end customers under one customer — as a table: by name, with their
 * number, plan, address and status. The MSP reads a customer's through the gateway (its link
 * decides, like every other record); the customer reads its own on its self-service page.
 */
import { useIntl } from 'react-intl';
import { Text } from '@mantine/core';
import { delegationsApi } from '../../api/delegations.ts';
import { mspKeys } from '../../api/keys/msp.ts';
import { selfKeys } from '../../api/keys/selfService.ts';
import { selfRecordsApi, type OwnLists } from '../../api/selfService.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { formatDate } from '../../components/format.ts';
import { defineMessages } from '../../i18n/define.ts';
import { useApiQuery } from '../../query/query.ts';
import { LabelBadge } from '../Msp/shared.tsx';

const m = defineMessages({
  name: { id: 'subscribers.column.name', defaultMessage: 'Subscriber' },
  number: { id: 'subscribers.column.number', defaultMessage: 'Number' },
  plan: { id: 'subscribers.column.plan', defaultMessage: 'Plan' },
  address: { id: 'subscribers.column.address', defaultMessage: 'Service address' },
  since: { id: 'subscribers.column.since', defaultMessage: 'Customer since' },
  status: { id: 'subscribers.column.status', defaultMessage: 'Status' },
  none: { id: 'subscribers.none', defaultMessage: 'No subscribers yet. They appear here once the provider’s systems send them.' },
  active: { id: 'subscribers.status.active', defaultMessage: 'Active' },
  suspended: { id: 'subscribers.status.suspended', defaultMessage: 'Suspended' },
  terminated: { id: 'subscribers.status.terminated', defaultMessage: 'Ended' },
});

const STATUS = {
  active: { label: m.active, color: 'teal' },
  suspended: { label: m.suspended, color: 'orange' },
  terminated: { label: m.terminated, color: 'gray' },
};

type Subscriber = OwnLists['subscribers'][number];

export function SubscribersTable({ records, loading, error, testId }: { records: readonly Subscriber[] | undefined; loading: boolean; error: unknown; testId: string }) {
  const intl = useIntl();
  return (
    <DataTable
      error={error}
      testId={testId}
      records={records ? [...records] : undefined}
      loading={loading}
      rowKey={(s) => s.id}
      pageSize={12}
      empty={intl.formatMessage(m.none)}
      columns={[
        {
          key: 'name',
          title: intl.formatMessage(m.name),
          mobile: 'title',
          sortValue: (s) => s.name,
          render: (s) => (
            <div>
              <Text size="sm">{s.name}</Text>
              {s.email && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {s.email}
                </Text>
              )}
            </div>
          ),
        },
        { key: 'number', title: intl.formatMessage(m.number), sortValue: (s) => s.number, render: (s) => s.number },
        { key: 'plan', title: intl.formatMessage(m.plan), sortValue: (s) => s.plan ?? '', render: (s) => s.plan ?? '—' },
        { key: 'address', title: intl.formatMessage(m.address), render: (s) => s.service_address ?? '—' },
        { key: 'since', title: intl.formatMessage(m.since), sortValue: (s) => s.activated_at ?? '', render: (s) => formatDate(s.activated_at) },
        { key: 'status', title: intl.formatMessage(m.status), render: (s) => <LabelBadge value={s.status} map={STATUS} /> },
      ]}
    />
  );
}

/** An MSP's view of one customer's subscribers, through the gateway as that customer. */
export function CustomerSubscribers({ tenantId }: { tenantId: string }) {
  const r = useApiQuery(mspKeys.resource(tenantId, '/subscribers'), () => delegationsApi.resource<{ data: Subscriber[] }>(tenantId, '/subscribers', { limit: 200, sort: 'name' }));
  return <SubscribersTable testId="customer-subscribers" records={r.data?.data} loading={r.loading} error={r.error} />;
}

/** The customer's own subscribers, on its self-service page. */
export function OwnSubscribers({ tenantId }: { tenantId: string }) {
  const r = useApiQuery(selfKeys.list(tenantId, 'subscribers'), () => selfRecordsApi.list(tenantId, 'subscribers'));
  return <SubscribersTable testId="self-subscribers" records={r.data?.data} loading={r.loading} error={r.error} />;
}
