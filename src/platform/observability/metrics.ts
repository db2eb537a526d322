/**
 * Prometheus metrics of one app (prom-client), on a Registry of its own: never prom-client's
 * global default registry, so several apps in one process (the test suites) do not clash.
 *
 * Off unless METRICS_TOKEN is set: then every method here is a no-op behind one boolean test.
 * On the hot path nothing builds a string or a label set per request, and nothing calls
 * prom-client: a request adds one to a plain number kept in maps (by route and status, by partner
 * and refusal code), and the counters are set from those numbers when /metrics is scraped (their
 * `collect`): prom-client's `inc` hashes its label set on every call, which measured a few per
 * cent of the gateway's hot-path throughput. The latency histograms observe one request in
 * SAMPLE_EVERY (a clock read costs more than a counter).
 *
 * Request durations (by route class) are counted the same way: a plain bucket array per route,
 * summed by class at scrape time into `partnergate_http_request_duration_seconds`.
 *
 * Partner labels are bounded: the first METRICS_PARTNER_LABELS partners this process sees get a
 * label of their own, the rest count under `other` (a counter cannot move between label sets, so
 * this is "the first N seen", not a ranking that changes under Prometheus's feet).
 */
import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One in SAMPLE_EVERY admissions and decisions is timed (a power of two: a mask, not a modulo). */
export const SAMPLE_EVERY = 8;
const SAMPLE_MASK = SAMPLE_EVERY - 1;

/** A count kept as a plain number, read into its counter at scrape time. */
type Count = { n: number };

/** Upper bounds (seconds) of the request-duration buckets. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One route's request durations: per bucket (not cumulative, the last one +Inf), their sum. */
interface Durations {
  buckets: number[];
  sum: number;
}

/** The route class of a request, from its route's URL pattern (or its route config). */
export function routeClassOf(url: string | undefined, configured: unknown): string {
  if (typeof configured === 'string') return configured;
  if (url === undefined || url === '') return 'other';
  if (url === '/metrics') return 'metrics';
  if (url === '/healthz' || url === '/readyz') return 'health';
  if (url.startsWith('/api/')) return 'api';
  if (url.startsWith('/oauth') || url.startsWith('/.well-known')) return 'oauth';
  if (url.startsWith('/authz/forward-auth')) return 'forward_auth';
  if (url.startsWith('/embed')) return 'embed';
  if (url.startsWith('/resources')) return 'gateway';
  if (url.startsWith('/docs') || url === '/openapi.json') return 'docs';
  return 'other';
}

interface PartnerCounts {
  allowed: Count;
  refused: Map<string, Count>;
  label: string;
}

export interface MetricsOptions {
  enabled: boolean;
  /** partners with a label of their own; the rest are `other` */
  partnerLabels: number;
}

export class Metrics {
  readonly enabled: boolean;
  readonly registry: Registry;
  readonly #partnerLabels: number;
  readonly #tokens: Counter<'grant_type'>;
  readonly #admission: Histogram;
  readonly #decide: Histogram;
  /** by route URL pattern: its class and its answers by status */
  readonly #byRoute = new Map<string, { cls: string; byStatus: Map<number, Count>; dur: Durations }>();
  readonly #webhooks = { succeeded: { n: 0 }, failed: { n: 0 } };
  readonly #emails = { sent: { n: 0 }, failed: { n: 0 } };
  readonly #redisErrors: Count = { n: 0 };
  readonly #byPartner = new Map<string, PartnerCounts>();
  #other: PartnerCounts | null = null;
  #none: PartnerCounts | null = null;
  readonly #byGrant = new Map<string, { inc(): void }>();
  #admissions = 0;
  #decides = 0;

