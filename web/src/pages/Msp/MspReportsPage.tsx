/**
 * Usage and SLA reports across managed customers: usage per month (by metric) and its revenue, SLA
 * compliance per customer, each with a chart, a table and a CSV download of the same numbers.
 * `?customer=tnt_…&tab=sla` opens one customer's SLA (the Enterprise HQ drill-down).
 */
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Group, SegmentedControl, Select, SimpleGrid, Stack, Tabs } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { mspApi, saveFile, toCsvFile, type UsageRow } from '../../api/msp.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { useApiQuery } from '../../query/query.ts';
import { useAbilities } from '../../session/abilities.ts';
import { METRIC_WORDS, formatMoney, formatPct, formatPercent, formatPeriod, PCT2, monthsAgo, useManagedCustomers } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { slaCsv, usageCsv } from './reportCsv.ts';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  lastMonths: { id: 'msp.reports.range.last_months', defaultMessage: 'Last {count, plural, one {# month} other {# months}}' },
  usedPerMonth: { id: 'msp.reports.usage.chart.title', defaultMessage: '{metric} used per month' },
  whoInUnit: { id: 'msp.reports.usage.chart.description', defaultMessage: '{who}, in {unit}.' },
  noUsage: { id: 'msp.reports.usage.empty', defaultMessage: 'No usage recorded in this period.' },
  revenueTitle: { id: 'msp.reports.usage.revenue.title', defaultMessage: 'Usage revenue per month' },
  revenueDescription: { id: 'msp.reports.usage.revenue.description', defaultMessage: 'What the usage was billed, in {currency}.' },
  billed: { id: 'msp.reports.usage.revenue.billed', defaultMessage: 'Billed' },
  title: { id: 'msp.reports.title', defaultMessage: 'Usage and SLA reports' },
  description: {
    id: 'msp.reports.description',
    defaultMessage: 'How much your customers use and how well their service level agreements (SLAs) are met, over the months you choose. Download any report as CSV.',
  },
  customer: { id: 'msp.reports.customer', defaultMessage: 'Customer' },
  allCustomers: { id: 'msp.reports.customer.all', defaultMessage: 'All customers' },
  period: { id: 'msp.reports.period', defaultMessage: 'Period' },
  usage: { id: 'msp.reports.tab.usage', defaultMessage: 'Usage' },
  slaCompliance: { id: 'msp.reports.tab.sla', defaultMessage: 'SLA compliance' },
  downloadCsv: { id: 'msp.reports.download_csv', defaultMessage: 'Download CSV' },
  slaTitle: { id: 'msp.reports.sla.chart.title', defaultMessage: 'SLA compliance by customer' },
  slaDescription: { id: 'msp.reports.sla.chart.description', defaultMessage: 'Share of service-months that met their availability target.' },
  compliancePct: { id: 'msp.reports.sla.chart.compliance_pct', defaultMessage: 'Compliance %' },
  noSla: { id: 'msp.reports.sla.empty', defaultMessage: 'No SLA records in this period.' },
  compliance: { id: 'msp.reports.sla.compliance', defaultMessage: 'Compliance' },
  monthsMissed: { id: 'msp.reports.sla.months_missed', defaultMessage: 'Months missed' },
  missedOf: { id: 'msp.reports.sla.missed_of', defaultMessage: '{missed} of {records}' },
  average: { id: 'msp.reports.sla.average', defaultMessage: 'Average availability' },
  lowest: { id: 'msp.reports.sla.lowest', defaultMessage: 'Lowest month' },
  downtime: { id: 'msp.reports.sla.downtime', defaultMessage: 'Downtime' },
  minutes: { id: 'msp.reports.sla.minutes', defaultMessage: '{minutes} min' },
});

/** The periods offered: months back from this one (the label counts this month too). */
const RANGES = ['2', '5', '11', '23'];

function downloadUsage(intl: IntlShape, rows: UsageRow[]) {
  const t = usageCsv(intl, rows, (metric) => {
    const w = METRIC_WORDS[metric];
    return w ? { label: intl.formatMessage(w.label), unit: intl.formatMessage(w.unit) } : null;
  });
  saveFile(toCsvFile(t.header, t.rows), `usage-${monthsAgo(0)}.csv`);
}

