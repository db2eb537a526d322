/** The resource rows as the API answers them, and the people fields the service adds. */
import type * as repo from './resources.repo.ts';
import type { ListKind } from './resource-lists.ts';
import type { Person } from './people.ts';

// ---- DTOs -----------------------------------------------------------------------------------

/** A ticket comment: who wrote it (a user id, or the partner person's) and, for a partner person, the partner. */
export interface TicketComment {
  at: string;
  by: string;
  by_partner_id?: string | null;
  text: string;
  by_name?: string;
  by_partner_name?: string | null;
}

type Actor = { user_id: string | null; partner_id: string | null };
/** What withPeople reads of an order or a ticket. */
export interface WithActors {
  tenant_id?: string;
  placed_by?: Actor;
  opened_by?: Actor;
  assignee?: string | null;
  comments?: TicketComment[];
}

export interface PeopleFields {
  placed_by_person?: Person | null;
  opened_by_person?: Person | null;
  assignee_person?: Person | null;
}

interface AccountFields {
  ban_account_number: string | null;
  ban_name: string | null;
}
/** An invoice's billing account, by its number (BAN) and name, as the list joined them. */
const accountOf = (r: Partial<AccountFields>): AccountFields => ({ ban_account_number: r.ban_account_number ?? null, ban_name: r.ban_name ?? null });

export interface KindRow {
  orders: repo.OrderRow;
  services: repo.ServiceRow;
  invoices: repo.InvoiceRow & Partial<AccountFields>;
  tickets: repo.TicketRow;
  usage: repo.UsageRow;
  sla: repo.SlaRow;
  subscribers: repo.SubscriberRow;
}
export interface KindDto {
  orders: ReturnType<typeof toOrderDto>;
  services: ReturnType<typeof toServiceDto>;
  invoices: ReturnType<typeof toInvoiceDto> & AccountFields;
  tickets: ReturnType<typeof toTicketDto>;
  usage: ReturnType<typeof toUsageDto>;
  sla: ReturnType<typeof toSlaDto>;
  subscribers: ReturnType<typeof toSubscriberDto>;
}
export const DTO_OF: { [K in ListKind]: (r: KindRow[K], now: string) => KindDto[K] } = {
  orders: (r, now) => toOrderDto(r, now),
  services: (r) => toServiceDto(r),
  invoices: (r) => ({ ...toInvoiceDto(r), ...accountOf(r) }),
  tickets: (r, now) => toTicketDto(r, now),
  usage: (r) => toUsageDto(r),
  sla: (r) => toSlaDto(r),
  subscribers: (r) => toSubscriberDto(r),
};

type Sent = Pick<repo.OrderRow, 'write_state' | 'write_sent_to' | 'write_sent_at' | 'write_confirm_by'>;

/**
 * Where a record sent to the provider's system stands at `now` (ISO time, the service's clock):
 * waiting for its source to send it back, overdue past the operator's time limit, or confirmed.
 * null for a record never sent (the reference service's, or one its source created).
 */
export function confirmationOf(r: Sent, now: string) {
  if (r.write_state === null || r.write_sent_at === null) return null;
  const confirmBy = r.write_confirm_by ?? r.write_sent_at;
  const state: 'waiting' | 'overdue' | 'confirmed' = r.write_state === 'confirmed' ? 'confirmed' : now > confirmBy ? 'overdue' : 'waiting';
  return { state, provider_name: r.write_sent_to ?? 'the provider', sent_at: r.write_sent_at, confirm_by: confirmBy };
}

export function toOrderDto(o: repo.OrderRow, now: string) {
  return {
    id: o.id,
    tenant_id: o.tenant_id,
    ban_id: o.ban_id,
    bill_to_ban_id: o.bill_to_ban_id,
    product_code: o.product_code,
    product_name: o.product_name,
    quantity: o.quantity,
    unit_price_cents: o.unit_price_cents,
    total_cents: o.total_cents,
    currency: o.currency,
    status: o.status,
    notes: o.notes,
    placed_by: { type: o.placed_by_type, user_id: o.placed_by_user_id, client_id: o.placed_by_client_id, partner_id: o.placed_by_partner_id },
    delegation_id: o.delegation_id,
    persona: o.persona,
    created_at: o.created_at,
    updated_at: o.updated_at,
    cancelled_at: o.cancelled_at,
    confirmation: confirmationOf(o, now),
  };
}

/** A subscriber: the provider's end customer under a customer, on one of its billing accounts. */
export function toSubscriberDto(s: repo.SubscriberRow) {
  return {
    id: s.id,
    tenant_id: s.tenant_id,
    ban_id: s.ban_id,
    number: s.number,
    name: s.name,
    email: s.email,
    phone: s.phone,
    plan: s.plan,
    service_address: s.service_address,
    status: s.status,
    activated_at: s.activated_at,
    updated_at: s.updated_at,
  };
}

export function toServiceDto(s: repo.ServiceRow) {
  return {
    id: s.id,
    tenant_id: s.tenant_id,
    ban_id: s.ban_id,
    order_id: s.order_id,
    product_code: s.product_code,
    name: s.name,
    status: s.status,
    location: s.location,
    bandwidth_mbps: s.bandwidth_mbps,
    monthly_price_cents: s.monthly_price_cents,
    currency: s.currency,
    activated_at: s.activated_at,
    created_at: s.created_at,
  };
}

export function toInvoiceDto(i: repo.InvoiceRow) {
  return {
    id: i.id,
    tenant_id: i.tenant_id,
    ban_id: i.ban_id,
    number: i.number,
    period: i.period,
    issued_at: i.issued_at,
    due_at: i.due_at,
    currency: i.currency,
    subtotal_cents: i.subtotal_cents,
    tax_cents: i.tax_cents,
    total_cents: i.total_cents,
    balance_cents: i.balance_cents,
    status: i.status,
    paid_at: i.paid_at,
  };
}

export function toTicketDto(t: repo.TicketRow, now: string) {
  return {
    id: t.id,
    tenant_id: t.tenant_id,
    ban_id: t.ban_id,
    number: t.number,
    subject: t.subject,
    description: t.description,
    category: t.category,
    priority: t.priority,
    status: t.status,
    assignee: t.assignee,
    comments: JSON.parse(t.comments) as TicketComment[],
    opened_by: { type: t.opened_by_type, user_id: t.opened_by_user_id, client_id: t.opened_by_client_id, partner_id: t.opened_by_partner_id },
    delegation_id: t.delegation_id,
    created_at: t.created_at,
    updated_at: t.updated_at,
    resolved_at: t.resolved_at,
    confirmation: confirmationOf(t, now),
  };
}

export function toUsageDto(u: repo.UsageRow) {
  return { id: u.id, tenant_id: u.tenant_id, ban_id: u.ban_id, service_id: u.service_id, period: u.period, metric: u.metric, quantity: u.quantity, amount_cents: u.amount_cents, currency: u.currency, recorded_at: u.recorded_at };
}

export function toSlaDto(s: repo.SlaRow) {
  return {
    id: s.id,
    tenant_id: s.tenant_id,
    ban_id: s.ban_id,
    service_id: s.service_id,
    period: s.period,
    target_pct: s.target_pct,
    achieved_pct: s.achieved_pct,
    downtime_minutes: s.downtime_minutes,
    incidents: s.incidents,
    status: s.status,
    recorded_at: s.recorded_at,
  };
}
