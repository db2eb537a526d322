/**
 * A delegated partner's home: the customers connected to its apps (name, app, status, the billing
 * accounts shared, when the access ends, its last use) and their requests over the last 30 days —
 * per day, per customer and per app — from the gateway's access records.
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Link } from 'react-router';
import { Anchor, Button, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ConnectedCustomer, PartnerHome } from '../../api/partnerHome.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatNumber, timeAgo } from '../../components/format.ts';
import { Figure, HomeSection } from './HomeParts.tsx';
import { defineMessages } from '../../i18n/define.ts';

type Delegated = NonNullable<PartnerHome['delegated']>;

const m = defineMessages({
  connected: { id: 'partner_home.delegated.figure.connected', defaultMessage: 'Connected customers' },
  connectedHint: { id: 'partner_home.delegated.figure.connected.hint', defaultMessage: 'Customers whose access to your apps is active now' },
  requests: { id: 'partner_home.delegated.figure.requests', defaultMessage: 'Requests, last 30 days' },
  requestsHint: { id: 'partner_home.delegated.figure.requests.hint', defaultMessage: 'Requests your apps made for customers' },
  appsUsed: { id: 'partner_home.delegated.figure.apps_used', defaultMessage: 'Apps in use' },
  appsUsedHint: { id: 'partner_home.delegated.figure.apps_used.hint', defaultMessage: 'Apps that made requests in the last 30 days' },
  customersTitle: { id: 'partner_home.delegated.customers.title', defaultMessage: 'Customers connected to your apps' },
  customersDescription: {
    id: 'partner_home.delegated.customers.description',
    defaultMessage: 'A customer connects one of your apps by approving it on the consent screen, for the billing accounts it chooses. It can withdraw that at any time.',
  },
  yourApps: { id: 'partner_home.delegated.customers.your_apps', defaultMessage: 'Your apps' },
  customersEmpty: {
    id: 'partner_home.delegated.customers.empty',
    defaultMessage: 'No customer has connected one of your apps yet. A customer connects an app when one of its administrators signs in from your app and approves it.',
  },
  colCustomer: { id: 'partner_home.delegated.customers.column.customer', defaultMessage: 'Customer' },
  colApp: { id: 'partner_home.delegated.customers.column.app', defaultMessage: 'App' },
  colStatus: { id: 'partner_home.delegated.customers.column.status', defaultMessage: 'Status' },
  colAccounts: { id: 'partner_home.delegated.customers.column.billing_accounts', defaultMessage: 'Billing accounts' },
  allAccounts: { id: 'partner_home.delegated.customers.all_accounts', defaultMessage: 'All accounts' },
  noneAnyMore: { id: 'partner_home.delegated.customers.no_accounts', defaultMessage: 'None any more' },
  colEnds: { id: 'partner_home.delegated.customers.column.ends', defaultMessage: 'Access ends' },
  colUsed: { id: 'partner_home.delegated.customers.column.last_used', defaultMessage: 'Last used' },
  notUsed: { id: 'partner_home.delegated.customers.not_used', defaultMessage: 'Not used yet' },
  perDay: { id: 'partner_home.delegated.chart.per_day', defaultMessage: 'Requests per day' },
  perDayDescription: {
    id: 'partner_home.delegated.chart.per_day.description',
    defaultMessage: 'Requests your apps made for customers through the platform over the last 30 days (days in UTC).',
  },
  perDayEmpty: {
    id: 'partner_home.delegated.chart.per_day.empty',
    defaultMessage: 'No requests in the last 30 days. When your apps call the platform for a customer, the requests appear here.',
  },
  series: { id: 'partner_home.delegated.chart.series.requests', defaultMessage: 'Requests' },
  byCustomer: { id: 'partner_home.delegated.chart.by_customer', defaultMessage: 'Requests by customer' },
  byApp: { id: 'partner_home.delegated.chart.by_app', defaultMessage: 'Requests by app' },
  busiestFirst: { id: 'partner_home.delegated.chart.busiest_first', defaultMessage: 'Last 30 days, the busiest first.' },
  footnote: {
    id: 'partner_home.delegated.footnote',
    defaultMessage: "Requests are counted from the platform's access records a few seconds after they happen. Your limits and quotas are on the <link>Usage</link> page.",
  },
});

export function DelegatedHome({ d, canManageApps }: { d: Delegated; canManageApps: boolean }) {
  const intl = useIntl();
  const dayLabel = (day: string) => intl.formatDate(new Date(`${day}T00:00:00Z`), { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const active = d.customers.filter((c) => c.status === 'active').length;
  const used = d.usage.total > 0;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, xs: 3 }}>
        <Figure label={intl.formatMessage(m.connected)} value={formatNumber(active)} hint={intl.formatMessage(m.connectedHint)} testId="figure-connected" />
        <Figure label={intl.formatMessage(m.requests)} value={formatNumber(d.usage.total)} hint={intl.formatMessage(m.requestsHint)} testId="figure-requests" />
        <Figure label={intl.formatMessage(m.appsUsed)} value={formatNumber(d.usage.by_app.length)} hint={intl.formatMessage(m.appsUsedHint)} testId="figure-apps-used" />
      </SimpleGrid>
      <HomeSection
        title={intl.formatMessage(m.customersTitle)}
        description={intl.formatMessage(m.customersDescription)}
        testId="connected-customers"
        actions={
          canManageApps ? (
            <Button component={Link} to="/partner/apps" variant="light" size="xs">
              <FormattedMessage {...m.yourApps} />
            </Button>
          ) : undefined
        }
      >
        <DataTable<ConnectedCustomer>
          testId="connected-customers-table"
          records={d.customers}
          rowKey={(c) => `${c.tenant_name}|${c.app_name}|${c.ends_at}`}
          rowProps={(c) => ({ 'data-row': '', 'data-status': c.status })}
          empty={
            <Text size="sm" c="dimmed" data-testid="connected-empty">
              <FormattedMessage {...m.customersEmpty} />
            </Text>
          }
          columns={[
            { key: 'customer', title: intl.formatMessage(m.colCustomer), render: (c) => <Text fw={500}>{c.tenant_name}</Text>, sortValue: (c) => c.tenant_name, mobile: 'title' },
            { key: 'app', title: intl.formatMessage(m.colApp), render: (c) => c.app_name, sortValue: (c) => c.app_name },
            { key: 'status', title: intl.formatMessage(m.colStatus), render: (c) => <StatusBadge status={c.status} />, sortValue: (c) => c.status },
            {
              key: 'accounts',
              title: intl.formatMessage(m.colAccounts),
              render: (c) => (c.billing_accounts === null ? intl.formatMessage(m.allAccounts) : c.billing_accounts.length === 0 ? intl.formatMessage(m.noneAnyMore) : c.billing_accounts.join(', ')),
            },
            { key: 'ends', title: intl.formatMessage(m.colEnds), render: (c) => formatDate(c.ends_at), sortValue: (c) => c.ends_at },
            { key: 'used', title: intl.formatMessage(m.colUsed), render: (c) => (c.last_used_at ? timeAgo(c.last_used_at) : intl.formatMessage(m.notUsed)), sortValue: (c) => c.last_used_at ?? '' },
          ]}
        />
      </HomeSection>
      <Chart
        title={intl.formatMessage(m.perDay)}
        description={intl.formatMessage(m.perDayDescription)}
        kind="bar"
        wholeNumbers
        data={used ? d.usage.days.map((x) => ({ day: dayLabel(x.day), requests: x.requests })) : []}
        dataKey="day"
        series={[{ name: 'requests', label: intl.formatMessage(m.series), color: 'blue.6' }]}
        valueFormatter={(v) => formatNumber(v)}
        empty={intl.formatMessage(m.perDayEmpty)}
      />
      {used && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Chart
            title={intl.formatMessage(m.byCustomer)}
            description={intl.formatMessage(m.busiestFirst)}
            kind="bar"
            wholeNumbers
            data={d.usage.by_customer.slice(0, 10).map((x) => ({ customer: x.name, requests: x.requests }))}
            dataKey="customer"
            series={[{ name: 'requests', label: intl.formatMessage(m.series), color: 'teal.6' }]}
            valueFormatter={(v) => formatNumber(v)}
          />
          <Chart
            title={intl.formatMessage(m.byApp)}
            description={intl.formatMessage(m.busiestFirst)}
            kind="bar"
            wholeNumbers
            data={d.usage.by_app.slice(0, 10).map((x) => ({ app: x.name, requests: x.requests }))}
            dataKey="app"
            series={[{ name: 'requests', label: intl.formatMessage(m.series), color: 'grape.6' }]}
            valueFormatter={(v) => formatNumber(v)}
          />
        </SimpleGrid>
      )}
      <Text size="xs" c="dimmed">
        <FormattedMessage
          {...m.footnote}
          values={{
            link: (chunks) => (
              <Anchor component={Link} to="/partner/usage" size="xs" underline="always">
                {chunks}
              </Anchor>
            ),
          }}
        />
      </Text>
    </Stack>
  );
}
