/**
 * The HTTP edge of the consolidated MSP API (msp-views.service.ts), for the caller's own partner:
 *   /api/v1/partner/billing/summary · /billing/invoices (+ /export) · /support/tickets (list,
 *   create on behalf of a tenant, update) · /reports/usage · /reports/sla · /alerts/sla ·
 *   /alerts/billing
 * (/partner/customers and /partner/context belong to the delegations module.)
 *
 * A route declares what it needs (config.admission: the permission, the route class, where it
 * names a customer); the partner audience's one gate admits the caller for it before the handler
 * runs (modules/gateway/partner-admission.ts). A handler calls one view and writes the answer
 * (the export as CSV). What an answer holds, and the access events it leaves in each
 * tenant's log, is the service's.
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { attachmentDisposition } from '../../platform/http/content-disposition.ts';
import { admittedPerson } from '../../platform/http/admission.ts';
import { Type, Strict, problems } from '../../platform/http/schemas.ts';
import { authzErrors } from '../authz/index.ts';
import * as S from './resources.schemas.ts';
import type { MspCaller, MspViewsService } from './msp-views.service.ts';
import { PageFields } from './resource-lists.ts';
import { PersonDto } from './people.ts';
import { resourceErrors as E } from './resources.errors.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import type { ResellerOfDistributor } from './reseller-billing.ts';
import type { InvoiceExportService } from './invoice-export.service.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import {
  Alert,
  AlertViewQuery,
  AssignBody,
  BillingAlertQuery,
  BillingSummary,
  CommentBody,
  CreateTicketBody,
  CustomerFiguresPage,
  CustomerFiguresQuery,
  Dashboard,
  DashboardQuery,
  ExportBody,
  ExportJob,
  ExportParams,
  InvoiceQuery,
  InvoiceView,
  ListOf,
  ReportPage,
  ResellerBilling,
  ResellerBillingQuery,
  SlaQuery,
  SummaryQuery,
  TenantName,
  TicketQuery,
  TicketView,
  UsageQuery,
} from './partner.schemas.ts';
import { problemDetails as PD } from './resources.problem-details.ts';

export interface PartnerRoutesDeps {
  msp: MspViewsService;
  exports: InvoiceExportService;
  /** the partner's members, with names (the assignee picker) */
  members: (partnerId: string) => Promise<{ user_id: string; name: string; email: string; member_status: string }[]>;
  /** is the user an active member of the partner now (the decision snapshot) */
  isActiveMember: (userId: string, partnerId: string) => boolean;
  /** does the user's member role grant the permission (no member role: yes) */
  memberRoleGrants: (userId: string, permission: string) => boolean;
  /** is the feature on for the partner now (the decision snapshot's feature catalog and the partner's configuration) */
  featureEnabled: (partnerId: string, key: string) => boolean;
  /** a distributor's resellers (two-tier partners; none for any other partner) */
  resellersOf: (partnerId: string) => Promise<ResellerOfDistributor[]>;
  /** the language a document for the signed-in reader is written in (identity's readerLocale; default English) */
  readerLocale?: (userId: string | null, acceptLanguage: string | undefined) => Promise<Locale>;
}

/** PDF invoice export is a beta feature: on only for partners the operator switched it on for. */
export const PDF_EXPORT_FEATURE = 'exports.pdf';

// the ticket as the customer's own pages show it too (tenant-self*.routes.ts)
export { TicketView };

const TAGS = ['partner consolidated'];

/**
 * The partner person the audience's gate admitted (modules/gateway/partner-admission.ts): the
 * organization, both roles, the named tenant's decision, MFA, the IP allow-list and the limits
 * were taken there, in that order, from each route's `config.admission`.
 */
const person = (req: FastifyRequest): MspCaller => admittedPerson(req);
/** The language what is said to the person is written in: their choice, their organization's, the portal's (Accept-Language), else English. */
const readerLocale = async (d: Pick<PartnerRoutesDeps, 'readerLocale'>, req: FastifyRequest): Promise<Locale> => (await d.readerLocale?.(person(req).userId, req.headers['accept-language'])) ?? DEFAULT_LOCALE;
const P = (...codes: number[]) => problems(...(codes as Parameters<typeof problems>));

