/**
 * Trace context leaves with the calls Partnergate makes, when tracing is on: the gateway's upstream
 * receives a `traceparent` naming the gateway.upstream span (in the caller's trace, replacing the
 * caller's own header), and a webhook receiver one naming the webhook.delivery span. One node:http
 * server plays the OTLP collector (/otlp/v1/traces), the upstream (/up/…) and the webhook receiver.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../helpers/app.ts';
import { consentClaims, consentedApp, gw, mintToken } from '../gateway/helpers.ts';

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string }

let server: Server;
let base: string;
const otlp: string[] = [];
const calls: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      if (path === '/otlp/v1/traces') otlp.push(body);
      else calls.push({ path, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

function spans(): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  for (const body of otlp) {
    const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
    for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) out.push(...ss.spans);
  }
  return out;
}

describe('traceparent to upstreams and webhook receivers (tracing on)', () => {
  it('the upstream and the webhook receiver get the trace context of the span that called them', async () => {
    const t = await startTestApp({ config: { OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/otlp`, RESOURCES_UPSTREAM_URL: `${base}/up`, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
    const tenant = await t.world.tenant();
    const a = await consentedApp(t, { tenant });
    const token = await mintToken(t, consentClaims(a, tenant));
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const callerParent = `00-${callerTrace}-b7ad6b7169203331-01`;
    const ok = await gw(t, 'GET', '/resources/v1/orders', { token, headers: { traceparent: callerParent } });
    expect(ok.status).toBe(200);

    const admin = await tenant.admin.login();
    const hook = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: `${base}/hook`, description: 'traced receiver', event_types: ['*'] });
    expect(hook.status).toBe(201);
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${hook.body.endpoint.id}/ping`)).status).toBe(200);
    await t.close();

    const all = spans();
    const upstreamCall = calls.find((c) => c.path.startsWith('/up/'));
    expect(upstreamCall).toBeDefined();
    // one traceparent, the gateway's (not the caller's), in the caller's trace
    expect(typeof upstreamCall!.headers.traceparent).toBe('string');
    const [, upTrace, upSpanId, upFlags] = String(upstreamCall!.headers.traceparent).split('-');
    expect([upTrace, upFlags]).toEqual([callerTrace, '01']);
    expect(upSpanId).not.toBe('b7ad6b7169203331');
    expect(all.find((s) => s.spanId === upSpanId)?.name).toBe('gateway.upstream');

    const delivery = calls.find((c) => c.path === '/hook');
    expect(delivery).toBeDefined();
    const [, hookTrace, hookSpanId] = String(delivery!.headers.traceparent).split('-');
    const hookSpan = all.find((s) => s.spanId === hookSpanId);
    expect([hookSpan?.name, hookSpan?.traceId]).toEqual(['webhook.delivery', hookTrace]);
  });
});
