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
import { METRIC, formatMoney, formatPct, formatPeriod, monthsAgo, useManagedCustomers } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';

const RANGES = [
  { value: '2', label: '3 months' },
  { value: '5', label: '6 months' },
  { value: '11', label: '12 months' },
  { value: '23', label: '24 months' },
];

function downloadUsage(rows: UsageRow[]) {
  saveFile(
    toCsvFile(
      ['customer', 'month', 'metric', 'quantity', 'unit', 'amount', 'currency'],
      rows.map((u) => [u.tenant_name ?? '', u.period, METRIC[u.metric]?.label ?? u.metric, u.quantity, METRIC[u.metric]?.unit ?? '', (u.amount_cents / 100).toFixed(2), u.currency]),
    ),
    `usage-${monthsAgo(0)}.csv`,
  );
}

/** One metric's quantity and its billed amount, month by month. */
function UsageCharts({ byMonth, metric, who, currency, loading }: { byMonth: { period: string; quantity: number; amount: number }[]; metric: string; who: string; currency: string; loading: boolean }) {
  const unit = METRIC[metric]?.unit ?? '';
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Chart
        title={`${METRIC[metric]?.label ?? metric} used per month`}
        description={`${who}, in ${unit}.`}
        kind="area"
        loading={loading}
        data={byMonth.map((m) => ({ month: formatPeriod(m.period), quantity: Math.round(m.quantity) }))}
        dataKey="month"
        series={[{ name: 'quantity', label: unit, color: 'blue.6' }]}
        empty="No usage recorded in this period."
      />
      <Chart
        title="Usage revenue per month"
        description={`What the usage was billed, in ${currency}.`}
        kind="bar"
        loading={loading}
        data={byMonth.map((m) => ({ month: formatPeriod(m.period), amount: m.amount / 100 }))}
        dataKey="month"
        series={[{ name: 'amount', label: 'Billed', color: 'teal.6' }]}
        valueFormatter={(v) => formatMoney(Math.round(v * 100), currency)}
        empty="No usage recorded in this period."
      />
    </SimpleGrid>
  );
}

export function MspReportsPage() {
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
    const m = new Map<string, { period: string; quantity: number; amount: number }>();
    for (const u of usageRows) {
      const x = m.get(u.period) ?? { period: u.period, quantity: 0, amount: 0 };
      x.quantity += u.quantity;
      x.amount += u.amount_cents;
      m.set(u.period, x);
    }
    return [...m.values()].sort((a, b) => a.period.localeCompare(b.period));
  }, [usageRows]);
  const currency = usageRows[0]?.currency ?? 'USD';

  const slaRows = sla.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Usage and SLA reports"
        description="How much your customers use and how well their service level agreements (SLAs) are met, over the months you choose. Download any report as CSV."
      />
      <Stack>
        <Group align="flex-end" wrap="wrap">
          <Select label="Customer" placeholder="All customers" clearable searchable data={active.map((r) => ({ value: r.tenant.id, label: r.tenant.name }))} value={tenant} onChange={(v) => set('customer', v)} w={{ base: '100%', sm: 240 }} data-testid="report-customer" />
          <Select label="Period" data={RANGES.map((r) => ({ value: r.value, label: `Last ${r.label}` }))} value={range} onChange={(v) => set('range', v)} allowDeselect={false} w={{ base: '100%', sm: 180 }} />
        </Group>
        <Tabs value={tab} onChange={(v) => set('tab', v === 'sla' ? 'sla' : null)}>
          <Tabs.List>
            {mayUsage && <Tabs.Tab value="usage">Usage</Tabs.Tab>}
            {maySla && <Tabs.Tab value="sla">SLA compliance</Tabs.Tab>}
          </Tabs.List>
          {mayUsage && <Tabs.Panel value="usage" pt="md">
            <Stack>
              <DataFreshness kind="usage" />
              <ErrorAlert error={usage.error} />
              <Group justify="space-between">
                <SegmentedControl data={Object.entries(METRIC).map(([value, m]) => ({ value, label: m.label }))} value={metric} onChange={(v) => set('metric', v)} />
                <Button variant="default" leftSection={<IconDownload size={16} />} disabled={!usage.data?.data.length} onClick={() => downloadUsage(usage.data?.data ?? [])}>
                  Download CSV
                </Button>
              </Group>
              <UsageCharts byMonth={byMonth} metric={metric} who={customerName ?? 'All customers'} currency={currency} loading={usage.loading} />
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
                  onClick={() =>
                    saveFile(
                      toCsvFile(
                        ['customer', 'service_months', 'missed', 'compliance_pct', 'average_availability_pct', 'lowest_availability_pct', 'downtime_minutes'],
                        slaRows.map((r) => [r.tenant_name, r.records, r.breached, r.compliance_pct.toFixed(1), r.avg_achieved_pct.toFixed(3), r.min_achieved_pct.toFixed(3), r.downtime_minutes]),
                      ),
                      `sla-${monthsAgo(0)}.csv`,
                    )
                  }
                >
                  Download CSV
                </Button>
              </Group>
              <Chart
                title="SLA compliance by customer"
                description="Share of service-months that met their availability target."
                kind="bar"
                loading={sla.loading}
                data={slaRows.map((r) => ({ customer: r.tenant_name, compliance: Math.round(r.compliance_pct * 10) / 10 }))}
                dataKey="customer"
                series={[{ name: 'compliance', label: 'Compliance %', color: 'grape.6' }]}
                valueFormatter={(v) => `${v} %`}
                empty="No SLA records in this period."
              />
              <DataTable
                testId="sla-report"
                records={slaRows}
                loading={sla.loading}
                error={sla.error}
                rowKey={(r) => r.tenant_id}
                rowProps={(r) => ({ 'data-tenant': r.tenant_id })}
                defaultSort={{ key: 'compliance', direction: 'asc' }}
                empty="No SLA records in this period."
                columns={[
                  { key: 'customer', title: 'Customer', mobile: 'title', sortValue: (r) => r.tenant_name, render: (r) => r.tenant_name },
                  { key: 'compliance', title: 'Compliance', align: 'right', sortValue: (r) => r.compliance_pct, render: (r) => formatPct(r.compliance_pct) },
                  { key: 'missed', title: 'Months missed', align: 'right', sortValue: (r) => r.breached, render: (r) => `${r.breached} of ${r.records}` },
                  { key: 'avg', title: 'Average availability', align: 'right', sortValue: (r) => r.avg_achieved_pct, render: (r) => `${r.avg_achieved_pct.toFixed(2)} %` },
                  { key: 'min', title: 'Lowest month', align: 'right', sortValue: (r) => r.min_achieved_pct, render: (r) => `${r.min_achieved_pct.toFixed(2)} %` },
                  { key: 'down', title: 'Downtime', align: 'right', sortValue: (r) => r.downtime_minutes, render: (r) => `${r.downtime_minutes.toLocaleString()} min` },
                ]}
              />
            </Stack>
          </Tabs.Panel>}
        </Tabs>
      </Stack>
    </>
  );
}
