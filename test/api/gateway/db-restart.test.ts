/**
 * The multi-instance fault-injection run, in small: two Partnergate processes on one PostgreSQL (a
 * cluster of the test's own) and the shared Redis, under load — gateway requests and writes on
 * both — while the database is killed (SIGKILL to every server process) and started again, then
 * stopped cleanly (fast shutdown: every session terminated) and started again. It used to exit
 * every instance within 1.5 s (an 'error' event of a pooled client nobody listened to). Now:
 *  - every instance stays up, and nothing reaches the process's last-resort handler;
 *  - while the database is away the gateway answers from memory (200), writes answer 503
 *    database_unavailable with Retry-After, /api/v1/authz/check answers (200), /readyz says not
 *    ready and /healthz stays 200; nothing answers 500;
 *  - within 5 s of the database being back, writes succeed again on every instance;
 *  - no request the gateway admitted is missing from the audit log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase, type Db } from '../../../src/platform/db/database.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import type { Principal } from '../../../src/platform/http/principal.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { REDIS_URL, type TestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { startOwnPostgres, type OwnPostgres } from '../../helpers/own-postgres.ts';
import { freePort, startServer, type ServerProcess } from '../../helpers/server-process.ts';
import { World, type TestTenant } from '../../helpers/world.ts';
import { auditedRequests, consentClaims, consentedApp, mintToken, until } from './helpers.ts';

let own: OwnPostgres;
let db: Db;
let dataDir: string;
let setup: FastifyInstance;
let instances: ServerProcess[] = [];
let tenant: TestTenant;
let token: string;
let pat: string;

/** What the load saw: every gateway request the instances admitted (by request id), and every status. */
const admitted = new Set<string>();
const statuses = new Map<number, number>();
const failures: string[] = [];
let loading = false;
let loadDone: Promise<void> = Promise.resolve();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function call(i: ServerProcess, method: string, url: string, body?: unknown, auth = pat) {
  const headers: Record<string, string> = { authorization: `Bearer ${auth}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(i.base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

/** Gateway reads (3 at a time) and writes (1 at a time) on every instance, until stopLoad(). */
function startLoad(): void {
  loading = true;
  const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
  const loop = async (fn: () => Promise<void>) => {
    while (loading) {
      try {
        await fn();
      } catch (e) {
        failures.push(String((e as Error).message));
        await sleep(20);
      }
    }
  };
  const loops: Promise<void>[] = [];
  for (const i of instances) {
    for (let k = 0; k < 3; k++) {
      loops.push(
        loop(async () => {
          const r = await fetch(i.base + '/resources/v1/context', { headers: { authorization: `Bearer ${token}` } });
          await r.arrayBuffer();
          count(r.status);
          if (r.status === 200) admitted.add(r.headers.get('x-request-id')!);
        }),
      );
    }
    loops.push(
      loop(async () => {
        const r = await call(i, 'PATCH', '/api/v1/me', { name: `load ${Date.now()}` });
        count(r.status);
        await sleep(20);
      }),
    );
  }
  loadDone = Promise.all(loops).then(() => {});
}

async function stopLoad(): Promise<void> {
  loading = false;
  await loadDone;
}

beforeAll(async () => {
  own = await startOwnPostgres();
  const url = await own.createDatabase('restart');
  dataDir = mkdtempSync(path.join(tmpdir(), 'partnergate-restart-'));
  db = openDatabase({ databaseUrl: url, dataDir, poolSize: 3 });
  await migrateToLatest(db);
  const [p1, p2] = [await freePort(), await freePort()];
  const shared = {
    DATABASE_URL: url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `pgt:${process.pid}-${Date.now()}-dbrestart:`,
    PUBLIC_URL: `http://127.0.0.1:${p1}`,
    CHANGE_FEED_POLL_MS: '250',
  };
  setup = await buildApp({ config: testConfig(shared, dataDir), db, redis: redisFactory(REDIS_URL), logger: false });
  await setup.ready();
  const world = new World(setup);
  const t = { app: setup, services: setup.services, world } as unknown as TestApp;
  tenant = await world.tenant();
  const a = await consentedApp(t, { tenant });
  token = await mintToken(t, consentClaims(a, tenant));
  pat = (await setup.services.identity.createApiToken(world.ctx, { userId: tenant.admin.id } as Principal, 'db restart', null)).token;
  const env = {
    ...shared,
    DATA_DIR: dataDir,
    // errors are logged, so a pass also proves none reached the last-resort handler
    LOG_LEVEL: 'error',
    GATEWAY_AUDIT_FLUSH_MS: '100',
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    DATABASE_QUERY_TIMEOUT_MS: '5000',
    // the load is not what is measured: limits far above what it sends
    RATE_LIMITS: JSON.stringify({ read: 100_000_000, write: 100_000_000, partner: 100_000_000, default: 100_000_000 }),
  };
  instances = await Promise.all([p1, p2].map((port) => startServer({ port, env })));
  for (const i of instances) {
    await until('the instance serves the token', async () => (await call(i, 'GET', '/resources/v1/context', undefined, token)).status === 200, 15_000);
    await until('the instance knows the API token', async () => (await call(i, 'POST', '/api/v1/authz/check', { action: 'orders.read', tenant_id: tenant.id })).status === 200, 15_000);
  }
}, 180_000);

