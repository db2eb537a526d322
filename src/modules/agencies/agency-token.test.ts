import { describe, expect, it } from 'vitest';
import { AGENCY_TOKEN_LENGTH, AGENCY_TOKEN_PREFIX, demoAgencyToken, isWellFormedAgencyToken, newAgencyToken, agencyTokenDisplayPrefix } from './agency-token.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The random part of a token as bytes: its 43 base62 characters (before the 6-character checksum) as a 256-bit number. */
function decodeBody(token: string): Buffer {
  const body = token.slice(AGENCY_TOKEN_PREFIX.length, -6);
  expect(body).toMatch(/^[0-9A-Za-z]{43}$/);
  let n = 0n;
  for (const c of body) n = n * 62n + BigInt(ALPHABET.indexOf(c));
  expect(n < 1n << 256n).toBe(true);
  return Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
}

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

  it('carry 256 random bits (at least 128 required): the body decodes to 32 bytes, and 1,000 tokens are distinct with every bit fair', () => {
    const N = 1000;
    const ones = new Array<number>(256).fill(0);
    const tokens = new Set<string>();
    const halves = new Set<string>();
    for (let i = 0; i < N; i++) {
      const t = newAgencyToken();
      const bytes = decodeBody(t);
      // the body is exactly those bytes: re-encoding them gives the same token back
      expect(bytes.length).toBeGreaterThanOrEqual(16);
      expect(bytes).toHaveLength(32);
      expect(newAgencyToken(bytes)).toBe(t);
      tokens.add(t);
      halves.add(bytes.subarray(0, 16).toString('hex'));
      for (let bit = 0; bit < 256; bit++) if (bytes[bit >> 3] & (0x80 >> (bit & 7))) ones[bit]++;
    }
    expect(tokens.size).toBe(N);
    expect(halves.size).toBe(N); // even the first 128 bits alone never repeat
    // Each of the 256 bit positions is set in about half the tokens: binomial(1000, ½) has σ ≈ 15.8, so
    // 380…620 is > 7σ (a false alarm about once in 10^12 runs). A constant, counter or truncated
    // source (e.g. 16 random bytes padded to 32) fails at once.
    const unfair = ones.map((n, bit) => [bit, n]).filter(([, n]) => n < 380 || n > 620);
    expect(unfair).toEqual([]);
    const total = ones.reduce((a, b) => a + b, 0);
    expect(Math.abs(total / (N * 256) - 0.5)).toBeLessThan(0.01);
  });

  it('refuse less than 256 bits of entropy, and distinct inputs give distinct tokens', () => {
    const a = Buffer.alloc(32, 0);
    const b = Buffer.alloc(32, 0);
    b[31] = 1;
    expect(newAgencyToken(a)).not.toBe(newAgencyToken(b));
    expect(decodeBody(newAgencyToken(b))).toEqual(b);
    expect(() => newAgencyToken(Buffer.alloc(15))).toThrow(RangeError);
    expect(() => newAgencyToken(Buffer.alloc(31))).toThrow(RangeError);
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
