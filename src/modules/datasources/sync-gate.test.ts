import { afterEach, describe, expect, it, vi } from 'vitest';
import { admissionGate } from './sync.routes.ts';

describe('the sync API admission gate', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets in as many as it has places, then each next one as a place frees, in order', async () => {
    const gate = admissionGate(2);
    expect(await gate.enter(1000)).toBe(true);
    expect(await gate.enter(1000)).toBe(true);
    const order: string[] = [];
    const third = gate.enter(1000).then((ok) => order.push(`third ${ok}`));
    const fourth = gate.enter(1000).then((ok) => order.push(`fourth ${ok}`));
    gate.leave();
    await third;
    gate.leave();
    await fourth;
    expect(order).toEqual(['third true', 'fourth true']);
    gate.leave();
    gate.leave();
    expect(await gate.enter(1000)).toBe(true);
  });

  it('answers false to one that waited its time without a place, and gives its turn to the next', async () => {
    vi.useFakeTimers();
    const gate = admissionGate(1);
    expect(await gate.enter(1000)).toBe(true);
    const late = gate.enter(1000);
    vi.advanceTimersByTime(1000);
    expect(await late).toBe(false);
    const next = gate.enter(1000);
    gate.leave();
    expect(await next).toBe(true);
  });
});
