/**
 * The MSP's dashboard: every managed customer at once — how many, what they owe, what
 * is overdue, open tickets, SLA compliance and alerts — with revenue and receivables by month and
 * SLA compliance per customer, and the customers that need attention first.
 */
import { Anchor, Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { IconAlertTriangle, IconBuildingCommunity, IconCash, IconClockExclamation, IconGauge, IconTicket } from '@tabler/icons-react';
import { mspApi, type Dashboard } from '../../api/msp.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { useApiQuery } from '../../query/query.ts';
import { useAbilities } from '../../session/abilities.ts';
import { figuresOf, formatMoney, formatPct, formatPeriod, StatTile, useManagedCustomers } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';

/** Open and acknowledged alerts: the inbox's counts, or (without the inbox) the SLA and billing alerts counted. */
function useActiveAlertCount(enabled: boolean) {
  return useApiQuery(mspKeys.alertCount, async () => {
    const inbox = await mspApi.inbox({ limit: 1 }).catch(() => null);
    if (inbox?.counts) return inbox.counts.open + inbox.counts.acknowledged;
    const [a, b] = await Promise.all([mspApi.slaAlerts().catch(() => ({ data: [] })), mspApi.billingAlerts().catch(() => ({ data: [] }))]);
    return a.data.length + b.data.length;
  }, { enabled });
}

export function MspDashboardPage() {
  const navigate = useNavigate();
  const customers = useManagedCustomers();
  const dash = useApiQuery(mspKeys.dashboard, () => mspApi.dashboard().catch(() => null as Dashboard | null));
  // a figure the person's role does not include is absent, never shown as $0.00 or 0
  const abilities = useAbilities();
  const money$ = abilities.mayUse('receivables');
  const tickets$ = abilities.mayUse('tickets');
  const sla$ = abilities.mayUse('sla');
  const alerts$ = abilities.mayUse('alerts');
  const alerts = useActiveAlertCount(alerts$);

  const tiles = dash.data?.tiles;
  const waiting = customers.rows.filter((r) => r.delegation.status === 'requested').length;
  const currency = tiles?.receivables[0]?.currency ?? dash.data?.revenue_by_month[0]?.currency ?? 'USD';
  const amount = (xs: { currency: string; amount_cents: number }[] | undefined) =>
    xs && xs.length ? xs.map((x) => formatMoney(x.amount_cents, x.currency)).join(' + ') : formatMoney(0, currency);
  const months = (dash.data?.revenue_by_month ?? [])
    .filter((m) => m.currency === currency)
    .sort((a, b) => a.period.localeCompare(b.period))
    .map((m) => ({ month: formatPeriod(m.period), revenue: m.invoiced_cents / 100, receivables: m.outstanding_cents / 100 }));
  const slaChart = (dash.data?.sla_by_customer ?? []).map((r) => ({ customer: r.tenant_name, compliance: Math.round(r.compliance_pct * 10) / 10 }));
  const money = (v: number) => formatMoney(Math.round(v * 100), currency);
  const loading = dash.loading || (!dash.data && !dash.error);

  // the server picks them (most overdue first, as far as the person's access shows each); the links give each its slug
  const slugs = new Map(customers.rows.map((r) => [r.tenant.id, r.tenant.slug]));
  const attention = (dash.data?.attention ?? []).map((c) => ({ id: c.tenant_id, name: c.tenant_name, slug: slugs.get(c.tenant_id), metrics: figuresOf(c) }));
  type Row = (typeof attention)[number];
  const moreAttention = (dash.data?.attention_total ?? 0) - attention.length;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description="All the customers you manage at a glance: what they owe, their open tickets, how well their service level agreements (SLAs) are met, and what needs your attention."
        actions={
          <Button component={Link} to="/partner/customers" variant="default" leftSection={<IconBuildingCommunity size={16} />}>
            All customers
          </Button>
        }
      />
      <Stack>
        <DataFreshness kind={[...(money$ ? (['invoices'] as const) : []), ...(tickets$ ? (['tickets'] as const) : []), ...(sla$ ? (['sla'] as const) : [])]} />
        <ErrorAlert error={customers.error} />
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} data-testid="msp-tiles">
          <StatTile testId="tile-customers" label="Customers" icon={<IconBuildingCommunity size={20} />} value={loading ? '…' : (tiles?.customers ?? 0)} hint={waiting ? `${waiting} waiting for approval` : 'with active access'} />
          {money$ && <StatTile testId="tile-receivables" label="Receivables" icon={<IconCash size={20} />} color="teal" value={loading ? '…' : amount(tiles?.receivables)} hint="unpaid invoices" />}
          {money$ && <StatTile testId="tile-overdue" label="Overdue" icon={<IconClockExclamation size={20} />} color="red" value={loading ? '…' : amount(tiles?.overdue)} hint="past their due date" />}
          {tickets$ && <StatTile testId="tile-tickets" label="Open tickets" icon={<IconTicket size={20} />} color="indigo" value={loading ? '…' : (tiles?.open_tickets ?? 0)} hint="open, in progress or waiting" />}
          {sla$ && <StatTile testId="tile-sla" label="SLA compliance" icon={<IconGauge size={20} />} color="grape" value={loading ? '…' : formatPct(tiles?.sla_compliance_pct)} hint="service-months on target" />}
          {alerts$ && <StatTile testId="tile-alerts" label="Active alerts" icon={<IconAlertTriangle size={20} />} color="orange" value={alerts.loading ? '…' : (alerts.data ?? 0)} hint={<Anchor component={Link} to="/partner/alerts" size="xs">Open the inbox</Anchor>} />}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {money$ && <Chart
            title="Revenue and receivables by month"
            description={`Invoiced per month and what is still unpaid, in ${currency}, across all customers.`}
            kind="bar"
            loading={loading}
            data={months}
            dataKey="month"
            series={[
              { name: 'revenue', label: 'Invoiced', color: 'blue.6' },
              { name: 'receivables', label: 'Unpaid', color: 'orange.6' },
            ]}
            valueFormatter={money}
            empty="No invoices in the last 12 months."
          />}
          {sla$ && <Chart
            title="SLA compliance by customer"
            description="Share of service-months that met their target: the ten customers lowest first."
            kind="bar"
            loading={loading}
            data={slaChart}
            dataKey="customer"
            series={[{ name: 'compliance', label: 'Compliance %', color: 'grape.6' }]}
            valueFormatter={(v) => `${v} %`}
            empty="No SLA records yet."
          />}
        </SimpleGrid>
        <div>
          <Text fw={600} mb="xs">
            Needs attention
          </Text>
          <DataTable
            testId="msp-attention"
            records={attention}
            loading={loading}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ 'data-tenant': r.slug })}
            onRowClick={(r) => navigate(`/partner/customers/${r.id}`)}
            empty="Nothing needs your attention now."
            columns={[
              { key: 'name', title: 'Customer', mobile: 'title', render: (r) => <Anchor component={Link} to={`/partner/customers/${r.id}`} onClick={(e) => e.stopPropagation()}>{r.name}</Anchor> },
              ...(money$ ? [{ key: 'overdue', title: 'Overdue', align: 'right' as const, render: (r: Row) => formatMoney(r.metrics?.overdue_cents, r.metrics?.currency) }] : []),
              ...(tickets$ ? [{ key: 'tickets', title: 'Open tickets', align: 'right' as const, render: (r: Row) => r.metrics?.open_tickets ?? '—' }] : []),
              ...(sla$ ? [{ key: 'sla', title: 'SLA', align: 'right' as const, render: (r: Row) => formatPct(r.metrics?.sla_compliance_pct) }] : []),
            ]}
          />
          {moreAttention > 0 && (
            <Text size="sm" c="dimmed" mt="xs">
              {moreAttention.toLocaleString()} more {moreAttention === 1 ? 'customer needs' : 'customers need'} attention: <Anchor component={Link} to="/partner/customers">see all customers</Anchor>.
            </Text>
          )}
        </div>
        <Group justify="flex-end">
          {abilities.mayUse('invoices') && (
            <Anchor component={Link} to="/partner/invoices" size="sm">
              All invoices
            </Anchor>
          )}
          {tickets$ && (
            <Anchor component={Link} to="/partner/tickets" size="sm">
              Ticket queue
            </Anchor>
          )}
          {abilities.mayUse('reports') && (
            <Anchor component={Link} to="/partner/reports" size="sm">
              Usage and SLA reports
            </Anchor>
          )}
        </Group>
      </Stack>
    </>
  );
}
