/** The customers' figures in one figure's order: hidden figures last either way; a kept order never brings back a customer no longer reachable. */
import { describe, expect, it } from 'vitest';
import { FigureOrders, orderByValue } from './msp-figures.ts';

describe('the customers in one figure’s order', () => {
  it('a figure not shown (null) comes last in both directions, equal values keep the ids’ order', () => {
    const v: Record<string, number | null> = { a: 5, b: null, c: 9, d: 5 };
    expect(orderByValue(['a', 'b', 'c', 'd'], (t) => v[t], true)).toEqual(['c', 'a', 'd', 'b']);
    expect(orderByValue(['a', 'b', 'c', 'd'], (t) => v[t], false)).toEqual(['a', 'd', 'c', 'b']);
  });

  it('a kept order is read once within its time, keeps only the customers reachable now and puts a new one last', async () => {
    const orders = new FigureOrders(30_000);
    let reads = 0;
    const make = async () => {
      reads++;
      return ['c', 'a', 'b'];
    };
    expect(await orders.order('k', 1_000, ['a', 'b', 'c'], make)).toEqual(['c', 'a', 'b']);
    // access to a ended, d added: a is gone at once, d last, without reading the figure again
    expect(await orders.order('k', 2_000, ['b', 'c', 'd'], make)).toEqual(['c', 'b', 'd']);
    expect(reads).toBe(1);
    // past its time the order is read afresh
    await orders.order('k', 31_000, ['b', 'c', 'd'], make);
    expect(reads).toBe(2);
  });
});
