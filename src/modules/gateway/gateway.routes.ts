/**
 * The gateway's HTTP face:
 *  - every configured rule as its own route (the reference service's under /resources/v1, and
 *    the operator's GATEWAY_ROUTES), documented in the OpenAPI, proxied after the pipeline;
 *  - a catch-all per prefix: a path or method no rule names is refused (deny by default);
 *  - /authz/forward-auth: the same decision for NGINX auth_request, Traefik ForwardAuth and
 *    Envoy ext_authz (HTTP) — 200 with the identity headers, or the refusal envelope.
 * Bodies are not parsed here: they reach the upstream byte for byte, which validates them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import { sendProblem } from '../../platform/http/error-handler.ts';
import { problems, Type } from '../../platform/http/schemas.ts';
import { appendSigned } from './assertion.ts';
import type { ForwardAuthEndpoint } from './forward-auth.ts';
import { FORWARD_AUTH, FORWARD_AUTH_METHODS, forwardAuthCheck, splitUrl, UNSAFE_PATH, type ForwardAuthCheck } from './forward-auth.http.ts';
import { gatewayErrors as E } from './gateway.errors.ts';
import type { GatewayRequest, GatewayService, GatewayState } from './gateway.service.ts';
import { appendForwardedHeaders, relayResponse, setTraceContext, type HeaderList, type UpstreamPools } from './proxy.ts';
import type { GatewayRule, RouteTable } from './route-table.ts';
import { endSpan, REQUEST_ID_ATTRIBUTE, startSpan, traceparentOf, tracestateOf } from '../../platform/observability/tracing.ts';

export interface RuleDocs {
  summary: string;
  schema: { querystring?: TSchema; params?: TSchema; body?: TSchema; response: Record<number, TSchema> };
  tags?: string[];
}

export interface GatewayRoutesDeps {
  gateway: GatewayService;
  table: RouteTable;
  pools: UpstreamPools;
  assertionKey: Buffer;
  clock: Clock;
  bodyLimit: number;
  trustProxy: boolean;
  /** OpenAPI documentation of a rule, when known */
  docs: (rule: GatewayRule) => RuleDocs | null;
}

const NO_VALIDATION = () => () => true;
/** the route class of the metrics (a configured prefix may be anything) */
const GATEWAY_ROUTE = { routeClass: 'gateway' };
const SECURITY: { [k: string]: string[] }[] = [{ accessToken: [] }, { apiToken: [] }, { session: [] }];

function gatewayRequest(req: FastifyRequest, path: string, query: string, method = req.method): GatewayRequest {
  return {
    method,
    path,
    query,
    headers: req.headers,
    sessionCookie: req.cookies?.partnergate_session ?? null,
    ip: req.ip ?? null,
    requestId: String(req.id),
  };
}

export async function registerGatewayRoutes(app: FastifyInstance, d: GatewayRoutesDeps): Promise<ForwardAuthCheck> {
  const proxy = gatewayProxy(d);
  const check = forwardAuthCheck({ gateway: d.gateway, table: d.table, clock: d.clock, log: app.log });
  await app.register(async (scope) => {
    // Bodies stay raw bytes: the upstream owns their validation.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: d.bodyLimit }, (_req, body, done) => done(null, body));
    registerProxiedRoutes(scope, d, proxy);
    registerForwardAuthRoutes(scope, check);
  });
  return check;
}

/** Where a rule's upstream is (origin and base path), parsed once per base URL. */
function upstreamLocator(): (rule: GatewayRule) => { origin: string; basePath: string } | null {
  const upstreamCache = new Map<string, { origin: string; basePath: string }>();
  return (rule: GatewayRule) => {
    const base = rule.upstream.baseUrl;
    if (base === null) return null;
    let u = upstreamCache.get(base);
    if (!u) {
      const url = new URL(base);
      u = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
      upstreamCache.set(base, u);
    }
    return u;
  };
}

/** A refusal, sent once the spool write that holds its access event is done (end of this turn). */
function refusals(gateway: GatewayService) {
  return (req: FastifyRequest, reply: FastifyReply, g: GatewayRequest, rule: GatewayRule | null, st: GatewayState, err: AppError) => {
    if (st.refusal === null) st.refusal = err.code;
    gateway.audit(g, rule, st, err.status);
    const w = gateway.auditBuffer.written();
    return w === undefined ? sendProblem(reply, req, err) : w.then(() => sendProblem(reply, req, err));
  };
}

