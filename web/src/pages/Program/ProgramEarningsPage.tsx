/**
 * Earnings. Everyone with access sees the summary (totals by state and by month); owners also see the
 * line items, filter them and download them as CSV (the View All Earnings and Export Earnings permissions).
 */
import { useState } from 'react';
import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileInvoice, IconLock } from '@tabler/icons-react';
import { EARNING_STATES, programApi, type Earning, type ProgramSummary } from '../../api/program.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EarningsFreshness } from '../../components/DataFreshness.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiList, useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { StatCard } from './ProgramHomePage.tsx';
import { EarningLineDetail } from './EarningLineDetail.tsx';
import { EarningStateBadge } from './EarningStateBadge.tsx';
import { formatMoney, formatMoneyShort, formatMonth, lineWords, MONTH_SERIES, monthRows, STATE_LABELS } from './programFormat.ts';
import { programKeys } from '../../api/keys/program.ts';

function Totals({ s }: { s: ProgramSummary | undefined }) {
  const cur = s?.currency ?? 'EUR';
  return (
    <SimpleGrid cols={{ base: 2, md: s && s.totals.clawback_minor !== 0 ? 5 : 4 }} data-testid="earnings-totals">
      <StatCard label="Pending approval" value={s ? formatMoney(s.totals.pending_minor, cur) : undefined} hint="Computed, waiting for the platform" />
      <StatCard
        label="Approved"
        value={s ? formatMoney(s.totals.approved_minor, cur) : undefined}
        hint={s && s.totals.clawback_minor !== 0 ? `The next payout pays ${formatMoney(Math.max(0, s.next_payout.amount_minor), cur)}, after refunds taken back` : 'Paid with the next payout'}
      />
      <StatCard label="Paid" value={s ? formatMoney(s.totals.paid_minor, cur) : undefined} hint="Already paid to you" />
      <StatCard label="Reversed" value={s ? formatMoney(s.totals.reversed_minor, cur) : undefined} hint="Cancelled by a refund" />
      {s && s.totals.clawback_minor !== 0 && (
        <StatCard label="To be taken back" value={formatMoney(-s.totals.clawback_minor, cur)} hint="Refunds after a payout, deducted from the next one" />
      )}
    </SimpleGrid>
  );
}

const PAGE = 50;

export function ProgramEarningsPage() {
  const view = useView();
  const m = view.partner!;
  const pid = m.partner_id;
  const lineItems = allows(m, 'partner.earnings.read_all');
  const canExport = allows(m, 'partner.earnings.export');
  // always asked afresh when the page opens: the sidebar's badge keeps an older copy of the same summary
  const summary = useApiQuery(programKeys.summary(pid), () => programApi.summary(pid), { staleTime: 0 });
  const s = summary.data;
  const cur = s?.currency ?? 'EUR';
  const months = [...(s?.by_month ?? [])].sort((a, b) => b.month.localeCompare(a.month));

  return (
    <>
      <PageHeader
        title="Earnings"
        description={
          lineItems
            ? 'What your referrals have earned: one commission per customer and month on the invoices they paid that month, and a bounty per qualified sign-up. The platform approves earnings, then pays them out; a refund after a payout is taken back from the next one.'
            : 'What your organization’s referrals have earned, by state and by month.'
        }
      />
      <Stack gap="lg">
        <EarningsFreshness partnerId={pid} />
        <ErrorAlert error={summary.error} />
        <Totals s={s} />
        <Chart
          title="Earnings by month"
          kind="bar"
          stacked
          loading={summary.loading}
          data={monthRows(s?.by_month ?? [])}
          dataKey="month"
          series={MONTH_SERIES}
          valueFormatter={(v) => formatMoneyShort(v, cur)}
          tableFormatter={(v) => formatMoney(v, cur)}
          empty="No earnings yet."
        />
        {lineItems ? (
          <LineItems pid={pid} months={months.map((x) => x.month)} canExport={canExport} />
        ) : (
          <>
            <Title order={4}>By month</Title>
            <DataTable
              testId="earnings-by-month"
              records={months}
              loading={summary.loading}
              rowKey={(r) => r.month}
              empty="No earnings yet."
              columns={[
                { key: 'month', title: 'Month', mobile: 'title', render: (r) => formatMonth(r.month) },
                { key: 'pending', title: 'Pending', align: 'right', render: (r) => formatMoney(r.pending_minor, cur) },
                { key: 'approved', title: 'Approved', align: 'right', render: (r) => formatMoney(r.approved_minor, cur) },
                { key: 'paid', title: 'Paid', align: 'right', render: (r) => formatMoney(r.paid_minor, cur) },
              ]}
            />
            <Alert color="gray" variant="light" icon={<IconLock size={18} />} maw={720} data-testid="owners-only-line-items">
              <Text size="sm">Earnings per customer and the download are for your organization’s owners.</Text>
            </Alert>
          </>
        )}
      </Stack>
    </>
  );
}

