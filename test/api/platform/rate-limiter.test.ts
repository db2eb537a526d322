/**
 * The shared rolling-window limiter against a real Redis (REDIS_URL, default 127.0.0.1:6379):
 * exact across instances, the same arithmetic as in memory, and a Redis outage answered with
 * 503 rate_limiter_unavailable — never 429 — or decided locally, as the policy says.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import type { Redis } from 'ioredis';
import { ManualClock, systemClock } from '../../../src/platform/clock.ts';
import { redisFactory, whenReady } from '../../../src/platform/redis.ts';
import { installErrorHandler } from '../../../src/platform/http/error-handler.ts';
import {
  createRateLimiter,
  enforceRateLimit,
  FallbackRateLimiter,
  MemoryRateLimiter,
  RateLimitStoreError,
  RedisRateLimiter,
  type RateLimiter,
} from '../../../src/platform/ratelimit/index.ts';
import { REDIS_URL } from '../../helpers/app.ts';

const W = 60_000;
const clients: Redis[] = [];
function redis(url = REDIS_URL): Redis {
  const c = redisFactory(url)();
  c.on('error', () => {});
  clients.push(c);
  return c;
}
/**
 * A client of the tests' Redis, connected: the limiter gives a first connection only its command
 * deadline (100 ms), which a machine busy with browser tests can exceed — these tests are about
 * what the limiter does with a Redis that answers.
 */
async function liveRedis(): Promise<Redis> {
  const c = redis();
  if (!(await whenReady(c, 30_000))) throw new Error(`the tests' Redis (${REDIS_URL}) did not answer`);
  return c;
}
const prefix = () => `test:rl:${randomBytes(6).toString('hex')}:`;

afterAll(() => {
  for (const c of clients) c.disconnect();
});

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('RedisRateLimiter', () => {
  it('two instances on separate connections admit exactly N of a concurrent burst', async () => {
    const p = prefix();
    const clock = systemClock;
    const a = new RedisRateLimiter({ redis: await liveRedis(), clock, prefix: p, time: 'server' });
    const b = new RedisRateLimiter({ redis: await liveRedis(), clock, prefix: p, time: 'server' });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).consume('token', 20, W)));
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
    const refused = results.filter((r) => !r.allowed);
    expect(refused).toHaveLength(40);
    for (const r of refused) {
      expect(r.remaining).toBe(0);
      expect(r.retryAfterSec).toBeGreaterThanOrEqual(59);
      expect(r.retryAfterSec).toBeLessThanOrEqual(60);
    }
    // remaining counts down across both instances
    const remaining = results.filter((r) => r.allowed).map((r) => r.remaining).sort((x, y) => x - y);
    expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('follows the caller clock: 21st refused with the exact wait, admitted again when the oldest leaves', async () => {
    const p = prefix();
    const clock = new ManualClock('2026-02-09T12:00:00Z');
    const lim = new RedisRateLimiter({ redis: await liveRedis(), clock, prefix: p });
    for (let i = 0; i < 20; i++) {
      const d = await lim.consume('k', 20, W);
      expect(d).toMatchObject({ allowed: true, remaining: 19 - i });
      clock.advance(500);
    }
    // admitted at 0 … 9.5 s, now 10 s: the first leaves at 60 s → wait 50 s
    const refused = await lim.consume('k', 20, W);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSec: 50, resetMs: 50_000 });
    clock.advance(49_999);
    expect((await lim.consume('k', 20, W)).allowed).toBe(false);
    clock.advance(1);
    expect(await lim.consume('k', 20, W)).toMatchObject({ allowed: true, remaining: 0 });
    // refusals were not recorded: the next unit frees at 60.5 s, i.e. in 500 ms → 1 s
    expect(await lim.consume('k', 20, W)).toMatchObject({ allowed: false, retryAfterSec: 1 });
  });

  it('agrees with the in-memory limiter decision for decision', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = new RedisRateLimiter({ redis: await liveRedis(), clock, prefix: prefix() });
    const m = new MemoryRateLimiter({ clock });
    const steps = [0, 100, 2_000, 0, 0, 15_000, 30_000, 10_000, 4_899, 1, 0, 61_000, 0, 0, 0];
    for (const s of steps) {
      clock.advance(s);
      expect(await r.consume('x', 4, 10_000)).toEqual(await m.consume('x', 4, 10_000));
    }
  });

  it('expires its keys once the window has passed', async () => {
    const c = await liveRedis();
    const p = prefix();
    const lim = new RedisRateLimiter({ redis: c, clock: systemClock, prefix: p, time: 'server' });
    await lim.consume('short', 5, 1_000);
    const ttl = await c.pttl(p + 'short');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
  });

  it('rejects with RateLimitStoreError, quickly, when Redis is unreachable', async () => {
    const port = await closedPort();
    const lim = new RedisRateLimiter({ redis: redis(`redis://127.0.0.1:${port}`), clock: systemClock, prefix: prefix(), timeoutMs: 300 });
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await expect(lim.consume('k', 20, W)).rejects.toBeInstanceOf(RateLimitStoreError);
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });
});

describe('failure policy and the HTTP edge', () => {
  async function appWith(limiter: RateLimiter) {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    app.get('/limited', async (_req, reply) => {
      await enforceRateLimit(reply, limiter, 'k', { name: 'agency', limit: 2, windowMs: W });
      return { ok: true };
    });
    await app.ready();
    return app;
  }

  it("'refuse': Redis down → 503 rate_limiter_unavailable (never 429), and the error is logged", async () => {
    const port = await closedPort();
    const logged: unknown[] = [];
    const limiter = createRateLimiter({
      clock: systemClock,
      redis: redis(`redis://127.0.0.1:${port}`),
      failurePolicy: 'refuse',
      onError: (err) => logged.push(err),
      timeoutMs: 300,
    });
    const app = await appWith(limiter);
    for (let i = 0; i < 4; i++) {
      const r = await app.inject({ method: 'GET', url: '/limited' });
      expect(r.statusCode).toBe(503);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code).toBe('rate_limiter_unavailable');
    }
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged[0]).toBeInstanceOf(RateLimitStoreError);
    await app.close();
  });

  it("'local': Redis down → the instance counts on its own and still enforces the limit", async () => {
    const port = await closedPort();
    const logged: { suppressed: number }[] = [];
    const limiter = createRateLimiter({
      clock: systemClock,
      redis: redis(`redis://127.0.0.1:${port}`),
      failurePolicy: 'local',
      onError: (_err, info) => logged.push(info),
      timeoutMs: 300,
    });
    expect(limiter).toBeInstanceOf(FallbackRateLimiter);
    const app = await appWith(limiter);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await app.inject({ method: 'GET', url: '/limited' })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    expect(logged.length).toBe(1); // one log line for the burst, the rest folded in
    await app.close();
  });

  it('sets RateLimit / RateLimit-Policy on every answer and Retry-After on 429', async () => {
    const clock = new ManualClock(0);
    const app = await appWith(new RedisRateLimiter({ redis: await liveRedis(), clock, prefix: prefix() }));
    const first = await app.inject({ method: 'GET', url: '/limited' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"agency";q=2;w=60');
    expect(first.headers['ratelimit']).toBe('"agency";r=1;t=60');
    clock.advance(15_000);
    await app.inject({ method: 'GET', url: '/limited' });
    clock.advance(200);
    const third = await app.inject({ method: 'GET', url: '/limited' });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'rate_limited', status: 429, retry_after: 45 });
    expect(third.headers['retry-after']).toBe('45');
    expect(third.headers['ratelimit']).toBe('"agency";r=0;t=45');
    await app.close();
  });
});
