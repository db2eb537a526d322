/**
 * Access events survive the death of the process that admitted the requests (a fault-injection run found that
 * an instance killed 4 s into a database outage had admitted 3,623 requests, and all 3,623 were
 * missing from the audit log). A real `partnergate serve` on a PostgreSQL cluster of the test's
 * own, its DATA_DIR (the spool) kept across its restart:
 *  - SIGKILL with the database up, right after N admitted requests, before any flush (the flush
 *    interval is ten minutes): after the restart all N are in the audit log;
 *  - the database killed, N requests admitted from memory meanwhile, the instance SIGKILLed, the
 *    database back, the instance restarted: none of the N is missing.
 * The in-process properties of the spool (written once, torn lines, live instances) are in
 * access-spool.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase, type Db } from '../../../src/platform/db/database.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import type { TestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { startOwnPostgres, type OwnPostgres } from '../../helpers/own-postgres.ts';
import { freePort, startServer, type ServerProcess } from '../../helpers/server-process.ts';
import { World, type TestTenant } from '../../helpers/world.ts';
import { auditedRequests, consentClaims, consentedApp, mintToken } from './helpers.ts';

let own: OwnPostgres;
let db: Db;
let setupDir: string;
let instanceDir: string;
let setup: FastifyInstance;
let t: TestApp;
let port: number;
let env: Record<string, string>;
let instance: ServerProcess | null = null;

/** `n` gateway requests, 8 at a time; the request ids of those admitted (200). */
async function admit(i: ServerProcess, token: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        next++;
        const r = await fetch(i.base + '/resources/v1/context', { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        expect(r.status).toBe(200);
        ids.push(r.headers.get('x-request-id')!);
      }
    }),
  );
  return ids;
}

/** How many of `ids` the audit log holds, each exactly once. */
async function logged(tenantId: string, ids: string[]): Promise<number> {
  const held = await auditedRequests(db, tenantId);
  return ids.filter((id) => held.get(id) === 1).length;
}

async function world(): Promise<{ tenant: TestTenant; token: string }> {
  const tenant = await t.world.tenant();
  const token = await mintToken(t, consentClaims(await consentedApp(t, { tenant }), tenant));
  return { tenant, token };
}

async function serve(): Promise<ServerProcess> {
  instance = await startServer({ port, env });
  return instance;
}

beforeAll(async () => {
  own = await startOwnPostgres();
  const url = await own.createDatabase('spool');
  setupDir = mkdtempSync(path.join(tmpdir(), 'partnergate-spool-setup-'));
  // the instance's own DATA_DIR: only the instance (and its next start) reads its spool
  instanceDir = mkdtempSync(path.join(tmpdir(), 'partnergate-spool-instance-'));
  db = openDatabase({ databaseUrl: url, dataDir: setupDir, poolSize: 3 });
  await migrateToLatest(db);
  port = await freePort();
  const shared = { DATABASE_URL: url, PUBLIC_URL: `http://127.0.0.1:${port}`, CHANGE_FEED_POLL_MS: '200' };
  setup = await buildApp({ config: testConfig(shared, setupDir), db, redis: null, logger: false });
  await setup.ready();
  t = { app: setup, services: setup.services, world: new World(setup) } as unknown as TestApp;
  // limits far above what the tests send: a refusal is not what they are about
  const RATE_LIMITS = JSON.stringify({ read: 100_000_000, partner: 100_000_000, default: 100_000_000 });
  env = { ...shared, DATA_DIR: instanceDir, DATABASE_CONNECT_TIMEOUT_MS: '1000', RATE_LIMITS };
}, 120_000);

afterAll(async () => {
  await instance?.stop();
  await setup?.close().catch(() => {});
  await db?.close().catch(() => {});
  await own?.cleanup();
  for (const d of [setupDir, instanceDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('access events of a process that dies', () => {
  it('SIGKILL with the database up, before any flush: after the restart every admitted request is in the audit log', async () => {
    // nothing is flushed on a timer: whatever reaches the log after the kill came from the spool
    env.GATEWAY_AUDIT_FLUSH_MS = '600000';
    const { tenant, token } = await world();
    const i = await serve();
    const ids = await admit(i, token, 300);
    await i.stop({ hard: true });
    expect(await logged(tenant.id, ids)).toBe(0);
    env.GATEWAY_AUDIT_FLUSH_MS = '100';
    await serve();
    // replayed before the restarted instance answers /readyz
    expect(await logged(tenant.id, ids)).toBe(ids.length);
    expect((await setup.services.audit.verify()).ok).toBe(true);
    await instance!.stop();
  }, 120_000);

  it('a database outage, the instance killed during it: once both are back, none of the requests admitted meanwhile is missing', async () => {
    env.GATEWAY_AUDIT_FLUSH_MS = '100';
    const { tenant, token } = await world();
    const i = await serve();
    const before = await admit(i, token, 20);
    await own.kill();
    let ids: string[] = [];
    try {
      // admitted from memory; the flushes (every 100 ms) fail meanwhile
      ids = await admit(i, token, 300);
      await i.stop({ hard: true });
    } finally {
      await own.start();
    }
    await serve();
    const all = [...before, ...ids];
    expect(await logged(tenant.id, all)).toBe(all.length);
    expect((await setup.services.audit.verify()).ok).toBe(true);
  }, 120_000);
});
