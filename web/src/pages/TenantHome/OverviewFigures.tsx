/**
 * The overview's figures: money overdue and the next invoice due, open tickets and how many wait for
 * the customer's reply, open alerts, unread notifications — each only when the person's role reads it
 * (absent, never $0.00 or "none", when it does not), each saying so when it could not be loaded, each
 * with a link to where it is dealt with. And invoiced per month as a chart, when there are months to compare.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Anchor, Group, Paper, SimpleGrid, Skeleton, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconBell, IconCalendarDue, IconClockExclamation, IconTicket } from '@tabler/icons-react';
import type { TenantMembershipDto } from '../../api/index.ts';
import { overviewApi } from '../../api/tenantOverview.ts';
import { overviewKeys } from '../../api/keys/tenantOverview.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { useNotificationCounts } from '../../components/NotificationBell.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { formatMoney, formatPeriod, monthsAgo } from '../Msp/shared.tsx';

interface Figure {
  label: string;
  icon: ReactNode;
  color: string;
  testId: string;
  value: ReactNode;
  hint?: ReactNode;
  loading: boolean;
  error: unknown;
  link?: { to: string; label: string };
}

function FigureTile({ f }: { f: Figure }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={f.testId} data-state={f.error ? 'error' : f.loading ? 'loading' : 'ready'}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {f.label}
          </Text>
          {f.error ? (
            <Text size="sm" c="red.8" mt={6} role="status">
              Could not be loaded. Reload the page to try again.
            </Text>
          ) : f.loading ? (
            <Skeleton h={26} w={110} mt={6} />
          ) : (
            <>
              <Text fw={700} fz={22} mt={4} data-testid={`${f.testId}-value`}>
                {f.value}
              </Text>
              {f.hint && (
                <Text size="xs" c="dimmed" mt={2}>
                  {f.hint}
                </Text>
              )}
            </>
          )}
          {f.link && (
            <Anchor component={Link} to={f.link.to} size="sm" mt={6} display="inline-block">
              {f.link.label}
            </Anchor>
          )}
        </div>
        <ThemeIcon variant="light" color={f.color} size="lg" radius="md" aria-hidden>
          {f.icon}
        </ThemeIcon>
      </Group>
    </Paper>
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** what partners are alerted to about this customer, in words */
const ALERT_KINDS = [
  { kind: 'invoice_overdue', one: 'overdue invoice', many: 'overdue invoices' },
  { kind: 'sla_breach', one: 'missed service level', many: 'missed service levels' },
  { kind: 'receivables_threshold', one: 'unpaid balance over their limit', many: 'unpaid balances over their limit' },
];

/** Amounts in each currency: "$1,200.00" or "$1,200.00 + €300.00". */
function moneyList(rows: { cents: number; currency: string }[]): string {
  const nonZero = rows.filter((r) => r.cents !== 0);
  if (nonZero.length === 0) return formatMoney(0, rows[0]?.currency ?? 'USD');
  return nonZero.map((r) => formatMoney(r.cents, r.currency)).join(' + ');
}

/** The open alerts about the tenant, counted by kind (one small page per kind: its total). */
function useOpenAlerts(tenantId: string, enabled: boolean) {
  return useApiQuery(
    overviewKeys.alerts(tenantId),
    async () => {
      const pages = await Promise.all(ALERT_KINDS.map((k) => overviewApi.alerts(tenantId, { status: 'open', kind: k.kind, limit: 1 })));
      return { open: pages[0].counts.open, byKind: ALERT_KINDS.map((k, i) => ({ ...k, n: pages[i].total })).filter((k) => k.n > 0) };
    },
    { enabled, staleTime: 30_000 },
  );
}

