import { describe, expect, it } from 'vitest';
import { backgroundErrorLog, isStoreUnavailable } from './store-errors.ts';
import { installProcessGuard } from './process-guard.ts';

const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

describe('store failures in the background', () => {
  it('tells a store that is away from a bug', () => {
    expect(isStoreUnavailable(err('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(err('Connection is closed.'))).toBe(true);
    expect(isStoreUnavailable(err('Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.'))).toBe(true);
    expect(isStoreUnavailable(err('x', { name: 'MaxRetriesPerRequestError' }))).toBe(true);
    expect(isStoreUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
  });

  it('logs an outage once per kind and interval, with the count left out; a bug every time', () => {
    const lines: [string, number | undefined][] = [];
    let now = 0;
    const log = backgroundErrorLog({ error: (o, m) => lines.push([m, (o as { suppressed?: number }).suppressed]) }, 10_000, () => now);
    const down = err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' });
    // every 250 ms for 10 s: the first one, then one with the 39 left out
    for (let i = 0; i <= 40; i++, now += 250) log(down, 'gateway audit');
    log(down, 'change feed');
    log(new TypeError('bug'), 'gateway audit');
    log(new TypeError('bug'), 'gateway audit');
    expect(lines).toEqual([
      ['gateway audit error', 0],
      ['gateway audit error', 39],
      ['change feed error', 0],
      ['gateway audit error', undefined],
      ['gateway audit error', undefined],
    ]);
  });
});

describe('the process guard', () => {
  it('keeps the process up for a store that went away, exits for anything else', () => {
    const logged: string[] = [];
    const exits: number[] = [];
    const remove = installProcessGuard({ error: (_o, m) => logged.push(m), fatal: (_o, m) => logged.push(m) }, (c) => exits.push(c));
    try {
      process.emit('unhandledRejection', err('Connection terminated unexpectedly'), Promise.resolve());
      expect(exits).toEqual([]);
      process.emit('unhandledRejection', new TypeError('a bug'), Promise.resolve());
      expect(exits).toEqual([1]);
    } finally {
      remove();
    }
    expect(logged).toEqual(['unhandled rejection from a database or Redis that is unavailable (the process goes on)', 'unhandled rejection: exiting']);
  });
});
