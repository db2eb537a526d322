/** The rolling-window arithmetic as a table of cases, plus a property check of the bound. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, insertSorted, trimLog } from './sliding-window.ts';
import { MemoryRateLimiter } from './memory-limiter.ts';
import { ManualClock } from '../clock.ts';

const W = 60_000;

interface Case {
  name: string;
  log: number[];
  now: number;
  limit: number;
  want: { allowed: boolean; remaining: number; resetMs: number; retryAfterSec: number };
}

const CASES: Case[] = [
  { name: 'empty log admits, whole window to reset', log: [], now: 1_000, limit: 20, want: { allowed: true, remaining: 19, resetMs: W, retryAfterSec: 0 } },
  { name: 'one below the limit admits the last unit', log: [0, 10, 20], now: 30, limit: 4, want: { allowed: true, remaining: 0, resetMs: W - 30, retryAfterSec: 0 } },
  { name: 'at the limit refuses until the oldest leaves', log: [0, 10, 20, 30], now: 40, limit: 4, want: { allowed: false, remaining: 0, resetMs: W - 40, retryAfterSec: 60 } },
  { name: 'retry-after is rounded up to whole seconds', log: [1_000, 2_000], now: 30_500, limit: 2, want: { allowed: false, remaining: 0, resetMs: 30_500, retryAfterSec: 31 } },
  { name: 'retry-after is at least one second', log: [0, 5], now: W - 1, limit: 2, want: { allowed: false, remaining: 0, resetMs: 1, retryAfterSec: 1 } },
  { name: 'lowered limit waits for enough entries to leave', log: [0, 10_000, 20_000, 30_000], now: 40_000, limit: 2, want: { allowed: false, remaining: 0, resetMs: 20_000, retryAfterSec: 40 } },
  { name: 'limit 0 never admits and asks for a whole window', log: [], now: 5, limit: 0, want: { allowed: false, remaining: 0, resetMs: 0, retryAfterSec: 60 } },
  { name: 'limit 1', log: [100], now: 200, limit: 1, want: { allowed: false, remaining: 0, resetMs: W - 100, retryAfterSec: 60 } },
];

describe('decide()', () => {
  it.each(CASES)('$name', ({ log, now, limit, want }) => {
    expect(decide(log, now, limit, W)).toEqual({ limit, ...want });
  });

  it('rejects a non-positive window', () => {
    expect(() => decide([], 0, 1, 0)).toThrow(RangeError);
  });
});

describe('trimLog()', () => {
  const TRIM: [number[], number, number[]][] = [
    [[], 100, []],
    [[0, 1, 2], W - 1, [0, 1, 2]],
    // an entry counts until t + W, exclusive: at now = W the entry at 0 no longer counts
    [[0, 1, 2], W, [1, 2]],
    [[0, 1, 2], W + 2, []],
  ];
  it.each(TRIM)('%j at %d keeps %j', (log, now, want) => {
    expect(trimLog(log, now, W)).toEqual(want);
  });
});

describe('insertSorted()', () => {
  it('keeps the log ascending when a clock steps back', () => {
    const log = [10, 20, 30];
    insertSorted(log, 40);
    insertSorted(log, 15);
    insertSorted(log, 10);
    expect(log).toEqual([10, 10, 15, 20, 30, 40]);
  });
});

describe('the bound: never more than N admitted in any rolling window', () => {
  it('holds for arbitrary request times (memory limiter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }), (limit, gaps) => {
        const clock = new ManualClock(0);
        const lim = new MemoryRateLimiter({ clock });
        const window = 1_000;
        const admitted: number[] = [];
        for (const g of gaps) {
          clock.advance(g % 400);
          const now = clock.now().getTime();
          const d = lim.consumeNow('k', limit, window);
          if (d.allowed) admitted.push(now);
          else {
            // the promised wait really reopens the window, and one second less would not
            const at = now + d.retryAfterSec * 1000;
            expect(decide(trimLog(admitted, at, window), at, limit, window).allowed).toBe(true);
            if (d.retryAfterSec > 1) {
              const earlier = at - 1000;
              expect(decide(trimLog(admitted, earlier, window), earlier, limit, window).allowed).toBe(false);
            }
          }
        }
        // any window [t, t + W) holds at most `limit` admitted requests
        for (let i = 0; i < admitted.length; i++) {
          let j = i;
          while (j < admitted.length && admitted[j] < admitted[i] + window) j++;
          expect(j - i).toBeLessThanOrEqual(limit);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('MemoryRateLimiter', () => {
  it('admits again exactly when the oldest request leaves the window', async () => {
    const clock = new ManualClock('2026-02-09T10:00:00Z');
    const lim = new MemoryRateLimiter({ clock });
    for (let i = 0; i < 20; i++) {
      expect((await lim.consume('t', 20, W)).allowed).toBe(true);
      clock.advance(1_000);
    }
    // 20 admitted at 0s..19s; now = 20s
    const refused = await lim.consume('t', 20, W);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSec: 40 });
    clock.advance(39_999);
    expect((await lim.consume('t', 20, W)).allowed).toBe(false);
    clock.advance(1);
    expect(await lim.consume('t', 20, W)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps keys apart and forgets idle ones', async () => {
    const clock = new ManualClock(0);
    const lim = new MemoryRateLimiter({ clock, sweepEveryMs: 1_000 });
    expect((await lim.consume('a', 1, W)).allowed).toBe(true);
    expect((await lim.consume('b', 1, W)).allowed).toBe(true);
    expect((await lim.consume('a', 1, W)).allowed).toBe(false);
    expect(lim.size).toBe(2);
    clock.advance(W + 1_000);
    await lim.consume('c', 1, W);
    expect(lim.size).toBe(1);
  });
});
