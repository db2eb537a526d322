/**
 * Two real server processes (`node src/main.ts serve`) on one PostgreSQL and one Redis: an access
 * token revoked at instance 1's revocation endpoint is refused by instance 1 on the very next
 * request and by instance 2's gateway and introspection within 1 s (the revoked jti travels the
 * change feed: outbox + Redis fan-out, kept in memory on every instance, no database read per
 * request). A restarted instance loads the unexpired revocations at start.
 * Always PostgreSQL + Redis: without DATABASE_URL a fresh database is created on the local server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase, type Db } from '../../../src/platform/db/database.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { testConfig } from '../../helpers/config.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { World } from '../../helpers/world.ts';
import { freePort, startServerProcess, stopServerProcess, type ServerProcess } from './server-process.ts';

const REDIS_KEY_PREFIX = `pgt:${process.pid}-${Date.now()}-rv:`;
const PG_BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pgrv_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
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

let database: { url: string; drop: () => Promise<void> };
let dataDir: string;
let db: Db;
let setup: FastifyInstance;
let world: World;
let one: ServerProcess;
let two: ServerProcess;
let publicUrl: string;

const serve = (port: number) => startServerProcess({ port, dataDir, databaseUrl: database.url, publicUrl, redisUrl: REDIS_URL, redisKeyPrefix: REDIS_KEY_PREFIX });
const stop = (i: ServerProcess | undefined) => stopServerProcess(i);

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function form(i: ServerProcess, path_: string, auth: string, params: Record<string, string>) {
  const r = await fetch(`${i.base}/oauth${path_}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(params).toString() });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null };
}

async function context(i: ServerProcess, token: string) {
  const r = await fetch(`${i.base}/resources/v1/context`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { code?: string } };
}

beforeAll(async () => {
  database = await freshPostgres();
  dataDir = mkdtempSync(path.join(tmpdir(), 'pg-rv-mi-'));
  db = openDatabase({ databaseUrl: database.url, dataDir, poolSize: 3 });
  await migrateToLatest(db);
  const [p1, p2] = [await freePort(), await freePort()];
  publicUrl = `http://127.0.0.1:${p1}`;
  setup = await buildApp({ config: testConfig({ DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX, PUBLIC_URL: publicUrl }, dataDir), db, redis: redisFactory(REDIS_URL), logger: false });
  await setup.ready();
  world = new World(setup);
  [one, two] = [await serve(p1), await serve(p2)];
}, 180_000);

afterAll(async () => {
  await Promise.all([stop(one), stop(two)]);
  await setup?.close();
  await db?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('access-token revocation across two instances', () => {
  it('is refused by instance 1 at once and by instance 2 within 1 s, and after a restart', async () => {
    const partner = await world.partner({ capabilities: ['wholesale'] });
    const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
    const { app, secret } = await setup.services.apps.create(ctx, partner.id, { name: 'Two-instance app', grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const auth = basic(app.id, secret!);

    const issued = await form(one, '/token', auth, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(issued.status).toBe(200);
    const token = String(issued.body!.access_token);
    expect((await context(two, token)).status).toBe(200);
    expect((await form(two, '/token/introspection', auth, { token })).body!.active).toBe(true);

    expect((await form(one, '/token/revocation', auth, { token })).status).toBe(200);
    // instance 1: the very next request
    expect(await context(one, token)).toMatchObject({ status: 401, body: { code: 'invalid_token' } });

    // instance 2: within 1 s
    const t0 = performance.now();
    let last = await context(two, token);
    while (last.status !== 401 && performance.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 5));
      last = await context(two, token);
    }
    const elapsed = performance.now() - t0;
    process.stdout.write(`access-token revocation on instance 1 refused by instance 2 after ${elapsed.toFixed(1)} ms\n`);
    expect(last).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    expect(elapsed).toBeLessThan(1000);
    expect((await form(two, '/token/introspection', auth, { token })).body).toEqual({ active: false });

    // A restarted instance loads the revocation at start.
    await stop(two);
    two = await serve(two.port);
    expect(await context(two, token)).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    // …and new tokens of the same app still work there.
    const fresh = await form(two, '/token', auth, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect((await context(two, String(fresh.body!.access_token))).status).toBe(200);
  }, 120_000); // includes a process restart
});
