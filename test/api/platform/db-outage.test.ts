/**
 * A PostgreSQL outage, in process, on a cluster of the test's own
 * (test/helpers/own-postgres.ts) that it kills, restarts and freezes — never the shared server:
 *  - a pooled connection that loses its server while checked out raises no unhandled 'error'
 *    (it used to: the process exited);
 *  - while the database is away the gateway decides from memory (200), /api/v1/authz/check
 *    answers from the in-memory token and session indexes and the snapshot (200), /healthz stays
 *    200; what needs the database — revocations, writes, the OAuth revocation endpoint — answers
 *    503 with a code and Retry-After (it used to be 500); /readyz says not ready;
 *  - a frozen server (SIGSTOP) costs a request a bounded wait, then 503;
 *  - once the database is back, writes succeed again within 5 s and the access events of the
 *    requests served meanwhile are in the audit log.
 * Always PostgreSQL (its own), whatever DATABASE_URL says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase, type Db } from '../../../src/platform/db/database.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import type { TestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { Client } from '../../helpers/http.ts';
import { startOwnPostgres, type OwnPostgres } from '../../helpers/own-postgres.ts';
import { World, type TestTenant } from '../../helpers/world.ts';
import { apiToken, auditedRequests, consentClaims, consentedApp, gw, loginAs, mintToken, until } from '../gateway/helpers.ts';

let own: OwnPostgres;
let url: string;
let dataDir: string;
let db: Db;
let app: FastifyInstance;
let t: TestApp;
/** errors nobody handled while this file ran (a lost connection's 'error' event used to be one) */
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);


beforeAll(async () => {
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
  own = await startOwnPostgres();
  url = await own.createDatabase('outage');
  dataDir = mkdtempSync(path.join(tmpdir(), 'partnergate-outage-'));
  // short bounds, so the frozen server costs the test seconds, not the defaults' 5 s + 30 s
  db = openDatabase({ databaseUrl: url, dataDir, poolSize: 4, connectTimeoutMs: 1500, queryTimeoutMs: 2500 });
  await migrateToLatest(db);
  app = await buildApp({ config: testConfig({ DATABASE_URL: url, GATEWAY_AUDIT_FLUSH_MS: '100' }, dataDir), db, redis: null, logger: false });
  await app.ready();
  t = { app, services: app.services, world: new World(app), testDb: { db, owner: db, databaseUrl: url, ownerUrl: url, dataDir, drop: async () => {} }, client: () => new Client(app), url: null, close: async () => {} };
}, 120_000);

afterAll(async () => {
  own?.thaw();
  await app?.close().catch(() => {});
  await db?.close().catch(() => {});
  await own?.cleanup();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  process.off('uncaughtException', onUnhandled);
  process.off('unhandledRejection', onUnhandled);
});

describe('a connection that loses its server', () => {
  it('while checked out between two queries raises no unhandled error', async () => {
    const lost: unknown[] = [];
    const local = openDatabase({ databaseUrl: url, dataDir, poolSize: 1, onConnectionError: (e) => lost.push(e) });
    try {
      await local.kysely.connection().execute(async (conn) => {
        await sql`select 1`.execute(conn);
        // no query runs on it now: pg reports the lost server as an 'error' event of the client
        await own.kill();
        await until('the lost connection is reported', async () => lost.length > 0, 15_000);
      });
      expect(unhandled).toEqual([]);
      await own.start();
      // the dead client was dropped from the pool: the next query gets a fresh connection
      await until('the pool serves again', async () => (await sql<{ n: number }>`select 1 as n`.execute(local.kysely)).rows[0].n === 1, 15_000);
    } finally {
      await local.close().catch(() => {});
    }
  }, 60_000);
});