afterAll(async () => {
  loading = false;
  await loadDone;
  await Promise.all(instances.map((i) => i.stop()));
  await setup?.close().catch(() => {});
  await db?.close().catch(() => {});
  await own?.cleanup();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL restarted under load, two instances', () => {
  for (const how of ['killed (SIGKILL)', 'stopped cleanly (fast shutdown)'] as const) {
    it(`${how}: every instance stays up, serves from memory, refuses writes with 503, and recovers within 5 s`, async () => {
      startLoad();
      let down = false;
      try {
        await until('the load is admitted', async () => admitted.size > 20, 15_000);
        down = true;
        if (how === 'killed (SIGKILL)') await own.kill();
        else await own.stop({ mode: 'fast' });
        const before = admitted.size;
        // the outage, under load
        for (const i of instances) {
          await until(
            'a write answers 503 database_unavailable',
            async () => {
              const r = await call(i, 'PATCH', '/api/v1/me', { name: 'outage' });
              if (r.status !== 503) return false;
              expect([r.body.code, r.headers.get('retry-after')]).toEqual(['database_unavailable', '5']);
              return true;
            },
            15_000,
          );
          expect((await call(i, 'GET', '/resources/v1/context', undefined, token)).status).toBe(200);
          const check = await call(i, 'POST', '/api/v1/authz/check', { action: 'orders.read', tenant_id: tenant.id });
          expect([check.status, check.body.allow]).toEqual([200, true]);
          const ready = await fetch(i.base + '/readyz');
          expect(ready.status).toBe(503);
          expect((await fetch(i.base + '/healthz')).status).toBe(200);
        }
        await until('the gateway keeps admitting during the outage', async () => admitted.size > before + 50, 15_000);
        for (const i of instances) expect(i.running, i.logs).toBe(true);

        await own.start();
        down = false;
        for (const i of instances) {
          const took = await until('a write succeeds again', async () => (await call(i, 'PATCH', '/api/v1/me', { name: 'back' })).status === 200, 5000);
          expect(took).toBeLessThanOrEqual(5000);
          expect((await fetch(i.base + '/readyz')).status).toBe(200);
        }
      } finally {
        await stopLoad();
        if (down) await own.start().catch(() => {});
      }
      for (const i of instances) {
        expect(i.running, i.logs).toBe(true);
        expect(i.logs).not.toMatch(/the process goes on|exiting/);
      }
      // nothing answered 500; the load's connections were never refused (no instance went away)
      expect([...statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(failures).toEqual([]);
      // every admitted request is in the audit log
      await until(
        'every admitted request is in the audit log',
        async () => {
          const logged = await auditedRequests(db, tenant.id);
          return [...admitted].every((id) => logged.get(id) === 1);
        },
        30_000,
      );
    }, 180_000);
  }
});
