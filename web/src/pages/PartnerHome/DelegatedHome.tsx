/**
 * A delegated partner's home: the customers connected to its apps (name, app, status, the billing
 * accounts shared, when the access ends, its last use) and their requests over the last 30 days —
 * per day, per customer and per app — from the gateway's access records.
 */
import { Link } from 'react-router';
import { Anchor, Button, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ConnectedCustomer, PartnerHome } from '../../api/partnerHome.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatNumber, timeAgo } from '../../components/format.ts';
import { Figure, HomeSection } from './HomeParts.tsx';

type Delegated = NonNullable<PartnerHome['delegated']>;

const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function DelegatedHome({ d, canManageApps }: { d: Delegated; canManageApps: boolean }) {
  const active = d.customers.filter((c) => c.status === 'active').length;
  const used = d.usage.total > 0;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, xs: 3 }}>
        <Figure label="Connected customers" value={formatNumber(active)} hint="Customers whose access to your apps is active now" testId="figure-connected" />
        <Figure label="Requests, last 30 days" value={formatNumber(d.usage.total)} hint="Requests your apps made for customers" testId="figure-requests" />
        <Figure label="Apps in use" value={formatNumber(d.usage.by_app.length)} hint="Apps that made requests in the last 30 days" testId="figure-apps-used" />
      </SimpleGrid>
      <HomeSection
        title="Customers connected to your apps"
        description="A customer connects one of your apps by approving it on the consent screen, for the billing accounts it chooses. It can withdraw that at any time."
        testId="connected-customers"
        actions={
          canManageApps ? (
            <Button component={Link} to="/partner/apps" variant="light" size="xs">
              Your apps
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
              No customer has connected one of your apps yet. A customer connects an app when one of its administrators signs in from your app and approves it.
            </Text>
          }
          columns={[
            { key: 'customer', title: 'Customer', render: (c) => <Text fw={500}>{c.tenant_name}</Text>, sortValue: (c) => c.tenant_name, mobile: 'title' },
            { key: 'app', title: 'App', render: (c) => c.app_name, sortValue: (c) => c.app_name },
            { key: 'status', title: 'Status', render: (c) => <StatusBadge status={c.status} />, sortValue: (c) => c.status },
            { key: 'accounts', title: 'Billing accounts', render: (c) => (c.billing_accounts === null ? 'All accounts' : c.billing_accounts.length === 0 ? 'None any more' : c.billing_accounts.join(', ')) },
            { key: 'ends', title: 'Access ends', render: (c) => formatDate(c.ends_at), sortValue: (c) => c.ends_at },
            { key: 'used', title: 'Last used', render: (c) => (c.last_used_at ? timeAgo(c.last_used_at) : 'Not used yet'), sortValue: (c) => c.last_used_at ?? '' },
          ]}
        />
      </HomeSection>
      <Chart
        title="Requests per day"
        description="Requests your apps made for customers through the platform over the last 30 days (days in UTC)."
        kind="bar"
        wholeNumbers
        data={used ? d.usage.days.map((x) => ({ day: dayLabel(x.day), requests: x.requests })) : []}
        dataKey="day"
        series={[{ name: 'requests', label: 'Requests', color: 'blue.6' }]}
        valueFormatter={(v) => formatNumber(v)}
        empty="No requests in the last 30 days. When your apps call the platform for a customer, the requests appear here."
      />
      {used && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Chart
            title="Requests by customer"
            description="Last 30 days, the busiest first."
            kind="bar"
            wholeNumbers
            data={d.usage.by_customer.slice(0, 10).map((x) => ({ customer: x.name, requests: x.requests }))}
            dataKey="customer"
            series={[{ name: 'requests', label: 'Requests', color: 'teal.6' }]}
            valueFormatter={(v) => formatNumber(v)}
          />
          <Chart
            title="Requests by app"
            description="Last 30 days, the busiest first."
            kind="bar"
            wholeNumbers
            data={d.usage.by_app.slice(0, 10).map((x) => ({ app: x.name, requests: x.requests }))}
            dataKey="app"
            series={[{ name: 'requests', label: 'Requests', color: 'grape.6' }]}
            valueFormatter={(v) => formatNumber(v)}
          />
        </SimpleGrid>
      )}
      <Text size="xs" c="dimmed">
        Requests are counted from the platform's access records a few seconds after they happen. Your limits and quotas are on the{' '}
        <Anchor component={Link} to="/partner/usage" size="xs" underline="always">
          Usage
        </Anchor>{' '}
        page.
      </Text>
    </Stack>
  );
}
