/**
 * What the MSP workspace pages share: money and percentages in words, ticket and alert labels,
 * permissions in plain words, stat tiles, and the customer list with its per-customer figures.
 */
import type { ReactNode } from 'react';
import { Badge, Group, Paper, Text, ThemeIcon } from '@mantine/core';
import { mspApi, type CustomerFiguresOnly, type CustomerFiguresRow, type NewTicket, type Person, type Ticket, type TicketChange } from '../../api/msp.ts';
import { delegationsApi, type CustomerTenant, type DelegationDto } from '../../api/delegations.ts';
import { useApiQuery } from '../../query/query.ts';
import { useIntl, type IntlShape } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';
import { mspKeys } from '../../api/keys/msp.ts';

// money, percentages and periods: the portal's one formatter
export { formatMoney, formatPct, formatPercent, formatPeriod, PCT2 } from '../../components/format.ts';

/** "YYYY-MM" of `months` months before now */
export function monthsAgo(months: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const ticketStatus = defineMessages({
  open: { id: 'msp.ticket.status.open', defaultMessage: 'Open' },
  in_progress: { id: 'msp.ticket.status.in_progress', defaultMessage: 'In progress' },
  waiting_on_customer: { id: 'msp.ticket.status.waiting_on_customer', defaultMessage: 'Waiting on customer' },
  resolved: { id: 'msp.ticket.status.resolved', defaultMessage: 'Resolved' },
  closed: { id: 'msp.ticket.status.closed', defaultMessage: 'Closed' },
});
const ticketPriority = defineMessages({
  low: { id: 'msp.ticket.priority.low', defaultMessage: 'Low' },
  normal: { id: 'msp.ticket.priority.normal', defaultMessage: 'Normal' },
  high: { id: 'msp.ticket.priority.high', defaultMessage: 'High' },
  urgent: { id: 'msp.ticket.priority.urgent', defaultMessage: 'Urgent' },
});
const ticketCategory = defineMessages({
  technical: { id: 'msp.ticket.category.technical', defaultMessage: 'Technical' },
  billing: { id: 'msp.ticket.category.billing', defaultMessage: 'Billing' },
  service_request: { id: 'msp.ticket.category.service_request', defaultMessage: 'Service request' },
  other: { id: 'msp.ticket.category.other', defaultMessage: 'Other' },
});
const invoiceStatus = defineMessages({
  open: { id: 'msp.invoice.status.open', defaultMessage: 'Open' },
  overdue: { id: 'msp.invoice.status.overdue', defaultMessage: 'Overdue' },
  paid: { id: 'msp.invoice.status.paid', defaultMessage: 'Paid' },
  void: { id: 'msp.invoice.status.void', defaultMessage: 'Void' },
});
const alertKind = defineMessages({
  sla_breach: { id: 'msp.alert.kind.sla_breach', defaultMessage: 'SLA missed' },
  invoice_overdue: { id: 'msp.alert.kind.invoice_overdue', defaultMessage: 'Invoice overdue' },
  receivables_threshold: { id: 'msp.alert.kind.receivables_threshold', defaultMessage: 'Receivables over limit' },
});
const metric = defineMessages({
  data_gb: { id: 'msp.metric.data_gb', defaultMessage: 'Data' },
  data_gb_unit: { id: 'msp.metric.data_gb.unit', defaultMessage: 'GB' },
  voice_minutes: { id: 'msp.metric.voice_minutes', defaultMessage: 'Voice' },
  voice_minutes_unit: { id: 'msp.metric.voice_minutes.unit', defaultMessage: 'minutes' },
  sms_count: { id: 'msp.metric.sms_count', defaultMessage: 'SMS' },
  sms_count_unit: { id: 'msp.metric.sms_count.unit', defaultMessage: 'messages' },
});
const orderStatus = defineMessages({
  submitted: { id: 'msp.order.status.submitted', defaultMessage: 'Submitted' },
  in_progress: { id: 'msp.order.status.in_progress', defaultMessage: 'In progress' },
  completed: { id: 'msp.order.status.completed', defaultMessage: 'Completed' },
  cancelled: { id: 'msp.order.status.cancelled', defaultMessage: 'Cancelled' },
});
const m = defineMessages({
  forPartner: { id: 'msp.person.for_partner', defaultMessage: 'for {partner}' },
  anApp: { id: 'msp.person.connected_app', defaultMessage: 'A connected app' },
  yourOrganization: { id: 'msp.person.your_organization', defaultMessage: 'Your organization' },
  customerTeam: { id: 'msp.person.customer_team', defaultMessage: 'The customer’s team' },
  system: { id: 'msp.person.system', defaultMessage: 'The system' },
});

/** A value's badge: its words (a catalog message, or text already in the reader's words) and its colour. */
export type BadgeWords = { label: string | Message; color: string };

/** The badge maps in the reader's words: pass them to LabelBadge, or format `label` with intl. */
export const TICKET_STATUS_WORDS: Record<string, { label: Message; color: string }> = {
  open: { label: ticketStatus.open, color: 'blue' },
  in_progress: { label: ticketStatus.in_progress, color: 'indigo' },
  waiting_on_customer: { label: ticketStatus.waiting_on_customer, color: 'yellow' },
  resolved: { label: ticketStatus.resolved, color: 'teal' },
  closed: { label: ticketStatus.closed, color: 'gray' },
};
export const TICKET_PRIORITY_WORDS: Record<string, { label: Message; color: string }> = {
  low: { label: ticketPriority.low, color: 'gray' },
  normal: { label: ticketPriority.normal, color: 'blue' },
  high: { label: ticketPriority.high, color: 'orange' },
  urgent: { label: ticketPriority.urgent, color: 'red' },
};
export const TICKET_CATEGORY_WORDS: Record<string, Message> = ticketCategory;
export const INVOICE_STATUS_WORDS: Record<string, { label: Message; color: string }> = {
  open: { label: invoiceStatus.open, color: 'blue' },
  overdue: { label: invoiceStatus.overdue, color: 'red' },
  paid: { label: invoiceStatus.paid, color: 'teal' },
  void: { label: invoiceStatus.void, color: 'gray' },
};
export const ALERT_KIND_WORDS: Record<string, Message> = alertKind;
export const METRIC_WORDS: Record<string, { label: Message; unit: Message }> = {
  data_gb: { label: metric.data_gb, unit: metric.data_gb_unit },
  voice_minutes: { label: metric.voice_minutes, unit: metric.voice_minutes_unit },
  sms_count: { label: metric.sms_count, unit: metric.sms_count_unit },
};
export const ORDER_STATUS_WORDS: Record<string, { label: Message; color: string }> = {
  submitted: { label: orderStatus.submitted, color: 'blue' },
  in_progress: { label: orderStatus.in_progress, color: 'indigo' },
  completed: { label: orderStatus.completed, color: 'teal' },
  cancelled: { label: orderStatus.cancelled, color: 'gray' },
};

/** A map's values as Select options, in the reader's words. */
export function labelOptions(intl: IntlShape, map: Record<string, { label: Message } | Message>): { value: string; label: string }[] {
  return Object.entries(map).map(([value, x]) => ({ value, label: intl.formatMessage('label' in x ? x.label : x) }));
}

const english = <T extends { label: Message }>(map: Record<string, T>) =>
  Object.fromEntries(Object.entries(map).map(([k, x]) => [k, { ...x, label: x.label.defaultMessage }])) as Record<string, Omit<T, 'label'> & { label: string }>;

// The same maps in English only, for pages not yet speaking through the catalogs: use the *_WORDS maps instead.
/** @deprecated English only: use TICKET_STATUS_WORDS */
export const TICKET_STATUS: Record<string, { label: string; color: string }> = english(TICKET_STATUS_WORDS);
/** @deprecated English only: use TICKET_PRIORITY_WORDS */
export const TICKET_PRIORITY: Record<string, { label: string; color: string }> = english(TICKET_PRIORITY_WORDS);
/** The values the ticket endpoints take (checked against the generated request types). */
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const satisfies readonly NonNullable<TicketChange['status']>[];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly NonNullable<TicketChange['priority']>[];
export const TICKET_CATEGORIES = ['technical', 'billing', 'service_request', 'other'] as const satisfies readonly NonNullable<NewTicket['category']>[];
export { chosen } from '../../api/schema.ts';
/** @deprecated English only: use TICKET_CATEGORY_WORDS */
export const TICKET_CATEGORY: Record<string, string> = Object.fromEntries(Object.entries(ticketCategory).map(([k, x]) => [k, x.defaultMessage]));
/** @deprecated English only: use INVOICE_STATUS_WORDS */
export const INVOICE_STATUS: Record<string, { label: string; color: string }> = english(INVOICE_STATUS_WORDS);
/** @deprecated English only: use ALERT_KIND_WORDS */
export const ALERT_KIND: Record<string, string> = Object.fromEntries(Object.entries(alertKind).map(([k, x]) => [k, x.defaultMessage]));
/** @deprecated English only: use METRIC_WORDS */
export const METRIC: Record<string, { label: string; unit: string }> = Object.fromEntries(
  Object.entries(METRIC_WORDS).map(([k, x]) => [k, { label: x.label.defaultMessage, unit: x.unit.defaultMessage }]),
);
/** @deprecated English only: use ORDER_STATUS_WORDS */
export const ORDER_STATUS: Record<string, { label: string; color: string }> = english(ORDER_STATUS_WORDS);
export const OPEN_TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_customer'];

/** A value as a coloured badge; `map` gives its words (a message, or text already in the reader's words), else the value itself. */
export function LabelBadge({ value, map }: { value: string; map: Record<string, BadgeWords> }) {
  const intl = useIntl();
  const x = map[value] ?? { label: value.replace(/_/g, ' '), color: 'gray' };
  return (
    <Badge color={x.color} variant="light" data-status={value}>
      {typeof x.label === 'string' ? x.label : intl.formatMessage(x.label)}
    </Badge>
  );
}

/** A person as a reader knows them: "Stella Staff (stella@fabrikam.demo) · Fabrikam MSP". */
export function personLabel(p: Person | null | undefined, fallback = '—'): string {
  if (!p) return fallback;
  return `${p.name} (${p.email})${p.partner_name ? ` · ${p.partner_name}` : ''}`;
}

export function PersonText({ person, actorType, actor }: { person?: Person | null; actorType?: string; actor?: { type: string; partner_id: string | null } }) {
  const intl = useIntl();
  if (person) {
    return (
      <div>
        <Text fz="inherit">
          {person.name} <Text span c="dimmed" fz="xs">{person.email}</Text>
        </Text>
        {person.partner_name && (
          <Text size="xs" c="dimmed">
            {intl.formatMessage(m.forPartner, { partner: person.partner_name })}
          </Text>
        )}
      </div>
    );
  }
  const type = actor?.type ?? actorType;
  const who = type === 'app' ? m.anApp : actor?.partner_id ? m.yourOrganization : type === 'user' ? m.customerTeam : m.system;
  return (
    <Text fz="inherit" c="dimmed">
      {intl.formatMessage(who)}
    </Text>
  );
}

export function StatTile({ label, value, hint, icon, color = 'blue', testId }: { label: string; value: ReactNode; hint?: ReactNode; icon: ReactNode; color?: string; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {label}
          </Text>
          <Text fw={700} fz={22} mt={4} data-testid={testId ? `${testId}-value` : undefined}>
            {value}
          </Text>
          {hint && (
            <Text size="xs" c="dimmed" mt={2}>
              {hint}
            </Text>
          )}
        </div>
        <ThemeIcon variant="light" color={color} size="lg" radius="md">
          {icon}
        </ThemeIcon>
      </Group>
    </Paper>
  );
}

// The permission words live with the components that show them; pages import them from here too.
export { PERMISSION_AREAS, usePermissionWords } from '../../components/permissionWords.ts';

/** A customer's figures (in USD when it has no invoices yet); a null figure is one the member's access does not show. */
export type CustomerFigures = Omit<CustomerFiguresOnly, 'tenant_id' | 'tenant_name' | 'currency'> & { currency: string };

export interface ManagedCustomer {
  tenant: CustomerTenant;
  delegation: DelegationDto;
  metrics: CustomerFigures | null;
}

/** A figures row as the pages show it. */
export function figuresOf(c: CustomerFiguresOnly): CustomerFigures {
  return { outstanding_cents: c.outstanding_cents, overdue_cents: c.overdue_cents, currency: c.currency ?? 'USD', open_tickets: c.open_tickets, sla_compliance_pct: c.sla_compliance_pct };
}

/**
 * The customers the partner manages with their figures: the list of links, and each active
 * customer's figures from the server (a page of 200 at a time), joined by customer; `figures: false`
 * leaves the figures out (a page that reads them a server-sorted page at a time); `waiting`: only the
 * requests still waiting (that page's active customers come with their link in the figures).
 */
export function useManagedCustomers(opts: { history?: boolean; figures?: boolean; waiting?: boolean } = {}) {
  const status = opts.history ? 'expired,revoked,rejected' : opts.waiting ? 'requested' : 'requested,active';
  // asked afresh each time a page opens: a customer may have ended the access meanwhile (a link revoked, a distributor's access turned off)
  const list = useApiQuery(mspKeys.customers(status), () => allCustomers(status), { staleTime: 0 });
  const figures = useApiQuery(mspKeys.customerFigures, () => allFigures().catch(() => null), { enabled: !opts.history && opts.figures !== false });
  const byTenant = new Map((figures.data ?? []).map((c) => [c.tenant_id, c]));
  const rows: ManagedCustomer[] = (list.data?.data ?? []).map((r) => {
    const c = r.delegation.status === 'active' ? byTenant.get(r.tenant.id) : undefined;
    return { ...r, metrics: c ? figuresOf(c) : null };
  });
  return { rows, loading: list.loading, error: list.error, reload: list.reload };
}

/** Every managed customer's figures: pages of 200 by offset while the server reports more (as allCustomers). */
async function allFigures(): Promise<CustomerFiguresRow[]> {
  const first = await mspApi.customerFigures({ limit: 200 });
  const data = [...first.data];
  while (data.length < first.total && data.length < 5_000) {
    const next = await mspApi.customerFigures({ limit: 200, offset: data.length });
    if (next.data.length === 0) break;
    data.push(...next.data);
  }
  return data;
}

/** Every customer of the partner: pages of 200 by offset while the server reports more (an MSP may manage a thousand). */
async function allCustomers(status: string) {
  const first = await delegationsApi.customers(status);
  const data = [...first.data];
  const total = (first as { total?: number }).total;
  while (total !== undefined && data.length < total && data.length < 5_000) {
    const next = await delegationsApi.customers(status, data.length);
    if (next.data.length === 0) break;
    data.push(...next.data);
  }
  return { ...first, data };
}

/** Open tickets (open, in progress, waiting) across every customer. */
export async function openTickets(): Promise<Ticket[]> {
  const pages = await Promise.all(OPEN_TICKET_STATUSES.map((status) => mspApi.tickets({ status }).catch(() => ({ data: [] as Ticket[], next_cursor: null }))));
  return pages.flatMap((p) => p.data);
}
