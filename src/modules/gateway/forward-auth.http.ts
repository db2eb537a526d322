/**
 * The forward-auth check on Node's own request and response.
 *
 * A proxy asks once per request it forwards, so the check's own cost is what Partnergate adds to
 * every request behind NGINX `auth_request` (bench:forward-auth measures it against an auth
 * service that decides nothing). Through Fastify's routing, hooks, request/reply objects and a
 * logger child per request, that overhead was about as much as the decision itself. So the check
 * is written here once, against IncomingMessage/ServerResponse:
 *  - the Fastify routes (gateway.routes.ts: the OpenAPI document, app.inject, and every request
 *    the front declines) hand their reply over to it (reply.hijack());
 *  - `forwardAuthFront` answers the plain cases before Fastify sees them (platform/http/front-handler.ts):
 *    one of the four endpoints, a method the routes take, no body, no cookie, no percent-encoding
 *    in the path, no X-Forwarded-For to trust. Everything else goes to Fastify, which decides
 *    the same way (and applies its own rules: the agency-token guard, body limits, 404/503).
 *
 * The answers are the routes' answers: 200 with x-request-id, the signed identity headers and the
 * RateLimit headers (no body), or the refusal's problem+json with x-request-id and the security
 * headers every other answer carries; the access event is spooled before the answer, as in the
 * proxy. The 200 leaves the security headers out: it goes to the proxy alone, which copies the
 * identity headers onto the upstream request and never shows the answer to a browser, whereas a
 * refusal may reach the client. Three headers fewer for NGINX to read on every request (bench:forward-auth, p/n
 * 0.718 and 0.756 before, 0.811 and 0.782 after, interleaved).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { answerFor, writeProblem } from '../../platform/http/error-handler.ts';
import { requestIdOf, SECURITY_HEADERS } from '../../platform/http/request-basics.ts';
import type { FrontHandler } from '../../platform/http/front-handler.ts';
import { openRequestDbScope } from '../../platform/db/db-context.ts';
import { endSpan, REQUEST_ID_ATTRIBUTE, startSpan } from '../../platform/observability/tracing.ts';
import type { FastifyBaseLogger } from 'fastify';
import { authzErrors } from '../authz/index.ts';
import { appendSigned, declaredContentSha256 } from './assertion.ts';
import { forwardedOrigin, originalRequest, type ForwardAuthEndpoint } from './forward-auth.ts';
import { gatewayErrors as E } from './gateway.errors.ts';
import type { Admitted, GatewayRequest, GatewayService, GatewayState } from './gateway.service.ts';
import type { GatewayRule, RouteTable } from './route-table.ts';

export const FORWARD_AUTH = '/authz/forward-auth';
/** the methods the forward-auth routes take */
export const FORWARD_AUTH_METHODS: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
// `.` and `..` segments (plain or percent-encoded) and encoded separators: an upstream that
// normalizes them would serve a path other than the one the rule was matched on.
export const UNSAFE_PATH = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)|%2f|%5c|\\/i;

/** Who asks, as the HTTP layer knows it. */
export interface CheckCaller {
  requestId: string;
  ip: string | null;
  sessionCookie: string | null;
  /** the route pattern to count the answer under in the metrics; null when Fastify counts it */
  metricsRoute: string | null;
}

export interface ForwardAuthDeps {
  gateway: GatewayService;
  table: RouteTable;
  clock: Clock;
  /** the app's logger: unexpected errors only (no line per check, no child logger per check) */
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
}

export type ForwardAuthCheck = (req: IncomingMessage, res: ServerResponse, endpoint: ForwardAuthEndpoint, caller: CheckCaller) => void;

export function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

