/**
 * Several limits on one request (the gateway's per credential × class and per partner) are one
 * atomic decision: admitted only when every limit admits, and a refusal by one uses up nothing
 * of the others — in memory and in one Redis script shared by two limiter instances. The failure
 * budgets' peek / record / reset behave the same in both.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../../src/platform/clock.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from '../../../src/platform/ratelimit/index.ts';
import { REDIS_URL } from '../../helpers/app.ts';

const W = 60_000;
const clients: Redis[] = [];
function redis(): Redis {
  const c = redisFactory(REDIS_URL)();
  c.on('error', () => {});
  clients.push(c);
  return c;
}
afterAll(() => {
  for (const c of clients) c.disconnect();
});

function limiters(): [string, (clock: ManualClock) => RateLimiter][] {
  return [
    ['memory', (clock) => new MemoryRateLimiter({ clock })],
    ['redis', (clock) => new RedisRateLimiter({ redis: redis(), clock, prefix: `test:rla:${randomBytes(6).toString('hex')}:` })],
  ];
}

describe.each(limiters())('consumeAll (%s)', (_name, make) => {
  it('a refusal by one limit records nothing under the others', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const lim = make(clock);
    const both = [
      { key: 'token', limit: 5, windowMs: W },
      { key: 'partner', limit: 2, windowMs: W },
    ];
    for (let i = 0; i < 2; i++) {
      const ds = await lim.consumeAll(both);
      expect(ds.map((d) => d.allowed)).toEqual([true, true]);
      expect(ds[0].remaining).toBe(4 - i);
    }
    // the partner limit is spent: three refusals in a row…
    for (let i = 0; i < 3; i++) {
      const ds = await lim.consumeAll(both);
      expect(ds[1]).toMatchObject({ allowed: false, remaining: 0, retryAfterSec: 60 });
      expect(ds[0].allowed).toBe(true);
    }
    // …charged nothing to the token: 3 of its 5 are still free
    const alone = await lim.consume('token', 5, W);
    expect(alone).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('admits again under every key once the oldest leaves the window', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const lim = make(clock);
    const reqs = [
      { key: 'a', limit: 3, windowMs: 10_000 },
      { key: 'b', limit: 3, windowMs: 10_000 },
    ];
    for (let i = 0; i < 3; i++) {
      expect((await lim.consumeAll(reqs)).every((d) => d.allowed)).toBe(true);
      clock.advance(1_000);
    }
    const refused = await lim.consumeAll(reqs);
    expect(refused.map((d) => d.allowed)).toEqual([false, false]);
    expect(refused[0].retryAfterSec).toBe(7);
    clock.advance(7_000);
    expect((await lim.consumeAll(reqs)).map((d) => d.remaining)).toEqual([0, 0]);
  });
});

describe.each(limiters())('failure budgets: peekAll, recordAll, reset (%s)', (_name, make) => {
  it('a peek records nothing, a record counts whatever the limit, a reset forgets the key', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const lim = make(clock);
    const both = [
      { key: 'email', limit: 2, windowMs: W },
      { key: 'ip', limit: 3, windowMs: W },
    ];
    for (let i = 0; i < 3; i++) expect((await lim.peekAll(both)).map((d) => d.remaining)).toEqual([1, 2]);
    await lim.recordAll(both);
    clock.advance(1_000);
    await lim.recordAll(both);
    await lim.recordAll(both); // past the email's limit: still counted
    // failures at 0, 1 and 1 s; now 1 s: the email (2) waits for the one at 1 s, the address (3) for the one at 0
    expect(await lim.peekAll(both)).toEqual([
      expect.objectContaining({ allowed: false, remaining: 0, retryAfterSec: 60 }),
      expect.objectContaining({ allowed: false, remaining: 0, retryAfterSec: 59 }),
    ]);
    await lim.reset('email');
    expect((await lim.peekAll(both)).map((d) => d.allowed)).toEqual([true, false]);
    // the first failure leaves the window after 60 s: the address may fail once more
    clock.advance(59_000);
    expect(await lim.peekAll([both[1]])).toEqual([expect.objectContaining({ allowed: true, remaining: 0 })]);
  });
});

describe('MemoryRateLimiter with large limits', () => {
  it('stays exact past its buffer growth (limit 1,000, 5,000 requests)', () => {
    const clock = new ManualClock(0);
    const lim = new MemoryRateLimiter({ clock });
    const admitted: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      clock.advance(7);
      const now = clock.now().getTime();
      if (lim.consumeNow('big', 1_000, 10_000).allowed) admitted.push(now);
    }
    // 7 ms apart, 10 s window: 1,000 fit in any 7 s; the rest wait for the oldest to leave
    for (let i = 0, j = 0; i < admitted.length; i++) {
      while (j < admitted.length && admitted[j] < admitted[i] + 10_000) j++;
      expect(j - i).toBeLessThanOrEqual(1_000);
    }
    expect(admitted.length).toBeGreaterThan(3_000);
  });
});
