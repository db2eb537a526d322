/**
 * Seed 001's consolidated MSP API over the reference data, for the caller's own partner:
 *   /api/v1/partner/billing/summary · /billing/invoices (+ /export) · /support/tickets (list,
 *   create on behalf of a tenant, update) · /reports/usage · /reports/sla · /alerts/sla ·
 *   /alerts/billing
 * (/partner/customers and /partner/context belong to the delegations module.)
 *
 * Every answer is restricted to the tenants the partner holds an effective delegation for, to
 * the billing accounts each delegation covers, and — per endpoint — to the tenants whose
 * delegation grants that endpoint's permission (an MSP_SUPPORT link shows tickets, not
 * invoices). The decisions come from the live snapshot; every tenant a request touched gets an
 * access event in its audit log; requests are rate-limited per user and route class.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import type { App } from '../../platform/http/app-types.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { enforceRateLimit, type RateLimiter } from '../../platform/ratelimit/index.ts';
import { Type, Strict, Id, Nullable, PageQuery, problems } from '../../platform/http/schemas.ts';
import type { AuditEntry } from '../audit/index.ts';
import { authzErrors, type Allowed, type AuthzService } from '../authz/index.ts';
import type { Access } from '../authz/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import { resourceErrors as E } from './resources.errors.ts';
import * as S from './resources.schemas.ts';
import type { ResourcesService, ResourceCaller, TenantScope } from './resources.service.ts';

export interface PartnerRoutesDeps {
  resources: ResourcesService;
  authz: AuthzService;
  access: Access;
  tenants: Pick<TenantsService, 'listTenants'>;
  limiter: RateLimiter;
  config: Config;
  /** queue one access event (batched, off the response path) */
  recordAccess: (ctx: RequestContext, entry: AuditEntry) => void;
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

