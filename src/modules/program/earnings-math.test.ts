import { describe, expect, it } from 'vitest';
import { commissionMinor, creditedBaseMinor, monthsBetween, periodOf } from './earnings-math.ts';

describe('earnings arithmetic', () => {
  it.each([
    [10_000, 1_000, 1_000], // 10 % of 100.00 = 10.00
    [12_345, 1_500, 1_852], // 1851.75 → 1852 (half up)
    [1, 5_000, 1], // 0.5 → 1
    [1, 4_999, 0],
    [0, 2_000, 0],
    [99_999, 1, 10], // 9.9999 → 10
    [-12_345, 1_500, -1_852],
  ])('%i × %i bps → %i', (base, bps, want) => {
    expect(commissionMinor(base, bps)).toBe(want);
  });
  it('counts months across years', () => {
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
    expect(monthsBetween('2026-02', '2026-02')).toBe(0);
    expect(monthsBetween('2026-03', '2026-02')).toBe(-1);
    expect(periodOf(new Date('2026-11-23T13:00:00Z'))).toBe('2026-11');
  });
});

describe('the base left after refunds and credits', () => {
  it.each([
    [25_000, 30_000, 0, 25_000], // nothing credited
    [25_000, 30_000, 15_000, 12_500], // half the total refunded: half the base
    [25_000, 30_000, 30_000, 0], // all of it
    [25_000, 30_000, 40_000, 0],
    [10_000, 12_000, 1, 9_999], // 9999.17 → 9999
    [3, 3, 1, 2],
    [10_000, 0, 0, 10_000],
  ])('subtotal %i, total %i, credited %i → %i', (sub, total, credited, want) => {
    expect(creditedBaseMinor(sub, total, credited)).toBe(want);
  });
});