export function partnerConsolidatedRoutes(d: PartnerRoutesDeps): AudienceRoutes {
  return {
    partnerSelf(app: App): void {
      registerDashboardRoute(app, d);
      registerBillingRoutes(app, d);
      registerResellerBillingRoute(app, d);
      registerInvoiceExportRoutes(app, d);
      registerSupportRoutes(app, d);
      registerTicketWorkRoutes(app, d);
      registerReportRoutes(app, d);
      registerAlertViewRoutes(app, d);
    },
  };
}

/** The dashboard across every managed customer. */
function registerDashboardRoute(app: App, { msp }: PartnerRoutesDeps): void {
  app.get(
    '/api/v1/partner/dashboard',
    {
      config: { admission: { permission: null, rateClass: 'read' } },
      schema: {
        tags: TAGS,
        summary: 'Tiles, revenue and receivables by month, SLA compliance and the customers that need attention, across every managed customer',
        description: 'Each part covers the customers where your access (the link ∩ your member role) shows it; default months: the last 12.',
        querystring: DashboardQuery,
        response: { 200: Dashboard, ...P(400, 401, 403, 429) },
      },
    },
    async (req) => msp.dashboard(req.ctx(), person(req), req.query),
  );

  app.get(
    '/api/v1/partner/customers/figures',
    {
      config: { admission: { permission: null, rateClass: 'read' } },
      schema: {
        tags: TAGS,
        summary: 'Each managed customer’s figures: what it owes, what is overdue, open tickets, SLA compliance',
        description: 'Every customer you may act on, a page at a time (limit/offset), in the order of the customers’ ids or, with `sort`, of one figure or the name (`sort=-overdue_cents`: most overdue first); a figure your access (the link ∩ your member role) does not show for a customer is null and comes last whichever the direction. SLA compliance covers the last 12 months.',
        querystring: CustomerFiguresQuery,
        response: { 200: CustomerFiguresPage, ...P(400, 401, 403, 429) },
      },
    },
    async (req) => msp.customerFigures(req.ctx(), person(req), req.query),
  );
}

