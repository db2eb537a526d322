/**
 * The gateway's rate limits: per credential × route class and per partner (an app's access tokens
 * spend their grant's budget: token-budget.test.ts), a rolling window (never
 * more than N in any 60 s, not a fixed minute), answered with 429, Retry-After and RateLimit
 * headers — and a Redis outage is a 503 (or a local decision where configured), never a 429.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { REDIS_URL, startTestApp, type TestApp } from '../../helpers/app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { World } from '../../helpers/world.ts';
import { Client } from '../../helpers/http.ts';
import { captureLog } from '../../helpers/log-capture.ts';
import { buildApp } from '../../../src/app/build-app.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { apiToken, consentClaims, consentedApp, gw, link, mintToken } from './helpers.ts';

const LIMITS = JSON.stringify({ read: 3, write: 2, partner: 5 });
const apps: TestApp[] = [];
async function start(opts: Parameters<typeof startTestApp>[0]) {
  const t = await startTestApp(opts);
  apps.push(t);
  return t;
}
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

/** A test app on Redis whose log lines (pino JSON) are kept, to check what an outage logs. */
async function startLogged(config: Record<string, string>): Promise<{ t: TestApp; lines: Record<string, unknown>[] }> {
  const testDb: TestDb = await createTestDb();
  const { logger, lines } = captureLog('warn');
  const app: FastifyInstance = await buildApp({ config: testConfig({ REDIS_URL, ...config }, testDb.dataDir), db: testDb.db, redis: redisFactory(REDIS_URL), logger });
  await app.ready();
  const t: TestApp = {
    app,
    services: app.services,
    testDb,
    world: new World(app),
    client: () => new Client(app),
    url: null,
    async close() {
      await app.close();
      await testDb.drop();
    },
  };
  apps.push(t);
  return { t, lines };
}
afterAll(async () => {
  while (apps.length) await apps.pop()!.close();
});

async function mspWorld(t: TestApp) {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant);
  const owner = await apiToken(t, msp.owner);
  const staff = await apiToken(t, msp.staff);
  const read = (token: string) => gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-active-tenant-id': tenant.id } });
  const write = (token: string) => gw(t, 'POST', '/resources/v1/tickets', { token, headers: { 'x-active-tenant-id': tenant.id }, body: { subject: 's', description: 'd' } });
  return { msp, tenant, owner, staff, read, write };
}

describe('limits per token and route class, then per partner', () => {
  it('admits the class limit, then 429 rate_limited with Retry-After and RateLimit headers', async () => {
    const t = await start({ config: { RATE_LIMITS: LIMITS } });
    const w = await mspWorld(t);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await w.read(w.staff);
      expect(r.status).toBe(200);
      expect(r.headers['ratelimit-policy']).toBe('"read";q=3;w=60');
      seen.push(String(r.headers.ratelimit));
    }
    expect(seen.map((h) => /r=(\d+)/.exec(h)![1])).toEqual(['2', '1', '0']);
    const r = await w.read(w.staff);
    expect([r.status, r.body.code]).toEqual([429, 'rate_limited']);
    expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const retry = Number(r.headers['retry-after']);
    expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
    expect(r.body.retry_after).toBe(retry);
    expect(r.headers.ratelimit).toBe(`"read";r=0;t=${retry}`);
    // writes are another class with their own budget
    expect((await w.write(w.staff)).status).toBe(201);
    expect((await w.write(w.staff)).status).toBe(201);
    expect((await w.write(w.staff)).status).toBe(429);
  });

  it('counts each personal API token on its own (one user, two tokens: two budgets)', async () => {
    const t = await start({ config: { RATE_LIMITS: LIMITS } });
    const w = await mspWorld(t);
    const second = await apiToken(t, w.msp.staff);
    for (let i = 0; i < 3; i++) expect((await w.read(w.staff)).status).toBe(200);
    expect((await w.read(w.staff)).status).toBe(429);
    const r = await w.read(second);
    expect(r.status).toBe(200);
    expect(r.headers.ratelimit).toMatch(/^"read";r=2;/);
  });

  it('caps the partner across all its users and tokens (a token refused on its own limit does not spend the partner’s)', async () => {
    const t = await start({ config: { RATE_LIMITS: LIMITS } });
    const w = await mspWorld(t);
    for (let i = 0; i < 3; i++) expect((await w.read(w.staff)).status).toBe(200);
    expect((await w.read(w.staff)).status).toBe(429);
    expect((await w.read(w.owner)).status).toBe(200);
    expect((await w.read(w.owner)).status).toBe(200);
    const r = await w.read(w.owner);
    expect([r.status, r.body.code]).toEqual([429, 'rate_limited']);
    expect(r.headers['ratelimit-policy']).toBe('"partner";q=5;w=60');
  });
});

describe('a rolling window, not a fixed minute', () => {
  it('counts the last 60 s at every instant', async () => {
    const clock = new ManualClock(Date.now());
    const t = await start({ clock, config: { RATE_LIMITS: LIMITS } });
    const w = await mspWorld(t);
    expect((await w.read(w.staff)).status).toBe(200); // t = 0
    clock.advance(50_000);
    expect((await w.read(w.staff)).status).toBe(200); // t = 50
    expect((await w.read(w.staff)).status).toBe(200); // t = 50
    const refused = await w.read(w.staff);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('10'); // the t = 0 request leaves the window at t = 60
    clock.advance(11_000); // t = 61: a fixed window would have reset to 3; the rolling one frees one slot
    expect((await w.read(w.staff)).status).toBe(200);
    const again = await w.read(w.staff);
    expect(again.status).toBe(429);
    expect(again.headers['retry-after']).toBe('49');
  });
});

