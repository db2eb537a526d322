/**
 * Upstreams of the operator's own, and the reference service as a process of its own:
 *  - GATEWAY_ROUTES from a config file (CONFIG_FILE) proxies to an upstream of this test, which
 *    verifies the gateway assertion — and the body's SHA-256 — with the key
 *    `partnergate gateway upstream-key crm` prints; what no rule names is refused before it
 *    reaches the upstream (404/405), and a caller the decision refuses never reaches it either;
 *  - RESOURCES_UPSTREAM_URL points the gateway at `partnergate upstream serve` running as its own
 *    process, which accepts only what was signed with its own key;
 *  - a route prefix that clashes with Partnergate's own paths stops the process with one line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { REDIS_URL, startTestApp, type TestApp } from '../../helpers/app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig, TEST_SECRET } from '../../helpers/config.ts';
import { World } from '../../helpers/world.ts';
import { Client } from '../../helpers/http.ts';
import { runCli, startServer, type Env, type ServerProcess } from '../../helpers/server-process.ts';
import { buildApp } from '../../../src/app/build-app.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import {
  ASSERTION_HEADER,
  CONTENT_SHA256_HEADER,
  checkBody,
  contentSha256,
  identityHeaderValues,
  parseUpstreamKey,
  signAssertion,
  upstreamKeyFor,
  verifyAssertion,
  type GatewayIdentity,
} from '../../../src/modules/gateway/index.ts';
import { apiToken, gw, link } from './helpers.ts';

const cli = (args: string[], env: Env) => runCli(args, { LOG_LEVEL: 'silent', ...env });

/** What the operator's upstream received, and what it made of the assertion. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  verdict: string;
  identity: GatewayIdentity | null;
}

/** A small upstream of the operator's: trusts only requests signed with its own key, body included. */
async function operatorUpstream(key: () => Buffer): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const v = verifyAssertion(key(), req.headers, req.method!, req.url!, Date.now());
    const why = !v.ok ? v.reason : checkBody(v.content, body.length ? body : null, { acceptUnsigned: false });
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, verdict: why ?? 'ok', identity: v.ok ? v.identity : null });
    res.setHeader('content-type', 'application/json');
    if (why) {
      res.statusCode = 401;
      res.end(JSON.stringify({ refused: why }));
      return;
    }
    res.end(JSON.stringify({ path: req.url, tenant_id: v.ok ? v.identity.tenantId : null, user_id: v.ok ? v.identity.userId : null, permission: v.ok ? v.identity.permission : null, received: body.toString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('GATEWAY_ROUTES from the config file, to an upstream of the operator', () => {
  let t: TestApp;
  let upstream: Awaited<ReturnType<typeof operatorUpstream>>;
  let crmKey: Buffer;
  let configFile: string;

  beforeAll(async () => {
    upstream = await operatorUpstream(() => crmKey);
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-gwroutes-'));
    configFile = path.join(dir, 'partnergate.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        GATEWAY_ROUTES: [
          {
            name: 'crm',
            prefix: '/resources/v1/crm',
            upstream: `${upstream.url}/crm-api`,
            tenant_scoped: true,
            rules: [
              { method: 'GET', path: '/contacts', permission: 'support.tickets.read', rate_class: 'read' },
              { method: 'POST', path: '/contacts/:contact_id/notes', permission: 'support.tickets.create', rate_class: 'write' },
              { method: 'GET', path: '/revenue', permission: 'billing.invoices.read' },
            ],
          },
        ],
      }),
    );
    // The key the operator installs on the upstream's host: printed by the CLI from the same settings.
    const printed = cli(['gateway', 'upstream-key', 'crm'], { CONFIG_FILE: configFile, DATA_DIR: dir });
    expect(printed.err).toBe('');
    expect(printed.code).toBe(0);
    crmKey = parseUpstreamKey(printed.out);
    t = await startTestApp({ config: { CONFIG_FILE: configFile } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  async function msp(role: string) {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const tenant = await t.world.tenant();
    await link(t, p, tenant, { role });
    const token = await apiToken(t, p.staff);
    return { p, tenant, call: (method: string, url: string, body?: unknown) => gw(t, method, url, { token, headers: { 'x-active-tenant-id': tenant.id, 'x-partnergate-tenant-id': 'tnt_spoofed' }, body }) };
  }

  it('prints one key per upstream name; it is the key the gateway signs that upstream with, and no other upstream’s', () => {
    expect(crmKey.equals(upstreamKeyFor(t.services.config, 'crm'))).toBe(true);
    expect(crmKey.equals(upstreamKeyFor(t.services.config, 'reference-resources'))).toBe(false);
    const unknown = cli(['gateway', 'upstream-key', 'billing'], { CONFIG_FILE: configFile });
    expect(unknown.code).toBe(2);
    expect(unknown.err.trim()).toBe('partnergate: no upstream is named "billing" (known: reference-resources, crm)');
  });

  it('proxies a rule to the upstream, signed with the upstream’s own key: the path it serves, the verified identity, the body bound', async () => {
    const w = await msp('MSP_SUPPORT');
    const before = upstream.seen.length;
    const r = await w.call('GET', '/resources/v1/crm/contacts?limit=2');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ path: '/crm-api/contacts?limit=2', tenant_id: w.tenant.id, user_id: w.p.staff.id, permission: 'support.tickets.read', received: '' });
    const got = upstream.seen[before];
    expect(got.verdict).toBe('ok');
    expect(got.headers['x-partnergate-tenant-id']).toBe(w.tenant.id); // the client's copy never arrives
    // another upstream's key (the reference service's) does not verify what the crm upstream got
    expect(verifyAssertion(upstreamKeyFor(t.services.config, 'reference-resources'), got.headers, got.method, got.url, Date.now())).toEqual({ ok: false, reason: 'bad_signature' });

    const note = { text: 'Called the customer back.' };
    const posted = await w.call('POST', '/resources/v1/crm/contacts/c-42/notes', note);
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ path: '/crm-api/contacts/c-42/notes', permission: 'support.tickets.create', received: JSON.stringify(note) });
    const sent = upstream.seen.at(-1)!;
    expect(sent.headers[CONTENT_SHA256_HEADER]).toBe(contentSha256(JSON.stringify(note)));
  });

  it('strips identity headers spelled with underscores too (CGI-style stacks read x_user_id as x-user-id)', async () => {
    const w = await msp('MSP_SUPPORT');
    const before = upstream.seen.length;
    const spoof = { x_partnergate_tenant_id: 'tnt_spoofed', x_user_id: 'usr_spoofed', x_forwarded_user: 'admin', 'x-custom_trace': 'kept' };
    const r = await gw(t, 'GET', '/resources/v1/crm/contacts', { token: await apiToken(t, w.p.staff), headers: { 'x-active-tenant-id': w.tenant.id, ...spoof } });
    expect(r.status).toBe(200);
    const got = upstream.seen[before];
    expect(got.verdict).toBe('ok');
    for (const name of ['x_partnergate_tenant_id', 'x_user_id', 'x_forwarded_user']) expect(got.headers[name], name).toBeUndefined();
    expect(got.headers['x-custom_trace']).toBe('kept'); // an underscore alone is no reason to drop a header
    expect(got.headers['x-partnergate-tenant-id']).toBe(w.tenant.id);
  });

  it('never passes on a header that makes the upstream take another method or URL than the one decided (method overrides, X-Original-URL, forwarded method/URI)', async () => {
    const w = await msp('AUDITOR'); // read-only: a GET is decided, nothing more
    const before = upstream.seen.length;
    const rewrite = {
      'x-http-method-override': 'DELETE',
      'x-http-method': 'DELETE',
      'x-method-override': 'DELETE',
      x_http_method_override: 'DELETE',
      'x-original-url': '/crm-api/contacts/c-1/notes',
      'x-rewrite-url': '/crm-api/contacts/c-1/notes',
      'x-original-method': 'POST',
      'x-original-uri': '/crm-api/contacts/c-1/notes',
      'x-forwarded-method': 'POST',
      'x-forwarded-uri': '/crm-api/contacts/c-1/notes',
      'x-forwarded-prefix': '/admin',
    };
    const r = await gw(t, 'GET', '/resources/v1/crm/contacts', { token: await apiToken(t, w.p.staff), headers: { 'x-active-tenant-id': w.tenant.id, ...rewrite } });
    expect(r.status).toBe(200);
    const got = upstream.seen[before];
    expect([got.method, got.url, got.verdict]).toEqual(['GET', '/crm-api/contacts', 'ok']);
    for (const name of Object.keys(rewrite)) expect(got.headers[name], name).toBeUndefined();
  });

  it('refuses what no rule names (404, 405) and what the decision refuses (401, 403) before the upstream sees it', async () => {
    const w = await msp('MSP_SUPPORT');
    const before = upstream.seen.length;
    const unknown = await w.call('GET', '/resources/v1/crm/admin/export');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
    const method = await w.call('DELETE', '/resources/v1/crm/contacts');
    expect([method.status, method.body.code, method.headers.allow]).toEqual([405, 'method_not_allowed', 'GET']);
    const denied = await w.call('GET', '/resources/v1/crm/revenue'); // MSP_SUPPORT grants no billing
    expect([denied.status, denied.body.code]).toEqual([403, 'permission_denied']);
    const anonymous = await gw(t, 'GET', '/resources/v1/crm/contacts');
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'authentication_required']);
    const stranger = await gw(t, 'GET', '/resources/v1/crm/contacts', { token: await apiToken(t, (await t.world.partner({ capabilities: ['managed_services'] })).staff), headers: { 'x-active-tenant-id': w.tenant.id } });
    expect([stranger.status, stranger.body.code]).toEqual([404, 'delegation_not_found']);
    expect(upstream.seen.length).toBe(before);
  });

  it('is documented in the OpenAPI like the reference routes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { description?: string }>> };
    expect(doc.paths['/resources/v1/crm/contacts']?.get?.description).toMatch(/support\.tickets\.read/);
    expect(Object.keys(doc.paths['/resources/v1/crm/contacts/{contact_id}/notes'] ?? {})).toEqual(['post']);
  });
});

