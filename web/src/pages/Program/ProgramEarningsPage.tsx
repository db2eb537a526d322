/**
 * Earnings. Everyone with access sees the summary (totals by state and by month); owners also see the
 * line items, filter them and download them as CSV (the View All Earnings and Export Earnings permissions).
 */
import { useState } from 'react';
import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileInvoice, IconLock } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
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
import { formatMoney, formatMoneyShort, formatMonth, lineWords, monthRows, monthSeries, stateLabel } from './programFormat.ts';
import { programKeys } from '../../api/keys/program.ts';

const msg = defineMessages({
  pending: { id: 'program.earnings.total.pending', defaultMessage: 'Pending approval' },
  pendingHint: { id: 'program.earnings.total.pending.hint', defaultMessage: 'Computed, waiting for the platform' },
  approved: { id: 'program.earnings.total.approved', defaultMessage: 'Approved' },
  approvedHintNext: { id: 'program.earnings.total.approved.hint_next', defaultMessage: 'The next payout pays {amount}, after refunds taken back' },
  approvedHint: { id: 'program.earnings.total.approved.hint', defaultMessage: 'Paid with the next payout' },
  paid: { id: 'program.earnings.total.paid', defaultMessage: 'Paid' },
  paidHint: { id: 'program.earnings.total.paid.hint', defaultMessage: 'Already paid to you' },
  reversed: { id: 'program.earnings.total.reversed', defaultMessage: 'Reversed' },
  reversedHint: { id: 'program.earnings.total.reversed.hint', defaultMessage: 'Cancelled by a refund' },
  clawback: { id: 'program.earnings.total.clawback', defaultMessage: 'To be taken back' },
  clawbackHint: { id: 'program.earnings.total.clawback.hint', defaultMessage: 'Refunds after a payout, deducted from the next one' },
  title: { id: 'program.earnings.title', defaultMessage: 'Earnings' },
  descriptionOwner: {
    id: 'program.earnings.description.owner',
    defaultMessage:
      'What your referrals have earned: one commission per customer and month on the invoices they paid that month, and a bounty per qualified sign-up. The platform approves earnings, then pays them out; a refund after a payout is taken back from the next one.',
  },
  description: { id: 'program.earnings.description', defaultMessage: 'What your organization’s referrals have earned, by state and by month.' },
  chartTitle: { id: 'program.earnings.chart.title', defaultMessage: 'Earnings by month' },
  empty: { id: 'program.earnings.empty', defaultMessage: 'No earnings yet.' },
  month: { id: 'program.earnings.column.month', defaultMessage: 'Month' },
  colPending: { id: 'program.earnings.column.pending', defaultMessage: 'Pending' },
  colApproved: { id: 'program.earnings.column.approved', defaultMessage: 'Approved' },
  colPaid: { id: 'program.earnings.column.paid', defaultMessage: 'Paid' },
  allMonths: { id: 'program.earnings.filter.all_months', defaultMessage: 'All months' },
  state: { id: 'program.earnings.filter.state', defaultMessage: 'State' },
  allStates: { id: 'program.earnings.filter.all_states', defaultMessage: 'All states' },
  downloadTitle: { id: 'program.earnings.download.title', defaultMessage: 'Every line of every month, for a spreadsheet' },
  noMatch: { id: 'program.earnings.no_match', defaultMessage: 'No earnings match these filters.' },
  customer: { id: 'program.earnings.column.customer', defaultMessage: 'Customer' },
  forWhat: { id: 'program.earnings.column.for', defaultMessage: 'For' },
  invoices: { id: 'program.earnings.column.invoices', defaultMessage: 'Invoices' },
  commission: { id: 'program.earnings.column.commission', defaultMessage: 'Commission' },
  invoicesOf: { id: 'program.earnings.invoices_of', defaultMessage: 'Invoices of {customer}, {month}' },
});

function Totals({ s }: { s: ProgramSummary | undefined }) {
  const intl = useIntl();
  const cur = s?.currency ?? 'EUR';
  return (
    <SimpleGrid cols={{ base: 2, md: s && s.totals.clawback_minor !== 0 ? 5 : 4 }} data-testid="earnings-totals">
      <StatCard label={intl.formatMessage(msg.pending)} value={s ? formatMoney(s.totals.pending_minor, cur) : undefined} hint={intl.formatMessage(msg.pendingHint)} />
      <StatCard
        label={intl.formatMessage(msg.approved)}
        value={s ? formatMoney(s.totals.approved_minor, cur) : undefined}
        hint={s && s.totals.clawback_minor !== 0 ? intl.formatMessage(msg.approvedHintNext, { amount: formatMoney(Math.max(0, s.next_payout.amount_minor), cur) }) : intl.formatMessage(msg.approvedHint)}
      />
      <StatCard label={intl.formatMessage(msg.paid)} value={s ? formatMoney(s.totals.paid_minor, cur) : undefined} hint={intl.formatMessage(msg.paidHint)} />
      <StatCard label={intl.formatMessage(msg.reversed)} value={s ? formatMoney(s.totals.reversed_minor, cur) : undefined} hint={intl.formatMessage(msg.reversedHint)} />
      {s && s.totals.clawback_minor !== 0 && (
        <StatCard label={intl.formatMessage(msg.clawback)} value={formatMoney(-s.totals.clawback_minor, cur)} hint={intl.formatMessage(msg.clawbackHint)} />
      )}
    </SimpleGrid>
  );
}

