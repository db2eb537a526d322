/**
 * Partnergate behind PgBouncer in transaction mode, as docs/operators/high-availability.md describes it: every
 * transaction may be handed another server connection. Two Partnergate processes connect through a PgBouncer on
 * loopback (Debian's package) whose pool gives the app's role only two server connections, so the transactions of
 * different people, customers and instances take turns on the same two connections:
 *  - sign-in, reads and writes work with DATABASE_PREPARED_STATEMENTS=false (PgBouncer 1.18 keeps no prepared
 *    statement from one transaction to the next);
 *  - row-level security holds: 48 concurrent reads by the admins of four customers each see their own customer's
 *    members and nobody else's;
 *  - 32 concurrent writes are all applied, each exactly once, and audited;
 *  - instances that start together never leave the migration lock behind on a pooled server connection (the
 *    next start would wait on it for an hour): each migration run holds it in its own transaction only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase } from '../../../src/platform/db/database.ts';
import { migrateToLatest } from '../../../src/platform/db/migrate.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { APP_ROLE, createTestDb, type TestDb } from '../../helpers/db.ts';
import { HA_APT_LINE } from '../../helpers/ha-cluster.ts';
import { freePort, HttpClient, startServer, type ServerProcess } from '../../helpers/server-process.ts';
import { World, type TestTenant } from '../../helpers/world.ts';

const PGBOUNCER = '/usr/sbin/pgbouncer';

let database: TestDb;
let setup: FastifyInstance;
let world: World;
let bouncer: ChildProcess;
let bouncerDir: string;
let bouncerPort: number;
let instances: ServerProcess[] = [];
let tenants: TestTenant[] = [];

/** The URL `u` with PgBouncer's address instead of PostgreSQL's. */
function throughBouncer(u: string): string {
  const url = new URL(u);
  url.hostname = '127.0.0.1';
  url.port = String(bouncerPort);
  return url.toString();
}

async function listening(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`PgBouncer did not listen on ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  if (!existsSync(PGBOUNCER)) throw new Error(`this test needs PgBouncer, which is not installed: run \`${HA_APT_LINE}\` (as root)`);
  database = await createTestDb({ postgres: true, poolSize: 3 });
  const pgUrl = new URL(database.ownerUrl!);
  bouncerPort = await freePort();
  bouncerDir = mkdtempSync(path.join(tmpdir(), 'partnergate-pgbouncer-'));
  chmodSync(bouncerDir, 0o777);
  writeFileSync(path.join(bouncerDir, 'users.txt'), `"${decodeURIComponent(pgUrl.username)}" ""\n"${APP_ROLE}" ""\n`);
  writeFileSync(
    path.join(bouncerDir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${pgUrl.hostname} port=${pgUrl.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${bouncerPort}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(bouncerDir, 'users.txt')}`,
      'pool_mode = transaction',
      // two server connections per database and role: the instances' transactions take turns on them
      'default_pool_size = 2',
      'max_client_conn = 200',
      'server_reset_query =',
      `logfile = ${path.join(bouncerDir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  chmodSync(path.join(bouncerDir, 'users.txt'), 0o644);
  chmodSync(path.join(bouncerDir, 'pgbouncer.ini'), 0o644);
  // PgBouncer refuses to run as root; -u drops to the postgres user when the test runs as root
  const asRoot = process.getuid?.() === 0;
  bouncer = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), path.join(bouncerDir, 'pgbouncer.ini')], { stdio: 'ignore' });
  await listening(bouncerPort, 15_000);

  const shared = {
    DATABASE_URL: throughBouncer(database.databaseUrl!),
    DATABASE_OWNER_URL: throughBouncer(database.ownerUrl!),
    DATABASE_PREPARED_STATEMENTS: 'false',
    REDIS_URL,
    REDIS_KEY_PREFIX: `pgt:${process.pid}-${Date.now()}-pgbouncer:`,
  };
  // the world is made directly on PostgreSQL; everything asked of the instances goes through PgBouncer
  setup = await buildApp({ config: testConfig({ ...shared, DATABASE_URL: database.databaseUrl!, DATABASE_OWNER_URL: database.ownerUrl! }, database.dataDir), db: database.db, redis: redisFactory(REDIS_URL), logger: false });
  await setup.ready();
  world = new World(setup);
  tenants = [];
  for (let i = 0; i < 4; i++) tenants.push(await world.tenant());
  const [p1, p2] = [await freePort(), await freePort()];
  const env = { ...shared, PUBLIC_URL: `http://127.0.0.1:${p1}`, DATA_DIR: database.dataDir };
  instances = await Promise.all([startServer({ port: p1, env }), startServer({ port: p2, env })]);
}, 240_000);

