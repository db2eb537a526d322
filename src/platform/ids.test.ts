import { describe, expect, it } from 'vitest';
import { idPattern, idTime, isId, newId } from './ids.ts';

describe('ids (the format documented in ids.ts)', () => {
  it('is the prefix, _, and 26 lowercase Crockford base32 characters', () => {
    const id = newId('tnt', Date.UTC(2026, 10, 23, 10, 0, 0, 123));
    expect(id).toMatch(/^tnt_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(id).toMatch(new RegExp(idPattern('tnt')));
    expect(isId(id, 'tnt')).toBe(true);
    expect(isId(id, 'ptr')).toBe(false);
  });

  it('writes the time most significant bit first: 48 bits of milliseconds, then the random part', () => {
    // epoch 0 → ten characters of zero bits (the 10th carries 3 time bits and 2 random bits)
    expect(newId('x', 0).slice(2, 11)).toBe('000000000');
    // 2^47 ms: only the top bit of the 48 is set → the first character is 0b10000 = 'g'
    expect(newId('x', 2 ** 47).slice(2, 11)).toBe('g00000000');
    // the lowest time bit is the 10th character's third bit → 0b001xx = 4..7
    expect(['4', '5', '6', '7']).toContain(newId('x', 1).slice(11, 12));
    // the 26th character holds 3 random bits and 2 zero bits
    for (let i = 0; i < 50; i++) expect('048cgmrw').toContain(newId('x').slice(-1));
  });

  it('idTime reads back the time it was written with', () => {
    for (const t of [0, 1, 1_700_000_000_000, Date.UTC(2026, 10, 23), 2 ** 48 - 1]) expect(idTime(newId('evt', t))).toBe(t);
    expect(idTime('tnt_01jd9x0a8q4m7w2k3v5b6c8d9e')).toBe(idTime('ptr_01jd9x0a8q4m7w2k3v5b6c8d9e'));
    expect(idTime('tnt_not-an-id')).toBeNull();
  });

  it('sorts by creation time as text, across milliseconds and decades', () => {
    const times = [0, 1, 999, 1_000, 1_700_000_000_000, 1_700_000_000_001, Date.UTC(2026, 10, 23), Date.UTC(2100, 0, 1)];
    const ids = times.map((t) => newId('dlg', t));
    expect([...ids].sort()).toEqual(ids);
  });
});
