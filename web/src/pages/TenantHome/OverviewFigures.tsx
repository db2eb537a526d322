/**
 * The overview's figures: money overdue and the next invoice due, open tickets and how many wait for
 * the customer's reply, open alerts, unread notifications — each only when the person's role reads it
 * (absent, never $0.00 or "none", when it does not), each saying so when it could not be loaded, each
 * with a link to where it is dealt with. And invoiced per month as a chart, when there are months to compare.
 */
import type { ReactNode } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
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
import { defineMessages, type Message } from '../../i18n/define.ts';

const m = defineMessages({
  notLoaded: { id: 'tenant_home.figures.not_loaded', defaultMessage: 'Could not be loaded. Reload the page to try again.' },
  title: { id: 'tenant_home.figures.title', defaultMessage: 'At a glance' },
  overdueLabel: { id: 'tenant_home.figures.overdue', defaultMessage: 'Amount overdue' },
  noInvoicesYet: { id: 'tenant_home.figures.overdue.no_invoices', defaultMessage: 'No invoices yet' },
  notInvoicedYet: { id: 'tenant_home.figures.overdue.not_invoiced', defaultMessage: 'You have not been invoiced yet' },
  pastDue: { id: 'tenant_home.figures.overdue.past_due', defaultMessage: '{count, plural, one {# invoice is past the due date} other {# invoices are past the due date}}' },
  nothingPastDue: { id: 'tenant_home.figures.overdue.nothing_past_due', defaultMessage: 'Nothing is past its due date' },
  seeInvoices: { id: 'tenant_home.figures.overdue.link', defaultMessage: 'See invoices' },
  nextDueLabel: { id: 'tenant_home.figures.next_due', defaultMessage: 'Next invoice due' },
  noInvoiceToPay: { id: 'tenant_home.figures.next_due.none', defaultMessage: 'No invoice to pay' },
  dueOn: { id: 'tenant_home.figures.next_due.due', defaultMessage: 'Due {date}' },
  dueOnOfMany: { id: 'tenant_home.figures.next_due.due_of_many', defaultMessage: 'Due {date} · {count, plural, one {# open invoice} other {# open invoices}} in all' },
  dueSameDay: {
    id: 'tenant_home.figures.next_due.due_same_day',
    defaultMessage: '{count, plural, one {# invoice} other {# invoices}} due {date} · {total, plural, one {# open invoice} other {# open invoices}} in all',
  },
  noOpenInvoice: { id: 'tenant_home.figures.next_due.no_open_invoice', defaultMessage: 'No open invoice is waiting for payment' },
  ticketsLabel: { id: 'tenant_home.figures.tickets', defaultMessage: 'Open tickets' },
  ticketsWaiting: { id: 'tenant_home.figures.tickets.waiting', defaultMessage: '{count, plural, one {# ticket waits for your reply} other {# tickets wait for your reply}}' },
  noneWaits: { id: 'tenant_home.figures.tickets.none_waits', defaultMessage: 'None waits for your reply' },
  noOpenTicket: { id: 'tenant_home.figures.tickets.none_open', defaultMessage: 'No open support ticket' },
  seeTickets: { id: 'tenant_home.figures.tickets.link', defaultMessage: 'See tickets' },
  alertsLabel: { id: 'tenant_home.figures.alerts', defaultMessage: 'Open alerts' },
  alertedTo: { id: 'tenant_home.figures.alerts.alerted_to', defaultMessage: 'Your partners were alerted to {kinds}' },
  noAlert: { id: 'tenant_home.figures.alerts.none', defaultMessage: 'No missed service level or overdue invoice right now' },
  notificationsLabel: { id: 'tenant_home.figures.notifications', defaultMessage: 'Unread notifications' },
  allRead: { id: 'tenant_home.figures.notifications.all_read', defaultMessage: 'You have read everything' },
  openNotifications: { id: 'tenant_home.figures.notifications.link', defaultMessage: 'Open notifications' },
  chartTitle: { id: 'tenant_home.spending.title', defaultMessage: 'Invoiced per month' },
  chartDescription: { id: 'tenant_home.spending.description', defaultMessage: 'What your invoices came to each month, all billing accounts together.' },
  chartDescriptionIn: {
    id: 'tenant_home.spending.description_in_currency',
    defaultMessage: 'What your invoices came to each month, all billing accounts together (invoices in {currency}).',
  },
  chartSeries: { id: 'tenant_home.spending.series.invoiced', defaultMessage: 'Invoiced' },
});

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
              <FormattedMessage {...m.notLoaded} />
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

