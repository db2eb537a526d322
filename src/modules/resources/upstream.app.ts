/**
 * The reference resource service as its own HTTP app (a separate Fastify instance): the
 * gateway's default upstream. It runs inside the Partnergate process on a loopback port by
 * default, or alone (`partnergate upstream serve`). It trusts nothing but identity headers
 * signed by the gateway: `authenticate` checks the signed gateway assertion (with this upstream's
 * own key) and returns the verified identity, or the reason — and the request is refused with 401
 * before any route runs. A body must then have the SHA-256 the assertion signed.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installErrorHandler, sendProblem } from '../../platform/http/error-handler.ts';
import { validatorCompiler } from '../../platform/http/validation.ts';
import { secureLoggerOptions } from '../../platform/http/log-redaction.ts';
import { depthLimitedJsonParser, installJsonBodyParser } from '../../platform/http/json-depth.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { tenantContext, withDbContext } from '../../platform/db/db-context.ts';
import { authzErrors } from '../authz/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import { toVoucherDto, voucherErrors, type VouchersService } from '../vouchers/index.ts';
import { resourceErrors as E } from './resources.errors.ts';
import { ResourcesService, type ResourceCaller } from './resources.service.ts';
import { REFERENCE_ROUTES, type ResourceRouteSpec } from './reference-routes.ts';
import { idempotencyKeyOf } from './record-writes.ts';

/** The identity the gateway verified, as carried by its signed headers. */
export interface UpstreamIdentity extends Omit<ResourceCaller, 'tenantId' | 'requestId'> {
  requestId: string;
  tenantId: string | null;
  scopes: readonly string[] | null;
  permission: string | null;
}

export type UpstreamAuthenticator = (
  headers: FastifyRequest['headers'],
  method: string,
  url: string,
) => { ok: true; identity: UpstreamIdentity; /** the signed content SHA-256 line: hex, '' (no body) or UNSIGNED-PAYLOAD */ content?: string } | { ok: false; reason: string };

/** Holds a received body to the assertion's content line; a reason when it does not match. */
export type UpstreamBodyCheck = (content: string, body: Buffer | null) => string | null;

export interface UpstreamDeps {
  resources: ResourcesService;
  tenants: Pick<TenantsService, 'listBillingAccounts'>;
  vouchers: Pick<VouchersService, 'list' | 'lookupByCode' | 'issue'>;
  authenticate: UpstreamAuthenticator;
  /** checks a body against the signed digest (bodies are taken unchecked without one) */
  checkBody?: UpstreamBodyCheck;
  /** where the routes live (default /v1) */
  basePath?: string;
  logger?: boolean | Record<string, unknown>;
  bodyLimit?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the verified gateway identity (upstream app only) */
    upstreamIdentity: UpstreamIdentity | null;
    /** the content line the assertion signed (upstream app only); null once a body was held to it */
    upstreamContent: string | null;
  }
}

type Handler = (req: FastifyRequest, reply: FastifyReply, c: ResourceCaller, ctx: RequestContext, id: UpstreamIdentity) => Promise<unknown>;

// Query/params/body are validated by the route schemas before a handler runs.
type Q = Record<string, string | number | undefined>;
type P = Record<string, string>;
type B = Record<string, unknown>;
const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function buildUpstreamApp(d: UpstreamDeps): Promise<FastifyInstance> {
  const base = d.basePath ?? '/v1';
  const app = Fastify({ logger: secureLoggerOptions(d.logger), bodyLimit: d.bodyLimit ?? 1024 * 1024, onProtoPoisoning: 'error', onConstructorPoisoning: 'error', return503OnClosing: true }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());
  installErrorHandler(app as unknown as FastifyInstance);
  installJsonBodyParser(app as unknown as FastifyInstance);
  app.decorateRequest('upstreamIdentity', null);
  app.decorateRequest('upstreamContent', null);
  requireGatewayAssertion(app as unknown as FastifyInstance, d);

  const handlers: Record<string, Handler> = { ...resourceHandlers(d), ...voucherHandlers(d) };
  for (const spec of REFERENCE_ROUTES) registerRoute(app as unknown as FastifyInstance, base, spec, handlers);

  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, platformErrors.not_found(`No route for ${req.method} ${req.url.split('?')[0]}.`)));
  return app as unknown as FastifyInstance;
}

/** A request that did not come through the gateway, or whose body is not the one it signed. */
const refusal = (reason: string) =>
  E.gateway_assertion_invalid(`Requests must come through the Partnergate gateway (assertion ${reason}).`, { headers: { 'www-authenticate': 'PartnergateAssertion' } });

