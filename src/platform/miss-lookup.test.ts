/** MissLookup: what a credential the index does not hold may cost — one lookup per key at a time, bounded, absent keys remembered. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { MissLookup } from './miss-lookup.ts';

/** A lookup whose answers the test releases by hand, recording the keys asked. */
function manualLookup(rows: Record<string, string> = {}) {
  const asked: string[] = [];
  const waiting: (() => void)[] = [];
  const lookup = (key: string) => {
    asked.push(key);
    return new Promise<string | undefined>((resolve) => waiting.push(() => resolve(rows[key])));
  };
  const releaseAll = async () => {
    while (waiting.length) {
      for (const r of waiting.splice(0)) r();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { asked, waiting, lookup, releaseAll };
}

describe('MissLookup', () => {
  it('asks once for concurrent requests with the same key, and answers each of them', async () => {
    const m = manualLookup({ k1: 'row 1' });
    const l = new MissLookup({ clock: new ManualClock(), lookup: m.lookup });
    const answers = Promise.all([l.get('k1'), l.get('k1'), l.get('k1')]);
    await m.releaseAll();
    expect(await answers).toEqual(['row 1', 'row 1', 'row 1']);
    expect(m.asked).toEqual(['k1']);
  });

  it('answers an absent key from memory until its time is up, then asks again', async () => {
    const clock = new ManualClock();
    const m = manualLookup();
    const l = new MissLookup({ clock, lookup: m.lookup, negativeTtlMs: 30_000 });
    const first = l.get('nope');
    await m.releaseAll();
    expect(await first).toBeUndefined();
    for (let i = 0; i < 100; i++) expect(await l.get('nope')).toBeUndefined();
    expect(m.asked).toEqual(['nope']);
    clock.advance(30_000);
    const again = l.get('nope');
    await m.releaseAll();
    await again;
    expect(m.asked).toEqual(['nope', 'nope']);
  });

  it('forgets an absent key the index has learned of: the next request asks', async () => {
    const rows: Record<string, string> = {};
    const m = manualLookup(rows);
    const l = new MissLookup({ clock: new ManualClock(), lookup: m.lookup });
    const first = l.get('seeded');
    await m.releaseAll();
    expect(await first).toBeUndefined();
    rows.seeded = 'made from a secret known beforehand';
    l.forget('seeded');
    const second = l.get('seeded');
    await m.releaseAll();
    expect(await second).toBe('made from a secret known beforehand');
  });

  it('keeps at most maxConcurrent lookups running and maxQueued waiting; more are refused without a lookup', async () => {
    const m = manualLookup();
    const l = new MissLookup({ clock: new ManualClock(), lookup: m.lookup, maxConcurrent: 2, maxQueued: 3, maxPerSecond: 1000 });
    const all = Array.from({ length: 20 }, (_, i) => l.get(`spray-${i}`));
    await new Promise((r) => setImmediate(r));
    expect(m.waiting).toHaveLength(2); // running
    expect(l.counts.shed).toBe(15); // 2 running + 3 queued admitted
    await m.releaseAll();
    expect(await Promise.all(all)).toEqual(Array(20).fill(undefined));
    expect(m.asked).toHaveLength(5);
  });

  it('begins at most maxPerSecond lookups a second: a spray of distinct keys is not a database read per request', async () => {
    const clock = new ManualClock();
    const m = manualLookup();
    const l = new MissLookup({ clock, lookup: m.lookup, maxPerSecond: 10 });
    for (let i = 0; i < 100; i++) {
      const p = l.get(`random-${i}`);
      await m.releaseAll();
      await p;
    }
    expect(m.asked).toHaveLength(10);
    clock.advance(1000);
    const p = l.get('a new token, a second later');
    await m.releaseAll();
    await p;
    expect(m.asked).toHaveLength(11);
  });

  it('refuses when the lookup fails, reports it, and does not remember the key as absent', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const l = new MissLookup({
      clock: new ManualClock(),
      lookup: async (k: string) => {
        if (fail) throw new Error('database down');
        return `row ${k}`;
      },
      onError: (e) => errors.push(e),
    });
    expect(await l.get('k')).toBeUndefined();
    expect(errors).toHaveLength(1);
    fail = false;
    expect(await l.get('k')).toBe('row k');
  });
});