function LineItems({ pid, months, canExport }: { pid: string; months: string[]; canExport: boolean }) {
  const [period, setPeriod] = useState<string | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [open, setOpen] = useState<Earning | null>(null);
  const list = useApiList<Earning>(programKeys.earnings(pid, period, state), async (cursor) => {
    const offset = Number(cursor ?? 0);
    const r = await programApi.earnings(pid, { period: period ?? undefined, state: state ?? undefined, limit: PAGE, offset });
    const next = offset + r.items.length;
    return { data: r.items, next_cursor: next < r.total && r.items.length > 0 ? String(next) : null };
  });
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={4}>Per customer and month</Title>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select label="Month" placeholder="All months" clearable data={months.map((mo) => ({ value: mo, label: formatMonth(mo) }))} value={period} onChange={setPeriod} w={160} />
          <Select label="State" placeholder="All states" clearable data={EARNING_STATES.map((st) => ({ value: st, label: STATE_LABELS[st] }))} value={state} onChange={setState} w={200} />
          {canExport && (
            <Button component="a" href={programApi.exportUrl(pid)} download variant="default" leftSection={<IconDownload size={16} />} title="Every line of every month, for a spreadsheet">
              Download all (CSV)
            </Button>
          )}
        </Group>
      </Group>
      <ErrorAlert error={list.error} />
      <DataTable
        testId="earnings-table"
        records={list.items}
        loading={list.loading}
        rowKey={(e) => e.id}
        rowProps={(e) => ({ 'data-state': e.state, 'data-customer': e.tenant.name, 'data-kind': e.kind })}
        onRowClick={setOpen}
        empty={period || state ? 'No earnings match these filters.' : 'No earnings yet.'}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
        columns={[
          { key: 'customer', title: 'Customer', mobile: 'title', sortValue: (e) => e.tenant.name, render: (e) => e.tenant.name },
          { key: 'period', title: 'Month', sortValue: (e) => e.period, render: (e) => formatMonth(e.period), style: { whiteSpace: 'nowrap' } },
          {
            key: 'what',
            title: 'For',
            render: (e) =>
              e.kind === 'clawback' ? (
                <Text size="sm" c="red.9" fw={500}>
                  {lineWords(e)}
                </Text>
              ) : (
                lineWords(e)
              ),
          },
          { key: 'invoices', title: 'Invoices', align: 'right', sortValue: (e) => e.invoice_count, render: (e) => e.invoice_count },
          { key: 'amount', title: 'Commission', align: 'right', sortValue: (e) => e.amount_minor, render: (e) => formatMoney(e.amount_minor, e.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'state', title: 'State', sortValue: (e) => e.state, render: (e) => <EarningStateBadge state={e.state} />, style: { whiteSpace: 'nowrap' } },
          {
            key: 'open',
            title: '',
            mobile: 'footer',
            render: (e) => (
              <Button
                size="compact-sm"
                variant="subtle"
                leftSection={<IconFileInvoice size={14} />}
                onClick={(ev) => {
                  ev.stopPropagation();
                  setOpen(e);
                }}
                aria-label={`Invoices of ${e.tenant.name}, ${formatMonth(e.period)}`}
              >
                Invoices
              </Button>
            ),
          },
        ]}
      />
      <EarningLineDetail line={open} pid={pid} onClose={() => setOpen(null)} />
    </Stack>
  );
}
