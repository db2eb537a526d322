/**
 * Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans reach an OTLP/HTTP collector (here a plain
 * node:http server collecting POSTs to /v1/traces): the request's span, the gateway's admission
 * with the request id, the decision, the upstream call and database queries, in one trace.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { consentClaims, consentedApp, gw, mintToken } from '../gateway/helpers.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}

let receiver: Server;
let endpoint: string;
const posts: { path: string; contentType: string; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const a = receiver.address();
  endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

function spans(): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  for (const p of posts) {
    const doc = JSON.parse(p.body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
    for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) out.push(...ss.spans);
  }
  return out;
}
const attr = (s: OtlpSpan, key: string) => s.attributes.find((a) => a.key === key)?.value.stringValue;

describe('OpenTelemetry traces', () => {
  let t: TestApp;
  let admittedId: string;
  let refusedId: string;

  it('exports the spans of a gateway request to the OTLP/HTTP endpoint', async () => {
    t = await startTestApp({ config: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    const tenant = await t.world.tenant();
    const a = await consentedApp(t, { tenant });
    const token = await mintToken(t, consentClaims(a, tenant));
    const ok = await gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-request-id': 'req-trace-admitted-1' } });
    expect(ok.status).toBe(200);
    admittedId = String(ok.headers['x-request-id']);
    const refused = await gw(t, 'GET', '/resources/v1/orders?access_token=pgpat_tracecanary0123456789', { headers: { 'x-request-id': 'req-trace-refused-1' } });
    expect(refused.status).toBe(401);
    refusedId = String(refused.headers['x-request-id']);
    // closing flushes the batch
    await t.close();
    const deadline = Date.now() + 20_000;
    while (!spans().some((s) => attr(s, 'partnergate.request_id') === refusedId && s.name === 'gateway.admission') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((p) => p.path === '/v1/traces')).toBe(true);
    const all = spans();
    const admission = all.find((s) => s.name === 'gateway.admission' && attr(s, 'partnergate.request_id') === admittedId);
    expect(admission).toBeDefined();
    // one trace: the request's span (with the request id), the admission, the decision, the upstream call
    const request = all.find((s) => s.spanId === admission!.parentSpanId);
    expect(request).toBeDefined();
    expect(attr(request!, 'partnergate.request_id')).toBe(admittedId);
    const inTrace = all.filter((s) => s.traceId === admission!.traceId).map((s) => s.name);
    expect(inTrace).toEqual(expect.arrayContaining(['gateway.admission', 'authz.decide', 'gateway.upstream']));
    const upstream = all.find((s) => s.name === 'gateway.upstream' && s.traceId === admission!.traceId)!;
    expect(attr(upstream, 'partnergate.request_id')).toBe(admittedId);

    const refusedSpan = all.find((s) => s.name === 'gateway.admission' && attr(s, 'partnergate.request_id') === refusedId)!;
    expect(attr(refusedSpan, 'partnergate.code')).toBe('authentication_required');
    // the URL as logs show it: no credential in any span
    expect(posts.some((p) => p.body.includes('pgpat_tracecanary'))).toBe(false);
    expect(all.some((s) => attr(s, 'url.path') === '/resources/v1/orders?access_token=[redacted]')).toBe(true);
    // database queries (the world built above, the snapshot loads) have spans of their own
    expect(all.some((s) => s.name === 'db.select' && attr(s, 'db.system') !== undefined)).toBe(true);
  });
});
