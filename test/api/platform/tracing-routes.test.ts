/**
 * Traces an SRE can read: request spans named by route template (the OAuth server's endpoints by
 * endpoint), database spans with operation and table, the instance and version on the resource,
 * no spans for scrapes and health checks, parent-based sampling, and nothing at all from an idle
 * instance. The collector is a plain node:http server; each app exports under a path of its own.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../helpers/app.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

interface OtlpAttr { key: string; value: { stringValue?: string } }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes: OtlpAttr[] }
interface OtlpDoc { resourceSpans: { resource: { attributes: OtlpAttr[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] }

let receiver: Server;
let base: string;
const posts: { path: string; body: string }[] = [];
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const a = receiver.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

function docs(prefix: string): OtlpDoc[] {
  return posts.filter((p) => p.path === `/${prefix}/v1/traces`).map((p) => JSON.parse(p.body) as OtlpDoc);
}
function spans(prefix: string): OtlpSpan[] {
  return docs(prefix).flatMap((d) => d.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
}
const attr = (attrs: OtlpAttr[], key: string) => attrs.find((a) => a.key === key)?.value.stringValue;

describe('request spans', () => {
  it('are named by route template and OAuth endpoint, carry instance and version, and skip scrapes and health checks', async () => {
    const t = await startTestApp({ config: { OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/routes`, OTEL_SERVICE_INSTANCE_ID: 'pg-test-7', METRICS_TOKEN: 'metrics-scrape-token-0123456789' } });
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    expect((await admin.get(`/api/v1/tenants/${tenant.id}`)).status).toBe(200);
    const token = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(token.statusCode).toBeGreaterThanOrEqual(400);
    const auth = await t.app.inject({ method: 'GET', url: '/oauth/auth?client_id=nobody&response_type=code' });
    expect(auth.statusCode).toBeGreaterThanOrEqual(300);
    for (const url of ['/healthz', '/readyz']) expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-scrape-token-0123456789' } })).statusCode).toBe(200);
    await t.close();

    const all = spans('routes');
    const names = all.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['GET /api/v1/tenants/:tenant_id', 'POST /oauth/token', 'GET /oauth/auth']));
    expect(names).not.toContain('request');
    for (const s of all) expect(attr(s.attributes, 'url.path') ?? '').not.toMatch(/^\/(healthz|readyz|metrics)/);
    // a query of the request is a child in its trace, with its operation and table
    const tenantSpan = all.find((s) => s.name === 'GET /api/v1/tenants/:tenant_id')!;
    const queries = all.filter((s) => s.traceId === tenantSpan.traceId && s.name.startsWith('db.'));
    expect(queries.some((q) => attr(q.attributes, 'db.operation.name') === 'SELECT' && attr(q.attributes, 'db.collection.name') === 'tenants')).toBe(true);
    const resource = docs('routes')[0].resourceSpans[0].resource.attributes;
    expect([attr(resource, 'service.name'), attr(resource, 'service.instance.id'), attr(resource, 'service.version')]).toEqual(['partnergate', 'pg-test-7', VERSION]);
  });

  it('an idle instance exports no span: background work (snapshot loads, timers, feed polls) is not traced', async () => {
    const clock = new ManualClock();
    const t = await startTestApp({ clock, config: { OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/idle` } });
    await t.app.ready();
    clock.advance(60_000);
    await t.close();
    expect(spans('idle')).toEqual([]);
  });

  it('samples parent-based: ratio 0 traces only requests whose caller sent a sampled traceparent', async () => {
    const t = await startTestApp({ config: { OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/sampled`, OTEL_TRACES_SAMPLER_RATIO: '0' } });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } })).statusCode).toBe(401);
    await t.close();
    const all = spans('sampled').filter((s) => s.name === 'GET /api/v1/me');
    expect(all.map((s) => s.traceId)).toEqual([traceId]);
  });
});
