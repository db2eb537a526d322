/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. Then a tracer provider
 * (registered as the process's, with its AsyncLocalStorage context manager, so a span started in
 * a handler is a child of the request's) exports in batches over OTLP/HTTP to <endpoint>/v1/traces.
 *
 * Spans: the HTTP request (@fastify/otel, without a span per lifecycle hook), named by its route
 * template (`GET /api/v1/partner/billing/invoices`; the OAuth server's endpoints, which share one
 * catch-all route, by endpoint: `POST /oauth/token`), gateway.admission, authz.decide,
 * gateway.upstream, and one per database query inside a traced request (a Kysely plugin: operation
 * and table as attributes). Scrapes of /metrics and health checks get no span, and neither does
 * background work (timers, the change feed's polls): an idle instance exports nothing. The request
 * id is the attribute `partnergate.request_id` of the request span and of the gateway's spans.
 *
 * Sampling is parent-based: a request that arrives with a sampled `traceparent` is traced, one
 * without is traced with probability OTEL_TRACES_SAMPLER_RATIO.
 *
 * Off, `startSpan` returns null after one test of a module variable: the hot path allocates nothing.
 */
import { context, propagation, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

import { redactUrl } from '../http/log-redaction.ts';

export const REQUEST_ID_ATTRIBUTE = 'partnergate.request_id';

let tracer: Tracer | null = null;

/** Whether spans are recorded (OTEL_EXPORTER_OTLP_ENDPOINT set): a hot path builds a span's attributes only then. */
export function tracing(): boolean {
  return tracer !== null;
}

/** A started span, or null when tracing is off. End it with endSpan. */
export function startSpan(name: string, attributes?: Attributes): Span | null {
  if (tracer === null) return null;
  return tracer.startSpan(name, { attributes });
}

export function endSpan(span: Span | null, refusal?: string | null): void {
  if (span === null) return;
  if (refusal) {
    span.setAttribute('partnergate.code', refusal);
    span.setStatus({ code: SpanStatusCode.ERROR, message: refusal });
  }
  span.end();
}

/**
 * pino's mixin while tracing is on: `trace_id` and `span_id` of the span active where a line is
 * written, so every line of a traced request leads to its trace (nothing outside one).
 */
export function traceLogFields(): Record<string, string> {
  if (tracer === null) return {};
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const c = span.spanContext();
  return { trace_id: c.traceId, span_id: c.spanId };
}

/** The W3C `traceparent` naming a span as the parent of what it calls (an upstream, a webhook receiver). */
export function traceparentOf(span: Span): string {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The span's W3C `tracestate`, or null when it has none. */
export function tracestateOf(span: Span): string | null {
  const s = span.spanContext().traceState?.serialize();
  return s ? s : null;
}

export function tracingEnabled(): boolean {
  return tracer !== null;
}

/** Routes that get no span: scrapes and health checks would otherwise be most of the traces. */
const UNTRACED_ROUTES = new Set(['/metrics', '/healthz', '/readyz']);

/** The OAuth server's endpoints (oidc-provider's defaults, under /oauth): a span per endpoint, not per URL. */
const OAUTH_ENDPOINTS = new Set([
  '/auth', '/token', '/token/introspection', '/token/revocation', '/me', '/jwks', '/session/end', '/session/end/confirm',
  '/session/end/success', '/device/auth', '/device', '/device/resume', '/reg', '/request', '/backchannel', '/challenge',
]);

/** The request span's name: method and route template; OAuth's catch-all by endpoint (unknown paths as `/oauth/*`). */
export function requestSpanName(method: string, routeUrl: string | undefined, url: string): string {
  if (routeUrl === undefined) return method;
  if (routeUrl === '/oauth/*') {
    const q = url.indexOf('?');
    const path = (q < 0 ? url : url.slice(0, q)).slice('/oauth'.length).replace(/\/+$/, '');
    return `${method} /oauth${OAUTH_ENDPOINTS.has(path) ? path : '/*'}`;
  }
  return `${method} ${routeUrl}`;
}

export interface TracingOptions {
  /** OTLP/HTTP base URL; spans go to <endpoint>/v1/traces */
  endpoint: string;
  serviceName?: string;
  /** resource attribute service.instance.id */
  instanceId: string;
  /** resource attribute service.version */
  version: string;
  /** share of the traces started here (no sampled parent) that are recorded, 0..1 */
  sampleRatio: number;
}

export interface Tracing {
  /** registers @fastify/otel on the app (before any route) */
  instrument(app: FastifyInstance): Promise<void>;
  /** export what is buffered now */
  flush(): Promise<void>;
  /** flush what is buffered and stop (the app's onClose) */
  shutdown(): Promise<void>;
}

/** Start tracing for this process (one app per process traces; a second start replaces the first). */
export function startTracing(opts: TracingOptions): Tracing {
  const url = opts.endpoint.replace(/\/+$/, '') + '/v1/traces';
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'partnergate', 'service.instance.id': opts.instanceId, 'service.version': opts.version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  tracer = provider.getTracer('partnergate');
  const instrumentation = new FastifyOtelInstrumentation({
    // one span per request, none per hook or handler: the gateway's own spans say what it did
    instrumentHooks: false,
    instrumentHandler: false,
    ignorePaths: (route: { url: string }) => UNTRACED_ROUTES.has(route.url),
    requestHook: (span: Span, req: FastifyRequest) => {
      span.updateName(requestSpanName(req.method, req.routeOptions.url, req.url));
      span.setAttribute(REQUEST_ID_ATTRIBUTE, String(req.id));
      // the path as logs show it: a credential in the query never leaves in a span either
      span.setAttribute('url.path', redactUrl(req.url));
    },
  });
  instrumentation.setTracerProvider(provider);
  return {
    async instrument(app) {
      await app.register(instrumentation.plugin());
    },
    async flush() {
      await provider.forceFlush().catch(() => {});
    },
    async shutdown() {
      await provider.shutdown().catch(() => {});
      if (tracer !== null) {
        tracer = null;
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}

/** The table a query names first (FROM, INTO, UPDATE), or null (raw SQL). */
function tableOf(node: RootOperationNode): string | null {
  const n = node as { from?: { froms?: unknown[] }; into?: unknown; table?: unknown };
  const t = n.into ?? n.table ?? n.from?.froms?.[0];
  const table = (t as { kind?: string; node?: unknown })?.kind === 'AliasNode' ? (t as { node: unknown }).node : t;
  const name = (table as { table?: { identifier?: { name?: unknown } } } | undefined)?.table?.identifier?.name;
  return typeof name === 'string' ? name : null;
}

/**
 * A span per query made inside a traced request: opened when Kysely compiles it, closed with its
 * result (a failed query's span is dropped). Queries of background work (no active span) get none.
 */
export class QueryTracingPlugin implements KyselyPlugin {
  readonly #open = new WeakMap<object, Span>();
  readonly #dialect: string;

  constructor(dialect: string) {
    this.#dialect = dialect;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (tracer === null || trace.getSpan(context.active()) === undefined) return args.node;
    const op = args.node.kind.replace(/(Query)?Node$/, '').toLowerCase();
    const attributes: Attributes = { 'db.system': this.#dialect === 'postgres' ? 'postgresql' : 'sqlite', 'db.operation.name': op.toUpperCase() };
    const table = tableOf(args.node);
    if (table !== null) attributes['db.collection.name'] = table;
    const span = tracer.startSpan(`db.${op}`, { attributes });
    this.#open.set(args.queryId, span);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const span = this.#open.get(args.queryId);
    if (span !== undefined) {
      this.#open.delete(args.queryId);
      span.end();
    }
    return args.result;
  }
}
