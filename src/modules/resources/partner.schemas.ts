/** The consolidated MSP API's request and answer shapes (partner.routes.ts). */
import { Type, Strict, Id, Nullable } from '../../platform/http/schemas.ts';
import * as S from './resources.schemas.ts';
import { ListQueryCommon, PageFields, Period, sortFields } from './resource-lists.ts';
import { ATTENTION_CUSTOMERS, ATTENTION_SLA_PCT, FIGURE_SORTS, SLA_CHART_CUSTOMERS } from './msp-figures.ts';
import { PersonDto } from './people.ts';

const TenantFilter = Type.Optional(Id('tnt', 'only this managed tenant'));

export const TenantName = { tenant_id: Type.String(), tenant_name: Type.String() };

export const BillingSummary = Type.Object({
  period_from: Nullable(Type.String()),
  period_to: Nullable(Type.String()),
  totals: Type.Array(
    Type.Object({ currency: Type.String(), invoiced_cents: Type.Integer(), outstanding_cents: Type.Integer({ description: 'accounts receivable' }), overdue_cents: Type.Integer(), paid_cents: Type.Integer(), tenants: Type.Integer() }),
  ),
  tenants: Type.Array(
    Type.Object({
      ...TenantName,
      currency: Type.String(),
      invoiced_cents: Type.Integer(),
      outstanding_cents: Type.Integer(),
      overdue_cents: Type.Integer(),
      paid_cents: Type.Integer(),
      open_invoices: Type.Integer(),
      overdue_invoices: Type.Integer(),
    }),
  ),
}, { title: 'BillingSummary' });

const sortDoc = (fields: readonly string[]) => ({ ...ListQueryCommon, sort: Type.Optional(Type.String({ ...ListQueryCommon.sort, description: `comma-separated, \`-\` for descending; fields: ${fields.join(', ')}` })) });
const InvoiceStatusT = Type.Union(['open', 'paid', 'overdue', 'void'].map((s) => Type.Literal(s)));
export const InvoiceQuery = Strict({
  ...sortDoc(sortFields('invoices')),
  tenant_id: TenantFilter,
  ban_id: Type.Optional(Id('ban', 'only this billing account')),
  status: Type.Optional(InvoiceStatusT),
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
});
export const ExportBody = Strict({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('pdf')], { description: 'csv (RFC 4180) or pdf (a statement per customer with totals); default csv' })),
  mode: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('job')], { description: 'auto: the file at once up to 5,000 invoices, else a job; job: always a job' })),
  tenant_id: TenantFilter,
  status: Type.Optional(InvoiceStatusT),
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
  from: ListQueryCommon.from,
  to: ListQueryCommon.to,
  q: ListQueryCommon.q,
});
export const ExportJob = Type.Object(
  {
    id: Type.String(),
    status: Type.String({ description: 'queued | running | done | failed | expired' }),
    format: Type.String(),
    total_rows: Type.Integer({ description: 'every matching invoice: nothing is capped' }),
    rows_done: Type.Integer(),
    progress_pct: Type.Integer(),
    created_at: Type.String(),
    finished_at: Nullable(Type.String()),
    download_url: Nullable(Type.String({ description: 'while the link is valid (see expires_at)' })),
    expires_at: Nullable(Type.String()),
    error: Nullable(Type.String({ description: 'why the job failed, in the reader’s language (the person’s choice, their organization’s, else Accept-Language)' })),
    error_code: Nullable(Type.String({ description: 'why the job failed, as a stable code: export_write_failed; null for a job that has not failed, or failed before codes were kept' })),
  },
  { title: 'ExportJob' },
);
export const ExportParams = Strict({ job_id: Id('exp') });
export const TicketQuery = Strict({ ...sortDoc(sortFields('tickets')), tenant_id: TenantFilter, status: Type.Optional(S.TicketStatus), priority: Type.Optional(S.TicketPriority), category: Type.Optional(S.TicketCategory) });
export const CreateTicketBody = Strict({
  tenant_id: Id('tnt', 'the managed tenant the ticket is for'),
  subject: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ minLength: 1, maxLength: 10_000 }),
  category: Type.Optional(S.TicketCategory),
  priority: Type.Optional(S.TicketPriority),
  ban_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
});
const Paging = { limit: ListQueryCommon.limit, offset: ListQueryCommon.offset, q: ListQueryCommon.q };
const ReportQuery = (fields: string[]) => Strict({ ...Paging, sort: sortDoc(fields).sort, tenant_id: TenantFilter, period_from: Type.Optional(Period), period_to: Type.Optional(Period) });
export const SummaryQuery = ReportQuery(['tenant_name', 'invoiced_cents', 'outstanding_cents', 'overdue_cents', 'paid_cents', 'open_invoices', 'overdue_invoices']);
export const SlaQuery = ReportQuery(['tenant_name', 'compliance_pct', 'breached', 'records', 'avg_achieved_pct', 'min_achieved_pct', 'downtime_minutes']);
export const AlertViewQuery = ReportQuery(['tenant_name', 'severity', 'period']);
export const UsageQuery = Strict({ ...Paging, sort: sortDoc(['tenant_name', 'period', 'metric', 'quantity', 'amount_cents']).sort, tenant_id: TenantFilter, period_from: Type.Optional(Period), period_to: Type.Optional(Period), metric: Type.Optional(Type.Union(['data_gb', 'voice_minutes', 'sms_count'].map((s) => Type.Literal(s)))) });
export const BillingAlertQuery = Strict({ ...Paging, sort: sortDoc(['tenant_name', 'severity', 'period']).sort, tenant_id: TenantFilter, threshold_cents: Type.Optional(Type.Integer({ minimum: 0, description: 'alert when a tenant owes more than this (default 500000 = 5,000.00)' })) });
export const DashboardQuery = Strict({ period_from: Type.Optional(Period), period_to: Type.Optional(Period) });