/** The proxy: admits the request through the gateway's pipeline, then forwards it to the rule's upstream. */
function gatewayProxy(d: GatewayRoutesDeps) {
  const { gateway, pools } = d;
  const upstreamOf = upstreamLocator();
  const refuse = refusals(gateway);

  async function proxy(req: FastifyRequest, reply: FastifyReply, rule: GatewayRule): Promise<FastifyReply> {
    const [path, query] = splitUrl(req.url);
    const g = gatewayRequest(req, path, query);
    const st = gateway.newState();
    if (UNSAFE_PATH.test(path)) return refuse(req, reply, g, rule, st, platformErrors.not_found('No such resource.'));
    let admitted;
    const t0 = gateway.metrics.admissionStart();
    const span = startSpan('gateway.admission', { [REQUEST_ID_ATTRIBUTE]: g.requestId });
    try {
      const a = gateway.admit(g, rule, st);
      admitted = a instanceof Promise ? await a : a;
    } catch (e) {
      gateway.metrics.admissionEnd(t0);
      endSpan(span, st.refusal ?? (e as { code?: string }).code ?? 'error');
      if (e instanceof AppError) return refuse(req, reply, g, rule, st, e);
      throw e;
    }
    gateway.metrics.admissionEnd(t0);
    endSpan(span);
    const up = upstreamOf(rule);
    if (up === null) return refuse(req, reply, g, rule, st, E.upstream_unavailable('The upstream service is not running.'));
    const upstreamPath = up.basePath + path.slice(rule.prefix.length) + (query ? '?' + query : '');
    const body = Buffer.isBuffer(req.body) ? req.body : null;
    const headers: HeaderList = [];
    appendForwardedHeaders(req, g.requestId, headers);
    appendSigned(headers as string[], rule.upstream.assertionKey, g.requestId, admitted.parts, req.method, upstreamPath, d.clock.nowMs(), body);

    let res;
    const upSpan = startSpan('gateway.upstream', { [REQUEST_ID_ATTRIBUTE]: g.requestId, 'partnergate.upstream': rule.upstream.name, 'http.request.method': req.method });
    if (upSpan !== null) setTraceContext(headers, traceparentOf(upSpan), tracestateOf(upSpan));
    try {
      res = await pools.request(up.origin, { method: req.method, path: upstreamPath, headers, body });
      if (upSpan !== null) upSpan.setAttribute('http.response.status_code', res.statusCode);
      endSpan(upSpan);
    } catch (e) {
      endSpan(upSpan, 'upstream_failed');
      const code = (e as { code?: string }).code ?? '';
      const err = code.includes('TIMEOUT') ? E.upstream_timeout('The upstream service did not answer in time.') : E.upstream_unavailable('The upstream service could not be reached.');
      req.log.warn({ err: e, upstream: rule.upstream.name }, 'upstream request failed');
      return refuse(req, reply, g, rule, st, err);
    }
    gateway.audit(g, rule, st, res.statusCode);
    const w = gateway.auditBuffer.written();
    if (w !== undefined) await w;
    return relayResponse(reply, res, req.method, admitted.rateHeaders);
  }
  return proxy;
}