/** what partners are alerted to about this customer, in words */
const kindWords = defineMessages({
  invoice_overdue: { id: 'tenant_home.figures.alerts.kind.invoice_overdue', defaultMessage: '{count, plural, one {# overdue invoice} other {# overdue invoices}}' },
  sla_breach: { id: 'tenant_home.figures.alerts.kind.sla_breach', defaultMessage: '{count, plural, one {# missed service level} other {# missed service levels}}' },
  receivables_threshold: {
    id: 'tenant_home.figures.alerts.kind.receivables_threshold',
    defaultMessage: '{count, plural, one {# unpaid balance over their limit} other {# unpaid balances over their limit}}',
  },
});
const ALERT_KINDS: { kind: string; words: Message }[] = (['invoice_overdue', 'sla_breach', 'receivables_threshold'] as const).map((kind) => ({ kind, words: kindWords[kind] }));

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


type Loaded<T> = { data?: T; loading: boolean; error: unknown };

/** What the customer owes: overdue and next due, in the portal's language. */
function billingFigures(
  intl: IntlShape,
  summary: Loaded<Awaited<ReturnType<typeof overviewApi.summary>>>,
  overdue: Loaded<Awaited<ReturnType<typeof overviewApi.invoices>>>,
  nextDue: Loaded<Awaited<ReturnType<typeof overviewApi.invoices>>>,
  services: string,
): Figure[] {
  const out: Figure[] = [];
  const rec = summary.data?.receivables ?? [];
  const overdueCount = overdue.data?.total ?? 0;
  out.push({
    label: intl.formatMessage(m.overdueLabel),
    icon: <IconClockExclamation size={18} />,
    color: 'red',
    testId: 'figure-overdue',
    // no invoice at all is not "$0.00 overdue"
    value: rec.length === 0 ? intl.formatMessage(m.noInvoicesYet) : moneyList(rec.map((r) => ({ cents: r.overdue_cents, currency: r.currency }))),
    hint: intl.formatMessage(rec.length === 0 ? m.notInvoicedYet : overdueCount > 0 ? m.pastDue : m.nothingPastDue, { count: overdueCount }),
    loading: summary.loading || overdue.loading,
    error: summary.error ?? overdue.error,
    link: { to: `${services}?tab=invoices`, label: intl.formatMessage(m.seeInvoices) },
  });
  const next = nextDue.data?.data[0];
  // every invoice due that same day counts (two due on the 1st are both the next payment), each currency apart
  const sameDay = next ? (nextDue.data?.data ?? []).filter((i) => i.due_at.slice(0, 10) === next.due_at.slice(0, 10)) : [];
  const byCurrency = new Map<string, number>();
  for (const i of sameDay) byCurrency.set(i.currency, (byCurrency.get(i.currency) ?? 0) + i.balance_cents);
  const total = nextDue.data?.total ?? 1;
  out.push({
    label: intl.formatMessage(m.nextDueLabel),
    icon: <IconCalendarDue size={18} />,
    color: 'teal',
    testId: 'figure-next-due',
    value: next ? moneyList([...byCurrency].map(([currency, cents]) => ({ cents, currency }))) : intl.formatMessage(m.noInvoiceToPay),
    hint: next
      ? sameDay.length > 1
        ? intl.formatMessage(m.dueSameDay, { date: formatDate(next.due_at), count: sameDay.length, total })
        : intl.formatMessage(total > 1 ? m.dueOnOfMany : m.dueOn, { date: formatDate(next.due_at), count: total })
      : intl.formatMessage(m.noOpenInvoice),
    loading: nextDue.loading,
    error: nextDue.error,
  });
  return out;
}
export function OverviewFigures({ t }: { t: TenantMembershipDto }) {
  const intl = useIntl();
  const tenantId = t.tenant_id;
  const base = `/tenant/${tenantId}`;
  const billing = allows(t, 'billing.invoices.read');
  const tickets = allows(t, 'support.tickets.read');
  const alerts = allows(t, 'tenant.delegations.read');
  const services = `${base}/services`;

  const summary = useApiQuery(overviewKeys.summary(tenantId), () => overviewApi.summary(tenantId), { enabled: billing || tickets, staleTime: 30_000 });
  const nextDue = useApiQuery(overviewKeys.nextDue(tenantId), () => overviewApi.invoices(tenantId, { status: 'open', sort: 'due_at', limit: 50 }), { enabled: billing, staleTime: 30_000 });
  const overdue = useApiQuery(overviewKeys.overdueCount(tenantId), () => overviewApi.invoices(tenantId, { status: 'overdue', limit: 1 }), { enabled: billing, staleTime: 30_000 });
  const waitingTickets = useApiQuery(overviewKeys.waitingTickets(tenantId), () => overviewApi.tickets(tenantId, { status: 'waiting_on_customer', limit: 1 }), { enabled: tickets, staleTime: 30_000 });
  const openAlerts = useOpenAlerts(tenantId, alerts);
  const counts = useNotificationCounts();

  const figures: Figure[] = [];
  if (billing) figures.push(...billingFigures(intl, summary, overdue, nextDue, services));
  if (tickets) {
    const open = summary.data?.open_tickets ?? 0;
    const waiting = waitingTickets.data?.total ?? 0;
    figures.push({
      label: intl.formatMessage(m.ticketsLabel),
      icon: <IconTicket size={18} />,
      color: 'indigo',
      testId: 'figure-tickets',
      value: open,
      hint: intl.formatMessage(waiting > 0 ? m.ticketsWaiting : open > 0 ? m.noneWaits : m.noOpenTicket, { count: waiting }),
      loading: summary.loading || waitingTickets.loading,
      error: summary.error ?? waitingTickets.error,
      link: { to: `${services}?tab=tickets`, label: intl.formatMessage(m.seeTickets) },
    });
  }
  if (alerts) {
    const a = openAlerts.data;
    figures.push({
      label: intl.formatMessage(m.alertsLabel),
      icon: <IconAlertTriangle size={18} />,
      color: 'orange',
      testId: 'figure-alerts',
      value: a?.open ?? 0,
      hint:
        a && a.byKind.length > 0
          ? intl.formatMessage(m.alertedTo, { kinds: intl.formatList(a.byKind.map((k) => intl.formatMessage(k.words, { count: k.n })), { type: 'unit' }) })
          : intl.formatMessage(m.noAlert),
      loading: openAlerts.loading,
      error: openAlerts.error,
    });
  }
  figures.push({
    label: intl.formatMessage(m.notificationsLabel),
    icon: <IconBell size={18} />,
    color: 'blue',
    testId: 'figure-notifications',
    value: counts ? counts.unread : '',
    hint: counts && counts.unread === 0 ? intl.formatMessage(m.allRead) : undefined,
    loading: !counts,
    error: null,
    link: { to: '/notifications', label: intl.formatMessage(m.openNotifications) },
  });

  return (
    <section aria-labelledby="figures-title">
      <Title order={2} size="h4" mb="xs" id="figures-title">
        <FormattedMessage {...m.title} />
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
  const intl = useIntl();
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
      title={intl.formatMessage(m.chartTitle)}
      description={byCurrency.size > 1 ? intl.formatMessage(m.chartDescriptionIn, { currency }) : intl.formatMessage(m.chartDescription)}
      kind="bar"
      loading={q.loading}
      data={data}
      dataKey="month"
      series={[{ name: 'invoiced', label: intl.formatMessage(m.chartSeries), color: 'teal.6' }]}
      valueFormatter={(v) => formatMoney(Math.round(v * 100), currency)}
      height={220}
    />
  );
}
