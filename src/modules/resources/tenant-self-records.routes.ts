/**
 * Customers act on their own records: a tenant's people open one of their tickets (its
 * conversation, each message with who wrote it and when), reply to it, open a new one, and open
 * one of their invoices (lines, totals, tax, account, payment) or download it as a PDF.
 *   GET  /api/v1/tenants/:tenant_id/self/tickets/:ticket_id              support.tickets.read
 *   POST /api/v1/tenants/:tenant_id/self/tickets                         support.tickets.create
 *   POST /api/v1/tenants/:tenant_id/self/tickets/:ticket_id/comments     support.tickets.update
 *   GET  /api/v1/tenants/:tenant_id/self/invoices/:invoice_id            billing.invoices.read
 *   GET  /api/v1/tenants/:tenant_id/self/invoices/:invoice_id/pdf        billing.invoices.read
 *   POST /api/v1/tenants/:tenant_id/self/orders                          orders.create
 *   POST /api/v1/tenants/:tenant_id/self/orders/:order_id/cancel         orders.cancel
 *
 * The tenant comes from the path and is checked against the verified session (access.tenant);
 * a ticket or invoice of another tenant answers 404 like a missing one. Tickets go through the
 * same service as the partner's (ResourceTickets: transitions, audit), the customer as the actor.
 */
import type { App } from '../../platform/http/app-types.ts';
import type { FastifyRequest } from 'fastify';
import { attachmentDisposition } from '../../platform/http/content-disposition.ts';
import { Id, Nullable, Strict, Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import * as S from './resources.schemas.ts';
import { TicketView } from './partner.routes.ts';
import type { ResourceCaller } from './resource-caller.ts';
import type { ResourcesService } from './resources.service.ts';
import { invoiceFileName, invoicePdf, type InvoiceBrand } from './invoice-document.ts';
import { idempotencyKeyOf } from './record-writes.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';

export interface TenantSelfRecordsDeps {
  resources: ResourcesService;
  access: Access;
  /** the provider's name, on invoices and on its own support staff's messages */
  providerName: string;
  /** the brand a customer's PDF invoice carries in its header (its partner's, where allowed), or null */
  invoiceBrand?: (tenantId: string) => Promise<InvoiceBrand | null>;
  /** the language a document for the signed-in reader is written in (identity's readerLocale; default English) */
  readerLocale?: (userId: string | null, acceptLanguage: string | undefined) => Promise<Locale>;
}

const TAGS = ['customer self-service'];
const Tenant = { tenant_id: Id('tnt') };
const TicketParams = Strict({ ...Tenant, ticket_id: Id('tkt') });
const InvoiceParams = Strict({ ...Tenant, invoice_id: Id('ivc') });
const OrderParams = Strict({ ...Tenant, order_id: Id('ord') });
/** Text that is more than blanks. */
const Words = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S', ...(description ? { description } : {}) });

const { tenant_name: _tenantName, ...ticketProps } = TicketView.properties;
const OwnTicket = Type.Object({ ...ticketProps, provider_name: Type.String({ description: 'who answers messages written by the provider’s own support staff' }) }, { title: 'TenantTicket' });
const NewTicketBody = Strict({
  subject: Words(200),
  description: Words(10_000),
  category: Type.Optional(S.TicketCategory),
  priority: Type.Optional(S.TicketPriority),
  ban_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'the billing account it is about (id or account number)' })),
});
const ReplyBody = Strict({ text: Words(10_000, 'your message; a ticket waiting on you, or resolved, is open again for whoever handles it') });
const Line = Type.Object({ description: Type.String(), quantity: Nullable(Type.Number()), unit: Nullable(Type.String()), amount_cents: Type.Integer() });
const OwnInvoice = Type.Object(
  {
    ...S.InvoiceDto.properties,
    ...S.InvoiceAccount,
    tenant_name: Type.String(),
    lines: Type.Array(Line, { description: 'they add up to subtotal_cents' }),
    payments: Type.Array(Type.Object({ paid_at: Type.String(), amount_cents: Type.Integer() })),
  },
  { title: 'TenantInvoice' },
);