const PeopleOnTicket = { opened_by_person: Type.Optional(Nullable(PersonDto)), assignee_person: Type.Optional(Nullable(PersonDto)) };
const Comment = Type.Object({ at: Type.String(), by: Type.String(), by_name: Type.Optional(Type.String()), by_partner_id: Type.Optional(Nullable(Type.String())), by_partner_name: Type.Optional(Nullable(Type.String())), text: Type.String() });
const { comments: _comments, ...ticketProps } = S.TicketDto.properties;
export const TicketView = Type.Object({ ...ticketProps, tenant_name: Type.String(), comments: Type.Array(Comment), ...PeopleOnTicket }, { title: 'PartnerTicket' });
export const InvoiceView = Type.Object({ ...S.InvoiceDto.properties, tenant_name: Type.String(), ...S.InvoiceAccount }, { title: 'PartnerInvoice' });
export const ListOf = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ data: Type.Array(item), ...PageFields });
export const ReportPage = { total: PageFields.total, limit: PageFields.limit, offset: PageFields.offset, next_cursor: PageFields.next_cursor };
export const CommentBody = Strict({ text: Type.String({ minLength: 1, maxLength: 10_000 }) });
export const AssignBody = Strict({ assignee_user_id: Nullable(Id('usr', 'a member of your organization; null to unassign')) });
const Money = Type.Object({ currency: Type.String(), amount_cents: Type.Integer() });
/** One managed customer's figures; a null figure is one the member's access does not show for it. */
export const CustomerFigures = Type.Object(
  {
    ...TenantName,
    currency: Nullable(Type.String()),
    outstanding_cents: Nullable(Type.Integer({ description: 'null: your access shows no billing for this customer' })),
    overdue_cents: Nullable(Type.Integer()),
    open_tickets: Nullable(Type.Integer()),
    sla_compliance_pct: Nullable(Type.Number()),
  },
  { title: 'CustomerFigures' },
);
/** What a figures row shows of the link the member's access goes through (the page reads nothing else). */
const FiguresLink = Type.Object(
  {
    delegation_id: Type.String({ description: 'the delegation (link) the access goes through: renew and relinquish name it' }),
    role: Type.String({ description: 'the link role (MSP_FULL …); GET /api/v1/delegation-roles words it' }),
    status: Type.String({ description: 'active: the figures list only customers you may act on now' }),
    ends_at: Type.String({ format: 'date-time' }),
    renewal_ends_at: Nullable(Type.String({ format: 'date-time', description: 'a renewal asked for and not yet answered: the end it asks for' })),
    through_reseller: Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { description: "a distributor's customer reached through a reseller's link; null: your own link" })),
    tenant_slug: Type.String(),
  },
  { title: 'CustomerFiguresLink' },
);
export const CustomerFiguresRow = Type.Object({ ...CustomerFigures.properties, link: Nullable(FiguresLink) }, { title: 'CustomerFiguresRow' });
export const CustomerFiguresQuery = Strict({
  limit: Paging.limit,
  offset: Paging.offset,
  q: Type.Optional(Type.String({ maxLength: 100, description: 'the customer’s name contains it, in any case (the same on every database)' })),
  role: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_]+$', description: 'only customers whose link has this role' })),
  reseller_id: Type.Optional(Type.String({ maxLength: 64, pattern: '^(own|ptr_[A-Za-z0-9_]+)$', description: "`own`: only your own links' customers; a reseller's id: only those reached through that reseller's links" })),
  sort: Type.Optional(Type.String({ description: `one field, \`-\` for descending: ${Object.keys(FIGURE_SORTS).join(', ')}; a figure your access does not show sorts last either way; without it, the customers' ids` })) });