describe('RESOURCES_UPSTREAM_URL: the reference service as a process of its own (partnergate upstream serve)', () => {
  let testDb: TestDb;
  let reference: ServerProcess;
  let app: FastifyInstance;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    testDb = await createTestDb();
    reference = await startServer({
      args: ['upstream', 'serve'],
      env: { SCRYPT_COST: null, DATA_DIR: testDb.dataDir, DATABASE_URL: testDb.databaseUrl },
      ready: { path: '/v1/context', status: 401 },
    });
    base = `${reference.base}/v1`;
    const useRedis = !!process.env.REDIS_URL;
    app = await buildApp({ config: testConfig({ RESOURCES_UPSTREAM_URL: base, ...(useRedis ? { REDIS_URL } : {}) }, testDb.dataDir), db: testDb.db, redis: useRedis ? redisFactory(REDIS_URL) : null, logger: false });
    await app.ready();
    t = { app, services: app.services, testDb, world: new World(app), client: () => new Client(app), url: null, close: async () => {} };
  }, 90_000);
  afterAll(async () => {
    await reference?.stop();
    await app?.close();
    await testDb?.drop();
  });

  it('serves the gateway’s requests, and takes only what was signed with the reference service’s own key', async () => {
    expect(reference.logs).toMatch(/reference resource service listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const tenant = await t.world.tenant();
    await link(t, p, tenant);
    const token = await apiToken(t, p.staff);
    const as = { 'x-active-tenant-id': tenant.id };
    const ctx = await gw(t, 'GET', '/resources/v1/context', { token, headers: as });
    expect(ctx.status).toBe(200);
    expect(ctx.body).toMatchObject({ tenant_id: tenant.id, user_id: p.staff.id, partner_id: p.id, persona: 'msp' });
    const order = await gw(t, 'POST', '/resources/v1/orders', { token, headers: as, body: { product_code: 'STATIC-IP-29', ban_id: tenant.bans[0].id } });
    expect(order.status).toBe(201);
    const row = await testDb.db.kysely.selectFrom('orders').select(['placed_by_user_id', 'persona']).where('id', '=', order.body.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ placed_by_user_id: p.staff.id, persona: 'msp' });

    // Straight to the process, signed with another upstream's key, or the old master-derived one: refused.
    const id: GatewayIdentity = { requestId: 'r', partnerId: p.id, userId: p.staff.id, clientId: null, tenantId: tenant.id, ban: null, bans: null, billTo: null, delegationId: null, scopes: null, persona: 'msp', permission: 'orders.read' };
    for (const key of [upstreamKeyFor(t.services.config, 'crm'), upstreamKeyFor({ gatewayAssertionSecret: 'another-assertion-secret-of-32-characters!!', secretKey: TEST_SECRET }, 'reference-resources')]) {
      const r = await fetch(`${base}/orders`, { headers: { ...identityHeaderValues(id), [ASSERTION_HEADER]: signAssertion(key, id, 'GET', '/v1/orders', Date.now()) } });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { code: string }).code).toBe('gateway_assertion_invalid');
    }
    const own = await fetch(`${base}/orders`, { headers: { ...identityHeaderValues(id), [ASSERTION_HEADER]: signAssertion(upstreamKeyFor(t.services.config, 'reference-resources'), id, 'GET', '/v1/orders', Date.now()) } });
    expect(own.status).toBe(200);
  });

  it('answers 502 upstream_unavailable once the process is gone', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const tenant = await t.world.tenant();
    await link(t, p, tenant);
    const token = await apiToken(t, p.staff);
    await reference.stop();
    const r = await gw(t, 'GET', '/resources/v1/context', { token, headers: { 'x-active-tenant-id': tenant.id } });
    expect([r.status, r.body.code]).toEqual([502, 'upstream_unavailable']);
  });
});

describe('a GATEWAY_ROUTES prefix on Partnergate’s own paths', () => {
  it.each([
    // (every reserved prefix is checked by src/config/config.test.ts; these run the real process)
    ['/api/crm', "Partnergate's own /api paths"],
    ['/.well-known', "Partnergate's own /.well-known paths"],
    ['/', 'the portal root (/): a route prefix must name a path of its own, e.g. /resources/v1/crm'],
  ])('%s stops `partnergate serve` with one line naming the clash', (prefix, clash) => {
    const routes = [{ name: 'crm', prefix, upstream: 'http://crm.internal:9000', rules: [{ method: 'GET', path: '/contacts', permission: 'support.tickets.read' }] }];
    const r = cli(['serve'], { GATEWAY_ROUTES: JSON.stringify(routes), DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pg-clash-')), PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`partnergate: Invalid setting GATEWAY_ROUTES: route 0 (crm): prefix ${prefix} clashes with ${clash}\n`);
  });
});
