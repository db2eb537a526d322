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
import { endSpan, REQUEST_ID_ATTRIBUTE, startSpan, tracing } from '../../platform/observability/tracing.ts';
import type { FastifyBaseLogger } from 'fastify';
import { authzErrors } from '../authz/index.ts';
import { appendSigned, declaredContentSha256, forwardAuthHeaders } from './assertion.ts';
import { forwardedOrigin, originalRequest, type ForwardAuthEndpoint } from './forward-auth.ts';
import { gatewayErrors as E } from './gateway.errors.ts';
import type { Admitted, GatewayRequest, GatewayService, GatewayState } from './gateway.service.ts';
import type { GatewayRule, RouteMatch, RouteTable } from './route-table.ts';

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

/**
 * The route-table answers of the paths checked lately, by method and path (an unsafe path is
 * answered unknown_path): a check of a path seen before runs no regular expression and splits no
 * path. Bounded: emptied when full; rebuilt when the table changes.
 */
class RouteCache {
  readonly #byMethod = new Map<string, Map<string, RouteMatch>>();
  #size = 0;
  #version = -1;
  readonly #table: RouteTable;
  readonly #max: number;
  constructor(table: RouteTable, max = 4096) {
    this.#table = table;
    this.#max = max;
  }
  match(method: string, path: string): RouteMatch {
    if (this.#version !== this.#table.version || this.#size >= this.#max) {
      this.#byMethod.clear();
      this.#size = 0;
      this.#version = this.#table.version;
    }
    let paths = this.#byMethod.get(method);
    if (paths === undefined) this.#byMethod.set(method, (paths = new Map()));
    let m = paths.get(path);
    if (m === undefined) {
      m = UNSAFE_PATH.test(path) ? UNKNOWN_PATH : this.#table.match(method, path);
      paths.set(path, m);
      this.#size++;
    }
    return m;
  }
}
const UNKNOWN_PATH: RouteMatch = Object.freeze({ kind: 'unknown_path' });

/** The check: decides, spools the access event, answers on `res`. Never throws. */
export function forwardAuthCheck(d: ForwardAuthDeps): ForwardAuthCheck {
  const { gateway } = d;
  const routes = new RouteCache(d.table);
  const answers = forwardAuthAnswers(d);
  const { failed, refuse } = answers;

  return (req, res, endpoint, c) => {
    try {
      const url = req.url ?? '/';
      const checkMethod = req.method ?? 'GET';
      const own = url.indexOf('?');
      // Envoy ext_authz (HTTP): the original path appended to the plain check path, with the original method.
      const suffix = endpoint === 'any' && (own < 0 ? url.length : own) > FORWARD_AUTH.length ? url.slice(FORWARD_AUTH.length, own < 0 || own + 1 < url.length ? url.length : own) : null;
      const st = gateway.newState();
      // Only the pair the calling proxy owns names the request; any other form, a repeated header
      // or a method/URL override is refused (forward-auth.ts): the decision and the assertion are
      // about the request the upstream receives.
      const o = originalRequest(endpoint, req.rawHeaders, checkMethod, suffix);
      if (!o.ok) return refuse(res, c, gatewayRequest(req, c, checkMethod, own < 0 ? url : url.slice(0, own), ''), null, st, E[o.code](o.reason));
      const { method, uri } = o;
      const q = uri.indexOf('?');
      const path = q < 0 ? uri : uri.slice(0, q);
      const g = gatewayRequest(req, c, method, path, q < 0 ? '' : uri.slice(q + 1));
      // The request being checked was made to the proxy in front: its DPoP proof names that URL.
      const origin = forwardedOrigin(req.headers);
      if (!origin.ok) return refuse(res, c, g, null, st, E[origin.code](origin.reason));
      if (origin.origin !== null) g.origin = origin.origin;
      const m = routes.match(method, path);
      if (m.kind !== 'rule') {
        // auth_request understands only 2xx/401/403: an unknown route is a refusal, not a 404.
        return refuse(res, c, g, null, st, authzErrors.permission_denied(`No gateway rule allows ${method} ${path}.`));
      }
      admit(answers, gateway, res, c, checkMethod, g, m.rule, st, uri);
    } catch (e) {
      failed(res, c, e);
    }
  };
}

function gatewayRequest(req: IncomingMessage, c: CheckCaller, method: string, path: string, query: string): GatewayRequest {
  return { method, path, query, headers: req.headers, sessionCookie: c.sessionCookie, ip: c.ip, requestId: c.requestId };
}

type Answers = ReturnType<typeof forwardAuthAnswers>;

type Span = ReturnType<typeof startSpan>;

/** The admission under the matched rule, answered once decided: no closure on the synchronous path (a cached token, the memory limiter). */
function admit(answers: Answers, gateway: GatewayService, res: ServerResponse, c: CheckCaller, checkMethod: string, g: GatewayRequest, rule: GatewayRule, st: GatewayState, uri: string): void {
  const t0 = gateway.metrics.admissionStart();
  const span = tracing() ? startSpan('gateway.admission', { [REQUEST_ID_ATTRIBUTE]: g.requestId }) : null;
  let a: Admitted | Promise<Admitted>;
  try {
    a = gateway.admit(g, rule, st);
  } catch (e) {
    return refused(answers, gateway, res, c, g, rule, st, t0, span, e);
  }
  if (a instanceof Promise) {
    a.then(
      (a) => admitted(answers, gateway, res, c, checkMethod, g, rule, st, t0, span, a, uri),
      (e: unknown) => refused(answers, gateway, res, c, g, rule, st, t0, span, e),
    ).catch((e: unknown) => answers.failed(res, c, e));
  } else admitted(answers, gateway, res, c, checkMethod, g, rule, st, t0, span, a, uri);
}