describe('when Redis is down', () => {
  async function redisDown(failure: 'refuse' | 'local') {
    const { t, lines } = await startLogged({ RATE_LIMITS: LIMITS, RATE_LIMIT_REDIS_FAILURE: failure });
    const w = await mspWorld(t);
    expect((await w.read(w.staff)).status).toBe(200);
    expect(lines.filter((l) => /rate limiter/.test(String(l.msg)))).toEqual([]);
    for (const c of t.services.redisClients) c.disconnect();
    return { w, lines };
  }

  /** The outage is in the log: an error line naming the rate limiter and its policy, with the cause. */
  function expectLoggedOutage(lines: Record<string, unknown>[], policy: 'refuse' | 'local') {
    const logged = lines.filter((l) => /^rate limiter \(policy /.test(String(l.msg)));
    expect(logged.length).toBe(1); // once per 10 s, the rest folded into the next report's count
    expect(logged[0]).toMatchObject({ level: 50, msg: expect.stringContaining(`policy ${policy}`), err: { type: 'RateLimitStoreError' } });
  }

  it('refuses with 503 rate_limiter_unavailable, never 429, and logs the failure', async () => {
    const { w, lines } = await redisDown('refuse');
    for (let i = 0; i < 5; i++) {
      const r = await w.read(w.staff);
      expect([r.status, r.body.code]).toEqual([503, 'rate_limiter_unavailable']);
      expect(r.headers['retry-after']).toBe('1');
    }
    expectLoggedOutage(lines, 'refuse');
  });

  it('falls back to per-instance limits when configured (RATE_LIMIT_REDIS_FAILURE=local), and logs the failure', async () => {
    const { w, lines } = await redisDown('local');
    // read: 3 per minute; the instance's own request before the outage still counts
    expect((await w.read(w.staff)).status).toBe(200);
    expect((await w.read(w.staff)).status).toBe(200);
    expect((await w.read(w.staff)).status).toBe(429);
    expectLoggedOutage(lines, 'local');
  });
});

describe('forward-auth answers the limit too', () => {
  it('429 rate_limited with Retry-After and RateLimit headers once the class limit is spent', async () => {
    const t = await start({ config: { RATE_LIMITS: LIMITS } });
    const w = await mspWorld(t);
    const check = () => gw(t, 'GET', '/authz/forward-auth', { token: w.staff, headers: { 'x-active-tenant-id': w.tenant.id, 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/resources/v1/orders' } });
    for (let i = 0; i < 3; i++) {
      const ok = await check();
      expect(ok.status).toBe(200);
      expect(String(ok.headers.ratelimit)).toMatch(new RegExp(`^"read";r=${2 - i};t=(59|60)$`));
    }
    const r = await check();
    expect([r.status, r.body.code]).toEqual([429, 'rate_limited']);
    expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const retry = Number(r.headers['retry-after']);
    expect(retry >= 1 && retry <= 60).toBe(true);
    expect(r.headers['ratelimit-policy']).toBe('"read";q=3;w=60');
    expect(r.headers['x-partnergate-tenant-id']).toBeUndefined();
    // the proxied route shares the budget: the same decision, the same counter
    expect((await w.read(w.staff)).status).toBe(429);
  });
});

describe('a limit set for one partner (RATE_LIMITS "<partner_id>:<class>")', () => {
  it('applies to that partner only; every other partner keeps the class default', async () => {
    // Partner ids are only known once they exist: make the world, then start the gateway with
    // the setting on the same database (as an operator would restart with a new config).
    const first = await start({});
    const special = await mspWorld(first);
    const other = await mspWorld(first);
    const tenant = await first.world.tenant();
    const consent = await consentedApp(first, { tenant });
    const db = first.testDb;
    await first.app.close();
    apps.splice(apps.indexOf(first), 1);

    const limits = JSON.stringify({ read: 5, [`${special.msp.id}:read`]: 2, [`${consent.partner.id}:read`]: 1 });
    const app = await buildApp({ config: testConfig({ RATE_LIMITS: limits, ...(process.env.REDIS_URL ? { REDIS_URL } : {}) }, db.dataDir), db: db.db, redis: process.env.REDIS_URL ? redisFactory(REDIS_URL) : null, logger: false });
    await app.ready();
    const t: TestApp = { ...first, app, services: app.services, world: new World(app), client: () => new Client(app), close: async () => { await app.close(); await db.drop(); } };
    apps.push(t);
    const read = (token: string, tenantId: string) => gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-active-tenant-id': tenantId } });

    expect((await read(special.staff, special.tenant.id)).status).toBe(200);
    expect((await read(special.staff, special.tenant.id)).status).toBe(200);
    const refused = await read(special.staff, special.tenant.id);
    expect([refused.status, refused.body.code]).toEqual([429, 'rate_limited']);
    expect(refused.headers['ratelimit-policy']).toBe('"read";q=2;w=60');
    for (let i = 0; i < 5; i++) expect((await read(other.staff, other.tenant.id)).status).toBe(200);
    expect((await read(other.staff, other.tenant.id)).status).toBe(429);
    // and for a partner app's access token
    const token = await mintToken(t, consentClaims(consent, tenant));
    expect((await gw(t, 'GET', '/resources/v1/orders', { token })).status).toBe(200);
    const app429 = await gw(t, 'GET', '/resources/v1/orders', { token });
    expect([app429.status, app429.body.code, app429.headers['ratelimit-policy']]).toEqual([429, 'rate_limited', '"read";q=1;w=60']);
  });
});
