/**
 * The HTTP edge of seed 001's consolidated MSP API (msp-views.service.ts), for the caller's own partner:
 *   /api/v1/partner/billing/summary · /billing/invoices (+ /export) · /support/tickets (list,
 *   create on behalf of a tenant, update) · /reports/usage · /reports/sla · /alerts/sla ·
 *   /alerts/billing
 * (/partner/customers and /partner/context belong to the delegations module.)
 *
 * A route checks the caller (an active member of an active partner whose role reads its
 * customers), counts the request against its route class (per user), calls one view and writes
 * the answer (the export as CSV). What an answer holds, and the access events it leaves in each
 * tenant's log, is the service's.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { classLimit, enforceRateLimit, type RateLimiter } from '../../platform/ratelimit/index.ts';
import { toCsv } from '../../platform/http/csv.ts';
import { Type, Strict, Id, Nullable, PageQuery, problems } from '../../platform/http/schemas.ts';
import { authzErrors } from '../authz/index.ts';
import type { Access } from '../authz/index.ts';
import * as S from './resources.schemas.ts';
import { INVOICE_EXPORT_COLUMNS, type MspCaller, type MspViewsService } from './msp-views.service.ts';

export interface PartnerRoutesDeps {
  msp: MspViewsService;
  access: Access;
  limiter: RateLimiter;
  config: Pick<Config, 'rateLimits'>;
}

const TAGS = ['partner consolidated (seed 001)'];
const Period = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const TenantFilter = Type.Optional(Id('tnt', 'only this managed tenant'));

const TenantName = { tenant_id: Type.String(), tenant_name: Type.String() };

const BillingSummary = Type.Object({
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

const InvoiceQuery = Strict({
  ...PageQuery,
  tenant_id: TenantFilter,
  status: Type.Optional(Type.Union(['open', 'paid', 'overdue', 'void'].map((s) => Type.Literal(s)))),
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
});
const ExportBody = Strict({
  format: Type.Optional(Type.Literal('csv', { description: 'CSV (RFC 4180); the file is the response' })),
  tenant_id: TenantFilter,
  status: Type.Optional(Type.Union(['open', 'paid', 'overdue', 'void'].map((s) => Type.Literal(s)))),
  period_from: Type.Optional(Period),
  period_to: Type.Optional(Period),
});
const TicketQuery = Strict({ ...PageQuery, tenant_id: TenantFilter, status: Type.Optional(S.TicketStatus), priority: Type.Optional(S.TicketPriority) });
const CreateTicketBody = Strict({
  tenant_id: Id('tnt', 'the managed tenant the ticket is for'),
  subject: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ minLength: 1, maxLength: 10_000 }),
  category: Type.Optional(S.TicketCategory),
  priority: Type.Optional(S.TicketPriority),
  ban_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
});
const ReportQuery = Strict({ tenant_id: TenantFilter, period_from: Type.Optional(Period), period_to: Type.Optional(Period) });
const UsageQuery = Strict({ tenant_id: TenantFilter, period_from: Type.Optional(Period), period_to: Type.Optional(Period), metric: Type.Optional(Type.Union(['data_gb', 'voice_minutes', 'sms_count'].map((s) => Type.Literal(s)))) });
const BillingAlertQuery = Strict({ tenant_id: TenantFilter, threshold_cents: Type.Optional(Type.Integer({ minimum: 0, description: 'alert when a tenant owes more than this (default 500000 = 5,000.00)' })) });

const PageWithTenants = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ data: Type.Array(Type.Intersect([item, Type.Object({ tenant_name: Type.String() })])), next_cursor: Nullable(Type.String()) });

const Alert = Type.Object({
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

export function partnerConsolidatedRoutes(d: PartnerRoutesDeps): AudienceRoutes {
  const { msp, access } = d;

  /**
   * The caller's partner, its active membership and the org-role gate of the consolidated
   * views; then the rate limit, per user and route class (the limit is the gateway's lookup).
   */
  const admit = async (req: FastifyRequest, reply: FastifyReply, cls: 'read' | 'write' | 'export'): Promise<MspCaller> => {
    const p = access.user(req);
    const m = access.partnerMembership(p);
    if (!access.can(m.role, 'partner.customers.read')) throw authzErrors.permission_denied(`Your role ${m.role} does not allow partner.customers.read.`);
    await enforceRateLimit(reply, d.limiter, `pc:u:${p.userId}:${cls}`, { name: cls, limit: classLimit(d.config.rateLimits, m.partnerId, cls), windowMs: 60_000 });
    return { userId: p.userId, partnerId: m.partnerId };
  };

  return {
    partnerSelf(app: App): void {
      // ---- billing ------------------------------------------------------------------------------

      app.get(
        '/api/v1/partner/billing/summary',
        { schema: { tags: TAGS, summary: 'Consolidated receivables and revenue across managed tenants (billing.summary.read)', querystring: ReportQuery, response: { 200: BillingSummary, ...problems(400, 401, 403, 404, 429) } } },
        async (req, reply) => {
          const who = await admit(req, reply, 'read');
          return msp.billingSummary(req.ctx(), who, req.query);
        },
      );

      app.get(
        '/api/v1/partner/billing/invoices',
        { schema: { tags: TAGS, summary: 'Invoices of every managed tenant, newest first (billing.invoices.read)', querystring: InvoiceQuery, response: { 200: PageWithTenants(S.InvoiceDto), ...problems(400, 401, 403, 404, 429) } } },
        async (req, reply) => {
          const who = await admit(req, reply, 'read');
          return msp.invoices(req.ctx(), who, req.query);
        },
      );

      app.post(
        '/api/v1/partner/billing/invoices/export',
        {
          schema: {
            tags: TAGS,
            summary: 'Export the invoices of every managed tenant as CSV (billing.invoices.export)',
            description: 'Answers the file itself (text/csv, at most 10,000 invoices); the export is recorded in each tenant’s audit log.',
            body: ExportBody,
            response: { 200: Type.String({ description: 'text/csv' }), ...problems(400, 401, 403, 404, 429) },
          },
        },
        async (req, reply) => {
          const who = await admit(req, reply, 'export');
          const file = await msp.invoiceExport(req.ctx(), who, req.body);
          reply.header('content-disposition', `attachment; filename="${file.filename}"`);
          return reply.type('text/csv; charset=utf-8').send(toCsv(INVOICE_EXPORT_COLUMNS, file.rows));
        },
      );

      // ---- support --------------------------------------------------------------------------------

      app.get(
        '/api/v1/partner/support/tickets',
        { schema: { tags: TAGS, summary: 'Consolidated ticket feed of every managed tenant (support.tickets.read)', querystring: TicketQuery, response: { 200: PageWithTenants(S.TicketDto), ...problems(400, 401, 403, 404, 429) } } },
        async (req, reply) => {
          const who = await admit(req, reply, 'read');
          return msp.tickets(req.ctx(), who, req.query);
        },
      );

      app.post(
        '/api/v1/partner/support/tickets',
        {
          schema: {
            tags: TAGS,
            summary: 'Open a ticket on behalf of a managed tenant (support.tickets.create on that tenant)',
            body: CreateTicketBody,
            response: { 201: S.TicketDto, ...problems(400, 401, 403, 404, 429) },
          },
        },
        async (req, reply) => {
          const who = await admit(req, reply, 'write');
          const { tenant_id, ...input } = req.body;
          return reply.code(201).send(await msp.openTicket(req.ctx(), who, tenant_id, input));
        },
      );

      app.patch(
        '/api/v1/partner/support/tickets/:ticket_id',
        {
          schema: {
            tags: TAGS,
            summary: "Update a managed tenant's ticket: status, priority, assignee, comment (support.tickets.update)",
            params: S.TicketParams,
            body: S.UpdateTicketBody,
            response: { 200: S.TicketDto, ...problems(400, 401, 403, 404, 409, 429) },
          },
        },
        async (req, reply) => {
          const who = await admit(req, reply, 'write');
          return msp.updateTicket(req.ctx(), who, req.params.ticket_id, req.body);
        },
      );

      // ---- reports --------------------------------------------------------------------------------

      app.get(
        '/api/v1/partner/reports/usage',
        {
          schema: {
            tags: TAGS,
            summary: 'Usage per tenant, month and metric across managed tenants (reports.usage.read)',
            querystring: UsageQuery,
            response: {
              200: Type.Object({ data: Type.Array(Type.Object({ ...TenantName, period: Type.String(), metric: Type.String(), quantity: Type.Number(), amount_cents: Type.Integer(), currency: Type.String() })) }),
              ...problems(400, 401, 403, 404, 429),
            },
          },
        },
        async (req, reply) => {
          const who = await admit(req, reply, 'read');
          return msp.usage(req.ctx(), who, req.query);
        },
      );

      app.get(
        '/api/v1/partner/reports/sla',
        {
          schema: {
            tags: TAGS,
            summary: 'SLA compliance per managed tenant (reports.sla.read)',
            querystring: ReportQuery,
            response: {
              200: Type.Object({
                data: Type.Array(
                  Type.Object({
                    ...TenantName,
                    records: Type.Integer(),
                    breached: Type.Integer(),
                    compliance_pct: Type.Number({ description: 'share of service-months that met their target' }),
                    avg_achieved_pct: Type.Number(),
                    min_achieved_pct: Type.Number(),
                    downtime_minutes: Type.Integer(),
                  }),
                ),
              }),
              ...problems(400, 401, 403, 404, 429),
            },
          },
        },
        async (req, reply) => {
          const who = await admit(req, reply, 'read');
          return msp.sla(req.ctx(), who, req.query);
        },
      );

      // ---- alerts ---------------------------------------------------------------------------------

      app.get(
        '/api/v1/partner/alerts/sla',
        {
          schema: {
            tags: TAGS,
            summary: 'SLA breaches across managed tenants, newest first (alerts.sla.read); default: the last 3 months',
            querystring: ReportQuery,
            response: { 200: Type.Object({ data: Type.Array(Alert) }), ...problems(400, 401, 403, 404, 429) },
          },
        },
        async (req, reply) => {
          const who = await admit(req, reply, 'read');
          return msp.slaAlerts(req.ctx(), who, req.query);
        },
      );

      app.get(
        '/api/v1/partner/alerts/billing',
        {
          schema: {
            tags: TAGS,
            summary: 'Overdue invoices and receivables above a threshold across managed tenants (alerts.billing.read)',
            querystring: BillingAlertQuery,
            response: { 200: Type.Object({ threshold_cents: Type.Integer(), data: Type.Array(Alert) }), ...problems(400, 401, 403, 404, 429) },
          },
        },
        async (req, reply) => {
          const who = await admit(req, reply, 'read');
          return msp.billingAlerts(req.ctx(), who, req.query);
        },
      );
    },
  };
}
