/** Wire shapes of the reference resource service (validated by the upstream, documented by the gateway). */
import { Type, Strict, Id, Nullable, PageQuery } from '../../platform/http/schemas.ts';
import { PRODUCTS } from './resources.service.ts';

const BanRef = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'a billing account id (ban_…) or account number' });
const Period = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM', examples: ['2025-06'] });
const Cents = Type.Integer({ description: 'amount in cents of the currency' });

export const ListQuery = Strict({ ...PageQuery, ban: Type.Optional(BanRef) });
export const OrderListQuery = Strict({ ...PageQuery, ban: Type.Optional(BanRef), status: Type.Optional(Type.Union(['submitted', 'in_progress', 'completed', 'cancelled'].map((s) => Type.Literal(s)))) });
export const ServiceListQuery = Strict({ ...PageQuery, ban: Type.Optional(BanRef), status: Type.Optional(Type.Union(['pending', 'active', 'suspended', 'terminated'].map((s) => Type.Literal(s)))) });
export const InvoiceListQuery = Strict({
  ...PageQuery,
  ban: Type.Optional(BanRef),
  status: Type.Optional(Type.Union(['open', 'paid', 'overdue', 'void'].map((s) => Type.Literal(s)))),
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
});
export const TicketStatus = Type.Union(['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'].map((s) => Type.Literal(s)));
export const TicketPriority = Type.Union(['low', 'normal', 'high', 'urgent'].map((s) => Type.Literal(s)));
export const TicketCategory = Type.Union(['billing', 'technical', 'service_request', 'other'].map((s) => Type.Literal(s)));
export const TicketListQuery = Strict({ ...PageQuery, ban: Type.Optional(BanRef), status: Type.Optional(TicketStatus), priority: Type.Optional(TicketPriority) });
export const UsageListQuery = Strict({
  ...PageQuery,
  ban: Type.Optional(BanRef),
  metric: Type.Optional(Type.Union(['data_gb', 'voice_minutes', 'sms_count'].map((s) => Type.Literal(s)))),
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
});
export const SlaListQuery = Strict({
  ...PageQuery,
  ban: Type.Optional(BanRef),
  status: Type.Optional(Type.Union([Type.Literal('met'), Type.Literal('breached')])),
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
});

export const VoucherListQuery = Strict({
  ...PageQuery,
  ban: Type.Optional(BanRef),
  status: Type.Optional(Type.Union(['issued', 'redeemed', 'void'].map((x) => Type.Literal(x)))),
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export const VoucherLookupQuery = Strict({ code: Type.String({ minLength: 4, maxLength: 64, description: 'the code as the customer typed it' }) });
export const IssueVoucherBody = Strict({
  type: Type.String({ minLength: 1, maxLength: 64, description: 'a voucher type (credit_10, credit_25, credit_50, free_installation, speed_boost_1m, data_boost_50gb)' }),
  ban_id: Type.Optional(BanRef),
  recipient_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  recipient_email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export const ProductCode = Type.Union(
  PRODUCTS.map((p) => Type.Literal(p.code)),
  { description: PRODUCTS.map((p) => `${p.code}: ${p.name}`).join('; ') },
);

export const PlaceOrderBody = Strict({
  ban_id: Type.Optional(BanRef),
  product_code: ProductCode,
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1 })),
  notes: Type.Optional(Type.String({ maxLength: 2000 })),
});

export const OpenTicketBody = Strict({
  subject: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ minLength: 1, maxLength: 10_000 }),
  category: Type.Optional(TicketCategory),
  priority: Type.Optional(TicketPriority),
  ban_id: Type.Optional(BanRef),
});

export const UpdateTicketBody = Strict({
  status: Type.Optional(TicketStatus),
  priority: Type.Optional(TicketPriority),
  assignee: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  comment: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
});

export const OrderParams = Strict({ order_id: Id('ord') });
export const InvoiceParams = Strict({ invoice_id: Id('ivc') });
export const TicketParams = Strict({ ticket_id: Id('tkt') });

const Actor = Type.Object({ type: Type.String(), user_id: Nullable(Type.String()), client_id: Nullable(Type.String()), partner_id: Nullable(Type.String()) });

/** A record sent to the provider's system: where it stands until its source sends it back. */
export const Confirmation = Type.Object(
  {
    state: Type.Union([Type.Literal('waiting'), Type.Literal('overdue'), Type.Literal('confirmed')], {
      description: 'waiting: sent, not back yet; overdue: not back within the time the operator set (check with the provider); confirmed: the provider sent it back',
    }),
    provider_name: Type.String({ description: 'the provider’s system it was sent to' }),
    sent_at: Type.String(),
    confirm_by: Type.String({ description: 'when it becomes overdue if not back' }),
  },
  { title: 'WriteConfirmation' },
);
const ConfirmationField = Type.Union([Confirmation, Type.Null()], { description: 'null: written here directly (the reference service), never sent to the provider' });