export const CustomerFiguresPage = Type.Object({ data: Type.Array(CustomerFiguresRow), total: PageFields.total, limit: PageFields.limit, offset: PageFields.offset }, { title: 'CustomerFiguresPage' });
export const Dashboard = Type.Object(
  {
    tiles: Type.Object({
      customers: Type.Integer(),
      receivables: Type.Array(Money),
      overdue: Type.Array(Money),
      open_tickets: Type.Integer(),
      sla_compliance_pct: Nullable(Type.Number({ description: 'null when your role shows no SLA' })),
    }),
    revenue_by_month: Type.Array(Type.Object({ period: Type.String(), currency: Type.String(), invoiced_cents: Type.Integer(), outstanding_cents: Type.Integer(), paid_cents: Type.Integer() })),
    sla_by_customer: Type.Array(Type.Object({ ...TenantName, compliance_pct: Type.Number() }), { description: `the ${SLA_CHART_CUSTOMERS} customers lowest in SLA compliance, lowest first` }),
    attention: Type.Array(CustomerFigures, { description: `up to ${ATTENTION_CUSTOMERS} customers that need attention — something overdue, SLA compliance under ${ATTENTION_SLA_PCT} %, or open tickets, as far as your access shows each — most overdue first; every customer's figures: GET /api/v1/partner/customers/figures` }),
    attention_total: Type.Integer({ description: 'how many customers need attention in all' }),
  },
  { title: 'PartnerDashboard' },
);

export const Alert = Type.Object({
  kind: Type.String({ description: 'sla_breach | invoice_overdue | receivables_threshold' }),
  severity: Type.String({ description: 'warning | critical' }),
  ...TenantName,
  ban_id: Nullable(Type.String()),
  subject_id: Nullable(Type.String({ description: 'the SLA record or invoice' })),
  period: Nullable(Type.String()),
  message: Type.String(),
  amount_cents: Nullable(Type.Integer()),
  currency: Nullable(Type.String()),
}, { title: 'Alert' });

/** Two-tier partners: a distributor's billing roll-up per reseller (reseller-billing.ts). */
export const ResellerBillingQuery = Strict({
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
});
const RollupMoney = Type.Object({
  currency: Type.String(),
  invoiced_cents: Type.Integer({ description: 'billed in the period (cancelled invoices left out)' }),
  paid_cents: Type.Integer({ description: 'paid of what was billed' }),
  outstanding_cents: Type.Integer({ description: 'still owed' }),
  overdue_cents: Type.Integer({ description: 'owed past its due date' }),
  customers: Type.Integer({ description: 'customers billed in this currency' }),
});
export const ResellerBilling = Type.Object(
  {
    period_from: Nullable(Type.String()),
    period_to: Nullable(Type.String()),
    customers: Type.Integer({ description: 'customers whose billing the figures hold, across every reseller' }),
    resellers: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        status: Type.String({ description: 'active | suspended | terminated' }),
        customers: Type.Integer({ description: "customers reached through this reseller's links whose billing you may read" }),
        currencies: Type.Array(RollupMoney),
      }),
    ),
    totals: Type.Array(RollupMoney),
  },
  { title: 'ResellerBilling' },
);
