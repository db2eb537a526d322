/**
 * Two real server processes on one PostgreSQL and one Redis: a link revoked through instance 1
 * is refused by instance 2 within 1 second (the change feed's outbox + Redis fan-out), and by
 * instance 1 on the very next request. Every instance polls the outbox only every 30 s
 * (CHANGE_FEED_POLL_MS), so within the test's 1 s only the Redis fan-out can deliver a change.
 * A third, in-process instance then loses its feed subscriber's Redis connection (CLIENT KILL from
 * another connection) while a change commits: the change reaches its snapshot from the outbox as
 * soon as the subscriber reconnects, not at the next poll. Always runs on PostgreSQL + Redis:
 * without DATABASE_URL it creates a fresh database on the local server anyway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase, type Db } from '../../../src/platform/db/database.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import { Redis } from 'ioredis';
import { redisFactory } from '../../../src/platform/redis.ts';
import { testConfig, TEST_SECRET } from '../../helpers/config.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { World, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import { inDays } from './helpers.ts';

const root = path.resolve(import.meta.dirname, '../../..');
/** one Redis key space for the setup app and both processes, apart from every other test */
const REDIS_KEY_PREFIX = `pgt:${process.pid}-${Date.now()}:`;
const PG_BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** far above the 1 s the tests allow: a change seen within it came through Redis, not a poll */
const POLL_MS = '30000';