/** The check: decides, spools the access event, answers on `res`. Never throws. */
export function forwardAuthCheck(d: ForwardAuthDeps): ForwardAuthCheck {
  const { gateway, table } = d;
  const metrics = gateway.metrics;

  const { failed, refuse, admitted } = forwardAuthAnswers(d);

  return (req, res, endpoint, c) => {
    try {
      const h = req.headers;
      const [ownPath, ownQuery] = splitUrl(req.url ?? '/');
      const checkMethod = req.method ?? 'GET';
      // Envoy ext_authz (HTTP): the original path appended to the plain check path, with the original method.
      const suffix = endpoint === 'any' && ownPath.length > FORWARD_AUTH.length ? ownPath.slice(FORWARD_AUTH.length) + (ownQuery ? '?' + ownQuery : '') : null;
      const gatewayRequest = (method: string, path: string, query: string): GatewayRequest => ({ method, path, query, headers: h, sessionCookie: c.sessionCookie, ip: c.ip, requestId: c.requestId });
      const st = gateway.newState();
      // Only the pair the calling proxy owns names the request; any other form, a repeated header
      // or a method/URL override is refused (forward-auth.ts): the decision and the assertion are
      // about the request the upstream receives.
      const o = originalRequest(endpoint, req.rawHeaders, checkMethod, suffix);
      if (!o.ok) return refuse(res, c, gatewayRequest(checkMethod, ownPath, ''), null, st, E[o.code](o.reason));
      const { method, uri } = o;
      const [path, query] = splitUrl(uri);
      const g = gatewayRequest(method, path, query);
      // The request being checked was made to the proxy in front: its DPoP proof names that URL.
      const origin = forwardedOrigin(h);
      if (!origin.ok) return refuse(res, c, g, null, st, E[origin.code](origin.reason));
      if (origin.origin !== null) g.origin = origin.origin;
      const m = UNSAFE_PATH.test(path) ? ({ kind: 'unknown_path' } as const) : table.match(method, path);
      if (m.kind !== 'rule') {
        // auth_request understands only 2xx/401/403: an unknown route is a refusal, not a 404.
        return refuse(res, c, g, null, st, authzErrors.permission_denied(`No gateway rule allows ${method} ${path}.`));
      }
      const rule = m.rule;
      const t0 = metrics.admissionStart();
      const span = startSpan('gateway.admission', { [REQUEST_ID_ATTRIBUTE]: g.requestId });
      const refused = (e: unknown) => {
        metrics.admissionEnd(t0);
        endSpan(span, st.refusal ?? (e as { code?: string }).code ?? 'error');
        if (!(e instanceof AppError)) return failed(res, c, e);
        // 400/404 answers become 403 for proxies that only pass 401/403 on; the code says which.
        const err = e.status === 401 || e.status === 403 || e.status === 429 || e.status >= 500 ? e : new AppError(e.code, 403, e.detail, { headers: e.headers, extensions: e.extensions });
        refuse(res, c, g, rule, st, err);
      };
      const ok = (a: Admitted) => {
        metrics.admissionEnd(t0);
        endSpan(span);
        admitted(res, c, checkMethod, g, rule, st, a, uri);
      };
      let a: Admitted | Promise<Admitted>;
      try {
        // a cached token with the in-memory limiter is decided synchronously: no promise to wait for
        a = gateway.admit(g, rule, st);
      } catch (e) {
        return refused(e);
      }
      if (a instanceof Promise) a.then(ok, refused).catch((e: unknown) => failed(res, c, e));
      else ok(a);
    } catch (e) {
      failed(res, c, e);
    }
  };
}

