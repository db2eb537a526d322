/**
 * The gateway's rate limits: per token × route class and per partner, a rolling window (never
 * more than N in any 60 s, not a fixed minute), answered with 429, Retry-After and RateLimit
 * headers — and a Redis outage is a 503 (or a local decision where configured), never a 429.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { apiToken, gw, link } from './helpers.ts';

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
    const t = await start({ redis: true, config: { RATE_LIMITS: LIMITS, RATE_LIMIT_REDIS_FAILURE: failure } });
    const w = await mspWorld(t);
    expect((await w.read(w.staff)).status).toBe(200);
    for (const c of t.services.redisClients) c.disconnect();
    return w;
  }

  it('refuses with 503 rate_limiter_unavailable, never 429', async () => {
    const w = await redisDown('refuse');
    for (let i = 0; i < 5; i++) {
      const r = await w.read(w.staff);
      expect([r.status, r.body.code]).toEqual([503, 'rate_limiter_unavailable']);
      expect(r.headers['retry-after']).toBe('1');
    }
  });

  it('falls back to per-instance limits when configured (RATE_LIMIT_REDIS_FAILURE=local)', async () => {
    const w = await redisDown('local');
    expect((await w.read(w.staff)).status).toBe(200);
    expect((await w.read(w.staff)).status).toBe(200);
    expect((await w.read(w.staff)).status).toBe(200);
    expect((await w.read(w.staff)).status).toBe(429);
  });
});