  constructor(opts: MetricsOptions & { version?: string }) {
    this.enabled = opts.enabled;
    this.#partnerLabels = opts.partnerLabels;
    const registers = [(this.registry = new Registry())];
    // process_* and nodejs_* (CPU, memory, handles, event-loop delay), as the stock Node dashboards expect them
    if (opts.enabled) collectDefaultMetrics({ register: this.registry });
    const byRoute = this.#byRoute;
    new Counter({
      name: 'partnergate_http_requests_total',
      help: 'HTTP requests answered, by route class and status',
      labelNames: ['route_class', 'status'],
      registers,
      collect() {
        this.reset();
        for (const r of byRoute.values()) for (const [status, c] of r.byStatus) this.inc({ route_class: r.cls, status: String(status) }, c.n);
      },
    });
    new Counter({
      name: 'partnergate_rate_limit_refusals_total',
      help: 'Requests refused with 429 (rate limits and quotas), by route class',
      labelNames: ['route_class'],
      registers,
      collect() {
        this.reset();
        for (const r of byRoute.values()) {
          const c = r.byStatus.get(429);
          if (c !== undefined) this.inc({ route_class: r.cls }, c.n);
        }
      },
    });
    const partners = () => [...this.#byPartner.values(), ...(this.#other ? [this.#other] : []), ...(this.#none ? [this.#none] : [])];
    new Counter({
      name: 'partnergate_gateway_decisions_total',
      help: 'Outcomes at the doors into customer data (the gateway\'s proxy and forward-auth, the partner API): allowed, or refused with its code; by partner (first partners seen, the rest "other")',
      labelNames: ['decision', 'code', 'partner'],
      registers,
      collect() {
        this.reset();
        for (const p of partners()) {
          this.inc({ decision: 'allowed', code: 'none', partner: p.label }, p.allowed.n);
          for (const [code, c] of p.refused) this.inc({ decision: 'refused', code, partner: p.label }, c.n);
        }
      },
    });
    this.registry.registerMetric(durationHistogram(byRoute) as unknown as Counter);
    const webhooks = this.#webhooks;
    new Counter({
      name: 'partnergate_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome (succeeded: a 2xx answer; failed: another answer, a timeout or no connection)',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        this.inc({ outcome: 'succeeded' }, webhooks.succeeded.n);
        this.inc({ outcome: 'failed' }, webhooks.failed.n);
      },
    });
    const emails = this.#emails;
    new Counter({
      name: 'partnergate_emails_total',
      help: 'Queued e-mail send attempts, by outcome (sent, or failed: refused by the SMTP server or not reached)',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        this.inc({ outcome: 'sent' }, emails.sent.n);
        this.inc({ outcome: 'failed' }, emails.failed.n);
      },
    });
    const redisErrors = this.#redisErrors;
    new Counter({
      name: 'partnergate_redis_errors_total',
      help: 'Errors reported by this instance\'s Redis connections (refused, reset, timed out)',
      registers,
      collect() {
        this.reset();
        this.inc(redisErrors.n);
      },
    });
    new Gauge({ name: 'partnergate_build_info', help: 'Always 1: the version of Partnergate and of Node.js this instance runs', labelNames: ['version', 'node'], registers }).set(
      { version: opts.version ?? 'unknown', node: process.version },
      1,
    );
    this.#tokens = new Counter({ name: 'partnergate_oauth_tokens_issued_total', help: 'Successful token endpoint answers, by grant type', labelNames: ['grant_type'], registers });
    const buckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25];
    this.#admission = new Histogram({ name: 'partnergate_gateway_admission_seconds', help: `Gateway admission pipeline time (one request in ${SAMPLE_EVERY} is timed)`, buckets, registers });
    this.#decide = new Histogram({ name: 'partnergate_authz_decide_seconds', help: `decide() time (one call in ${SAMPLE_EVERY} is timed)`, buckets, registers });
  }

  /** A gauge read when /metrics is scraped (async collectors allowed). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    if (!this.enabled) return;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  // ---- hot path -------------------------------------------------------------------------------

  /** One answered request. `url` is its route's pattern (undefined: no route matched); `ms` its time when known. */
  response(url: string | undefined, configuredClass: unknown, status: number, ms = -1): void {
    if (!this.enabled) return;
    const key = url ?? '';
    let r = this.#byRoute.get(key);
    if (r === undefined) {
      r = { cls: routeClassOf(url, configuredClass), byStatus: new Map(), dur: { buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0 } };
      this.#byRoute.set(key, r);
    }
    if (ms >= 0) {
      const sec = ms / 1000;
      let i = 0;
      while (i < DURATION_BUCKETS.length && sec > DURATION_BUCKETS[i]) i++;
      r.dur.buckets[i]++;
      r.dur.sum += sec;
    }
    const s = status >= 100 && status < 600 ? status : 0;
    const c = r.byStatus.get(s);
    if (c === undefined) r.byStatus.set(s, { n: 1 });
    else c.n++;
  }

  /** One webhook delivery attempt. */
  webhookDelivery(ok: boolean): void {
    if (this.enabled) (ok ? this.#webhooks.succeeded : this.#webhooks.failed).n++;
  }

  /** One queued e-mail sent, or failed. */
  emailSent(ok: boolean): void {
    if (this.enabled) (ok ? this.#emails.sent : this.#emails.failed).n++;
  }

  /** One error of a Redis connection. */
  redisError(): void {
    if (this.enabled) this.#redisErrors.n++;
  }

  /** One gateway outcome: admitted (refusal null) or refused with its code. */
  gatewayDecision(partnerId: string | null, refusal: string | null): void {
    if (!this.enabled) return;
    const p = this.#partner(partnerId);
    if (refusal === null) {
      p.allowed.n++;
      return;
    }
    const c = p.refused.get(refusal);
    if (c === undefined) p.refused.set(refusal, { n: 1 });
    else c.n++;
  }

  #partner(partnerId: string | null): PartnerCounts {
    if (partnerId === null) return (this.#none ??= newPartner('none'));
    const p = this.#byPartner.get(partnerId);
    if (p !== undefined) return p;
    if (this.#byPartner.size >= this.#partnerLabels) return (this.#other ??= newPartner('other'));
    const made = newPartner(partnerId);
    this.#byPartner.set(partnerId, made);
    return made;
  }

  /** performance.now() when this admission is to be timed, else -1. */
  admissionStart(): number {
    if (!this.enabled || (++this.#admissions & SAMPLE_MASK) !== 0) return -1;
    return performance.now();
  }

  admissionEnd(start: number): void {
    if (start >= 0) this.#admission.observe((performance.now() - start) / 1000);
  }

  decideStart(): number {
    if (!this.enabled || (++this.#decides & SAMPLE_MASK) !== 0) return -1;
    return performance.now();
  }

  decideEnd(start: number): void {
    if (start >= 0) this.#decide.observe((performance.now() - start) / 1000);
  }

  tokenIssued(grantType: unknown): void {
    if (!this.enabled) return;
    const g = typeof grantType === 'string' ? grantType : 'unknown';
    let c = this.#byGrant.get(g);
    if (c === undefined) {
      // grant types are the provider's registered ones (it refuses others before success)
      c = this.#tokens.labels(g);
      this.#byGrant.set(g, c);
    }
    c.inc();
  }
}

/** partnergate_http_request_duration_seconds: the routes' bucket arrays summed by class, as a Prometheus histogram. */
function durationHistogram(byRoute: Map<string, { cls: string; dur: Durations }>) {
  const name = 'partnergate_http_request_duration_seconds';
  const help = 'Time to answer HTTP requests answered through the router (first byte in to response sent), by route class';
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const byClass = new Map<string, Durations>();
      for (const r of byRoute.values()) {
        let c = byClass.get(r.cls);
        if (c === undefined) byClass.set(r.cls, (c = { buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0 }));
        for (let i = 0; i < c.buckets.length; i++) c.buckets[i] += r.dur.buckets[i];
        c.sum += r.dur.sum;
      }
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const [cls, c] of byClass) {
        let cumulative = 0;
        for (let i = 0; i < c.buckets.length; i++) {
          cumulative += c.buckets[i];
          values.push({ metricName: `${name}_bucket`, labels: { le: i < DURATION_BUCKETS.length ? DURATION_BUCKETS[i] : '+Inf', route_class: cls }, value: cumulative });
        }
        values.push({ metricName: `${name}_sum`, labels: { route_class: cls }, value: c.sum });
        values.push({ metricName: `${name}_count`, labels: { route_class: cls }, value: cumulative });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
}

function newPartner(label: string): PartnerCounts {
  return { allowed: { n: 0 }, refused: new Map(), label };
}

/** A Metrics that records nothing (apps built without one). */
export const NO_METRICS = new Metrics({ enabled: false, partnerLabels: 0 });