describe('the database killed, then back', () => {
  let tenant: TestTenant;
  let token: string;
  /** a second app's token, for the frozen server (the first one's delegation is revoked by then) */
  let token2: string;
  let pat: string;
  let session: Client;
  let delegationId: string;
  let clientId: string;
  let clientSecret: string;
  const served: string[] = [];

  beforeAll(async () => {
    tenant = await t.world.tenant();
    const a = await consentedApp(t, { tenant });
    delegationId = a.delegationId;
    token = await mintToken(t, consentClaims(a, tenant));
    token2 = await mintToken(t, consentClaims(await consentedApp(t, { tenant }), tenant));
    pat = await apiToken(t, tenant.admin);
    session = await loginAs(t, tenant.admin);
    const partner = await t.world.partner({ capabilities: ['delegated'] });
    const made = await t.services.apps.create({ ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: partner.id } }, partner.id, {
      name: 'Revoker',
      grant_types: ['authorization_code'],
      redirect_uris: ['https://revoker.example/cb'],
      scopes: ['orders.read'],
    });
    clientId = made.app.id;
    clientSecret = made.secret!;
    // the token is verified, its app and delegation known: from here the gateway needs no database
    for (const tk of [token, token2]) {
      const r = await gw(t, 'GET', '/resources/v1/context', { token: tk });
      expect([r.status, r.body.code, r.body.detail]).toEqual([200, undefined, undefined]);
    }
    await t.services.feed.drain();
  }, 60_000);

  it('serves from memory what needs no database, answers 503 for what does, and recovers', async () => {
    await own.kill();
    try {
      // the gateway: decided from the snapshot, the verified-token cache and the live app index
      for (let i = 0; i < 5; i++) {
        const r = await gw(t, 'GET', '/resources/v1/context', { token });
        expect(r.status).toBe(200);
        served.push(String(r.headers['x-request-id']));
      }
      // the decision API: the caller from the in-memory API-token and session indexes
      const byToken = await t.app.inject({ method: 'POST', url: '/api/v1/authz/check', headers: { authorization: `Bearer ${pat}` }, payload: { action: 'billing.invoices.read', tenant_id: tenant.id } });
      expect([byToken.statusCode, byToken.json().allow]).toEqual([200, true]);
      const bySession = await session.post('/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: tenant.id });
      expect([bySession.status, bySession.body.allow]).toEqual([200, true]);
      const explained = await session.post('/api/v1/authz/explain', { action: 'billing.invoices.read', tenant_id: tenant.id });
      expect(explained.status).toBe(200);

      // revocations and writes need the database: 503, a code, Retry-After — never 500
      const revoke = await session.post(`/api/v1/tenants/${tenant.id}/delegations/${delegationId}/revoke`, { reason: 'outage test' });
      expect([revoke.status, revoke.body.code]).toEqual([503, 'database_unavailable']);
      expect(revoke.headers['retry-after']).toBe('5');
      expect(String(revoke.headers['content-type'])).toContain('application/problem+json');
      const write = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { authorization: `Bearer ${pat}` }, payload: { name: 'During the outage' } });
      expect([write.statusCode, write.json().code]).toEqual([503, 'database_unavailable']);
      expect(write.headers['retry-after']).toBe('5');
      const oauthRevoke = await t.app.inject({
        method: 'POST',
        url: '/oauth/token/revocation',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        payload: `token=${encodeURIComponent(token)}`,
      });
      expect([oauthRevoke.statusCode, oauthRevoke.json().error]).toEqual([503, 'temporarily_unavailable']);
      expect(oauthRevoke.headers['retry-after']).toBe('5');

      // liveness stays, readiness goes
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect([ready.statusCode, ready.json().code, ready.headers['retry-after']]).toEqual([503, 'service_unavailable', '5']);
      expect(ready.json().detail).toBe('Not ready: the database does not answer.');
    } finally {
      await own.start();
    }
    // back: writes succeed again within 5 s
    const took = await until(
      'a write succeeds again',
      async () => (await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { authorization: `Bearer ${pat}` }, payload: { name: 'After the outage' } })).statusCode === 200,
      5000,
    );
    expect(took).toBeLessThan(5000);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    // the revocation refused meanwhile goes through now
    const revoke = await session.post(`/api/v1/tenants/${tenant.id}/delegations/${delegationId}/revoke`, { reason: 'after the outage' });
    expect(revoke.status).toBe(200);
    // every request served while the database was away is in the audit log
    await until(
      'the access events of the outage are written',
      async () => {
        await t.services.gateway.auditBuffer.flush();
        const logged = await auditedRequests(t.services.db, tenant.id);
        return served.every((id) => logged.get(id) === 1);
      },
      15_000,
    );
    expect((await t.services.audit.verify()).ok).toBe(true);
    expect(unhandled).toEqual([]);
  }, 90_000);

  it('a frozen server costs a request a bounded wait, then 503; thawed, it serves again', async () => {
    own.freeze();
    try {
      const t0 = Date.now();
      const write = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { authorization: `Bearer ${pat}` }, payload: { name: 'Frozen' } });
      expect([write.statusCode, write.json().code]).toEqual([503, 'database_unavailable']);
      // the query timeout (2.5 s here), not forever; generous for a loaded machine
      expect(Date.now() - t0).toBeLessThan(20_000);
      // the gateway still decides from memory
      expect((await gw(t, 'GET', '/resources/v1/context', { token: token2 })).status).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    } finally {
      own.thaw();
    }
    await until(
      'a write succeeds after the thaw',
      async () => (await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { authorization: `Bearer ${pat}` }, payload: { name: 'Thawed' } })).statusCode === 200,
      10_000,
    );
    expect(unhandled).toEqual([]);
  }, 90_000);
});