/** A fresh PostgreSQL database, dropped afterwards — whatever DATABASE_URL says. */
async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pgt2_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_BASE);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A portal-like client over real HTTP: session cookie and CSRF token. */
class HttpClient {
  readonly base: string;
  cookie = '';
  csrf = '';
  constructor(base: string) {
    this.base = base;
  }
  async req(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    const r = await fetch(this.base + url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const sc = r.headers.getSetCookie().find((c) => c.startsWith('partnergate_session='));
    if (sc) this.cookie = sc.split(';')[0];
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }
  async login(email: string, password: string) {
    const r = await this.req('POST', '/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login failed ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrf_token;
    return this;
  }
}

interface Server {
  proc: ChildProcess;
  base: string;
  output: string[];
}

async function startServer(databaseUrl: string, dataDir: string): Promise<Server> {
  const port = await freePort();
  const output: string[] = [];
  const proc = spawn(process.execPath, [path.join(root, 'src/main.ts'), 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX,
      PORT: String(port),
      HOST: '127.0.0.1',
      SECRET_KEY: TEST_SECRET,
      LOG_LEVEL: 'silent',
      SCRYPT_COST: '10',
      DATA_DIR: dataDir,
      CHANGE_FEED_POLL_MS: POLL_MS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
  proc.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${output.join('')}`);
    try {
      const r = await fetch(base + '/readyz');
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, base, output };
}

async function stopServer(s: Server | undefined): Promise<void> {
  if (!s || s.proc.exitCode !== null) return;
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
}

let database: { url: string; drop: () => Promise<void> };
let db: Db;
let setup: FastifyInstance;
let dataDir: string;
let one: Server;
let two: Server;
let tenant: TestTenant;
let partner: TestPartner;

beforeAll(async () => {
  database = await freshPostgres();
  dataDir = mkdtempSync(path.join(tmpdir(), 'partnergate-2i-'));
  db = openDatabase({ databaseUrl: database.url, dataDir, poolSize: 3 });
  await migrateToLatest(db);
  // An in-process app only to build the world (tenant, partner, users) on the shared database.
  setup = await buildApp({ config: testConfig({ DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX, CHANGE_FEED_POLL_MS: POLL_MS }, dataDir), db, redis: redisFactory(REDIS_URL), logger: false });
  await setup.ready();
  const world = new World(setup);
  tenant = await world.tenant();
  partner = await world.partner({ capabilities: ['managed_services'] });
  [one, two] = await Promise.all([startServer(database.url, dataDir), startServer(database.url, dataDir)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([stopServer(one), stopServer(two)]);
  await setup?.close();
  await db?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<{ value: T; elapsed: number }> {
  const t0 = performance.now();
  for (;;) {
    const value = await fn();
    const elapsed = performance.now() - t0;
    if (ok(value) || elapsed > ms) return { value, elapsed };
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('two instances on one PostgreSQL and one Redis', () => {
  it('refuses on instance 2 within 1 s a link revoked on instance 1', async () => {
    const owner1 = await new HttpClient(one.base).login(partner.owner.email, partner.owner.password);
    const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const admin2 = await new HttpClient(two.base).login(tenant.admin.email, tenant.admin.password);
    const staff1 = await new HttpClient(one.base).login(partner.staff.email, partner.staff.password);
    const staff2 = await new HttpClient(two.base).login(partner.staff.email, partner.staff.password);
    const context = (c: HttpClient) => c.req('GET', '/api/v1/partner/context', undefined, { 'x-active-tenant-id': tenant.id });

    // request on 1, approve on 2: the approval reaches instance 2's own snapshot and, through the feed, instance 1's
    const req = await owner1.req('POST', `/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'MSP_FULL', justification: 'two instances', ends_at: inDays(30) });
    expect(req.status).toBe(201);
    const approve = await admin2.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/approve`, {});
    expect(approve.status).toBe(200);
    expect((await context(staff2)).status).toBe(200);
    const seen = await until(() => context(staff1), (r) => r.status === 200, 1000);
    expect(seen.value.status).toBe(200);
    console.log(`approval on instance 2 visible on instance 1 after ${seen.elapsed.toFixed(1)} ms`);
    expect(seen.elapsed).toBeLessThan(1000);

    // revoke on 1; instance 2 must refuse within 1 s
    const revoke = await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/revoke`, { reason: 'two-instance test' });
    expect(revoke.status).toBe(200);
    const refused = await until(() => context(staff2), (r) => r.status === 403, 1000);
    console.log(`revoke on instance 1 refused on instance 2 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toMatchObject({ status: 403, body: { code: 'delegation_revoked' } });
    expect(refused.elapsed).toBeLessThan(1000);
    // and on instance 1, the very next request
    expect((await context(staff1)).body.code).toBe('delegation_revoked');
  });

  it('refuses on instance 2 within 1 s after a tenant admin breaks glass on instance 1', async () => {
    const owner = await new HttpClient(two.base).login(partner.owner.email, partner.owner.password);
    const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const staff2 = await new HttpClient(two.base).login(partner.staff.email, partner.staff.password);
    const req = await owner.req('POST', `/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'AUDITOR', justification: 'again', ends_at: inDays(30) });
    expect((await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/approve`, {})).status).toBe(200);
    const check = () => staff2.req('POST', '/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: tenant.id });
    const allowed = await until(check, (r) => r.body.allow === true, 1000);
    expect(allowed.value.body.allow).toBe(true);
    expect(allowed.elapsed).toBeLessThan(1000);

    const bg = await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/break-glass`, { partner_id: partner.id, reason: 'incident' });
    expect(bg.body.revoked).toEqual([req.body.id]);
    const refused = await until(check, (r) => r.body.allow === false, 1000);
    console.log(`break-glass on instance 1 refused on instance 2 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value.body).toMatchObject({ allow: false, code: 'delegation_revoked' });
    expect(refused.elapsed).toBeLessThan(1000);
  });

  it('recovers a change missed while the feed subscriber was disconnected, from the outbox, on reconnect', async () => {
    // A third instance, in this process, whose Redis connections carry a name (to find the
    // subscriber in CLIENT LIST) and reconnect only after 1.5 s, so a change can commit meanwhile.
    const name = `pgt-feed-${process.pid}-${Date.now()}`;
    const db3 = openDatabase({ databaseUrl: database.url, dataDir, poolSize: 2 });
    const three = await buildApp({
      config: testConfig({ DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX, CHANGE_FEED_POLL_MS: POLL_MS }, dataDir),
      db: db3,
      redis: redisFactory(REDIS_URL, { connectionName: name, retryStrategy: () => 1500 }),
      logger: false,
    });
    await three.ready();
    const admin = new Redis(REDIS_URL);
    try {
      const owner = await new HttpClient(one.base).login(partner.owner.email, partner.owner.password);
      const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
      const req = await owner.req('POST', `/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'AUDITOR', justification: 'reconnect', ends_at: inDays(30) });
      expect((await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/approve`, {})).status).toBe(200);
      const decision = async () => three.services.authz.decide({ type: 'user', userId: partner.staff.id }, 'billing.invoices.read', { tenantId: tenant.id });
      const approved = await until(decision, (d) => d.allow, 1000);
      expect(approved.value.allow).toBe(true);

      // kill the subscriber connection of instance 3 from another connection
      const clients = ((await admin.call('CLIENT', 'LIST')) as string).split('\n').filter((l) => l.includes(`name=${name}`));
      const sub = clients.find((l) => / sub=[1-9]/.test(l));
      expect(sub, clients.join('\n')).toBeDefined();
      const id = / id=(\d+)/.exec(' ' + sub!)![1];
      const killedAt = performance.now();
      expect(await admin.call('CLIENT', 'KILL', 'ID', id)).toBe(1);

      // meanwhile, instance 1 revokes: its nudge goes out while instance 3 is not listening
      const revoke = await admin1.req('POST', `/api/v1/tenants/${tenant.id}/delegations/${req.body.id}/revoke`, { reason: 'reconnect test' });
      expect(revoke.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect((await decision()).allow, 'the nudge was missed while disconnected').toBe(true);

      // the subscriber reconnects (after 1.5 s) and drains the outbox: far sooner than the 30 s poll
      const refused = await until(decision, (d) => !d.allow, 10_000);
      const sinceKill = performance.now() - killedAt;
      console.log(`change missed during the outage reached instance 3 ${sinceKill.toFixed(0)} ms after the kill (reconnect after 1500 ms, poll every ${POLL_MS} ms)`);
      expect(refused.value).toMatchObject({ allow: false, code: 'delegation_revoked' });
      expect(sinceKill).toBeGreaterThanOrEqual(1400);
      expect(sinceKill).toBeLessThan(5000);
    } finally {
      admin.disconnect();
      await three.close();
      await db3.close();
    }
  });
});