function defaultAlertFrom(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 1));
  return d.toISOString().slice(0, 7);
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Cells starting with = + - @ would run as formulas in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function registerPartnerConsolidatedRoutes(app: App, d: PartnerRoutesDeps): void {
  const { resources, authz, access } = d;

  /** The caller's partner, its active membership and the org-role gate of the consolidated views. */
  const partnerOf = (req: FastifyRequest) => {
    const p = access.user(req);
    const m = access.partnerMembership(p);
    if (!access.can(m.role, 'partner.customers.read')) throw authzErrors.permission_denied(`Your role ${m.role} does not allow partner.customers.read.`);
    return { userId: p.userId, partnerId: m.partnerId };
  };

  /** Tenants (and covered BANs) where the partner's delegations grant `permission`. */
  const scopesFor = (partnerId: string, permission: string, only?: string): { scopes: TenantScope[]; decisions: Map<string, Allowed> } => {
    const decisions = new Map<string, Allowed>();
    const tenantIds = only ? [only] : [...(authz.snapshot.byPair.get(partnerId)?.keys() ?? [])];
    for (const t of tenantIds) {
      const dec = authz.partnerAccess(partnerId, t, permission);
      if (dec.allow) decisions.set(t, dec);
      else if (only) throw authz.refusalError(dec); // asked for one tenant: say why not
    }
    return { scopes: [...decisions].map(([tenantId, a]) => ({ tenantId, bans: a.bans })), decisions };
  };

  const names = async (ids: Iterable<string>): Promise<Map<string, string>> => {
    const list = [...new Set(ids)];
    if (list.length === 0) return new Map();
    const rows = await d.tenants.listTenants({ ids: list, limit: list.length });
    return new Map(rows.map((r) => [r.id, r.name]));
  };

  const limit = async (reply: FastifyReply, userId: string, cls: 'read' | 'write' | 'export', partnerId: string) => {
    const l = d.config.rateLimits;
    const n = l[`${partnerId}:${cls}`] ?? l[cls] ?? l.default ?? 300;
    await enforceRateLimit(reply, d.limiter, `pc:u:${userId}:${cls}`, { name: cls, limit: n, windowMs: 60_000 });
  };

  /** One access event per tenant the answer drew on: each tenant sees it in its own log. */
  const audit = (req: FastifyRequest, partnerId: string, tenantIds: Iterable<string>, decisions: Map<string, Allowed>, what: string, details: Record<string, unknown> = {}) => {
    const ctx = req.ctx();
    for (const t of new Set(tenantIds)) {
      d.recordAccess(ctx, {
        action: 'partner.consolidated_read',
        tenantId: t,
        partnerId,
        targetType: 'endpoint',
        targetId: what,
        details: { delegation_id: decisions.get(t)?.delegationId ?? null, ...details },
      });
    }
  };

  const caller = (userId: string, partnerId: string, tenantId: string, a: Allowed): ResourceCaller => ({
    tenantId,
    bans: a.bans,
    partnerId,
    userId,
    clientId: null,
    delegationId: a.delegationId,
    persona: 'msp',
    billTo: null,
  });

  // ---- billing ------------------------------------------------------------------------------

  app.get(
    '/api/v1/partner/billing/summary',
    { schema: { tags: TAGS, summary: 'Consolidated receivables and revenue across managed tenants (billing.summary.read)', querystring: ReportQuery, response: { 200: BillingSummary, ...problems(400, 401, 403, 404, 429) } } },
    async (req, reply) => {
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'read', partnerId);
      const { scopes, decisions } = scopesFor(partnerId, 'billing.summary.read', req.query.tenant_id);
      const rows = await resources.billingTotals(scopes, { periodFrom: req.query.period_from, periodTo: req.query.period_to });
      const n = await names(rows.map((r) => r.tenant_id));
      const totals = new Map<string, { currency: string; invoiced_cents: number; outstanding_cents: number; overdue_cents: number; paid_cents: number; tenants: number }>();
      for (const r of rows) {
        const t = totals.get(r.currency) ?? { currency: r.currency, invoiced_cents: 0, outstanding_cents: 0, overdue_cents: 0, paid_cents: 0, tenants: 0 };
        t.invoiced_cents += r.invoiced_cents;
        t.outstanding_cents += r.outstanding_cents;
        t.overdue_cents += r.overdue_cents;
        t.paid_cents += r.paid_cents;
        t.tenants++;
        totals.set(r.currency, t);
      }
      audit(req, partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/billing/summary');
      return {
        period_from: req.query.period_from ?? null,
        period_to: req.query.period_to ?? null,
        totals: [...totals.values()],
        tenants: rows.map((r) => ({
          tenant_id: r.tenant_id,
          tenant_name: n.get(r.tenant_id) ?? '',
          currency: r.currency,
          invoiced_cents: r.invoiced_cents,
          outstanding_cents: r.outstanding_cents,
          overdue_cents: r.overdue_cents,
          paid_cents: r.paid_cents,
          open_invoices: r.open_count,
          overdue_invoices: r.overdue_count,
        })),
      };
    },
  );

  app.get(
    '/api/v1/partner/billing/invoices',
    { schema: { tags: TAGS, summary: 'Invoices of every managed tenant, newest first (billing.invoices.read)', querystring: InvoiceQuery, response: { 200: PageWithTenants(S.InvoiceDto), ...problems(400, 401, 403, 404, 429) } } },
    async (req, reply) => {
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'read', partnerId);
      const q = req.query;
      const { scopes, decisions } = scopesFor(partnerId, 'billing.invoices.read', q.tenant_id);
      const page = await resources.listInvoices(scopes, { status: q.status, periodFrom: q.period_from, periodTo: q.period_to, cursor: q.cursor, limit: q.limit ?? 50 });
      const n = await names(page.data.map((i) => i.tenant_id));
      audit(req, partnerId, page.data.map((i) => i.tenant_id), decisions, 'GET /api/v1/partner/billing/invoices');
      return { data: page.data.map((i) => ({ ...i, tenant_name: n.get(i.tenant_id) ?? '' })), next_cursor: page.next_cursor };
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
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'export', partnerId);
      const b = req.body;
      const { scopes, decisions } = scopesFor(partnerId, 'billing.invoices.export', b.tenant_id);
      const rows: Awaited<ReturnType<typeof resources.listInvoices>>['data'] = [];
      let cursor: string | undefined;
      do {
        const page = await resources.listInvoices(scopes, { status: b.status, periodFrom: b.period_from, periodTo: b.period_to, cursor, limit: 200 });
        rows.push(...page.data);
        cursor = page.next_cursor ?? undefined;
      } while (cursor && rows.length < 10_000);
      const n = await names(rows.map((r) => r.tenant_id));
      const head = ['tenant_id', 'tenant_name', 'invoice_id', 'number', 'ban_id', 'period', 'issued_at', 'due_at', 'status', 'currency', 'subtotal_cents', 'tax_cents', 'total_cents', 'balance_cents', 'paid_at'];
      const lines = [head.join(',')];
      for (const i of rows) {
        lines.push([i.tenant_id, n.get(i.tenant_id) ?? '', i.id, i.number, i.ban_id, i.period, i.issued_at, i.due_at, i.status, i.currency, i.subtotal_cents, i.tax_cents, i.total_cents, i.balance_cents, i.paid_at].map(csvCell).join(','));
      }
      const ctx = req.ctx();
      for (const t of decisions.keys()) {
        d.recordAccess(ctx, {
          action: 'billing.invoices_exported',
          tenantId: t,
          partnerId,
          targetType: 'endpoint',
          targetId: 'POST /api/v1/partner/billing/invoices/export',
          details: { delegation_id: decisions.get(t)?.delegationId ?? null, invoices: rows.filter((r) => r.tenant_id === t).length, filters: { status: b.status ?? null, period_from: b.period_from ?? null, period_to: b.period_to ?? null } },
        });
      }
      reply.header('content-disposition', `attachment; filename="invoices-${new Date().toISOString().slice(0, 10)}.csv"`);
      return reply.type('text/csv; charset=utf-8').send(lines.join('\r\n') + '\r\n');
    },
  );

  // ---- support --------------------------------------------------------------------------------

  app.get(
    '/api/v1/partner/support/tickets',
    { schema: { tags: TAGS, summary: 'Consolidated ticket feed of every managed tenant (support.tickets.read)', querystring: TicketQuery, response: { 200: PageWithTenants(S.TicketDto), ...problems(400, 401, 403, 404, 429) } } },
    async (req, reply) => {
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'read', partnerId);
      const q = req.query;
      const { scopes, decisions } = scopesFor(partnerId, 'support.tickets.read', q.tenant_id);
      const page = await resources.listTickets(scopes, { status: q.status, priority: q.priority, cursor: q.cursor, limit: q.limit ?? 50 });
      const n = await names(page.data.map((t) => t.tenant_id));
      audit(req, partnerId, page.data.map((t) => t.tenant_id), decisions, 'GET /api/v1/partner/support/tickets');
      return { data: page.data.map((t) => ({ ...t, tenant_name: n.get(t.tenant_id) ?? '' })), next_cursor: page.next_cursor };
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
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'write', partnerId);
      const { tenant_id, ...input } = req.body;
      const a = authz.partnerAccess(partnerId, tenant_id, 'support.tickets.create');
      if (!a.allow) throw authz.refusalError(a);
      const ticket = await resources.openTicket(req.ctx(), caller(userId, partnerId, tenant_id, a), input);
      return reply.code(201).send(ticket);
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
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'write', partnerId);
      const { scopes, decisions } = scopesFor(partnerId, 'support.tickets.update');
      // A ticket of a tenant without that permission answers like a missing one.
      const tenantId = await resources.ticketTenant(scopes, req.params.ticket_id);
      if (!tenantId) throw E.ticket_not_found();
      return resources.updateTicket(req.ctx(), caller(userId, partnerId, tenantId, decisions.get(tenantId)!), req.params.ticket_id, req.body, userId);
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
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'read', partnerId);
      const q = req.query;
      const { scopes, decisions } = scopesFor(partnerId, 'reports.usage.read', q.tenant_id);
      const rows = await resources.usageTotals(scopes, { periodFrom: q.period_from, periodTo: q.period_to, metric: q.metric });
      const n = await names(rows.map((r) => r.tenant_id));
      audit(req, partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/reports/usage');
      return { data: rows.map((r) => ({ ...r, tenant_name: n.get(r.tenant_id) ?? '' })) };
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
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'read', partnerId);
      const q = req.query;
      const { scopes, decisions } = scopesFor(partnerId, 'reports.sla.read', q.tenant_id);
      const rows = await resources.slaTotals(scopes, { periodFrom: q.period_from, periodTo: q.period_to });
      const n = await names(rows.map((r) => r.tenant_id));
      audit(req, partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/reports/sla');
      return {
        data: rows.map((r) => ({ ...r, tenant_name: n.get(r.tenant_id) ?? '', compliance_pct: r.records === 0 ? 100 : Math.round(((r.records - r.breached) / r.records) * 10_000) / 100 })),
      };
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
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'read', partnerId);
      const q = req.query;
      const { scopes, decisions } = scopesFor(partnerId, 'alerts.sla.read', q.tenant_id);
      const page = await resources.listSla(scopes, { status: 'breached', periodFrom: q.period_from ?? defaultAlertFrom(new Date()), periodTo: q.period_to, limit: 500 });
      const n = await names(page.data.map((r) => r.tenant_id));
      audit(req, partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/alerts/sla');
      return {
        data: page.data.map((r) => ({
          kind: 'sla_breach',
          severity: r.target_pct - r.achieved_pct >= 0.1 ? 'critical' : 'warning',
          tenant_id: r.tenant_id,
          tenant_name: n.get(r.tenant_id) ?? '',
          ban_id: r.ban_id,
          subject_id: r.id,
          period: r.period,
          message: `Availability ${r.achieved_pct}% against a ${r.target_pct}% target (${r.downtime_minutes} min down, ${r.incidents} incident${r.incidents === 1 ? '' : 's'}).`,
          amount_cents: null,
          currency: null,
        })),
      };
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
      const { userId, partnerId } = partnerOf(req);
      await limit(reply, userId, 'read', partnerId);
      const q = req.query;
      const threshold = q.threshold_cents ?? 500_000;
      const { scopes, decisions } = scopesFor(partnerId, 'alerts.billing.read', q.tenant_id);
      const overdue = await resources.listInvoices(scopes, { status: 'overdue', limit: 500 });
      const totals = await resources.billingTotals(scopes, {});
      const n = await names([...overdue.data.map((i) => i.tenant_id), ...totals.map((t) => t.tenant_id)]);
      audit(req, partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/alerts/billing');
      const fmt = (c: number, cur: string) => `${(c / 100).toFixed(2)} ${cur}`;
      const data = [
        ...totals
          .filter((t) => t.outstanding_cents > threshold)
          .map((t) => ({
            kind: 'receivables_threshold',
            severity: t.overdue_cents > 0 ? 'critical' : 'warning',
            tenant_id: t.tenant_id,
            tenant_name: n.get(t.tenant_id) ?? '',
            ban_id: null,
            subject_id: null,
            period: null,
            message: `Outstanding ${fmt(t.outstanding_cents, t.currency)} exceeds the ${fmt(threshold, t.currency)} threshold.`,
            amount_cents: t.outstanding_cents,
            currency: t.currency,
          })),
        ...overdue.data.map((i) => ({
          kind: 'invoice_overdue',
          severity: 'critical',
          tenant_id: i.tenant_id,
          tenant_name: n.get(i.tenant_id) ?? '',
          ban_id: i.ban_id,
          subject_id: i.id,
          period: i.period,
          message: `Invoice ${i.number} (${fmt(i.balance_cents, i.currency)}) was due ${i.due_at.slice(0, 10)}.`,
          amount_cents: i.balance_cents,
          currency: i.currency,
        })),
      ];
      return { threshold_cents: threshold, data };
    },
  );
}