function admitted(answers: Answers, gateway: GatewayService, res: ServerResponse, c: CheckCaller, checkMethod: string, g: GatewayRequest, rule: GatewayRule, st: GatewayState, t0: number, span: Span | null, a: Admitted, uri: string): void {
  gateway.metrics.admissionEnd(t0);
  endSpan(span);
  answers.admitted(res, c, checkMethod, g, rule, st, a, uri);
}

function refused(answers: Answers, gateway: GatewayService, res: ServerResponse, c: CheckCaller, g: GatewayRequest, rule: GatewayRule, st: GatewayState, t0: number, span: Span | null, e: unknown): void {
  gateway.metrics.admissionEnd(t0);
  endSpan(span, st.refusal ?? (e as { code?: string }).code ?? 'error');
  if (!(e instanceof AppError)) return answers.failed(res, c, e);
  // 400/404 answers become 403 for proxies that only pass 401/403 on; the code says which.
  const err = e.status === 401 || e.status === 403 || e.status === 429 || e.status >= 500 ? e : new AppError(e.code, 403, e.detail, { headers: e.headers, extensions: e.extensions });
  answers.refuse(res, c, g, rule, st, err);
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

  const send = (res: ServerResponse, c: CheckCaller, answer: Answer) => {
    if (Array.isArray(answer)) {
      res.writeHead(200, answer);
      res.end();
      counted(c, 200);
    } else {
      writeProblem(res, head(c.requestId), c.requestId, answer);
      counted(c, answer.status);
    }
  };
  const waiting = new SpoolWaiters(send, failed);

  // Every answer waits for the spool write that holds its access event (end of this turn).
  const answer = (res: ServerResponse, c: CheckCaller, a: Answer) => {
    const w = gateway.auditBuffer.written();
    if (w === undefined) send(res, c, a);
    else waiting.add(w, res, c, a);
  };

  const refuse = (res: ServerResponse, c: CheckCaller, g: GatewayRequest, rule: GatewayRule | null, st: GatewayState, err: AppError) => {
    if (st.refusal === null) st.refusal = err.code;
    gateway.audit(g, rule, st, err.status);
    answer(res, c, err);
  };

  const admitted = (res: ServerResponse, c: CheckCaller, checkMethod: string, g: GatewayRequest, rule: GatewayRule, st: GatewayState, a: Admitted, uri: string) => {
    // no security headers: see the top of this file
    // the proxy keeps the body: bound only to a digest the client declared (else UNSIGNED-PAYLOAD)
    const declared = declaredContentSha256(g.headers);
    let out: string[];
    if (declared === null) out = forwardAuthHeaders(rule.upstream.assertionKey, c.requestId, a.parts, g.method, uri, clock.nowMs());
    else {
      out = ['x-request-id', c.requestId];
      appendSigned(out, rule.upstream.assertionKey, c.requestId, a.parts, g.method, uri, clock.nowMs(), declared);
    }
    const rh = a.rateHeaders;
    for (const k in rh) out.push(k, rh[k]);
    if (checkMethod !== 'HEAD') out.push('content-length', '0');
    gateway.audit(g, rule, st, 200);
    answer(res, c, out);
  };
  return { failed, refuse, admitted };
}

/**
 * The answers waiting for one spool write, sent in their order once it is written: one promise
 * reaction for the turn's answers, not a closure and a reaction per answer.
 */
type Answer = string[] | AppError;
type Send = (res: ServerResponse, c: CheckCaller, a: Answer) => void;
type Failed = (res: ServerResponse, c: CheckCaller, e: unknown) => void;

class SpoolWaiters {
  #w: Promise<void> | null = null;
  #res: ServerResponse[] = [];
  #callers: CheckCaller[] = [];
  #answers: Answer[] = [];
  readonly #send: Send;
  readonly #failed: Failed;
  constructor(send: Send, failed: Failed) {
    this.#send = send;
    this.#failed = failed;
  }

  add(w: Promise<void>, res: ServerResponse, c: CheckCaller, a: Answer): void {
    if (this.#w !== w) {
      this.#w = w;
      this.#res = [];
      this.#callers = [];
      this.#answers = [];
      const res = this.#res;
      const callers = this.#callers;
      const answers = this.#answers;
      w.then(
        () => this.#settle(w, res, callers, answers, true, null),
        (e: unknown) => this.#settle(w, res, callers, answers, false, e),
      );
    }
    this.#res.push(res);
    this.#callers.push(c);
    this.#answers.push(a);
  }

  #settle(w: Promise<void>, res: ServerResponse[], callers: CheckCaller[], answers: Answer[], written: boolean, e: unknown): void {
    if (this.#w === w) this.#w = null;
    for (let i = 0; i < res.length; i++) {
      try {
        if (written) this.#send(res[i], callers[i], answers[i]);
        else this.#failed(res[i], callers[i], e);
      } catch (err) {
        this.#failed(res[i], callers[i], err);
      }
    }
  }
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