export function registerTenantSelfRecords(app: App, d: TenantSelfRecordsDeps): void {
  const { resources, access, providerName } = d;
  const scope = (tenantId: string) => [{ tenantId, bans: null }];
  const actor = (req: FastifyRequest, tenantId: string, permission: string): ResourceCaller => {
    const a = access.tenant(req, tenantId, permission);
    return { tenantId, bans: null, partnerId: null, userId: a.principal.userId, clientId: null, delegationId: null, persona: 'customer', billTo: null };
  };
  const ticket = async (tenantId: string, ticketId: string) => ({ ...(await resources.getTicket(scope(tenantId), ticketId, { partnerId: null })), provider_name: providerName });

  app.get(
    '/api/v1/tenants/:tenant_id/self/tickets/:ticket_id',
    { schema: { tags: TAGS, summary: 'One of your tickets with its conversation, oldest message first (support.tickets.read)', params: TicketParams, response: { 200: OwnTicket, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'support.tickets.read');
      return ticket(req.params.tenant_id, req.params.ticket_id);
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/self/tickets',
    {
      schema: {
        tags: TAGS,
        summary: 'Open a ticket for your tenant (support.tickets.create); audited. When tickets go to the provider’s system it is sent there first and shows as waiting for its confirmation; send Idempotency-Key to make a retry safe',
        params: Strict(Tenant),
        body: NewTicketBody,
        response: { 201: OwnTicket, ...problems(400, 401, 403, 404, 409, 422, 502, 504) },
      },
    },
    async (req, reply) => {
      const c = actor(req, req.params.tenant_id, 'support.tickets.create');
      const { subject, description, ...rest } = req.body;
      const t = await resources.openTicket(req.ctx(), c, { subject: subject.trim(), description: description.trim(), ...rest }, idempotencyKeyOf(req.headers));
      return reply.code(201).send(await ticket(c.tenantId, t.id));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/self/tickets/:ticket_id/comments',
    {
      schema: {
        tags: TAGS,
        summary: 'Reply to one of your tickets (support.tickets.update); a ticket waiting on you, or resolved, is open again; audited',
        params: TicketParams,
        body: ReplyBody,
        response: { 201: OwnTicket, ...problems(400, 401, 403, 404, 409, 422, 502, 504) },
      },
    },
    async (req, reply) => {
      const c = actor(req, req.params.tenant_id, 'support.tickets.update');
      await resources.updateTicket(req.ctx(), c, req.params.ticket_id, { comment: req.body.text.trim(), customerReply: true }, c.userId!);
      return reply.code(201).send(await ticket(c.tenantId, req.params.ticket_id));
    },
  );

  registerOwnOrders(app, resources, actor);

  app.get(
    '/api/v1/tenants/:tenant_id/self/invoices/:invoice_id',
    { schema: { tags: TAGS, summary: 'One of your invoices: lines, totals, tax, due date, account, payment (billing.invoices.read)', params: InvoiceParams, response: { 200: OwnInvoice, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'billing.invoices.read');
      return resources.invoiceDetail(scope(req.params.tenant_id), req.params.invoice_id);
    },
  );

  app.get(
    '/api/v1/tenants/:tenant_id/self/invoices/:invoice_id/pdf',
    {
      schema: {
        tags: TAGS,
        summary: 'One of your invoices as a PDF, named "Invoice <number>.pdf" (billing.invoices.read)',
        params: InvoiceParams,
        response: { 200: Type.String({ description: 'application/pdf' }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'billing.invoices.read');
      const inv = await resources.invoiceDetail(scope(req.params.tenant_id), req.params.invoice_id);
      const locale = (await d.readerLocale?.(req.principal?.userId ?? null, req.headers['accept-language'])) ?? DEFAULT_LOCALE;
      const pdf = await invoicePdf(inv, providerName, (await d.invoiceBrand?.(req.params.tenant_id)) ?? null, locale);
      reply.header('content-disposition', attachmentDisposition(invoiceFileName(inv.number, locale))).header('content-language', locale).header('cache-control', 'private, no-store');
      // a buffer is sent as is (no serializer): the schema documents the file
      return reply.type('application/pdf').send(pdf as unknown as string);
    },
  );
}

/** A customer's own orders: placed, and cancelled, as the customer (the same service as the partner's, with its sending to the provider). */
function registerOwnOrders(app: App, resources: ResourcesService, actor: (req: FastifyRequest, tenantId: string, permission: string) => ResourceCaller): void {
  app.post(
    '/api/v1/tenants/:tenant_id/self/orders',
    {
      schema: {
        tags: TAGS,
        summary: 'Place an order for your tenant (orders.create); audited. When orders go to the provider’s system it is sent there first and shows as waiting for its confirmation; send Idempotency-Key to make a retry safe',
        params: Strict(Tenant),
        body: S.PlaceOrderBody,
        response: { 201: S.OrderDto, 200: S.OrderDto, ...problems(400, 401, 403, 404, 409, 422, 502, 504) },
      },
    },
    async (req, reply) => {
      const c = actor(req, req.params.tenant_id, 'orders.create');
      const r = await resources.placeOrder(req.ctx(), c, req.body, idempotencyKeyOf(req.headers));
      return reply.code(r.replayed ? 200 : 201).send(r.order);
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/self/orders/:order_id/cancel',
    {
      schema: {
        tags: TAGS,
        summary: 'Cancel one of your orders while it is submitted or in progress (orders.cancel); audited. An order the provider’s system knows is cancelled there first and shows as waiting for its confirmation',
        params: OrderParams,
        response: { 200: S.OrderDto, ...problems(400, 401, 403, 404, 409, 422, 502, 504) },
      },
    },
    async (req) => resources.cancelOrder(req.ctx(), actor(req, req.params.tenant_id, 'orders.cancel'), req.params.order_id),
  );
}