/** The check's answers: a refusal, an admission, or an unexpected error, each once its access event is spooled. */
function forwardAuthAnswers(d: ForwardAuthDeps) {
  const { gateway, clock, log } = d;
  const metrics = gateway.metrics;

  /** x-request-id and the security headers, then what the answer adds */
  const head = (requestId: string): string[] => {
    const h = ['x-request-id', requestId];
    for (let i = 0; i < SECURITY_HEADERS.length; i++) h.push(SECURITY_HEADERS[i]);
    return h;
  };
  const counted = (c: CheckCaller, status: number) => {
    if (c.metricsRoute !== null) metrics.response(c.metricsRoute, undefined, status);
  };

  const failed = (res: ServerResponse, c: CheckCaller, e: unknown) => {
    const err = answerFor(e as Error, log);
    if (!res.headersSent) writeProblem(res, head(c.requestId), c.requestId, err);
    counted(c, err?.status ?? 500);
  };

  // Every answer waits for the spool write that holds its access event (end of this turn).
  const refuse = (res: ServerResponse, c: CheckCaller, g: GatewayRequest, rule: GatewayRule | null, st: GatewayState, err: AppError) => {
    if (st.refusal === null) st.refusal = err.code;
    gateway.audit(g, rule, st, err.status);
    const send = () => {
      writeProblem(res, head(c.requestId), c.requestId, err);
      counted(c, err.status);
    };
    const w = gateway.auditBuffer.written();
    if (w === undefined) send();
    else w.then(send, (e: unknown) => failed(res, c, e));
  };

  const admitted = (res: ServerResponse, c: CheckCaller, checkMethod: string, g: GatewayRequest, rule: GatewayRule, st: GatewayState, a: Admitted, uri: string) => {
    // no security headers: see the top of this file
    const out = ['x-request-id', c.requestId];
    // the proxy keeps the body: bound only to a digest the client declared (else UNSIGNED-PAYLOAD)
    appendSigned(out, rule.upstream.assertionKey, c.requestId, a.parts, g.method, uri, clock.nowMs(), declaredContentSha256(g.headers) ?? undefined);
    const rh = a.rateHeaders;
    for (const k in rh) out.push(k, rh[k]);
    if (checkMethod !== 'HEAD') out.push('content-length', '0');
    gateway.audit(g, rule, st, 200);
    const send = () => {
      res.writeHead(200, out);
      res.end();
      counted(c, 200);
    };
    const w = gateway.auditBuffer.written();
    if (w === undefined) send();
    else w.then(send, (e: unknown) => failed(res, c, e));
  };
  return { failed, refuse, admitted };
}

const METHODS = new Set<string>(FORWARD_AUTH_METHODS);
const NGINX_PATH = FORWARD_AUTH + '/nginx';
const TRAEFIK_PATH = FORWARD_AUTH + '/traefik';

/**
 * The forward-auth requests answered before Fastify (see the top of this file). `declines`:
 * what the app wants Fastify to see (an agency token, for its guard). `trustProxy`: TRUST_PROXY,
 * under which a request with X-Forwarded-For goes to Fastify (its address is Fastify's to work out).
 */
export function forwardAuthFront(check: ForwardAuthCheck, opts: { trustProxy: boolean; declines: (req: IncomingMessage) => boolean }): FrontHandler {
  return (req, res) => {
      const url = req.url;
      if (url === undefined || !url.startsWith(FORWARD_AUTH) || !METHODS.has(req.method ?? '')) return false;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      let endpoint: ForwardAuthEndpoint;
      let route: string;
      if (path === NGINX_PATH) [endpoint, route] = ['nginx', NGINX_PATH];
      else if (path === TRAEFIK_PATH) [endpoint, route] = ['traefik', TRAEFIK_PATH];
      else if (path === FORWARD_AUTH) [endpoint, route] = ['any', FORWARD_AUTH];
      else if (path.charCodeAt(FORWARD_AUTH.length) === 47 /* / */ && !path.includes('%') && !path.includes('#') && !isProxyEndpoint(path)) {
        // Envoy's form: the original path after the plain endpoint's
        [endpoint, route] = ['any', FORWARD_AUTH + '/*'];
      } else return false;
      const h = req.headers;
      // Fastify reads bodies (and limits them), cookies, and forwarded addresses.
      if ((h['content-length'] !== undefined && h['content-length'] !== '0') || h['transfer-encoding'] !== undefined || h.cookie !== undefined) return false;
      if (opts.trustProxy && h['x-forwarded-for'] !== undefined) return false;
      if (opts.declines(req)) return false;
      const caller: CheckCaller = { requestId: requestIdOf(h['x-request-id']), ip: req.socket.remoteAddress ?? null, sessionCookie: null, metricsRoute: route };
      // the request's database scope, as Fastify's onRequest hook opens it (build-app.ts)
      openRequestDbScope(() => check(req, res, endpoint, caller));
      return true;
  };
}

/** /authz/forward-auth/nginx/… or /traefik/…: Fastify's router decides those (a trailing slash, a deeper path). */
function isProxyEndpoint(path: string): boolean {
  return path.startsWith(NGINX_PATH) || path.startsWith(TRAEFIK_PATH);
}