export function OverviewFigures({ t }: { t: TenantMembershipDto }) {
  const tenantId = t.tenant_id;
  const base = `/tenant/${tenantId}`;
  const billing = allows(t, 'billing.invoices.read');
  const tickets = allows(t, 'support.tickets.read');
  const alerts = allows(t, 'tenant.delegations.read');
  const services = `${base}/services`;

  const summary = useApiQuery(overviewKeys.summary(tenantId), () => overviewApi.summary(tenantId), { enabled: billing || tickets, staleTime: 30_000 });
  const nextDue = useApiQuery(overviewKeys.nextDue(tenantId), () => overviewApi.invoices(tenantId, { status: 'open', sort: 'due_at', limit: 1 }), { enabled: billing, staleTime: 30_000 });
  const overdue = useApiQuery(overviewKeys.overdueCount(tenantId), () => overviewApi.invoices(tenantId, { status: 'overdue', limit: 1 }), { enabled: billing, staleTime: 30_000 });
  const waitingTickets = useApiQuery(overviewKeys.waitingTickets(tenantId), () => overviewApi.tickets(tenantId, { status: 'waiting_on_customer', limit: 1 }), { enabled: tickets, staleTime: 30_000 });
  const openAlerts = useOpenAlerts(tenantId, alerts);
  const counts = useNotificationCounts();

  const figures: Figure[] = [];
  if (billing) {
    const rec = summary.data?.receivables ?? [];
    const overdueCount = overdue.data?.total ?? 0;
    figures.push({
      label: 'Amount overdue',
      icon: <IconClockExclamation size={18} />,
      color: 'red',
      testId: 'figure-overdue',
      // no invoice at all is not "$0.00 overdue"
      value: rec.length === 0 ? 'No invoices yet' : moneyList(rec.map((r) => ({ cents: r.overdue_cents, currency: r.currency }))),
      hint: rec.length === 0 ? 'You have not been invoiced yet' : overdueCount > 0 ? `${plural(overdueCount, 'invoice is', 'invoices are')} past the due date` : 'Nothing is past its due date',
      loading: summary.loading || overdue.loading,
      error: summary.error ?? overdue.error,
      link: { to: services, label: 'See invoices' },
    });
    const next = nextDue.data?.data[0];
    figures.push({
      label: 'Next invoice due',
      icon: <IconCalendarDue size={18} />,
      color: 'teal',
      testId: 'figure-next-due',
      value: next ? formatMoney(next.balance_cents, next.currency) : 'No invoice to pay',
      hint: next ? `Due ${formatDate(next.due_at)}${(nextDue.data?.total ?? 1) > 1 ? ` · ${plural(nextDue.data!.total, 'open invoice', 'open invoices')} in all` : ''}` : 'No open invoice is waiting for payment',
      loading: nextDue.loading,
      error: nextDue.error,
    });
  }
  if (tickets) {
    const open = summary.data?.open_tickets ?? 0;
    const waiting = waitingTickets.data?.total ?? 0;
    figures.push({
      label: 'Open tickets',
      icon: <IconTicket size={18} />,
      color: 'indigo',
      testId: 'figure-tickets',
      value: open,
      hint: waiting > 0 ? `${plural(waiting, 'ticket waits', 'tickets wait')} for your reply` : open > 0 ? 'None waits for your reply' : 'No open support ticket',
      loading: summary.loading || waitingTickets.loading,
      error: summary.error ?? waitingTickets.error,
      link: { to: services, label: 'See tickets' },
    });
  }
  if (alerts) {
    const a = openAlerts.data;
    figures.push({
      label: 'Open alerts',
      icon: <IconAlertTriangle size={18} />,
      color: 'orange',
      testId: 'figure-alerts',
      value: a?.open ?? 0,
      hint: a && a.byKind.length > 0 ? `Your partners were alerted to ${a.byKind.map((k) => plural(k.n, k.one, k.many)).join(', ')}` : 'No missed service level or overdue invoice right now',
      loading: openAlerts.loading,
      error: openAlerts.error,
    });
  }
  figures.push({
    label: 'Unread notifications',
    icon: <IconBell size={18} />,
    color: 'blue',
    testId: 'figure-notifications',
    value: counts ? counts.unread : '',
    hint: counts && counts.unread === 0 ? 'You have read everything' : undefined,
    loading: !counts,
    error: null,
    link: { to: '/notifications', label: 'Open notifications' },
  });

  return (
    <section aria-labelledby="figures-title">
      <Title order={3} size="h4" mb="xs" id="figures-title">
        At a glance
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: figures.length === 4 ? 2 : 3, lg: figures.length === 4 ? 4 : 3, xl: Math.min(figures.length, 5) }} data-testid="overview-figures">
        {figures.map((f) => (
          <FigureTile key={f.testId} f={f} />
        ))}
      </SimpleGrid>
    </section>
  );
}

/** Invoiced per month over the last year, in the currency most invoices are in; nothing when there are not two months to compare. */
export function SpendingChart({ t }: { t: TenantMembershipDto }) {
  const tenantId = t.tenant_id;
  const from = monthsAgo(11);
  const q = useApiQuery(overviewKeys.spending(tenantId, from), () => overviewApi.invoices(tenantId, { period_from: from, sort: 'period', limit: 200 }), { enabled: allows(t, 'billing.invoices.read'), staleTime: 60_000 });
  if (!allows(t, 'billing.invoices.read') || q.error) return null;
  const rows = (q.data?.data ?? []).filter((i) => i.status !== 'void');
  const byCurrency = new Map<string, number>();
  for (const i of rows) byCurrency.set(i.currency, (byCurrency.get(i.currency) ?? 0) + 1);
  const currency = [...byCurrency.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'USD';
  const perMonth = new Map<string, number>();
  for (const i of rows) if (i.currency === currency) perMonth.set(i.period, (perMonth.get(i.period) ?? 0) + i.total_cents);
  const data = [...perMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([period, cents]) => ({ month: formatPeriod(period), invoiced: cents / 100 }));
  if (!q.loading && data.length < 2) return null;
  return (
    <Chart
      title="Invoiced per month"
      description={`What your invoices came to each month, all billing accounts together${byCurrency.size > 1 ? ` (invoices in ${currency})` : ''}.`}
      kind="bar"
      loading={q.loading}
      data={data}
      dataKey="month"
      series={[{ name: 'invoiced', label: 'Invoiced', color: 'teal.6' }]}
      valueFormatter={(v) => formatMoney(Math.round(v * 100), currency)}
      height={220}
    />
  );
}