/** One metric's quantity and its billed amount, month by month. */
function UsageCharts({ byMonth, metric, who, currency, loading }: { byMonth: { period: string; quantity: number; amount: number }[]; metric: string; who: string; currency: string; loading: boolean }) {
  const intl = useIntl();
  const w = METRIC_WORDS[metric];
  const unit = w ? intl.formatMessage(w.unit) : '';
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Chart
        title={intl.formatMessage(m.usedPerMonth, { metric: w ? intl.formatMessage(w.label) : metric })}
        description={intl.formatMessage(m.whoInUnit, { who, unit })}
        kind="area"
        loading={loading}
        data={byMonth.map((x) => ({ month: formatPeriod(x.period), quantity: Math.round(x.quantity) }))}
        dataKey="month"
        series={[{ name: 'quantity', label: unit, color: 'blue.6' }]}
        empty={intl.formatMessage(m.noUsage)}
      />
      <Chart
        title={intl.formatMessage(m.revenueTitle)}
        description={intl.formatMessage(m.revenueDescription, { currency })}
        kind="bar"
        loading={loading}
        data={byMonth.map((x) => ({ month: formatPeriod(x.period), amount: x.amount / 100 }))}
        dataKey="month"
        series={[{ name: 'amount', label: intl.formatMessage(m.billed), color: 'teal.6' }]}
        valueFormatter={(v) => formatMoney(Math.round(v * 100), currency)}
        empty={intl.formatMessage(m.noUsage)}
      />
    </SimpleGrid>
  );
}

