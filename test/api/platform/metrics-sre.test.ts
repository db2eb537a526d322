/**
 * The series an SRE alerts on: request durations by route class (a histogram, the class not the
 * URL), webhook deliveries and queued e-mail by outcome, Redis errors, the database pool (PostgreSQL)
 * and partnergate_build_info{version,node}.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

const TOKEN = 'metrics-scrape-token-0123456789';
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    out.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

let receiver: Server;
let base: string;
let t: TestApp;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url === '/bad' ? 500 : 204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const a = receiver.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  // SMTP on a port nobody listens on: every queued e-mail fails
  t = await startTestApp({ config: { METRICS_TOKEN: TOKEN, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', SMTP_URL: 'smtp://127.0.0.1:1' } });
});
afterAll(async () => {
  await t?.close();
  receiver.closeAllConnections();
  await new Promise<void>((r) => receiver.close(() => r()));
});

async function scrape(): Promise<Map<string, number>> {
  const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.statusCode).toBe(200);
  return parse(r.body);
}
const v = (m: Map<string, number>, k: string) => m.get(k) ?? 0;

describe('metrics for operations', () => {
  it('request durations by route class, never by URL', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tenants/tnt_nosuchtenant00001' })).statusCode).toBe(401);
    const after = await scrape();
    const count = (cls: string, m: Map<string, number>) => v(m, `partnergate_http_request_duration_seconds_count{route_class="${cls}"}`);
    expect(count('health', after) - count('health', before)).toBe(3);
    expect(count('api', after) - count('api', before)).toBe(1);
    expect(v(after, 'partnergate_http_request_duration_seconds_bucket{le="+Inf",route_class="health"}')).toBe(count('health', after));
    expect(v(after, 'partnergate_http_request_duration_seconds_sum{route_class="health"}')).toBeGreaterThan(0);
    expect([...after.keys()].some((k) => k.includes('tnt_nosuchtenant'))).toBe(false);
  });

  it('webhook deliveries and queued e-mail by outcome', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const before = await scrape();
    for (const path of ['/ok', '/bad']) {
      const hook = await admin.post(`/api/v1/tenants/${tenant.id}/webhooks`, { url: `${base}${path}`, description: 'receiver', event_types: ['delegation.requested'] });
      expect(hook.status).toBe(201);
      expect((await admin.post(`/api/v1/tenants/${tenant.id}/webhooks/${hook.body.endpoint.id}/ping`)).status).toBe(200);
    }
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: `metrics-${Date.now()}@example.com`, role: 'TENANT_USER' })).status).toBeLessThan(300);
    await t.services.notifications.worker.tick();
    const after = await scrape();
    const d = (k: string) => v(after, k) - v(before, k);
    expect(d('partnergate_webhook_deliveries_total{outcome="succeeded"}')).toBe(1);
    expect(d('partnergate_webhook_deliveries_total{outcome="failed"}')).toBe(1);
    expect(d('partnergate_emails_total{outcome="failed"}')).toBeGreaterThanOrEqual(1);
    expect(after.has('partnergate_emails_total{outcome="sent"}')).toBe(true);
  });

  it('build info, Redis errors and (PostgreSQL) the connection pool', async () => {
    const m = await scrape();
    expect(m.get(`partnergate_build_info{version="${VERSION}",node="${process.version}"}`)).toBe(1);
    expect(m.get('partnergate_redis_errors_total')).toBe(0);
    if (process.env.DATABASE_URL) {
      expect(m.get('partnergate_db_pool_connections')).toBeGreaterThan(0);
      expect(m.has('partnergate_db_pool_idle_connections')).toBe(true);
      expect(m.has('partnergate_db_pool_waiting_requests')).toBe(true);
    } else expect(m.has('partnergate_db_pool_connections')).toBe(false);
  });
});
