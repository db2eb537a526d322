import { describe, expect, it } from 'vitest';
import { AGENCY_TOKEN_LENGTH, demoAgencyToken, isWellFormedAgencyToken, newAgencyToken, agencyTokenDisplayPrefix } from './agency-token.ts';

describe('agency tokens', () => {
  it('are pgagt_ + 49 base62 characters with a valid checksum, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const t = newAgencyToken();
      expect(t).toMatch(/^pgagt_[0-9A-Za-z]{49}$/);
      expect(t).toHaveLength(AGENCY_TOKEN_LENGTH);
      expect(isWellFormedAgencyToken(t)).toBe(true);
      seen.add(t);
    }
    expect(seen.size).toBe(500);
  });

  it('carry at least 128 bits of entropy (256 here): distinct inputs give distinct tokens', () => {
    const a = Buffer.alloc(32, 0);
    const b = Buffer.alloc(32, 0);
    b[31] = 1;
    expect(newAgencyToken(a)).not.toBe(newAgencyToken(b));
    expect(() => newAgencyToken(Buffer.alloc(15))).toThrow(RangeError);
  });

  it('reject typos, truncation and foreign tokens before any lookup', () => {
    const t = newAgencyToken();
    const flipped = t.slice(0, 20) + (t[20] === 'a' ? 'b' : 'a') + t.slice(21);
    for (const bad of [flipped, t.slice(0, -1), t + 'x', 'pgpat_' + t.slice(6), '', 'pgagt_', t.replace('pgagt_', 'PGAGT_')]) {
      expect(isWellFormedAgencyToken(bad)).toBe(false);
    }
  });

  it('demo tokens are stable per secret and label, and differ between installations', () => {
    expect(demoAgencyToken('s1', 'acme')).toBe(demoAgencyToken('s1', 'acme'));
    expect(demoAgencyToken('s1', 'acme')).not.toBe(demoAgencyToken('s2', 'acme'));
    expect(isWellFormedAgencyToken(demoAgencyToken('s1', 'acme'))).toBe(true);
  });

  it('show only a short prefix', () => {
    expect(agencyTokenDisplayPrefix(newAgencyToken())).toMatch(/^pgagt_[0-9A-Za-z]{6}$/);
  });
});