const PAGE = 50;

export function ProgramEarningsPage() {
  const intl = useIntl();
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
        title={intl.formatMessage(msg.title)}
        description={
          lineItems
            ? intl.formatMessage(msg.descriptionOwner)
            : intl.formatMessage(msg.description)
        }
      />
      <Stack gap="lg">
        <EarningsFreshness partnerId={pid} />
        <ErrorAlert error={summary.error} />
        <Totals s={s} />
        <Chart
          title={intl.formatMessage(msg.chartTitle)}
          kind="bar"
          stacked
          loading={summary.loading}
          data={monthRows(s?.by_month ?? [])}
          dataKey="month"
          series={monthSeries(intl)}
          valueFormatter={(v) => formatMoneyShort(v, cur)}
          tableFormatter={(v) => formatMoney(v, cur)}
          empty={intl.formatMessage(msg.empty)}
        />
        {lineItems ? (
          <LineItems pid={pid} months={months.map((x) => x.month)} canExport={canExport} />
        ) : (
          <>
            <Title order={3} size="h4">
              <FormattedMessage id="program.earnings.by_month" defaultMessage="By month" />
            </Title>
            <DataTable
              testId="earnings-by-month"
              records={months}
              loading={summary.loading}
              rowKey={(r) => r.month}
              empty={intl.formatMessage(msg.empty)}
              columns={[
                { key: 'month', title: intl.formatMessage(msg.month), mobile: 'title', render: (r) => formatMonth(r.month) },
                { key: 'pending', title: intl.formatMessage(msg.colPending), align: 'right', render: (r) => formatMoney(r.pending_minor, cur) },
                { key: 'approved', title: intl.formatMessage(msg.colApproved), align: 'right', render: (r) => formatMoney(r.approved_minor, cur) },
                { key: 'paid', title: intl.formatMessage(msg.colPaid), align: 'right', render: (r) => formatMoney(r.paid_minor, cur) },
              ]}
            />
            <Alert color="gray" variant="light" icon={<IconLock size={18} />} maw={720} data-testid="owners-only-line-items">
              <Text size="sm">
                <FormattedMessage id="program.earnings.owners_only" defaultMessage="Earnings per customer and the download are for your organization’s owners." />
              </Text>
            </Alert>
          </>
        )}
      </Stack>
    </>
  );
}

function LineItems({ pid, months, canExport }: { pid: string; months: string[]; canExport: boolean }) {
  const intl = useIntl();
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
        <Title order={3} size="h4">
          <FormattedMessage id="program.earnings.per_customer" defaultMessage="Per customer and month" />
        </Title>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select label={intl.formatMessage(msg.month)} placeholder={intl.formatMessage(msg.allMonths)} clearable data={months.map((mo) => ({ value: mo, label: formatMonth(mo) }))} value={period} onChange={setPeriod} w={160} />
          <Select label={intl.formatMessage(msg.state)} placeholder={intl.formatMessage(msg.allStates)} clearable data={EARNING_STATES.map((st) => ({ value: st, label: stateLabel(intl, st) }))} value={state} onChange={setState} w={200} />
          {canExport && (
            <Button component="a" href={programApi.exportUrl(pid)} download variant="default" leftSection={<IconDownload size={16} />} title={intl.formatMessage(msg.downloadTitle)}>
              <FormattedMessage id="program.earnings.download" defaultMessage="Download all (CSV)" />
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
        empty={period || state ? intl.formatMessage(msg.noMatch) : intl.formatMessage(msg.empty)}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
        columns={[
          { key: 'customer', title: intl.formatMessage(msg.customer), mobile: 'title', sortValue: (e) => e.tenant.name, render: (e) => e.tenant.name },
          { key: 'period', title: intl.formatMessage(msg.month), sortValue: (e) => e.period, render: (e) => formatMonth(e.period), style: { whiteSpace: 'nowrap' } },
          {
            key: 'what',
            title: intl.formatMessage(msg.forWhat),
            render: (e) =>
              e.kind === 'clawback' ? (
                <Text size="sm" c="red.9" fw={500}>
                  {lineWords(intl, e)}
                </Text>
              ) : (
                lineWords(intl, e)
              ),
          },
          { key: 'invoices', title: intl.formatMessage(msg.invoices), align: 'right', sortValue: (e) => e.invoice_count, render: (e) => e.invoice_count },
          { key: 'amount', title: intl.formatMessage(msg.commission), align: 'right', sortValue: (e) => e.amount_minor, render: (e) => formatMoney(e.amount_minor, e.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'state', title: intl.formatMessage(msg.state), sortValue: (e) => e.state, render: (e) => <EarningStateBadge state={e.state} />, style: { whiteSpace: 'nowrap' } },
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
                aria-label={intl.formatMessage(msg.invoicesOf, { customer: e.tenant.name, month: formatMonth(e.period) })}
              >
                {intl.formatMessage(msg.invoices)}
              </Button>
            ),
          },
        ]}
      />
      <EarningLineDetail line={open} pid={pid} onClose={() => setOpen(null)} />
    </Stack>
  );
}