export function MspReportsPage() {
  const intl = useIntl();
  const [params, setParams] = useSearchParams();
  const customers = useManagedCustomers();
  const tenant = params.get('customer');
  const abilities = useAbilities();
  const mayUsage = abilities.mayUse('usage');
  const maySla = abilities.mayUse('sla');
  // only the reports the person's role includes: a role without usage opens on SLA
  const tab = (params.get('tab') === 'sla' && maySla) || !mayUsage ? 'sla' : 'usage';
  const range = params.get('range') ?? '11';
  const metric = params.get('metric') ?? 'data_gb';
  const set = (k: string, v: string | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const q = { tenant_id: tenant ?? undefined, period_from: monthsAgo(Number(range)) };
  const usage = useApiQuery(mspKeys.usage(q), () => mspApi.usage(q), { enabled: tab === 'usage' });
  const sla = useApiQuery(mspKeys.sla(q), () => mspApi.sla(q), { enabled: tab === 'sla' });
  const active = customers.rows.filter((r) => r.delegation.status === 'active');
  const customerName = active.find((r) => r.tenant.id === tenant)?.tenant.name;

  const usageRows = useMemo(() => (usage.data?.data ?? []).filter((u) => u.metric === metric), [usage.data, metric]);
  const byMonth = useMemo(() => {
    const byPeriod = new Map<string, { period: string; quantity: number; amount: number }>();
    for (const u of usageRows) {
      const x = byPeriod.get(u.period) ?? { period: u.period, quantity: 0, amount: 0 };
      x.quantity += u.quantity;
      x.amount += u.amount_cents;
      byPeriod.set(u.period, x);
    }
    return [...byPeriod.values()].sort((a, b) => a.period.localeCompare(b.period));
  }, [usageRows]);
  const currency = usageRows[0]?.currency ?? 'USD';

  const slaRows = sla.data?.data ?? [];

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
      />
      <Stack>
        <Group align="flex-end" wrap="wrap">
          <Select label={intl.formatMessage(m.customer)} placeholder={intl.formatMessage(m.allCustomers)} clearable searchable data={active.map((r) => ({ value: r.tenant.id, label: r.tenant.name }))} value={tenant} onChange={(v) => set('customer', v)} w={{ base: '100%', sm: 240 }} data-testid="report-customer" />
          <Select label={intl.formatMessage(m.period)} data={RANGES.map((r) => ({ value: r, label: intl.formatMessage(m.lastMonths, { count: Number(r) + 1 }) }))} value={range} onChange={(v) => set('range', v)} allowDeselect={false} w={{ base: '100%', sm: 180 }} />
        </Group>
        <Tabs value={tab} onChange={(v) => set('tab', v === 'sla' ? 'sla' : null)}>
          <Tabs.List>
            {mayUsage && <Tabs.Tab value="usage">{intl.formatMessage(m.usage)}</Tabs.Tab>}
            {maySla && <Tabs.Tab value="sla">{intl.formatMessage(m.slaCompliance)}</Tabs.Tab>}
          </Tabs.List>
          {mayUsage && <Tabs.Panel value="usage" pt="md">
            <Stack>
              <DataFreshness kind="usage" />
              <ErrorAlert error={usage.error} />
              <Group justify="space-between">
                <SegmentedControl data={Object.entries(METRIC_WORDS).map(([value, x]) => ({ value, label: intl.formatMessage(x.label) }))} value={metric} onChange={(v) => set('metric', v)} />
                <Button variant="default" leftSection={<IconDownload size={16} />} disabled={!usage.data?.data.length} onClick={() => downloadUsage(intl, usage.data?.data ?? [])}>
                  <FormattedMessage {...m.downloadCsv} />
                </Button>
              </Group>
              <UsageCharts byMonth={byMonth} metric={metric} who={customerName ?? intl.formatMessage(m.allCustomers)} currency={currency} loading={usage.loading} />
            </Stack>
          </Tabs.Panel>}
          {maySla && <Tabs.Panel value="sla" pt="md">
            <Stack>
              <DataFreshness kind="sla" />
              <ErrorAlert error={sla.error} />
              <Group justify="flex-end">
                <Button
                  variant="default"
                  leftSection={<IconDownload size={16} />}
                  disabled={!slaRows.length}
                  onClick={() => {
                    const t = slaCsv(intl, slaRows);
                    saveFile(toCsvFile(t.header, t.rows), `sla-${monthsAgo(0)}.csv`);
                  }}
                >
                  <FormattedMessage {...m.downloadCsv} />
                </Button>
              </Group>
              <Chart
                title={intl.formatMessage(m.slaTitle)}
                description={intl.formatMessage(m.slaDescription)}
                kind="bar"
                loading={sla.loading}
                data={slaRows.map((r) => ({ customer: r.tenant_name, compliance: Math.round(r.compliance_pct * 10) / 10 }))}
                dataKey="customer"
                series={[{ name: 'compliance', label: intl.formatMessage(m.compliancePct), color: 'grape.6' }]}
                valueFormatter={(v) => formatPercent(v)}
                empty={intl.formatMessage(m.noSla)}
              />
              <DataTable
                testId="sla-report"
                records={slaRows}
                loading={sla.loading}
                error={sla.error}
                rowKey={(r) => r.tenant_id}
                rowProps={(r) => ({ 'data-tenant': r.tenant_id })}
                defaultSort={{ key: 'compliance', direction: 'asc' }}
                empty={intl.formatMessage(m.noSla)}
                columns={[
                  { key: 'customer', title: intl.formatMessage(m.customer), mobile: 'title', sortValue: (r) => r.tenant_name, render: (r) => r.tenant_name },
                  { key: 'compliance', title: intl.formatMessage(m.compliance), align: 'right', sortValue: (r) => r.compliance_pct, render: (r) => formatPct(r.compliance_pct) },
                  { key: 'missed', title: intl.formatMessage(m.monthsMissed), align: 'right', sortValue: (r) => r.breached, render: (r) => intl.formatMessage(m.missedOf, { missed: r.breached, records: r.records }) },
                  { key: 'avg', title: intl.formatMessage(m.average), align: 'right', sortValue: (r) => r.avg_achieved_pct, render: (r) => formatPercent(r.avg_achieved_pct, PCT2) },
                  { key: 'min', title: intl.formatMessage(m.lowest), align: 'right', sortValue: (r) => r.min_achieved_pct, render: (r) => formatPercent(r.min_achieved_pct, PCT2) },
                  { key: 'down', title: intl.formatMessage(m.downtime), align: 'right', sortValue: (r) => r.downtime_minutes, render: (r) => intl.formatMessage(m.minutes, { minutes: r.downtime_minutes }) },
                ]}
              />
            </Stack>
          </Tabs.Panel>}
        </Tabs>
      </Stack>
    </>
  );
}