/** Nothing runs before the gateway assertion is checked, not even body parsing; a signed body must be the one received. */
function requireGatewayAssertion(app: FastifyInstance, d: UpstreamDeps): void {
  app.addHook('onRequest', async (req, reply) => {
    const r = d.authenticate(req.headers, req.method, req.url);
    if (!r.ok) return sendProblem(reply, req, refusal(r.reason));
    req.upstreamIdentity = r.identity;
    req.upstreamContent = r.content ?? null;
  });

  const checkBody = d.checkBody;
  if (checkBody) {
    // The body is hashed as received, before JSON parsing: the bytes the gateway signed.
    const json = depthLimitedJsonParser(app as unknown as FastifyInstance);
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      const buf = body as Buffer;
      const why = req.upstreamContent === null ? null : checkBody(req.upstreamContent, buf);
      if (why) return done(refusal(why), undefined);
      req.upstreamContent = null;
      json(req, buf.toString('utf8'), done);
    });
    // A signed body that never arrived (or was dropped on the way) is refused too.
    app.addHook('preValidation', async (req) => {
      if (req.upstreamContent === null) return;
      const why = checkBody(req.upstreamContent, null);
      if (why) throw refusal(why);
    });
  }
}

/** The reference service's handlers by route: the caller's context, accounts, orders, services, invoices, tickets, usage, SLA. */
function resourceHandlers(d: UpstreamDeps): Record<string, Handler> {
  const { resources } = d;
  const scoped = (c: ResourceCaller) => ResourcesService.scopeOf(c);
  return {
    'GET /context': async (_req, _reply, c, _ctx, id) => ({
      request_id: id.requestId,
      tenant_id: c.tenantId,
      partner_id: c.partnerId,
      user_id: c.userId,
      client_id: c.clientId,
      delegation_id: c.delegationId,
      persona: c.persona,
      bans: c.bans,
      bill_to: c.billTo,
      scopes: id.scopes,
    }),
    'GET /accounts': async (_req, _reply, c) => {
      const all = await d.tenants.listBillingAccounts(c.tenantId);
      return { data: all.filter((a) => c.bans === null || c.bans.includes(a.id)).map((a) => ({ id: a.id, account_number: a.account_number, name: a.name, status: a.status, currency: a.currency })) };
    },
    'GET /orders': async (req, _reply, c) => {
      const q = req.query as Q;
      return resources.listOrders(c, { ban: str(q.ban), status: str(q.status), cursor: str(q.cursor), limit: num(q.limit, 50) });
    },
    'POST /orders': async (req, reply, c, ctx) => {
      const r = await resources.placeOrder(ctx, c, req.body as { product_code: string }, idempotencyKeyOf(req.headers));
      return reply.code(r.replayed ? 200 : 201).send(r.order);
    },
    'GET /orders/:order_id': async (req, _reply, c) => resources.getOrder(c, (req.params as P).order_id),
    'POST /orders/:order_id/cancel': async (req, _reply, c, ctx) => resources.cancelOrder(ctx, c, (req.params as P).order_id),
    'GET /services': async (req, _reply, c) => {
      const q = req.query as Q;
      return resources.listServices(c, { ban: str(q.ban), status: str(q.status), cursor: str(q.cursor), limit: num(q.limit, 50) });
    },
    'GET /subscribers': async (req, _reply, c) => {
      const q = req.query as Q;
      const ban = await resources.banFilter(c, str(q.ban) ?? c.ban);
      return resources.list('subscribers', scoped(c), { ...(q as object), eq: { ban_id: ban, status: str(q.status) } });
    },
    'GET /invoices': async (req, _reply, c) => {
      const q = req.query as Q;
      const ban = await resources.banFilter(c, str(q.ban) ?? c.ban);
      return resources.listInvoices(scoped(c), { ban, status: str(q.status), periodFrom: str(q.period_from), periodTo: str(q.period_to), cursor: str(q.cursor), limit: num(q.limit, 50) });
    },
    'GET /invoices/:invoice_id': async (req, _reply, c) => resources.getInvoice(c, (req.params as P).invoice_id),
    'GET /tickets': async (req, _reply, c) => {
      const q = req.query as Q;
      const ban = await resources.banFilter(c, str(q.ban) ?? c.ban);
      return resources.listTickets(scoped(c), { ban, status: str(q.status), priority: str(q.priority), cursor: str(q.cursor), limit: num(q.limit, 50) });
    },
    'POST /tickets': async (req, reply, c, ctx) => reply.code(201).send(await resources.openTicket(ctx, c, req.body as { subject: string; description: string }, idempotencyKeyOf(req.headers))),
    'PATCH /tickets/:ticket_id': async (req, _reply, c, ctx) => resources.updateTicket(ctx, c, (req.params as P).ticket_id, req.body as B, c.clientId ?? c.userId ?? 'system'),
    'GET /usage': async (req, _reply, c) => {
      const q = req.query as Q;
      const ban = await resources.banFilter(c, str(q.ban) ?? c.ban);
      return resources.listUsage(scoped(c), { ban, metric: str(q.metric), periodFrom: str(q.period_from), periodTo: str(q.period_to), cursor: str(q.cursor), limit: num(q.limit, 50) });
    },
    'GET /sla': async (req, _reply, c) => {
      const q = req.query as Q;
      const ban = await resources.banFilter(c, str(q.ban) ?? c.ban);
      return resources.listSla(scoped(c), { ban, status: str(q.status), periodFrom: str(q.period_from), periodTo: str(q.period_to), cursor: str(q.cursor), limit: num(q.limit, 50) });
    },
  };
}