/** One route per gateway rule, documented, and the rest of each prefix answered 404 or 405. */
function registerProxiedRoutes(scope: FastifyInstance, d: GatewayRoutesDeps, proxy: ReturnType<typeof gatewayProxy>): void {
  const { table } = d;
  for (const rule of table.rules) {
    const docs = d.docs(rule);
    const schema: Record<string, unknown> = {
      tags: docs?.tags ?? ['gateway'],
      summary: docs?.summary ?? `${rule.method} ${rule.pattern} (proxied to ${rule.upstream.name})`,
      description:
        `Needs ${rule.permission ? `the permission \`${rule.permission}\`` : 'an effective access to the tenant'}; rate class \`${rule.rateClass}\`. ` +
        'Send a partner access token (`Authorization: Bearer`), or a personal API token or portal session with `X-Active-Tenant-Id`. ' +
        'Refusals are RFC 9457 problems with the decision `code`.',
      security: SECURITY,
      headers: Type.Object({ 'x-active-tenant-id': Type.Optional(Type.String({ description: 'the tenant to act on (MSP users; must match a token\'s tenant)' })) }),
      response: { ...(docs?.schema.response ?? {}), ...problems(400, 401, 403, 404, 429, 502, 503, 504) },
    };
    if (docs?.schema.querystring) schema.querystring = docs.schema.querystring;
    if (docs?.schema.params) schema.params = docs.schema.params;
    if (docs?.schema.body) schema.body = docs.schema.body;
    scope.route({
      method: rule.method as 'GET',
      url: rule.pattern,
      schema,
      config: GATEWAY_ROUTE,
      validatorCompiler: NO_VALIDATION,
      handler: (req, reply) => proxy(req, reply, rule),
    });
  }

  for (const prefix of table.prefixes) {
    scope.all(prefix + '/*', { schema: { hide: true }, config: GATEWAY_ROUTE, validatorCompiler: NO_VALIDATION }, async (req, reply) => {
      const [path] = splitUrl(req.url);
      const m = table.match(req.method, path);
      if (m.kind === 'rule') return proxy(req, reply, m.rule);
      if (m.kind === 'method_not_allowed') {
        reply.header('allow', m.allowed.join(', '));
        return sendProblem(reply, req, platformErrors.method_not_allowed(`${req.method} is not allowed here; use ${m.allowed.join(' or ')}.`));
      }
      return sendProblem(reply, req, platformErrors.not_found(`No route for ${req.method} ${path}.`));
    });
  }
}

/** The forward-auth checks: NGINX's, Traefik's, any proxy's and Envoy's. */
function registerForwardAuthRoutes(scope: FastifyInstance, check: ForwardAuthCheck): void {
  const faSchema = (summary: string, names: string) => ({
    tags: ['gateway'],
    summary,
    description:
      `The same pipeline as the proxy, without forwarding. ${names} ` +
      'A check that also carries another way of naming the request (a client\'s copy of another proxy\'s headers), repeats a header the ' +
      'decision reads, or carries a method or URL override (`X-HTTP-Method-Override`, `X-Original-URL`, …) is refused: 403 `forward_auth_request_conflict`. ' +
      'Admitted: 200 and the verified identity headers (`x-partnergate-*`, signed by `x-partnergate-assertion`) and RateLimit headers, ' +
      'to copy onto the upstream request. Refused: 401, 403 or 429 with the problem envelope and its `code`.',
    security: SECURITY,
    response: { 200: Type.Null({ description: 'admitted; identity in the x-partnergate-* response headers' }), ...problems(400, 401, 403, 429, 503) },
  });
  // The check answers on Node's own response (forward-auth.http.ts), here and before Fastify.
  const fa = (url: string, endpoint: ForwardAuthEndpoint, schema: Record<string, unknown>) =>
    scope.route({
      method: FORWARD_AUTH_METHODS,
      url,
      exposeHeadRoute: false,
      schema,
      validatorCompiler: NO_VALIDATION,
      handler: (req, reply) => {
        reply.hijack();
        check(req.raw, reply.raw, endpoint, { requestId: String(req.id), ip: req.ip ?? null, sessionCookie: req.cookies?.partnergate_session ?? null, metricsRoute: null });
      },
    });
  fa(FORWARD_AUTH + '/nginx', 'nginx', faSchema('Forward-auth check for NGINX auth_request', 'The original request is read from `X-Original-Method` + `X-Original-URI` only, which the NGINX configuration sets.'));
  fa(FORWARD_AUTH + '/traefik', 'traefik', faSchema('Forward-auth check for Traefik ForwardAuth', 'The original request is read from `X-Forwarded-Method` + `X-Forwarded-Uri` only, which Traefik sets.'));
  fa(
    FORWARD_AUTH,
    'any',
    faSchema(
      'Forward-auth check for any proxy, and Envoy ext_authz (HTTP) with its path appended',
      'Name the original request in exactly one way: `X-Original-Method` + `X-Original-URI` (NGINX), `X-Forwarded-Method` + `X-Forwarded-Uri` (Traefik), ' +
        'or its path appended to this one (Envoy `path_prefix`, with the original method). Prefer the proxy\'s own endpoint (`/nginx`, `/traefik`).',
    ),
  );
  // Envoy's form. The proxy-specific endpoints above take precedence: an Envoy check of a path
  // that is exactly /nginx or /traefik is answered by them, and refused there (fail closed).
  fa(FORWARD_AUTH + '/*', 'any', { hide: true });
}
