/**
 * Two real server processes on one PostgreSQL and one Redis: an agency deactivated (or a form
 * token revoked) through instance 1 is refused by instance 2 within 1 second — the change feed's
 * outbox + Redis fan-out — and by instance 1 on the very next request. Always runs on PostgreSQL +
 * Redis: without DATABASE_URL it creates a fresh database on the local server anyway. The processes
 * re-read the outbox only every 30 s (CHANGE_FEED_POLL_MS), so within 1 s only the Redis fan-out can
 * deliver. (The harness is the one of test/api/delegations/two-instances.test.ts.)
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
import { redisFactory } from '../../../src/platform/redis.ts';
import { testConfig, TEST_SECRET } from '../../helpers/config.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { World, type TestTenant } from '../../helpers/world.ts';
import { DEFAULT_FORM } from './helpers.ts';

const root = path.resolve(import.meta.dirname, '../../..');
/** one Redis key space for the setup app and both processes, apart from every other test */
const REDIS_KEY_PREFIX = `pgt:${process.pid}-${Date.now()}:`;
/** the outbox poll, the safety net under Redis pub/sub: far beyond the 1 s the test allows */
const POLL_MS = '30000';
const PG_BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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
      CHANGE_FEED_POLL_MS: POLL_MS,
      PORT: String(port),
      HOST: '127.0.0.1',
      SECRET_KEY: TEST_SECRET,
      LOG_LEVEL: 'silent',
      SCRYPT_COST: '10',
      DATA_DIR: dataDir,
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

beforeAll(async () => {
  database = await freshPostgres();
  dataDir = mkdtempSync(path.join(tmpdir(), 'partnergate-agy2i-'));
  db = openDatabase({ databaseUrl: database.url, dataDir, poolSize: 3 });
  await migrateToLatest(db);
  // An in-process app only to build the world (a tenant and its admin) on the shared database.
  setup = await buildApp({ config: testConfig({ DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX, CHANGE_FEED_POLL_MS: POLL_MS }, dataDir), db, redis: redisFactory(REDIS_URL), logger: false });
  await setup.ready();
  tenant = await new World(setup).tenant();
  [one, two] = await Promise.all([startServer(database.url, dataDir), startServer(database.url, dataDir)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([stopServer(one), stopServer(two)]);
  await setup?.close();
  await db?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Poll until `ok`. Every probe of the embed API counts against the form's 20 requests a minute;
 * a 429 still means the token was accepted, so polling on past the limit is harmless: a refused
 * token is refused (401/403) before the limiter is asked.
 */
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<{ value: T; elapsed: number }> {
  const t0 = performance.now();
  for (;;) {
    const value = await fn();
    const elapsed = performance.now() - t0;
    if (ok(value) || elapsed > ms) return { value, elapsed };
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function embed(base: string, token: string) {
  const r = await fetch(base + '/embed/v1/form', { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { code?: string } };
}

async function agencyWithToken(admin: HttpClient, name: string) {
  const a = await admin.req('POST', `/api/v1/tenants/${tenant.id}/agencies`, { name });
  expect(a.status).toBe(201);
  const tok = await admin.req('POST', `/api/v1/tenants/${tenant.id}/agencies/${a.body.id}/tokens`, { label: 'Web form', form_config: DEFAULT_FORM });
  expect(tok.status).toBe(201);
  return { agencyId: a.body.id as string, tokenId: tok.body.id as string, token: tok.body.token as string };
}

describe('agency tokens on two instances sharing PostgreSQL and Redis', () => {
  it('an agency deactivated on instance 1 is refused on instance 2 within 1 s (and on instance 1 at once)', async () => {
    const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const a = await agencyWithToken(admin1, 'Sunrise Travel (two instances)');
    // created on instance 1, known to instance 2 through the feed
    expect((await until(() => embed(two.base, a.token), (r) => r.status === 200, 1000)).value.status).toBe(200);

    const off = await admin1.req('PATCH', `/api/v1/tenants/${tenant.id}/agencies/${a.agencyId}`, { status: 'inactive' });
    expect(off.status).toBe(200);
    const refused = await until(() => embed(two.base, a.token), (r) => r.status === 403, 1000);
    console.log(`agency deactivated on instance 1, refused on instance 2 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toEqual({ status: 403, body: expect.objectContaining({ code: 'agency_inactive' }) });
    expect(refused.elapsed).toBeLessThan(1000);
    expect(await embed(one.base, a.token)).toEqual({ status: 403, body: expect.objectContaining({ code: 'agency_inactive' }) });
  });

  it('a token revoked on instance 2 is refused on instance 1 within 1 s (and on instance 2 at once)', async () => {
    const admin2 = await new HttpClient(two.base).login(tenant.admin.email, tenant.admin.password);
    const a = await agencyWithToken(admin2, 'Harbor Relocation (two instances)');
    expect((await until(() => embed(one.base, a.token), (r) => r.status === 200, 1000)).value.status).toBe(200);

    const revoke = await admin2.req('POST', `/api/v1/tenants/${tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}/revoke`, {});
    expect(revoke.status).toBe(200);
    const refused = await until(() => embed(one.base, a.token), (r) => r.status === 401, 1000);
    console.log(`token revoked on instance 2, refused on instance 1 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toEqual({ status: 401, body: expect.objectContaining({ code: 'agency_token_revoked' }) });
    expect(refused.elapsed).toBeLessThan(1000);
    expect(await embed(two.base, a.token)).toEqual({ status: 401, body: expect.objectContaining({ code: 'agency_token_revoked' }) });
  });
});