afterAll(async () => {
  await Promise.all(instances.map((s) => s.stop()));
  await setup?.close();
  bouncer?.kill('SIGTERM');
  await database?.drop();
  if (bouncerDir) rmSync(bouncerDir, { recursive: true, force: true });
});

describe('behind PgBouncer in transaction mode', () => {
  it('people sign in on either instance and read what their customer holds, and only that, while their transactions share two server connections', { timeout: 120_000 }, async () => {
    const admins = await Promise.all(tenants.flatMap((t) => instances.map((i) => new HttpClient(i.base).login(t.admin.email, t.admin.password))));
    const reads = await Promise.all(
      Array.from({ length: 48 }, async (_, k) => {
        const tenant = tenants[k % tenants.length];
        const client = admins[(k % tenants.length) * instances.length + (k % instances.length)];
        const r = await client.req('GET', `/api/v1/tenants/${tenant.id}/members`);
        return { tenant, r };
      }),
    );
    for (const { tenant, r } of reads) {
      expect(r.status).toBe(200);
      const emails = (r.body.data as { email: string }[]).map((m) => m.email).sort();
      expect(emails).toEqual([tenant.admin.email, tenant.user.email].sort());
    }
    // and another customer's members stay out of reach, on the same connections
    const other = await admins[0].req('GET', `/api/v1/tenants/${tenants[1].id}/members`);
    expect([403, 404]).toContain(other.status);
  });

  it('concurrent writes on both instances are each applied once, and audited', { timeout: 120_000 }, async () => {
    const people = await Promise.all(tenants.map((t, i) => new HttpClient(instances[i % 2].base).login(t.user.email, t.user.password)));
    const names = Array.from({ length: 32 }, (_, k) => `script ${k}`);
    const created = await Promise.all(names.map((name, k) => people[k % people.length].req('POST', '/api/v1/me/api-tokens', { name })));
    expect(created.map((r) => r.status)).toEqual(names.map(() => 201));
    for (const [i, person] of people.entries()) {
      const listed = await person.req('GET', '/api/v1/me/api-tokens');
      expect(listed.status).toBe(200);
      const mine = names.filter((_, k) => k % people.length === i).sort();
      expect((listed.body.data as { name: string }[]).map((t) => t.name).sort()).toEqual(mine);
    }
    const audited = new pg.Client({ connectionString: database.ownerUrl! });
    await audited.connect();
    try {
      const { rows } = await audited.query(`select count(*)::int as n from audit_events where action = 'api_token.created'`);
      expect(rows[0].n).toBe(32);
    } finally {
      await audited.end();
    }
    // and all of it went through PgBouncer: its log has the instances' logins as the app's role
    const log = readFileSync(path.join(bouncerDir, 'pgbouncer.log'), 'utf8');
    expect(log).toContain(`login attempt: db=${new URL(database.databaseUrl!).pathname.slice(1)} user=${APP_ROLE}`);
  });

  it('instances starting together never leave the migration lock behind: each run holds it in its own transaction only', { timeout: 180_000 }, async () => {
    // Every start runs the migrations. Two at a time through the two-connection pool, eight times: a lock taken
    // on one server connection and released on another would stay held, and the next run would wait on it
    // until its query timeout (20 s here) — that run fails.
    const starting = [0, 1].map(() => openDatabase({ databaseUrl: throughBouncer(database.ownerUrl!), dataDir: database.dataDir, preparedStatements: false, poolSize: 2, queryTimeoutMs: 20_000 }));
    try {
      for (let round = 0; round < 8; round++) {
        const outcomes = await Promise.allSettled(starting.map((db) => migrateToLatest(db)));
        expect(outcomes.map((o) => (o.status === 'rejected' ? `round ${round}: ${String(o.reason)}` : 'up to date'))).toEqual(['up to date', 'up to date']);
      }
    } finally {
      await Promise.all(starting.map((db) => db.close()));
    }
    const direct = new pg.Client({ connectionString: database.ownerUrl! });
    await direct.connect();
    try {
      // the migration lock's key (Kysely's) is a bigint: PostgreSQL lists it as two 32-bit halves
      const { rows } = await direct.query(
        `select pid from pg_locks where locktype = 'advisory' and objsubid = 1 and ((classid::bigint << 32) | objid::bigint) = 3853314791062309107`,
      );
      expect(rows).toEqual([]);
    } finally {
      await direct.end();
    }
  });
});