export const OrderDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  ban_id: Type.String({ description: 'the customer account ordered for' }),
  bill_to_ban_id: Type.String({ description: "the account charged: the customer's, or the wholesaler's own for the wholesaler persona" }),
  product_code: Type.String(),
  product_name: Type.String(),
  quantity: Type.Integer(),
  unit_price_cents: Cents,
  total_cents: Cents,
  currency: Type.String(),
  status: Type.String(),
  notes: Nullable(Type.String()),
  placed_by: Actor,
  delegation_id: Nullable(Type.String()),
  persona: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  cancelled_at: Nullable(Type.String()),
  confirmation: ConfirmationField,
}, { title: 'Order' });

export const ServiceDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  ban_id: Type.String(),
  order_id: Nullable(Type.String()),
  product_code: Type.String(),
  name: Type.String(),
  status: Type.String(),
  location: Nullable(Type.String()),
  bandwidth_mbps: Nullable(Type.Integer()),
  monthly_price_cents: Cents,
  currency: Type.String(),
  activated_at: Nullable(Type.String()),
  created_at: Type.String(),
}, { title: 'Service' });

export const SubscriberStatus = Type.Union(['active', 'suspended', 'terminated'].map((s) => Type.Literal(s)));
export const SubscriberDto = Type.Object(
  {
    id: Type.String(),
    tenant_id: Type.String(),
    ban_id: Type.String(),
    number: Type.String({ description: 'the provider’s number for the subscriber (its account or line number)' }),
    name: Type.String(),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    plan: Nullable(Type.String()),
    service_address: Nullable(Type.String()),
    status: Type.String({ description: 'active, suspended or terminated' }),
    activated_at: Nullable(Type.String()),
    updated_at: Type.String(),
  },
  { title: 'Subscriber' },
);

export const InvoiceDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  ban_id: Type.String(),
  number: Type.String(),
  period: Type.String(),
  issued_at: Type.String(),
  due_at: Type.String(),
  currency: Type.String(),
  subtotal_cents: Cents,
  tax_cents: Cents,
  total_cents: Cents,
  balance_cents: Cents,
  status: Type.String(),
  paid_at: Nullable(Type.String()),
}, { title: 'Invoice' });

/** What an invoice of a list adds: its billing account by number (BAN) and name. */
export const InvoiceAccount = {
  ban_account_number: Nullable(Type.String({ description: 'the billing account number (BAN)' })),
  ban_name: Nullable(Type.String({ description: 'the billing account name' })),
};

export const TicketDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  ban_id: Nullable(Type.String()),
  number: Type.String(),
  subject: Type.String(),
  description: Type.String(),
  category: Type.String(),
  priority: Type.String(),
  status: Type.String(),
  assignee: Nullable(Type.String()),
  comments: Type.Array(Type.Object({ at: Type.String(), by: Type.String(), text: Type.String() })),
  opened_by: Actor,
  delegation_id: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  resolved_at: Nullable(Type.String()),
  confirmation: ConfirmationField,
}, { title: 'Ticket' });

export const UsageDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  ban_id: Type.String(),
  service_id: Nullable(Type.String()),
  period: Type.String(),
  metric: Type.String(),
  quantity: Type.Number(),
  amount_cents: Cents,
  currency: Type.String(),
  recorded_at: Type.String(),
}, { title: 'Usage' });

export const SlaDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  ban_id: Type.String(),
  service_id: Nullable(Type.String()),
  period: Type.String(),
  target_pct: Type.Number(),
  achieved_pct: Type.Number(),
  downtime_minutes: Type.Integer(),
  incidents: Type.Integer(),
  status: Type.String(),
  recorded_at: Type.String(),
}, { title: 'SlaRecord' });

export const AccountDto = Type.Object({ id: Type.String(), account_number: Type.String(), name: Type.String(), status: Type.String(), currency: Type.String() }, { title: 'Account' });

export const ContextDto = Type.Object(
  {
    request_id: Type.String(),
    tenant_id: Type.String(),
    partner_id: Nullable(Type.String()),
    user_id: Nullable(Type.String()),
    client_id: Nullable(Type.String()),
    delegation_id: Nullable(Type.String()),
    persona: Nullable(Type.String()),
    bans: Nullable(Type.Array(Type.String(), { description: 'covered billing account ids; null = all' })),
    bill_to: Nullable(Type.String()),
    scopes: Nullable(Type.Array(Type.String())),
  },
  { title: 'GatewayContext', description: 'the verified identity the resource service received from the gateway' },
);

export function pageOf<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({ data: Type.Array(item), next_cursor: Nullable(Type.String()) });
}
