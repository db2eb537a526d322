/**
 * Quotas in the rate limiter (partners' daily and monthly quotas): a fixed-window counter (RateLimitRequest.fixedUntilMs)
 * decided in the same call as the rolling windows beside it — the same Lua script with Redis — in
 * memory and in a real Redis (REDIS_URL, default 127.0.0.1:6379), with the same answers: admitted
 * only while under the quota, a refusal by either uses up nothing of the other, Retry-After to the
 * counter's reset, shared by two limiters on separate connections, and written back after a reset.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../../src/platform/clock.ts';
import { redisFactory, whenReady } from '../../../src/platform/redis.ts';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter, type RateLimitRequest } from '../../../src/platform/ratelimit/index.ts';
import { REDIS_URL } from '../../helpers/app.ts';

const clients: Redis[] = [];
async function redis(): Promise<Redis> {
  const c = redisFactory(REDIS_URL)();
  c.on('error', () => {});
  clients.push(c);
  await whenReady(c, 5000);
  return c;
}
afterAll(() => {
  for (const c of clients) c.disconnect();
});

const start = Date.now();
const until = start + 90_000;
const reqs = (window: number, quota: number): RateLimitRequest[] => [
  { key: 'w', limit: window, windowMs: 60_000 },
  { key: 'q', limit: quota, windowMs: 86_400_000, fixedUntilMs: until },
];

const kinds: [string, (clock: ManualClock) => Promise<RateLimiter[]>][] = [
  ['memory', async (clock) => [new MemoryRateLimiter({ clock })]],
  [
    'redis',
    async (clock) => {
      const prefix = `pgt:quota:${randomBytes(4).toString('hex')}:`;
      return [new RedisRateLimiter({ redis: await redis(), clock, prefix, timeoutMs: 2000 }), new RedisRateLimiter({ redis: await redis(), clock, prefix, timeoutMs: 2000 })];
    },
  ],
];

describe.each(kinds)('a quota counter beside a rolling window (%s)', (kind, make) => {
  it('admits up to the quota, then refuses with the wait until its reset; a refusal by the window spends nothing of the quota', async () => {
    const clock = new ManualClock(start);
    const [a, b = a] = await make(clock);
    const d1 = await a.consumeAll(reqs(10, 3));
    expect(d1.map((d) => d.allowed)).toEqual([true, true]);
    expect(d1[1]).toMatchObject({ limit: 3, remaining: 2, retryAfterSec: 0 });
    // the other limiter (another instance with Redis) sees the same counter
    expect((await b.consumeAll(reqs(10, 3)))[1].remaining).toBe(1);
    // refused by a tight window: the quota is not spent
    const byWindow = await a.consumeAll([{ key: 'w', limit: 2, windowMs: 60_000 }, reqs(10, 3)[1]]);
    expect(byWindow.map((d) => d.allowed)).toEqual([false, true]);
    expect((await a.consumeAll(reqs(10, 3)))[1].remaining).toBe(0);
    clock.advance(30_000);
    const refused = await b.consumeAll(reqs(10, 3));
    expect(refused[1]).toMatchObject({ allowed: false, remaining: 0, retryAfterSec: 60 });
    // and the refusal by the quota spent nothing of the window: 3 admitted in it
    expect((await a.peekAll(reqs(10, 3)))[0].remaining).toBe(10 - 3 - 1);
    if (kind === 'memory') {
      // past its reset, a counter starts from zero
      clock.set(until);
      expect((await a.consumeAll([{ key: 'q', limit: 3, windowMs: 86_400_000, fixedUntilMs: until + 86_400_000 }]))[0]).toMatchObject({ allowed: true, remaining: 2 });
    }
  });
});
