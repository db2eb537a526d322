/**
 * On a distributor's "Resellers" page (two-tier partners): what its resellers' customers were billed
 * and have paid for the months chosen, per reseller, with totals — figures, a chart comparing billed
 * and paid per reseller, and a table. Only customers the server's decision counts appear: those
 * whose admin lets the distributor act through the reseller's link, where the link covers billing.
 * The wholesaler's billing (figures, table) and the MSP invoices (month filters) are the models.
 */
import { useState } from 'react';
import { Badge, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { resellersApi, type ResellerBilling } from '../../api/resellers.ts';
import { resellerKeys } from '../../api/keys/resellers.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatMoney, formatMoneyShort, formatNumber, formatPeriod } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { monthsAgo } from '../Msp/shared.tsx';
import { Figure, HomeSection } from '../PartnerHome/HomeParts.tsx';

/** The last 36 months, newest first, for the month filters. */
const MONTHS = Array.from({ length: 36 }, (_, i) => monthsAgo(i)).map((p) => ({ value: p, label: formatPeriod(p) }));

type Money = ResellerBilling['totals'][number];
type Row = { key: string; id: string; name: string; status: string; customers: number; money: Money | null };

const customersWords = (n: number) => (n === 1 ? '1 customer' : `${formatNumber(n)} customers`);

/** One row per reseller and currency; a reseller with nothing to show keeps one row that says so. */
function rowsOf(b: ResellerBilling | undefined): Row[] {
  return (b?.resellers ?? []).flatMap((r): Row[] =>
    r.currencies.length === 0 ? [{ key: r.id, id: r.id, name: r.name, status: r.status, customers: r.customers, money: null }] : r.currencies.map((m) => ({ key: `${r.id}-${m.currency}`, id: r.id, name: r.name, status: r.status, customers: r.customers, money: m })),
  );
}

function periodWords(from: string | null, to: string | null): string {
  if (from && to) return from === to ? formatPeriod(from) : `${formatPeriod(from)} to ${formatPeriod(to)}`;
  if (from) return `${formatPeriod(from)} to now`;
  if (to) return `every month up to ${formatPeriod(to)}`;
  return 'every month';
}

export function ResellerBillingSection({ partnerId }: { partnerId: string }) {
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
      title="Billing across your resellers"
      testId="reseller-billing"
      description={`What your resellers' customers were billed and have paid, ${periodWords(from, to)}. A customer counts only if its admin lets you act through its reseller's link and that link covers billing.`}
      actions={
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select label="From month" placeholder="Any" clearable data={MONTHS} value={from} onChange={setFrom} w={150} data-testid="billing-from" />
          <Select label="To month" placeholder="Now" clearable data={MONTHS} value={to} onChange={setTo} w={150} data-testid="billing-to" />
        </Group>
      }
    >
      <DataFreshness kind="invoices" />
      <ErrorAlert error={q.error} />
      {none && (
        <Text size="sm" c="dimmed" data-testid="reseller-billing-empty">
          {b.resellers.length === 0
            ? 'You have no resellers yet, so there is no billing to add up.'
            : b.customers === 0
              ? "No customer of your resellers lets you see its billing yet. Each customer's admin decides, link by link."
              : `The ${customersWords(b.customers)} that let you see their billing have no invoices for these months.`}
        </Text>
      )}
      {(b?.totals ?? []).map((t) => (
        <Stack key={t.currency} gap="sm">
          <SimpleGrid cols={{ base: 2, md: 4 }} data-testid="reseller-billing-totals">
            <Figure label="Billed" value={formatMoney(t.invoiced_cents, t.currency)} hint={`To ${customersWords(t.customers)}, cancelled invoices left out`} testId="figure-billed" />
            <Figure label="Paid" value={formatMoney(t.paid_cents, t.currency)} hint="Invoices paid in full" testId="figure-paid" />
            <Figure label="Still owed" value={formatMoney(t.outstanding_cents, t.currency)} hint="Open and overdue invoices" testId="figure-owed" />
            <Figure label="Overdue" value={formatMoney(t.overdue_cents, t.currency)} hint={t.overdue_cents > 0 ? 'Past the due date' : 'Nothing overdue'} testId="figure-overdue" />
          </SimpleGrid>
          <Chart
            title={`Billed and paid per reseller${b && b.totals.length > 1 ? ` (${t.currency})` : ''}`}
            description="Compare what each reseller's customers were billed with what they have paid."
            kind="bar"
            data={rows.filter((r) => r.money?.currency === t.currency).map((r) => ({ reseller: r.name, billed: r.money!.invoiced_cents, paid: r.money!.paid_cents }))}
            dataKey="reseller"
            series={[
              { name: 'billed', label: 'Billed', color: 'blue.6' },
              { name: 'paid', label: 'Paid', color: 'teal.6' },
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
        empty="You have no resellers yet."
        columns={[
          {
            key: 'name',
            title: 'Reseller',
            mobile: 'title',
            sortValue: (r) => r.name,
            render: (r) => (
              <Group gap={6} wrap="nowrap">
                <Text fw={500} fz="inherit">
                  {r.name}
                </Text>
                {r.status !== 'active' && (
                  <Badge color="gray" variant="light">
                    {r.status}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'customers', title: 'Customers counted', sortValue: (r) => r.customers, render: (r) => (r.customers === 0 ? 'None lets you see its billing' : customersWords(r.customers)) },
          { key: 'billed', title: 'Billed', align: 'right', sortValue: (r) => r.money?.invoiced_cents, render: (r) => (r.money ? formatMoney(r.money.invoiced_cents, r.money.currency) : '—') },
          { key: 'paid', title: 'Paid', align: 'right', sortValue: (r) => r.money?.paid_cents, render: (r) => (r.money ? formatMoney(r.money.paid_cents, r.money.currency) : '—') },
          { key: 'owed', title: 'Still owed', align: 'right', sortValue: (r) => r.money?.outstanding_cents, render: (r) => (r.money ? formatMoney(r.money.outstanding_cents, r.money.currency) : '—') },
          {
            key: 'overdue',
            title: 'Overdue',
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