/** The voucher handlers: list, look up by code, issue, on the one covered account they are about. */
function voucherHandlers(d: UpstreamDeps): Record<string, Handler> {
  /** The one covered account a voucher operation is about: named, or the caller's only one; null = tenant-wide (full access only). */
  const voucherBan = async (c: ResourceCaller, ref: string | undefined): Promise<string | null> => {
    if (ref) return (await d.resources.resolveBan(c, ref)).id;
    if (c.bans === null) return null;
    if (c.bans.length === 1) return c.bans[0];
    throw E.ban_required('Your access covers several billing accounts: name one in ban.', { fields: [{ pointer: '/querystring/ban', detail: 'is required' }] });
  };
  const handlers: Record<string, Handler> = {};
  handlers['GET /vouchers'] = async (req, _reply, c) => {
    const q = req.query as Q;
    const ban = await voucherBan(c, str(q.ban) ?? c.ban ?? undefined);
    const r = await d.vouchers.list({ tenantId: c.tenantId, billingAccountId: ban ?? undefined, status: str(q.status) as 'issued' | undefined, type: str(q.type), cursor: str(q.cursor), limit: num(q.limit, 50) });
    return { data: r.data.map((v) => toVoucherDto(v)), next_cursor: r.nextCursor };
  };
  handlers['GET /vouchers/lookup'] = async (req, _reply, c, ctx) => {
    const v = await d.vouchers.lookupByCode(ctx, c.tenantId, String((req.query as Q).code), { audit: true });
    // A voucher of an account the access does not cover answers exactly like no voucher.
    if (c.bans !== null && (v.billing_account_id === null || !c.bans.includes(v.billing_account_id))) throw voucherErrors.voucher_not_found('No voucher matches this code.');
    return toVoucherDto(v);
  };
  handlers['POST /vouchers'] = async (req, reply, c, ctx) => {
    const b = req.body as { type: string; ban_id?: string; recipient_name?: string; recipient_email?: string; reference?: string };
    const ban = await voucherBan(c, b.ban_id ?? c.ban ?? undefined);
    const v = await d.vouchers.issue(ctx, { tenantId: c.tenantId, type: b.type, billingAccountId: ban, recipientName: b.recipient_name ?? null, recipientEmail: b.recipient_email ?? null, reference: b.reference ?? null });
    return reply.code(201).send(toVoucherDto(v));
  };
  return handlers;
}

function registerRoute(app: FastifyInstance, base: string, spec: ResourceRouteSpec, handlers: Record<string, Handler>): void {
  const handler = handlers[`${spec.method} ${spec.path}`];
  if (!handler) throw new Error(`reference route ${spec.method} ${spec.path} has no handler`);
  const { response: _docsOnly, ...schema } = spec.schema;
  app.route({
    method: spec.method,
    url: base + spec.path,
    schema,
    handler: async (req, reply) => {
      const id = req.upstreamIdentity!;
      if (id.tenantId === null) throw authzErrors.tenant_context_required('The request names no tenant.');
      const caller: ResourceCaller = {
        requestId: id.requestId,
        tenantId: id.tenantId,
        bans: id.bans,
        ban: id.ban,
        partnerId: id.partnerId,
        userId: id.userId,
        clientId: id.clientId,
        delegationId: id.delegationId,
        persona: id.persona,
        billTo: id.billTo,
      };
      const ctx: RequestContext = {
        requestId: id.requestId || String(req.id),
        ip: null,
        userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
        actor: { type: id.clientId ? 'app' : 'user', userId: id.userId, partnerId: id.partnerId, clientId: id.clientId, agencyId: null },
      };
      // The tenant the gateway's signed assertion names is the only one its statements may touch.
      return withDbContext(tenantContext(id.tenantId), () => handler(req, reply, caller, ctx, id));
    },
  });
}
