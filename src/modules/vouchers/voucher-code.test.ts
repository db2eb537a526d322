import { describe, expect, it } from 'vitest';
import { newVoucherCode, normalizeVoucherCode } from './voucher-code.ts';

describe('voucher codes', () => {
  it('are VCH- and three groups of four unambiguous characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = newVoucherCode();
      expect(c).toMatch(/^VCH-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      seen.add(c);
    }
    expect(seen.size).toBe(2000);
  });

  it.each([
    ['VCH-AB12-CD34-EF56', 'VCH-AB12-CD34-EF56'],
    ['vch-ab12-cd34-ef56', 'VCH-AB12-CD34-EF56'],
    ['AB12 CD34 EF56', 'VCH-AB12-CD34-EF56'],
    ['VCH-OB1L-CD34-EF5I', 'VCH-0B11-CD34-EF51'],
    ['VCH-AB12-CD34-EF5', null],
    ['VCH-AB12-CD34-EF5U', null],
    ['../../etc/passwd', null],
    ['', null],
  ])('%j → %j', (input, want) => {
    expect(normalizeVoucherCode(input)).toBe(want);
  });
});
