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
import { figuresOf, formatMoney, formatPct, formatPercent, formatPeriod, StatTile, useManagedCustomers } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'msp.dashboard.title', defaultMessage: 'Dashboard' },
  description: {
    id: 'msp.dashboard.description',
    defaultMessage: 'All the customers you manage at a glance: what they owe, their open tickets, how well their service level agreements (SLAs) are met, and what needs your attention.',
  },
  allCustomers: { id: 'msp.dashboard.all_customers', defaultMessage: 'All customers' },
  customers: { id: 'msp.dashboard.tile.customers', defaultMessage: 'Customers' },
  waiting: { id: 'msp.dashboard.tile.customers.waiting', defaultMessage: '{count} waiting for approval' },
  withActive: { id: 'msp.dashboard.tile.customers.active', defaultMessage: 'with active access' },
  receivables: { id: 'msp.dashboard.tile.receivables', defaultMessage: 'Receivables' },
  receivablesHint: { id: 'msp.dashboard.tile.receivables.hint', defaultMessage: 'unpaid invoices' },
  overdue: { id: 'msp.dashboard.tile.overdue', defaultMessage: 'Overdue' },
  overdueHint: { id: 'msp.dashboard.tile.overdue.hint', defaultMessage: 'past their due date' },
  openTickets: { id: 'msp.dashboard.tile.open_tickets', defaultMessage: 'Open tickets' },
  openTicketsHint: { id: 'msp.dashboard.tile.open_tickets.hint', defaultMessage: 'open, in progress or waiting' },
  sla: { id: 'msp.dashboard.tile.sla', defaultMessage: 'SLA compliance' },
  slaHint: { id: 'msp.dashboard.tile.sla.hint', defaultMessage: 'service-months on target' },
  alerts: { id: 'msp.dashboard.tile.alerts', defaultMessage: 'Active alerts' },
  openInbox: { id: 'msp.dashboard.tile.alerts.open_inbox', defaultMessage: 'Open the inbox' },
  revenueTitle: { id: 'msp.dashboard.revenue.title', defaultMessage: 'Revenue and receivables by month' },
  revenueDescription: { id: 'msp.dashboard.revenue.description', defaultMessage: 'Invoiced per month and what is still unpaid, in {currency}, across all customers.' },
  invoiced: { id: 'msp.dashboard.revenue.invoiced', defaultMessage: 'Invoiced' },
  unpaid: { id: 'msp.dashboard.revenue.unpaid', defaultMessage: 'Unpaid' },
  revenueEmpty: { id: 'msp.dashboard.revenue.empty', defaultMessage: 'No invoices in the last 12 months.' },
  slaTitle: { id: 'msp.dashboard.sla.title', defaultMessage: 'SLA compliance by customer' },
  slaDescription: { id: 'msp.dashboard.sla.description', defaultMessage: 'Share of service-months that met their target: the ten customers lowest first.' },
  compliancePct: { id: 'msp.dashboard.sla.compliance_pct', defaultMessage: 'Compliance %' },
  slaEmpty: { id: 'msp.dashboard.sla.empty', defaultMessage: 'No SLA records yet.' },
  attention: { id: 'msp.dashboard.attention.title', defaultMessage: 'Needs attention' },
  attentionEmpty: { id: 'msp.dashboard.attention.empty', defaultMessage: 'Nothing needs your attention now.' },
  customer: { id: 'msp.dashboard.attention.customer', defaultMessage: 'Customer' },
  sla_short: { id: 'msp.dashboard.attention.sla', defaultMessage: 'SLA' },
  more: {
    id: 'msp.dashboard.attention.more',
    defaultMessage: '{count, plural, one {# more customer needs} other {# more customers need}} attention: <link>see all customers</link>.',
  },
  allInvoices: { id: 'msp.dashboard.link.invoices', defaultMessage: 'All invoices' },
  ticketQueue: { id: 'msp.dashboard.link.tickets', defaultMessage: 'Ticket queue' },
  reports: { id: 'msp.dashboard.link.reports', defaultMessage: 'Usage and SLA reports' },
});

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
  const intl = useIntl();
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
    .filter((x) => x.currency === currency)
    .sort((a, b) => a.period.localeCompare(b.period))
    .map((x) => ({ month: formatPeriod(x.period), revenue: x.invoiced_cents / 100, receivables: x.outstanding_cents / 100 }));
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
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
        actions={
          <Button component={Link} to="/partner/customers" variant="default" leftSection={<IconBuildingCommunity size={16} />}>
            <FormattedMessage {...m.allCustomers} />
          </Button>
        }
      />
      <Stack>
        <DataFreshness kind={[...(money$ ? (['invoices'] as const) : []), ...(tickets$ ? (['tickets'] as const) : []), ...(sla$ ? (['sla'] as const) : [])]} />
        <ErrorAlert error={customers.error} />
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} data-testid="msp-tiles">
          <StatTile testId="tile-customers" label={intl.formatMessage(m.customers)} icon={<IconBuildingCommunity size={20} />} value={loading ? '…' : (tiles?.customers ?? 0)} hint={waiting ? intl.formatMessage(m.waiting, { count: waiting }) : intl.formatMessage(m.withActive)} />
          {money$ && <StatTile testId="tile-receivables" label={intl.formatMessage(m.receivables)} icon={<IconCash size={20} />} color="teal" value={loading ? '…' : amount(tiles?.receivables)} hint={intl.formatMessage(m.receivablesHint)} />}
          {money$ && <StatTile testId="tile-overdue" label={intl.formatMessage(m.overdue)} icon={<IconClockExclamation size={20} />} color="red" value={loading ? '…' : amount(tiles?.overdue)} hint={intl.formatMessage(m.overdueHint)} />}
          {tickets$ && <StatTile testId="tile-tickets" label={intl.formatMessage(m.openTickets)} icon={<IconTicket size={20} />} color="indigo" value={loading ? '…' : (tiles?.open_tickets ?? 0)} hint={intl.formatMessage(m.openTicketsHint)} />}
          {sla$ && <StatTile testId="tile-sla" label={intl.formatMessage(m.sla)} icon={<IconGauge size={20} />} color="grape" value={loading ? '…' : formatPct(tiles?.sla_compliance_pct)} hint={intl.formatMessage(m.slaHint)} />}
          {alerts$ && <StatTile testId="tile-alerts" label={intl.formatMessage(m.alerts)} icon={<IconAlertTriangle size={20} />} color="orange" value={alerts.loading ? '…' : (alerts.data ?? 0)} hint={<Anchor component={Link} to="/partner/alerts" size="xs">{intl.formatMessage(m.openInbox)}</Anchor>} />}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {money$ && <Chart
            title={intl.formatMessage(m.revenueTitle)}
            description={intl.formatMessage(m.revenueDescription, { currency })}
            kind="bar"
            loading={loading}
            data={months}
            dataKey="month"
            series={[
              { name: 'revenue', label: intl.formatMessage(m.invoiced), color: 'blue.6' },
              { name: 'receivables', label: intl.formatMessage(m.unpaid), color: 'orange.6' },
            ]}
            valueFormatter={money}
            empty={intl.formatMessage(m.revenueEmpty)}
          />}
          {sla$ && <Chart
            title={intl.formatMessage(m.slaTitle)}
            description={intl.formatMessage(m.slaDescription)}
            kind="bar"
            loading={loading}
            data={slaChart}
            dataKey="customer"
            series={[{ name: 'compliance', label: intl.formatMessage(m.compliancePct), color: 'grape.6' }]}
            valueFormatter={(v) => formatPercent(v)}
            empty={intl.formatMessage(m.slaEmpty)}
          />}
        </SimpleGrid>
        <div>
          <Text fw={600} mb="xs">
            <FormattedMessage {...m.attention} />
          </Text>
          <DataTable
            testId="msp-attention"
            records={attention}
            loading={loading}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ 'data-tenant': r.slug })}
            onRowClick={(r) => navigate(`/partner/customers/${r.id}`)}
            empty={intl.formatMessage(m.attentionEmpty)}
            columns={[
              { key: 'name', title: intl.formatMessage(m.customer), mobile: 'title', render: (r) => <Anchor component={Link} to={`/partner/customers/${r.id}`} onClick={(e) => e.stopPropagation()}>{r.name}</Anchor> },
              ...(money$ ? [{ key: 'overdue', title: intl.formatMessage(m.overdue), align: 'right' as const, render: (r: Row) => formatMoney(r.metrics?.overdue_cents, r.metrics?.currency) }] : []),
              ...(tickets$ ? [{ key: 'tickets', title: intl.formatMessage(m.openTickets), align: 'right' as const, render: (r: Row) => r.metrics?.open_tickets ?? '—' }] : []),
              ...(sla$ ? [{ key: 'sla', title: intl.formatMessage(m.sla_short), align: 'right' as const, render: (r: Row) => formatPct(r.metrics?.sla_compliance_pct) }] : []),
            ]}
          />
          {moreAttention > 0 && <MoreAttention count={moreAttention} />}
        </div>
        <Group justify="flex-end">
          {abilities.mayUse('invoices') && (
            <Anchor component={Link} to="/partner/invoices" size="sm">
              <FormattedMessage {...m.allInvoices} />
            </Anchor>
          )}
          {tickets$ && (
            <Anchor component={Link} to="/partner/tickets" size="sm">
              <FormattedMessage {...m.ticketQueue} />
            </Anchor>
          )}
          {abilities.mayUse('reports') && (
            <Anchor component={Link} to="/partner/reports" size="sm">
              <FormattedMessage {...m.reports} />
            </Anchor>
          )}
        </Group>
      </Stack>
    </>
  );
}

/** "3 more customers need attention: see all customers." */
function MoreAttention({ count }: { count: number }) {
  return (
    <Text size="sm" c="dimmed" mt="xs">
      <FormattedMessage
        {...m.more}
        values={{
          count,
          link: (chunks) => (
            <Anchor component={Link} to="/partner/customers" underline="always">
              {chunks}
            </Anchor>
          ),
        }}
      />
    </Text>
  );
}
