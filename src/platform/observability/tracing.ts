/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. Then a tracer provider
 * (registered as the process's, with its AsyncLocalStorage context manager, so a span started in
 * a handler is a child of the request's) exports in batches over OTLP/HTTP to <endpoint>/v1/traces.
 *
 * Spans: the HTTP request (@fastify/otel, without a span per lifecycle hook), gateway.admission,
 * authz.decide, gateway.upstream, and one per database query (a Kysely plugin). The request id is
 * the attribute `partnergate.request_id` of the request span and of the gateway's spans.
 *
 * Off, `startSpan` returns null after one test of a module variable: the hot path allocates nothing.
 */
import { context, propagation, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

import { redactUrl } from '../http/log-redaction.ts';

export const REQUEST_ID_ATTRIBUTE = 'partnergate.request_id';

let tracer: Tracer | null = null;

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

export function tracingEnabled(): boolean {
  return tracer !== null;
}

export interface Tracing {
  /** registers @fastify/otel on the app (before any route) */
  instrument(app: FastifyInstance): Promise<void>;
  /** flush what is buffered and stop (the app's onClose) */
  shutdown(): Promise<void>;
}

/** Start tracing for this process (one app per process traces; a second start replaces the first). */
export function startTracing(endpoint: string, serviceName = 'partnergate'): Tracing {
  const url = endpoint.replace(/\/+$/, '') + '/v1/traces';
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  tracer = provider.getTracer('partnergate');
  const instrumentation = new FastifyOtelInstrumentation({
    // one span per request, none per hook or handler: the gateway's own spans say what it did
    instrumentHooks: false,
    instrumentHandler: false,
    requestHook: (span: Span, req: FastifyRequest) => {
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

/** A span per query: opened when Kysely compiles it, closed with its result (a failed query's span is dropped). */
export class QueryTracingPlugin implements KyselyPlugin {
  readonly #open = new WeakMap<object, Span>();
  readonly #dialect: string;

  constructor(dialect: string) {
    this.#dialect = dialect;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const span = startSpan(`db.${args.node.kind.replace(/(Query)?Node$/, '').toLowerCase()}`, { 'db.system': this.#dialect === 'postgres' ? 'postgresql' : 'sqlite' });
    if (span !== null) this.#open.set(args.queryId, span);
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
