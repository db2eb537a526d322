/**
 * /metrics: off by default (a problem, never the portal's HTML), token-protected when on, and its
 * counters move with the traffic a scrape follows: requests by route class and status, gateway
 * decisions by code and partner (bounded), tokens by grant, 429s, process and event-loop metrics.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { consentClaims, consentedApp, gw, link, loginAs, mintToken } from '../gateway/helpers.ts';

const TOKEN = 'metrics-scrape-token-0123456789';

/** Prometheus text format → sample name{labels} → value (labels in the order written). */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    out.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

async function scrape(t: { app: TestApp['app'] }): Promise<Map<string, number>> {
  const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(r.body);
}

const v = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe('metrics off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('/metrics answers 404 metrics_disabled as problem+json, not the portal page', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: { accept: 'text/html,*/*' } });
    expect([r.statusCode, r.json().code]).toEqual([404, 'metrics_disabled']);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('metrics on (METRICS_TOKEN)', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await startOAuthApp({ config: { METRICS_TOKEN: TOKEN, METRICS_PARTNER_LABELS: '1', RATE_LIMITS: JSON.stringify({ read: 3 }) } });
  });
  afterAll(() => t.close());
  const tt = () => t as unknown as TestApp;

  it('refuses a scrape without the token, or with another one (401 metrics_unauthorized)', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-metrics-token-000' }, { authorization: `Basic ${TOKEN}` }]) {
      const r = await t.app.inject({ method: 'GET', url: '/metrics', headers });
      expect([r.statusCode, r.json().code]).toEqual([401, 'metrics_unauthorized']);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(r.body).not.toContain('partnergate_http_requests_total');
    }
  });

  it('counts requests by route class and status', async () => {
    const before = await scrape(t);
    for (let i = 0; i < 3; i++) expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const after = await scrape(t);
    expect(v(after, 'partnergate_http_requests_total{route_class="health",status="200"}') - v(before, 'partnergate_http_requests_total{route_class="health",status="200"}')).toBe(3);
    expect(v(after, 'partnergate_http_requests_total{route_class="api",status="401"}') - v(before, 'partnergate_http_requests_total{route_class="api",status="401"}')).toBe(1);
  });

  it('counts gateway decisions: allowed and refused under their code, partners past the first as "other"', async () => {
    const tenant = await t.world.tenant();
    const a = await consentedApp(tt(), { tenant });
    const token = await mintToken(tt(), consentClaims(a, tenant));
    const before = await scrape(t);
    expect((await gw(tt(), 'GET', '/resources/v1/orders', { token })).status).toBe(200);
    expect((await gw(tt(), 'GET', '/resources/v1/orders', { token })).status).toBe(200);
    const noToken = await gw(tt(), 'GET', '/resources/v1/orders');
    expect([noToken.status, noToken.body.code]).toEqual([401, 'authentication_required']);
    // the token's scopes do not cover invoices: refused for this partner
    const narrow = await mintToken(tt(), { ...consentClaims(a, tenant), scope: 'orders.read' });
    const refused = await gw(tt(), 'GET', '/resources/v1/invoices', { token: narrow });
    expect(refused.status).toBe(403);
    // a second partner: past METRICS_PARTNER_LABELS=1, counted as "other"
    const b = await consentedApp(tt(), { tenant });
    const other = await gw(tt(), 'GET', '/resources/v1/orders', { token: await mintToken(tt(), consentClaims(b, tenant)) });
    expect(other.status).toBe(200);
    // the rate limit (read: 3 a minute for one grant's tokens) refuses the fourth request: a 429 and its code
    const limited = await mintToken(tt(), { ...consentClaims(a, tenant), gid: 'grant-limited' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await gw(tt(), 'GET', '/resources/v1/orders', { token: limited })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const after = await scrape(t);
    const d = (labels: string) => v(after, `partnergate_gateway_decisions_total{${labels}}`) - v(before, `partnergate_gateway_decisions_total{${labels}}`);
    expect(d(`decision="allowed",code="none",partner="${a.partner.id}"`)).toBe(5);
    expect(d('decision="refused",code="authentication_required",partner="none"')).toBe(1);
    expect(d(`decision="refused",code="${refused.body.code}",partner="${a.partner.id}"`)).toBe(1);
    expect(d(`decision="refused",code="rate_limited",partner="${a.partner.id}"`)).toBe(1);
    expect(d('decision="allowed",code="none",partner="other"')).toBe(1);
    expect([...after.keys()].some((k) => k.includes(b.partner.id))).toBe(false);
    const r = (k: string) => v(after, k) - v(before, k);
    expect(r('partnergate_http_requests_total{route_class="gateway",status="200"}')).toBe(6);
    expect(r('partnergate_rate_limit_refusals_total{route_class="gateway"}')).toBe(1);
    // admissions are timed one in 8: 9 gateway requests here give at least one sample
    expect(r('partnergate_gateway_admission_seconds_count')).toBeGreaterThanOrEqual(1);
  });

  it('counts the partner API’s admissions with the gateway’s: a wave of refused context switches shows in the same counter', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const [mine, theirs] = await Promise.all([t.world.tenant(), t.world.tenant()]);
    await link(tt(), msp, mine, { role: 'MSP_FULL' });
    const staff = await loginAs(tt(), msp.staff);
    const before = await scrape(t);
    expect((await staff.get(`/api/v1/partner/customers/${mine.id}`)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await staff.get(`/api/v1/partner/customers/${theirs.id}`)).body.code).toBe('delegation_not_found');
    const after = await scrape(t);
    // by decision and code, whichever partner label this partner got (METRICS_PARTNER_LABELS=1)
    const sum = (m: Map<string, number>, decision: string, code: string) =>
      [...m].filter(([k]) => k.startsWith(`partnergate_gateway_decisions_total{decision="${decision}",code="${code}",`)).reduce((n, [, x]) => n + x, 0);
    expect(sum(after, 'refused', 'delegation_not_found') - sum(before, 'refused', 'delegation_not_found')).toBe(3);
    expect(sum(after, 'allowed', 'none') - sum(before, 'allowed', 'none')).toBeGreaterThanOrEqual(1);
  });

  it('counts tokens issued by grant type', async () => {
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const before = await scrape(t);
    expect((await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' })).status).toBe(200);
    expect((await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' })).status).toBe(200);
    const after = await scrape(t);
    const k = 'partnergate_oauth_tokens_issued_total{grant_type="client_credentials"}';
    expect(v(after, k) - v(before, k)).toBe(2);
  });

  it('exposes process, event-loop, audit backlog and change-feed lag gauges', async () => {
    const m = await scrape(t);
    for (const k of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'partnergate_audit_backlog', 'partnergate_change_feed_lag_events']) {
      expect(m.has(k), k).toBe(true);
    }
    expect(m.get('partnergate_change_feed_lag_events')).toBeGreaterThanOrEqual(0);
  });

  it('serves every metric the Grafana dashboard in docs/ queries', async () => {
    const dashboard = readFileSync(path.resolve(import.meta.dirname, '../../../docs/grafana/partnergate.json'), 'utf8');
    const names = new Set([...dashboard.matchAll(/\b((?:partnergate|process|nodejs)_[a-z0-9_]+)/g)].map((x) => x[1]));
    expect(names.size).toBeGreaterThan(8);
    const served = new Set([...(await scrape(t)).keys()].map((k) => k.replace(/\{.*$/, '')));
    for (const n of names) expect(served.has(n), n).toBe(true);
  });
});
