/**
 * Two real server processes on one PostgreSQL and one Redis: an agency deactivated (or a form
 * token revoked) through instance 1 is refused by instance 2 within 1 second — the change feed's
 * outbox + Redis fan-out — and by instance 1 on the very next request. Always runs on PostgreSQL +
 * Redis: without DATABASE_URL it creates a fresh database on the local server anyway. The processes
 * re-read the outbox only every 30 s (CHANGE_FEED_POLL_MS), so within 1 s only the Redis fan-out can
 * deliver. (The processes: test/helpers/server-process.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { testConfig } from '../../helpers/config.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { HttpClient, startServer, type ServerProcess } from '../../helpers/server-process.ts';
import { World, type TestTenant } from '../../helpers/world.ts';
import { DEFAULT_FORM } from './helpers.ts';

/** one Redis key space for the setup app and both processes, apart from every other test */
const REDIS_KEY_PREFIX = `pgt:${process.pid}-${Date.now()}:`;
/** the outbox poll, the safety net under Redis pub/sub: far beyond the 1 s the test allows */
const POLL_MS = '30000';

const startInstance = () =>
  startServer({ env: { DATABASE_URL: database.databaseUrl, REDIS_URL, REDIS_KEY_PREFIX, CHANGE_FEED_POLL_MS: POLL_MS, DATA_DIR: database.dataDir }, timeoutMs: 30_000 });

/** always PostgreSQL, whatever DATABASE_URL says */
let database: TestDb;
let setup: FastifyInstance;
let one: ServerProcess;
let two: ServerProcess;
let tenant: TestTenant;

beforeAll(async () => {
  database = await createTestDb({ postgres: true, poolSize: 3 });
  // An in-process app only to build the world (a tenant and its admin) on the shared database.
  setup = await buildApp({ config: testConfig({ DATABASE_URL: database.databaseUrl!, REDIS_URL, REDIS_KEY_PREFIX, CHANGE_FEED_POLL_MS: POLL_MS }, database.dataDir), db: database.db, redis: redisFactory(REDIS_URL), logger: false });
  await setup.ready();
  tenant = await new World(setup).tenant();
  [one, two] = await Promise.all([startInstance(), startInstance()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await setup?.close();
  await database?.drop();
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
