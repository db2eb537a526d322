/** The portal's one formatter and its sort rule, as tables of cases. */
import { describe, expect, it } from 'vitest';
import { compareMissingLast, formatMajor, formatMoney, formatMoneyShort, formatNumber, formatPct, formatPercent, formatPeriod, inForce, PCT2 } from './format.ts';

describe('formatMoney', () => {
  it.each([
    [123456, 'EUR', '€1,234.56'],
    [5, 'USD', '$0.05'],
    [100, 'USD', '$1.00'],
    [-2500, 'EUR', '-€25.00'],
    [1234, 'JPY', '¥1,234'],
    [0, 'GBP', '£0.00'],
  ])('%i %s → %s (the currency’s own decimals, always shown)', (minor, cur, want) => {
    expect(formatMoney(minor, cur, 'en-US')).toBe(want);
  });

  it.each([[null], [undefined], [Number.NaN]])('%s reads as a dash, never as 0', (v) => {
    expect(formatMoney(v as number | null, 'EUR', 'en-US')).toBe('—');
  });

  it('a chart’s major-unit value gets the two decimals a table needs', () => {
    expect(formatMajor(12.5, 'EUR', 'en-US')).toBe('€12.50');
    expect(formatMajor(1234.567, 'USD', 'en-US')).toBe('$1,234.57');
  });

  it('the compact form is for axes only', () => {
    expect(formatMoneyShort(123456, 'EUR', 'en-US')).toBe('€1.2K');
  });
});

describe('numbers, percentages and periods', () => {
  it.each([
    [() => formatNumber(12345, 'en-US'), '12,345'],
    [() => formatNumber(null), '—'],
    [() => formatPct(99.456, 'en'), '99.5%'],
    [() => formatPct(99.456, 'fr'), '99,5\u00a0%'],
    [() => formatPct(99.456, 'de'), '99,5\u00a0%'],
    [() => formatPct(null), '—'],
    // an SLA as agreed: the language's decimal sign and percent sign, the decimals it has (a commitments card)
    [() => formatPercent(99.5, {}, 'fr'), '99,5\u00a0%'],
    [() => formatPercent(99.5, {}, 'de'), '99,5\u00a0%'],
    [() => formatPercent(99.5, {}, 'en'), '99.5%'],
    [() => formatPercent(99.95, {}, 'fr'), '99,95\u00a0%'],
    [() => formatPercent(99.5, PCT2, 'fr'), '99,50\u00a0%'],
    [() => formatPercent(40, { max: 0 }, 'de'), '40\u00a0%'],
    [() => formatPercent(undefined), '—'],
    [() => formatPeriod('2026-10', 'en-US'), 'Oct 2026'],
    [() => formatPeriod('not a period'), 'not a period'],
  ])('%#', (f, want) => {
    expect(f()).toBe(want);
  });
});

describe('compareMissingLast', () => {
  const rows: (number | null)[] = [null, 500, 0, null, 1200];
  it.each([
    [false, [0, 500, 1200, null, null]],
    [true, [1200, 500, 0, null, null]],
  ])('desc=%s: customers without a figure come last either way', (desc, want) => {
    expect([...rows].sort((a, b) => compareMissingLast(a, b, desc))).toEqual(want);
  });

  it('text sorts in natural order, ignoring case; empty text is missing', () => {
    expect(['b10', '', 'B2', 'a'].sort((a, b) => compareMissingLast(a, b))).toEqual(['a', 'B2', 'b10', '']);
  });
});

describe('inForce', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  it.each<[string | null, string | null, boolean, string]>([
    ['2026-12-03', null, false, 'starts in a week: not yet'],
    ['2026-11-26', null, true, 'starts today'],
    ['2026-01-01', null, true, 'started earlier'],
    ['2026-01-01', '2026-11-01', false, 'ended'],
    [null, null, false, 'no start date'],
  ])('%s → %s: %s', (start, end, want) => {
    expect(inForce(start, end, now)).toBe(want);
  });
});

describe('in the reader’s language', () => {
  it('money, dates and numbers as French and German readers write them', () => {
    expect(formatMoney(123456, 'EUR', 'fr')).toBe('1\u202f234,56\u00a0€');
    expect(formatMoney(123456, 'EUR', 'de')).toBe('1.234,56\u00a0€');
    expect(formatMoney(123456, 'JPY', 'fr')).toBe('123\u202f456\u00a0JPY');
    expect(formatNumber(1234567, 'de')).toBe('1.234.567');
    expect(formatPeriod('2026-11', 'fr')).toBe('nov. 2026');
  });
});
