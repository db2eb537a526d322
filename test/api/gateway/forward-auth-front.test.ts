/**
 * The forward-auth check answered before Fastify (src/modules/gateway/forward-auth.http.ts), over
 * the app's real HTTP server: the answers are the routes' answers (admitted with the signed
 * identity, refused as problem+json), a revoked token is refused on the very next check, every
 * check is in the access log, the checks are counted, and what Fastify must see (an agency token,
 * a body, a cookie, an encoded path…) still goes to Fastify, which answers it the same way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { upstreamAuthenticator, upstreamKeyFor } from '../../../src/modules/gateway/index.ts';
import { forwardAuthFront, type CheckCaller } from '../../../src/modules/gateway/forward-auth.http.ts';
import type { ForwardAuthEndpoint } from '../../../src/modules/gateway/forward-auth.ts';
import { installFront } from '../../../src/platform/http/front-handler.ts';
import { apiToken, auditedRequests, consentClaims, consentedApp, link, loginAs, mintToken } from './helpers.ts';

const METRICS_TOKEN = 'metrics-scrape-token-front-0123456';
const ORDERS = { 'x-original-method': 'GET', 'x-original-uri': '/resources/v1/orders?limit=5' };

let t: TestApp;
let tenant: TestTenant;
let token: string;

beforeAll(async () => {
  t = await startTestApp({ listen: true, config: { METRICS_TOKEN } });
  tenant = await t.world.tenant();
  const a = await consentedApp(t, { tenant });
  token = await mintToken(t, consentClaims(a, tenant));
}, 60_000);
afterAll(() => t?.close());

async function check(path: string, headers: Record<string, string>, init: { method?: string; body?: string } = {}) {
  const r = await fetch(t.url + path, { method: init.method ?? 'GET', headers, body: init.body });
  const text = await r.text();
  const h: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    h[k] = v;
  });
  return { status: r.status, headers: h, body: (h['content-type'] ?? '').includes('json') ? JSON.parse(text) : text };
}

async function requestsCounted(route: string, status: number): Promise<number> {
  const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = r.body.split('\n').find((l) => l.startsWith(`partnergate_http_requests_total{route_class="${route}",status="${status}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('the forward-auth check on the HTTP server', () => {
  it('admits with the identity headers and their assertion, as the route answers through Fastify', async () => {
    const r = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, ...ORDERS });
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
    expect(r.headers).toMatchObject({ 'x-partnergate-tenant-id': tenant.id, 'x-partnergate-permission': 'orders.read', 'x-partnergate-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '0' });
    expect(r.headers['x-partnergate-request-id']).toBe(r.headers['x-request-id']);
    // for the proxy alone, never shown to a browser: no security headers (a refusal has them, below)
    expect([r.headers['x-frame-options'], r.headers['x-content-type-options'], r.headers['referrer-policy']]).toEqual([undefined, undefined, undefined]);
    expect(upstreamAuthenticator(upstreamKeyFor(t.services.config, 'reference-resources'), t.services.clock)(r.headers, 'GET', '/resources/v1/orders?limit=5').ok).toBe(true);
    // the same check through Fastify (app.inject never reaches the server): the same headers
    const viaFastify = await t.app.inject({ method: 'GET', url: '/authz/forward-auth/nginx', headers: { authorization: `Bearer ${token}`, ...ORDERS } });
    expect(viaFastify.statusCode).toBe(200);
    const names = (h: object) => Object.keys(h).filter((k) => !['date', 'connection', 'keep-alive'].includes(k)).sort();
    expect(names(r.headers)).toEqual(names(viaFastify.headers));
  });

  it('refuses a bad token with the problem+json envelope, WWW-Authenticate and the security headers', async () => {
    const r = await check('/authz/forward-auth/nginx', { authorization: 'Bearer not-a-token', 'x-request-id': 'check-401', ...ORDERS });
    expect([r.status, r.body.code, r.body.request_id]).toEqual([401, 'invalid_token', 'check-401']);
    expect(r.headers).toMatchObject({ 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': 'check-401', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
    const none = await check('/authz/forward-auth', ORDERS);
    expect([none.status, none.body.code]).toEqual([401, 'authentication_required']);
    const conflict = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, 'x-forwarded-uri': '/resources/v1/invoices', ...ORDERS });
    expect([conflict.status, conflict.body.code]).toEqual([403, 'forward_auth_request_conflict']);
    const unknown = await check('/authz/forward-auth/resources/v1/nothing-here', { authorization: `Bearer ${token}` });
    expect([unknown.status, unknown.body.code]).toEqual([403, 'permission_denied']);
  });

  it('refuses a revoked personal API token on the very next check', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, msp, tenant);
    const pat = await apiToken(t, msp.staff);
    const as = { authorization: `Bearer ${pat}`, 'x-active-tenant-id': tenant.id, ...ORDERS };
    expect((await check('/authz/forward-auth/nginx', as)).status).toBe(200);
    const me = await t.client().login(msp.staff.email, msp.staff.password);
    const list = await me.get('/api/v1/me/api-tokens');
    expect((await me.delete(`/api/v1/me/api-tokens/${list.body.data[0].id}`)).status).toBe(204);
    const r = await check('/authz/forward-auth/nginx', as);
    expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
  });

  it('refuses on the very next check once the delegation is revoked, though the token’s admission and its signed headers were kept', async () => {
    const other = await t.world.tenant();
    const a = await consentedApp(t, { tenant: other });
    const hot = await mintToken(t, consentClaims(a, other));
    const verify = upstreamAuthenticator(upstreamKeyFor(t.services.config, 'reference-resources'), t.services.clock);
    // from the second admitted check on, the token's admission and its answer's identity headers are reused
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${hot}`, ...ORDERS });
      expect([r.status, r.headers['x-partnergate-tenant-id'], r.headers['x-partnergate-delegation-id']]).toEqual([200, other.id, a.delegationId]);
      // each answer signs its own request id
      expect(r.headers['x-partnergate-request-id']).toBe(r.headers['x-request-id']);
      expect(verify(r.headers, 'GET', '/resources/v1/orders?limit=5').ok).toBe(true);
      ids.add(r.headers['x-request-id']);
    }
    expect(ids.size).toBe(3);
    const admin = await loginAs(t, other.admin);
    const revoked = await admin.post(`/api/v1/tenants/${other.id}/delegations/${a.delegationId}/revoke`, { reason: 'we no longer work with them' });
    expect(revoked.status).toBe(200);
    const r = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${hot}`, ...ORDERS });
    expect([r.status, r.body.code]).toEqual([403, 'delegation_revoked']);
    expect(r.headers['x-partnergate-tenant-id']).toBeUndefined();
  });

  it('puts every check, admitted or refused, in the tenant’s access log', async () => {
    const ids = ['fa-audit-1', 'fa-audit-2', 'fa-audit-3'];
    for (const id of ids) expect((await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, 'x-request-id': id, ...ORDERS })).status).toBe(200);
    const refused = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, 'x-request-id': 'fa-audit-refused', 'x-original-method': 'GET', 'x-original-uri': '/resources/v1/tickets' });
    expect([refused.status, refused.body.code]).toEqual([403, 'permission_denied']);
    await t.services.gateway.auditBuffer.flush();
    const logged = await auditedRequests(t.testDb.db, tenant.id);
    for (const id of [...ids, 'fa-audit-refused']) expect(logged.get(id), id).toBe(1);
  });

  it('counts its answers in the request metrics', async () => {
    const [ok, refused] = [await requestsCounted('forward_auth', 200), await requestsCounted('forward_auth', 401)];
    for (let i = 0; i < 2; i++) expect((await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, ...ORDERS })).status).toBe(200);
    expect((await check('/authz/forward-auth/resources/v1/orders', {})).status).toBe(401);
    expect([(await requestsCounted('forward_auth', 200)) - ok, (await requestsCounted('forward_auth', 401)) - refused]).toEqual([2, 1]);
  });

  it('leaves to Fastify what Fastify must see, which answers it the same way', async () => {
    // an agency token: refused by Fastify's guard
    const agency = await check('/authz/forward-auth/nginx', { authorization: 'Bearer pgagt_abcdefabcdefabcdef', ...ORDERS });
    expect([agency.status, agency.body.code]).toEqual([403, 'agency_token_not_allowed']);
    // a body, a cookie, a trailing slash, an encoded path: decided by the same check through Fastify
    const body = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...ORDERS }, { method: 'POST', body: '{"a":1}' });
    expect([body.status, body.headers['x-partnergate-permission']]).toEqual([200, 'orders.read']);
    const cookie = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, cookie: 'theme=dark', ...ORDERS });
    expect(cookie.status).toBe(200);
    const slash = await check('/authz/forward-auth/nginx/', { authorization: `Bearer ${token}`, ...ORDERS });
    expect(slash.status).toBe(200);
    const encoded = await check('/authz/forward-auth/%6Eginx', { authorization: `Bearer ${token}`, ...ORDERS });
    expect(encoded.status).toBe(200);
    // a method the routes do not take: Fastify's 404
    const propfind = await check('/authz/forward-auth/nginx', { authorization: `Bearer ${token}`, ...ORDERS }, { method: 'PROPFIND' });
    expect([propfind.status, propfind.body.code]).toEqual([404, 'not_found']);
  });
});

describe('which requests the front takes', () => {
  type Taken = { endpoint: ForwardAuthEndpoint; caller: CheckCaller } | 'fastify';
  let server: http.Server;
  let base: string;
  let seen: Taken[] = [];
  let trustProxy = false;
  let front: ReturnType<typeof forwardAuthFront>;
  let closing = () => {};

  beforeAll(async () => {
    // A real server with a stand-in check and a stand-in for Fastify: which of them answered.
    server = http.createServer((_req, res) => {
      seen.push('fastify');
      res.end();
    });
    const stand: Parameters<typeof forwardAuthFront>[0] = (_req, res, endpoint, caller) => {
      seen.push({ endpoint, caller });
      res.end();
    };
    front = forwardAuthFront(stand, { trustProxy: false, declines: (req) => req.headers['x-decline'] !== undefined });
    const trusting = forwardAuthFront(stand, { trustProxy: true, declines: () => false });
    // as the app installs it: taken out of the way when the app starts closing (its preClose hook)
    const app = { server, addHook: (_name: string, hook: (done: () => void) => void) => (closing = () => hook(() => {})) };
    installFront(app as unknown as Parameters<typeof installFront>[0], (req, res) => (trustProxy ? trusting : front)(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function who(path: string, init: RequestInit = {}): Promise<string> {
    seen = [];
    if (path.includes('#')) {
      // fetch and URL strings keep the fragment to themselves
      await new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path }, (res) => res.resume().on('end', resolve)).on('error', reject));
    } else await (await fetch(base + path, init)).text();
    const s = seen[0];
    return s === 'fastify' ? s : `${s.endpoint} ${s.caller.metricsRoute}`;
  }

  it('takes the four endpoints, with or without a query, for the methods the routes take', async () => {
    expect(await who('/authz/forward-auth/nginx')).toBe('nginx /authz/forward-auth/nginx');
    expect(await who('/authz/forward-auth/traefik?x=1')).toBe('traefik /authz/forward-auth/traefik');
    expect(await who('/authz/forward-auth')).toBe('any /authz/forward-auth');
    expect(await who('/authz/forward-auth/resources/v1/orders?ban=1%202', { method: 'DELETE' })).toBe('any /authz/forward-auth/*');
    expect(await who('/authz/forward-auth/nginx', { method: 'HEAD' })).toBe('nginx /authz/forward-auth/nginx');
  });

  it('gives the check the caller’s request id when well formed, a new one otherwise, and the peer address', async () => {
    await who('/authz/forward-auth/nginx', { headers: { 'x-request-id': 'abc.123' } });
    expect(seen[0]).toMatchObject({ caller: { requestId: 'abc.123', ip: '127.0.0.1', sessionCookie: null } });
    await who('/authz/forward-auth/nginx', { headers: { 'x-request-id': 'not ok' } });
    expect((seen[0] as { caller: CheckCaller }).caller.requestId).toMatch(/^req_[A-Za-z0-9_-]{16}$/);
  });

  it('leaves everything else to Fastify', async () => {
    for (const path of ['/authz/forward-authx', '/authz/forward-auth/nginx/', '/authz/forward-auth/traefik/x', '/authz/forward-auth/%6Eginx', '/authz/forward-auth/a#b', '/healthz']) expect(await who(path), path).toBe('fastify');
    expect(await who('/authz/forward-auth/nginx', { method: 'PROPFIND' })).toBe('fastify');
    expect(await who('/authz/forward-auth/nginx', { method: 'POST', body: 'x' })).toBe('fastify');
    expect(await who('/authz/forward-auth/nginx', { headers: { cookie: 'partnergate_session=x' } })).toBe('fastify');
    expect(await who('/authz/forward-auth/nginx', { headers: { 'x-decline': '1' } })).toBe('fastify');
    // TRUST_PROXY: an X-Forwarded-For is Fastify's to read
    trustProxy = true;
    try {
      expect(await who('/authz/forward-auth/nginx', { headers: { 'x-forwarded-for': '203.0.113.7' } })).toBe('fastify');
      expect(await who('/authz/forward-auth/nginx')).toBe('nginx /authz/forward-auth/nginx');
    } finally {
      trustProxy = false;
    }
    // stopped (the app is closing): Fastify answers 503
    closing();
    expect(await who('/authz/forward-auth/nginx')).toBe('fastify');
  });
});