/** Billing across the managed customers: the summary and the invoices. */
function registerBillingRoutes(app: App, { msp }: PartnerRoutesDeps): void {
  app.get(
    '/api/v1/partner/billing/summary',
    {
      config: { admission: { permission: 'billing.summary.read', rateClass: 'read', tenant: { from: 'query', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Consolidated receivables and revenue across managed tenants (billing.summary.read)',
        description: '`tenants` is paged (limit/offset, total), searched by customer name (q) and sorted (sort).',
        querystring: SummaryQuery,
        response: { 200: Type.Object({ ...BillingSummary.properties, total: PageFields.total, limit: PageFields.limit, offset: PageFields.offset }, { title: 'BillingSummaryPage' }), ...P(400, 401, 403, 404, 429) },
      },
    },
    async (req) => msp.billingSummary(req.ctx(), person(req), req.query),
  );

  app.get(
    '/api/v1/partner/billing/invoices',
    {
      config: { admission: { permission: 'billing.invoices.read', rateClass: 'read', tenant: { from: 'query', field: 'tenant_id' }, ban: { from: 'query', field: 'ban_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Invoices of every managed tenant, newest first (billing.invoices.read)',
        description: 'q: invoice number, customer name, billing account number (BAN) or name. from/to: issue date (ISO 8601). period_from/period_to: billing month (YYYY-MM).',
        querystring: InvoiceQuery,
        response: { 200: ListOf(InvoiceView), ...P(400, 401, 403, 404, 429) },
      },
    },
    async (req) => msp.invoices(req.ctx(), person(req), req.query),
  );
}

/**
 * Two-tier partners: a distributor's billing per reseller. The gate admits a person whose member
 * role reads billing summaries, as for the MSP billing summary; which customers count is decided
 * per customer for this person by decide() with the chain (msp-views → reseller-billing.ts).
 */
function registerResellerBillingRoute(app: App, { msp, resellersOf }: PartnerRoutesDeps): void {
  app.get(
    '/api/v1/partner/resellers/billing',
    {
      config: { admission: { permission: 'billing.summary.read', rateClass: 'read' } },
      schema: {
        tags: TAGS,
        summary: "A distributor's billing per reseller: what its resellers' customers were billed, paid and owe for a period (billing.summary.read)",
        description:
          "Only your resellers, and of their customers only those whose admin lets you act through the reseller's link and whose link lets you read billing (∩ your member role), on the billing accounts the link covers. " +
          'period_from/period_to: billing months (YYYY-MM), inclusive. A partner without resellers gets an empty list. Each customer drawn on records an access event in its own log.',
        querystring: ResellerBillingQuery,
        response: { 200: ResellerBilling, ...P(400, 401, 403, 429) },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.period_from !== undefined && q.period_to !== undefined && q.period_from > q.period_to) {
        throw platformErrors.validation_failed(PD.periodMustRunForwards, { fields: [{ pointer: '/querystring/period_from', detail: 'must be on or before period_to' }] });
      }
      const who = person(req);
      return msp.resellerBilling(req.ctx(), who, await resellersOf(who.partnerId), q);
    },
  );
}

/** Invoice exports: start one, follow it, download it. */
function registerInvoiceExportRoutes(app: App, d: PartnerRoutesDeps): void {
  app.post(
    '/api/v1/partner/billing/invoices/export',
    {
      config: { admission: { permission: 'billing.invoices.export', rateClass: 'export', tenant: { from: 'body', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Export the invoices of every managed tenant as CSV or PDF (billing.invoices.export)',
        description:
          'Up to 5,000 invoices (mode auto): 200 and the file itself (text/csv or application/pdf). More, or mode job: 202 with the job; follow its progress at /api/v1/partner/exports/{job_id} and download it from download_url until expires_at. Every matching invoice is exported — nothing is capped. Recorded in each tenant’s audit log.',
        body: ExportBody,
        response: { 200: Type.String({ description: 'the file (text/csv or application/pdf)' }), 202: Type.Object({ job: ExportJob }), ...P(400, 401, 403, 404, 429) },
      },
    },
    async (req, reply) => {
      const who = person(req);
      const { format = 'csv', mode = 'auto', ...filters } = req.body;
      if (format === 'pdf' && !d.featureEnabled(who.partnerId, PDF_EXPORT_FEATURE)) {
        throw authzErrors.feature_not_enabled(PD.pdfInvoiceExportEarly);
      }
      const locale = await readerLocale(d, req);
      const r = await d.exports.start(req.ctx(), who, format, filters, mode, locale);
      if (r.kind === 'job') return reply.code(202).header('location', `/api/v1/partner/exports/${r.job.id}`).send({ job: r.job });
      reply.header('content-disposition', attachmentDisposition(r.filename)).header('content-language', locale);
      // a stream is sent as is (no serializer): the schema documents the file
      return reply.type(r.contentType).send(r.stream as unknown as string);
    },
  );

  app.get(
    '/api/v1/partner/exports',
    { config: { admission: { permission: 'billing.invoices.export', rateClass: 'read' } }, schema: { tags: TAGS, summary: 'Your export jobs, newest first (the last 50)', response: { 200: Type.Object({ data: Type.Array(ExportJob) }), ...P(401, 403, 429) } } },
    async (req) => d.exports.jobs(person(req), await readerLocale(d, req)),
  );

  app.get(
    '/api/v1/partner/exports/:job_id',
    { config: { admission: { permission: 'billing.invoices.export', rateClass: 'read' } }, schema: { tags: TAGS, summary: 'One of your export jobs: status, progress, download link', params: ExportParams, response: { 200: ExportJob, ...P(400, 401, 403, 404, 429) } } },
    async (req) => d.exports.job(person(req), req.params.job_id, await readerLocale(d, req)),
  );

  app.get(
    '/api/v1/partner/exports/:job_id/download',
    {
      config: { admission: { permission: 'billing.invoices.export', rateClass: 'export' } },
      schema: {
        tags: TAGS,
        summary: 'Download a finished export (the link of the job; expires)',
        params: ExportParams,
        querystring: Strict({ token: Type.String({ minLength: 16, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) }),
        response: { 200: Type.String({ description: 'the file' }), ...P(400, 401, 403, 404, 409, 410, 429) },
      },
    },
    async (req, reply) => {
      const who = person(req);
      const locale = await readerLocale(d, req);
      const f = await d.exports.download(who, req.params.job_id, req.query.token, locale);
      reply.header('content-disposition', attachmentDisposition(f.filename)).header('content-length', String(f.size));
      return reply.type(f.contentType).send(f.stream as unknown as string);
    },
  );
}

/** Support tickets across the managed customers: list, read, open one on a customer's behalf, update. */
function registerSupportRoutes(app: App, { msp }: PartnerRoutesDeps): void {
  app.get(
    '/api/v1/partner/support/tickets',
    {
      config: { admission: { permission: 'support.tickets.read', rateClass: 'read', tenant: { from: 'query', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Consolidated ticket feed of every managed tenant (support.tickets.read)',
        description: 'q: subject, ticket number, assignee or customer name. from/to: opened (ISO 8601).',
        querystring: TicketQuery,
        response: { 200: ListOf(TicketView), ...P(400, 401, 403, 404, 429) },
      },
    },
    async (req) => msp.tickets(req.ctx(), person(req), req.query),
  );

  app.get(
    '/api/v1/partner/support/tickets/:ticket_id',
    { config: { admission: { permission: 'support.tickets.read', rateClass: 'read' } }, schema: { tags: TAGS, summary: "One managed tenant's ticket, with who opened it and its comments (support.tickets.read)", params: S.TicketParams, response: { 200: TicketView, ...P(400, 401, 403, 404, 429) } } },
    async (req) => msp.ticket(req.ctx(), person(req), req.params.ticket_id),
  );

  app.post(
    '/api/v1/partner/support/tickets',
    {
      config: { admission: { permission: 'support.tickets.create', rateClass: 'write', tenant: { from: 'body', field: 'tenant_id' }, ban: { from: 'body', field: 'ban_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Open a ticket on behalf of a managed tenant (support.tickets.create on that tenant)',
        description: 'The tenant sees it as opened by your organization and you, by name and e-mail.',
        body: CreateTicketBody,
        response: { 201: TicketView, ...P(400, 401, 403, 404, 429) },
      },
    },
    async (req, reply) => {
      const who = person(req);
      const { tenant_id, ...input } = req.body;
      return reply.code(201).send(await msp.openTicket(req.ctx(), who, tenant_id, input));
    },
  );

  app.patch(
    '/api/v1/partner/support/tickets/:ticket_id',
    {
      config: { admission: { permission: 'support.tickets.update', rateClass: 'write' } },
      schema: {
        tags: TAGS,
        summary: "Update a managed tenant's ticket: status, priority, assignee, comment (support.tickets.update)",
        params: S.TicketParams,
        body: S.UpdateTicketBody,
        response: { 200: TicketView, ...P(400, 401, 403, 404, 409, 429) },
      },
    },
    async (req) => msp.updateTicket(req.ctx(), person(req), req.params.ticket_id, req.body),
  );
}

/** Working a ticket: comment, assign, and the members it may be assigned to. */
function registerTicketWorkRoutes(app: App, d: PartnerRoutesDeps): void {
  const { msp } = d;
  app.post(
    '/api/v1/partner/support/tickets/:ticket_id/comments',
    { config: { admission: { permission: 'support.tickets.update', rateClass: 'write' } }, schema: { tags: TAGS, summary: "Comment on a managed tenant's ticket (support.tickets.update)", params: S.TicketParams, body: CommentBody, response: { 201: TicketView, ...P(400, 401, 403, 404, 409, 429) } } },
    async (req, reply) => reply.code(201).send(await msp.updateTicket(req.ctx(), person(req), req.params.ticket_id, { comment: req.body.text })),
  );

  app.post(
    '/api/v1/partner/support/tickets/:ticket_id/assign',
    {
      config: { admission: { permission: 'support.tickets.update', rateClass: 'write' } },
      schema: {
        tags: TAGS,
        summary: "Assign a managed tenant's ticket to a member of your organization, or unassign it (support.tickets.update)",
        params: S.TicketParams,
        body: AssignBody,
        response: { 200: TicketView, ...P(400, 401, 403, 404, 409, 429) },
      },
    },
    async (req) => {
      const who = person(req);
      const to = req.body.assignee_user_id;
      if (to !== null && !d.isActiveMember(to, who.partnerId)) throw E.assignee_not_member(PD.assignTicketActiveMember, { fields: [{ pointer: '/body/assignee_user_id', detail: 'is not an active member of your organization' }] });
      return msp.updateTicket(req.ctx(), who, req.params.ticket_id, { assignee: to });
    },
  );

  app.get(
    '/api/v1/partner/members/assignable',
    {
      config: { admission: { permission: 'support.tickets.update', rateClass: 'read' } },
      schema: {
        tags: TAGS,
        summary: 'Members of your organization a ticket can be assigned to (active, with a member role that handles tickets)',
        response: { 200: Type.Object({ data: Type.Array(PersonDto) }), ...P(401, 403, 429) },
      },
    },
    async (req) => {
      const who = person(req);
      const rows = await d.members(who.partnerId);
      return {
        data: rows
          .filter((m) => m.member_status === 'active' && d.isActiveMember(m.user_id, who.partnerId) && d.memberRoleGrants(m.user_id, 'support.tickets.update'))
          .map((m) => ({ user_id: m.user_id, name: m.name, email: m.email, partner_id: who.partnerId, partner_name: null })),
      };
    },
  );
}

/** Usage and SLA reports across the managed customers. */
function registerReportRoutes(app: App, { msp }: PartnerRoutesDeps): void {
  app.get(
    '/api/v1/partner/reports/usage',
    {
      config: { admission: { permission: 'reports.usage.read', rateClass: 'read', tenant: { from: 'query', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Usage per tenant, month and metric across managed tenants (reports.usage.read)',
        querystring: UsageQuery,
        response: {
          200: Type.Object({ data: Type.Array(Type.Object({ ...TenantName, period: Type.String(), metric: Type.String(), quantity: Type.Number(), amount_cents: Type.Integer(), currency: Type.String() })), ...ReportPage }),
          ...P(400, 401, 403, 404, 429),
        },
      },
    },
    async (req) => msp.usage(req.ctx(), person(req), req.query),
  );

  app.get(
    '/api/v1/partner/reports/sla',
    {
      config: { admission: { permission: 'reports.sla.read', rateClass: 'read', tenant: { from: 'query', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'SLA compliance per managed tenant (reports.sla.read)',
        querystring: SlaQuery,
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
            ...ReportPage,
          }),
          ...P(400, 401, 403, 404, 429),
        },
      },
    },
    async (req) => msp.sla(req.ctx(), person(req), req.query),
  );
}

/** Alerts computed across the managed customers (the inbox is /api/v1/partner/alerts). */
function registerAlertViewRoutes(app: App, d: PartnerRoutesDeps): void {
  app.get(
    '/api/v1/partner/alerts/sla',
    {
      config: { admission: { permission: 'alerts.sla.read', rateClass: 'read', tenant: { from: 'query', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'SLA breaches across managed tenants, newest first (alerts.sla.read); default: the last 3 months',
        querystring: AlertViewQuery,
        response: { 200: Type.Object({ data: Type.Array(Alert), ...ReportPage }), ...P(400, 401, 403, 404, 429) },
      },
    },
    async (req) => d.msp.slaAlerts(req.ctx(), person(req), req.query, await readerLocale(d, req)),
  );

  app.get(
    '/api/v1/partner/alerts/billing',
    {
      config: { admission: { permission: 'alerts.billing.read', rateClass: 'read', tenant: { from: 'query', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Overdue invoices and receivables above a threshold across managed tenants (alerts.billing.read)',
        querystring: BillingAlertQuery,
        response: { 200: Type.Object({ threshold_cents: Type.Integer(), data: Type.Array(Alert), ...ReportPage }), ...P(400, 401, 403, 404, 429) },
      },
    },
    async (req) => d.msp.billingAlerts(req.ctx(), person(req), req.query, await readerLocale(d, req)),
  );
}
