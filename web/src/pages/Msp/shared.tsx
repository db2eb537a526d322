/**
 * What the MSP workspace pages share: money and percentages in words, ticket and alert labels,
 * permissions in plain words, stat tiles, and the customer list with its per-customer figures.
 */
import type { ReactNode } from 'react';
import { Badge, Group, Paper, Text, ThemeIcon } from '@mantine/core';
import { mspApi, type CustomerFiguresRow, type NewTicket, type Person, type Ticket, type TicketChange } from '../../api/msp.ts';
import { delegationsApi, type CustomerTenant, type DelegationDto } from '../../api/delegations.ts';
import { useApiQuery } from '../../query/query.ts';
import { mspKeys } from '../../api/keys/msp.ts';

// money, percentages and periods: the portal's one formatter
export { formatMoney, formatPct, formatPeriod } from '../../components/format.ts';

/** "YYYY-MM" of `months` months before now */
export function monthsAgo(months: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export const TICKET_STATUS: Record<string, { label: string; color: string }> = {
  open: { label: 'Open', color: 'blue' },
  in_progress: { label: 'In progress', color: 'indigo' },
  waiting_on_customer: { label: 'Waiting on customer', color: 'yellow' },
  resolved: { label: 'Resolved', color: 'teal' },
  closed: { label: 'Closed', color: 'gray' },
};
export const TICKET_PRIORITY: Record<string, { label: string; color: string }> = {
  low: { label: 'Low', color: 'gray' },
  normal: { label: 'Normal', color: 'blue' },
  high: { label: 'High', color: 'orange' },
  urgent: { label: 'Urgent', color: 'red' },
};
/** The values the ticket endpoints take (checked against the generated request types). */
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const satisfies readonly NonNullable<TicketChange['status']>[];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly NonNullable<TicketChange['priority']>[];
export const TICKET_CATEGORIES = ['technical', 'billing', 'service_request', 'other'] as const satisfies readonly NonNullable<NewTicket['category']>[];
export { chosen } from '../../api/schema.ts';
export const TICKET_CATEGORY: Record<string, string> = { technical: 'Technical', billing: 'Billing', service_request: 'Service request', other: 'Other' };
export const INVOICE_STATUS: Record<string, { label: string; color: string }> = {
  open: { label: 'Open', color: 'blue' },
  overdue: { label: 'Overdue', color: 'red' },
  paid: { label: 'Paid', color: 'teal' },
  void: { label: 'Void', color: 'gray' },
};
export const ALERT_KIND: Record<string, string> = {
  sla_breach: 'SLA missed',
  invoice_overdue: 'Invoice overdue',
  receivables_threshold: 'Receivables over limit',
};
export const METRIC: Record<string, { label: string; unit: string }> = {
  data_gb: { label: 'Data', unit: 'GB' },
  voice_minutes: { label: 'Voice', unit: 'minutes' },
  sms_count: { label: 'SMS', unit: 'messages' },
};
export const ORDER_STATUS: Record<string, { label: string; color: string }> = {
  submitted: { label: 'Submitted', color: 'blue' },
  in_progress: { label: 'In progress', color: 'indigo' },
  completed: { label: 'Completed', color: 'teal' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};
export const OPEN_TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_customer'];

export function LabelBadge({ value, map }: { value: string; map: Record<string, { label: string; color: string }> }) {
  const x = map[value] ?? { label: value.replace(/_/g, ' '), color: 'gray' };
  return (
    <Badge color={x.color} variant="light" data-status={value}>
      {x.label}
    </Badge>
  );
}

/** A person as a reader knows them: "Stella Staff (stella@fabrikam.demo) · Fabrikam MSP". */
export function personLabel(p: Person | null | undefined, fallback = '—'): string {
  if (!p) return fallback;
  return `${p.name} (${p.email})${p.partner_name ? ` · ${p.partner_name}` : ''}`;
}

export function PersonText({ person, actorType, actor }: { person?: Person | null; actorType?: string; actor?: { type: string; partner_id: string | null } }) {
  if (person) {
    return (
      <div>
        <Text fz="inherit">
          {person.name} <Text span c="dimmed" fz="xs">{person.email}</Text>
        </Text>
        {person.partner_name && (
          <Text size="xs" c="dimmed">
            for {person.partner_name}
          </Text>
        )}
      </div>
    );
  }
  const type = actor?.type ?? actorType;
  const who = type === 'app' ? 'A connected app' : actor?.partner_id ? 'Your organization' : type === 'user' ? 'The customer’s team' : 'The system';
  return (
    <Text fz="inherit" c="dimmed">
      {who}
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
export type CustomerFigures = Omit<CustomerFiguresRow, 'tenant_id' | 'tenant_name' | 'currency'> & { currency: string };

export interface ManagedCustomer {
  tenant: CustomerTenant;
  delegation: DelegationDto;
  metrics: CustomerFigures | null;
}

/** A figures row as the pages show it. */
export function figuresOf(c: CustomerFiguresRow): CustomerFigures {
  return { outstanding_cents: c.outstanding_cents, overdue_cents: c.overdue_cents, currency: c.currency ?? 'USD', open_tickets: c.open_tickets, sla_compliance_pct: c.sla_compliance_pct };
}

/**
 * The customers the partner manages with their figures: the list of links, and each active
 * customer's figures from the server (a page of 200 at a time), joined by customer.
 */
export function useManagedCustomers(opts: { history?: boolean } = {}) {
  const status = opts.history ? 'expired,revoked,rejected' : 'requested,active';
  // asked afresh each time a page opens: a customer may have ended the access meanwhile (a link revoked, a distributor's access turned off)
  const list = useApiQuery(mspKeys.customers(status), () => allCustomers(status), { staleTime: 0 });
  const figures = useApiQuery(mspKeys.customerFigures, () => allFigures().catch(() => null), { enabled: !opts.history });
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
