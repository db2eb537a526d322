/**
 * On a distributor's "Resellers" page (two-tier partners): what its resellers' customers were billed
 * and have paid for the months chosen, per reseller, with totals — figures, a chart comparing billed
 * and paid per reseller, and a table. Only customers the server's decision counts appear: those
 * whose admin lets the distributor act through the reseller's link, where the link covers billing.
 * The wholesaler's billing (figures, table) and the MSP invoices (month filters) are the models.
 */
import { useMemo, useState } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import { Badge, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { resellersApi, type ResellerBilling } from '../../api/resellers.ts';
import { resellerKeys } from '../../api/keys/resellers.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatMoney, formatMoneyShort, formatPeriod } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { monthsAgo } from '../Msp/shared.tsx';
import { Figure, HomeSection } from '../PartnerHome/HomeParts.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  customers: { id: 'resellers.billing.customers', defaultMessage: '{count, plural, one {# customer} other {# customers}}' },
  periodRange: { id: 'resellers.billing.period.range', defaultMessage: '{from} to {to}' },
  periodFrom: { id: 'resellers.billing.period.from', defaultMessage: '{from} to now' },
  periodTo: { id: 'resellers.billing.period.to', defaultMessage: 'every month up to {to}' },
  periodAll: { id: 'resellers.billing.period.all', defaultMessage: 'every month' },
  title: { id: 'resellers.billing.title', defaultMessage: 'Billing across your resellers' },
  description: {
    id: 'resellers.billing.description',
    defaultMessage:
      "What your resellers' customers were billed and have paid, {period}. A customer counts only if its admin lets you act through its reseller's link and that link covers billing.",
  },
  fromMonth: { id: 'resellers.billing.from_month', defaultMessage: 'From month' },
  any: { id: 'resellers.billing.from_any', defaultMessage: 'Any' },
  toMonth: { id: 'resellers.billing.to_month', defaultMessage: 'To month' },
  now: { id: 'resellers.billing.to_now', defaultMessage: 'Now' },
  noResellers: { id: 'resellers.billing.empty.no_resellers', defaultMessage: 'You have no resellers yet, so there is no billing to add up.' },
  noCustomer: {
    id: 'resellers.billing.empty.no_customer',
    defaultMessage: "No customer of your resellers lets you see its billing yet. Each customer's admin decides, link by link.",
  },
  noInvoices: {
    id: 'resellers.billing.empty.no_invoices',
    defaultMessage: 'The {count, plural, one {# customer} other {# customers}} that let you see their billing have no invoices for these months.',
  },
  billed: { id: 'resellers.billing.billed', defaultMessage: 'Billed' },
  billedHint: { id: 'resellers.billing.billed_hint', defaultMessage: 'To {count, plural, one {# customer} other {# customers}}, cancelled invoices left out' },
  paid: { id: 'resellers.billing.paid', defaultMessage: 'Paid' },
  paidHint: { id: 'resellers.billing.paid_hint', defaultMessage: 'Invoices paid in full' },
  owed: { id: 'resellers.billing.owed', defaultMessage: 'Still owed' },
  owedHint: { id: 'resellers.billing.owed_hint', defaultMessage: 'Open and overdue invoices' },
  overdue: { id: 'resellers.billing.overdue', defaultMessage: 'Overdue' },
  overdueHint: { id: 'resellers.billing.overdue_hint', defaultMessage: 'Past the due date' },
  nothingOverdue: { id: 'resellers.billing.nothing_overdue', defaultMessage: 'Nothing overdue' },
  chartTitle: { id: 'resellers.billing.chart.title', defaultMessage: 'Billed and paid per reseller' },
  chartTitleCurrency: { id: 'resellers.billing.chart.title_currency', defaultMessage: 'Billed and paid per reseller ({currency})' },
  chartDescription: { id: 'resellers.billing.chart.description', defaultMessage: "Compare what each reseller's customers were billed with what they have paid." },
  tableEmpty: { id: 'resellers.billing.table.empty', defaultMessage: 'You have no resellers yet.' },
  colReseller: { id: 'resellers.billing.column.reseller', defaultMessage: 'Reseller' },
  status: {
    id: 'resellers.billing.status',
    defaultMessage: '{status, select, suspended {suspended} applied {applied} rejected {rejected} closed {closed} inactive {inactive} other {{status}}}',
  },
  colCustomers: { id: 'resellers.billing.column.customers', defaultMessage: 'Customers counted' },
  noneCounted: { id: 'resellers.billing.none_counted', defaultMessage: 'None lets you see its billing' },
});

type Money = ResellerBilling['totals'][number];
type Row = { key: string; id: string; name: string; status: string; customers: number; money: Money | null };

const customersWords = (intl: IntlShape, n: number) => intl.formatMessage(m.customers, { count: n });

/** One row per reseller and currency; a reseller with nothing to show keeps one row that says so. */
function rowsOf(b: ResellerBilling | undefined): Row[] {
  return (b?.resellers ?? []).flatMap((r): Row[] =>
    r.currencies.length === 0 ? [{ key: r.id, id: r.id, name: r.name, status: r.status, customers: r.customers, money: null }] : r.currencies.map((m) => ({ key: `${r.id}-${m.currency}`, id: r.id, name: r.name, status: r.status, customers: r.customers, money: m })),
  );
}

function periodWords(intl: IntlShape, from: string | null, to: string | null): string {
  if (from && to) return from === to ? formatPeriod(from) : intl.formatMessage(m.periodRange, { from: formatPeriod(from), to: formatPeriod(to) });
  if (from) return intl.formatMessage(m.periodFrom, { from: formatPeriod(from) });
  if (to) return intl.formatMessage(m.periodTo, { to: formatPeriod(to) });
  return intl.formatMessage(m.periodAll);
}

export function ResellerBillingSection({ partnerId }: { partnerId: string }) {
  const intl = useIntl();
  /** The last 36 months, newest first, for the month filters (named in the reader's language). */
  // biome-ignore lint/correctness/useExhaustiveDependencies: the month names follow the language
  const months = useMemo(() => Array.from({ length: 36 }, (_, i) => monthsAgo(i)).map((p) => ({ value: p, label: formatPeriod(p) })), [intl.locale]);
  const [from, setFrom] = useState<string | null>(monthsAgo(11));
  const [to, setTo] = useState<string | null>(null);
  const period = { period_from: from ?? undefined, period_to: to ?? undefined };
  // asked afresh each time: a customer may have closed its link to you since
  const q = useApiQuery(resellerKeys.billing(partnerId, period), () => resellersApi.billing(period), { staleTime: 0 });
  const b = q.data;
  const rows = rowsOf(b);
  const none = b !== undefined && b.totals.length === 0;
  return (
    <HomeSection
      title={intl.formatMessage(m.title)}
      testId="reseller-billing"
      description={intl.formatMessage(m.description, { period: periodWords(intl, from, to) })}
      actions={
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select label={intl.formatMessage(m.fromMonth)} placeholder={intl.formatMessage(m.any)} clearable data={months} value={from} onChange={setFrom} w={150} data-testid="billing-from" />
          <Select label={intl.formatMessage(m.toMonth)} placeholder={intl.formatMessage(m.now)} clearable data={months} value={to} onChange={setTo} w={150} data-testid="billing-to" />
        </Group>
      }
    >
      <DataFreshness kind="invoices" />
      <ErrorAlert error={q.error} />
      {none && (
        <Text size="sm" c="dimmed" data-testid="reseller-billing-empty">
          {b.resellers.length === 0
            ? intl.formatMessage(m.noResellers)
            : b.customers === 0
              ? intl.formatMessage(m.noCustomer)
              : intl.formatMessage(m.noInvoices, { count: b.customers })}
        </Text>
      )}
      {(b?.totals ?? []).map((t) => (
        <Stack key={t.currency} gap="sm">
          <SimpleGrid cols={{ base: 2, md: 4 }} data-testid="reseller-billing-totals">
            <Figure label={intl.formatMessage(m.billed)} value={formatMoney(t.invoiced_cents, t.currency)} hint={intl.formatMessage(m.billedHint, { count: t.customers })} testId="figure-billed" />
            <Figure label={intl.formatMessage(m.paid)} value={formatMoney(t.paid_cents, t.currency)} hint={intl.formatMessage(m.paidHint)} testId="figure-paid" />
            <Figure label={intl.formatMessage(m.owed)} value={formatMoney(t.outstanding_cents, t.currency)} hint={intl.formatMessage(m.owedHint)} testId="figure-owed" />
            <Figure label={intl.formatMessage(m.overdue)} value={formatMoney(t.overdue_cents, t.currency)} hint={t.overdue_cents > 0 ? intl.formatMessage(m.overdueHint) : intl.formatMessage(m.nothingOverdue)} testId="figure-overdue" />
          </SimpleGrid>
          <Chart
            title={b && b.totals.length > 1 ? intl.formatMessage(m.chartTitleCurrency, { currency: t.currency }) : intl.formatMessage(m.chartTitle)}
            description={intl.formatMessage(m.chartDescription)}
            kind="bar"
            data={rows.filter((r) => r.money?.currency === t.currency).map((r) => ({ reseller: r.name, billed: r.money!.invoiced_cents, paid: r.money!.paid_cents }))}
            dataKey="reseller"
            series={[
              { name: 'billed', label: intl.formatMessage(m.billed), color: 'blue.6' },
              { name: 'paid', label: intl.formatMessage(m.paid), color: 'teal.6' },
            ]}
            valueFormatter={(v) => formatMoneyShort(v, t.currency)}
            tableFormatter={(v) => formatMoney(v, t.currency)}
          />
        </Stack>
      ))}
      <DataTable<Row>
        testId="reseller-billing-table"
        records={rows}
        loading={q.loading}
        rowKey={(r) => r.key}
        rowProps={(r) => ({ 'data-reseller': r.name })}
        empty={intl.formatMessage(m.tableEmpty)}
        columns={[
          {
            key: 'name',
            title: intl.formatMessage(m.colReseller),
            mobile: 'title',
            sortValue: (r) => r.name,
            render: (r) => (
              <Group gap={6} wrap="nowrap">
                <Text fw={500} fz="inherit">
                  {r.name}
                </Text>
                {r.status !== 'active' && (
                  <Badge color="gray" variant="light">
                    {intl.formatMessage(m.status, { status: r.status })}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'customers', title: intl.formatMessage(m.colCustomers), sortValue: (r) => r.customers, render: (r) => (r.customers === 0 ? intl.formatMessage(m.noneCounted) : customersWords(intl, r.customers)) },
          { key: 'billed', title: intl.formatMessage(m.billed), align: 'right', sortValue: (r) => r.money?.invoiced_cents, render: (r) => (r.money ? formatMoney(r.money.invoiced_cents, r.money.currency) : '—') },
          { key: 'paid', title: intl.formatMessage(m.paid), align: 'right', sortValue: (r) => r.money?.paid_cents, render: (r) => (r.money ? formatMoney(r.money.paid_cents, r.money.currency) : '—') },
          { key: 'owed', title: intl.formatMessage(m.owed), align: 'right', sortValue: (r) => r.money?.outstanding_cents, render: (r) => (r.money ? formatMoney(r.money.outstanding_cents, r.money.currency) : '—') },
          {
            key: 'overdue',
            title: intl.formatMessage(m.overdue),
            align: 'right',
            sortValue: (r) => r.money?.overdue_cents,
            render: (r) => (
              <Text fz="inherit" c={r.money?.overdue_cents ? 'red' : undefined}>
                {r.money ? formatMoney(r.money.overdue_cents, r.money.currency) : '—'}
              </Text>
            ),
          },
        ]}
      />
    </HomeSection>
  );
}
