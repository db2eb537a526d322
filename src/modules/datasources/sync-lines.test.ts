import { describe, expect, it } from 'vitest';
import { contentHash, normalizeVersion, parseLine } from './sync-lines.ts';

const invoice = { ban: 'BAN-1', number: 'I-1', period: '2026-10', issued_at: '2026-10-01T00:00:00Z', due_at: '2026-10-15T00:00:00+02:00', currency: 'EUR', subtotal_cents: 100, tax_cents: 20, total_cents: 120, balance_cents: 120, status: 'open' };

describe('parseLine', () => {
  const cases: [string, unknown, true | string][] = [
    ['an invoice with a version', { kind: 'invoice', external_id: 'I-1', version: 3, data: invoice }, true],
    ['an invoice with updated_at', { kind: 'invoice', external_id: 'I-1', updated_at: '2026-10-02T10:00:00Z', data: invoice }, true],
    ['a deletion', { kind: 'service', external_id: 'S-1', version: 2, deleted: true }, true],
    ['a ticket named by its customer', { kind: 'ticket', external_id: 'T', version: 1, data: { tenant_ref: 'acme', subject: 's', description: '', category: 'other', priority: 'low', status: 'open', opened_at: '2026-10-01T00:00:00Z' } }, true],
    ['not an object', [1, 2], '/'],
    ['an unknown kind', { kind: 'spaceship', external_id: 'x', version: 1, data: {} }, '/kind'],
    ['both version and updated_at', { kind: 'invoice', external_id: 'I', version: 1, updated_at: '2026-10-01T00:00:00Z', data: invoice }, '/version'],
    ['neither', { kind: 'invoice', external_id: 'I', data: invoice }, '/version'],
    ['a negative version', { kind: 'invoice', external_id: 'I', version: -1, data: invoice }, '/version'],
    ['no data', { kind: 'invoice', external_id: 'I', version: 1 }, '/data'],
    ['data on a deletion', { kind: 'invoice', external_id: 'I', version: 1, deleted: true, data: invoice }, '/data'],
    ['a missing field', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, number: undefined } }, '/data'],
    ['an unknown field', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, colour: 'red' } }, '/data'],
    ['a time without a zone', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, issued_at: '2026-10-01 00:00' } }, '/data/issued_at'],
    ['a month out of range', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, period: '2026-13' } }, '/data/period'],
    ['a day the month does not have', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, due_at: '2026-02-30T00:00:00Z' } }, '/data/due_at'],
    ['the 29th of February of a leap year', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, due_at: '2028-02-29T00:00:00Z' } }, true],
    ['an hour past 23', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, issued_at: '2026-10-01T24:00Z' } }, '/data/issued_at'],
    ['an impossible updated_at', { kind: 'invoice', external_id: 'I', updated_at: '2026-06-31T00:00:00Z', data: invoice }, '/updated_at'],
    ['a NUL character in a value', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, number: 'I\u00001' } }, '/data/number'],
    ['a NUL character in the external id', { kind: 'invoice', external_id: 'I\u0000', version: 1, data: invoice }, '/external_id'],
    ['a negative invoice total', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, total_cents: -120 } }, '/data/total_cents'],
    ['a negative balance', { kind: 'invoice', external_id: 'I', version: 1, data: { ...invoice, balance_cents: -1 } }, '/data/balance_cents'],
    ['a ticket naming no customer', { kind: 'ticket', external_id: 'T', version: 1, data: { subject: 's', description: '', category: 'other', priority: 'low', status: 'open', opened_at: '2026-10-01T00:00:00Z' } }, '/data/ban'],
  ];
  for (const [what, line, want] of cases) {
    it(what, () => {
      const r = parseLine(JSON.parse(JSON.stringify(line)));
      if (want === true) expect(r.ok).toBe(true);
      else {
        expect(r.ok).toBe(false);
        if (!r.ok && want !== '/') expect(r.errors.map((e) => e.pointer).join(' ')).toContain(want);
      }
    });
  }
});

describe('versions', () => {
  it('sort as numbers and as times, whatever their text', () => {
    expect(normalizeVersion({ version: 9 })! < normalizeVersion({ version: 10 })!).toBe(true);
    expect(normalizeVersion({ updated_at: '2026-10-01T10:00:00+02:00' })).toBe(normalizeVersion({ updated_at: '2026-10-01T08:00:00Z' }));
    expect(normalizeVersion({ updated_at: '2026-10-01T08:00:00.5Z' })! > normalizeVersion({ updated_at: '2026-10-01T08:00:00Z' })!).toBe(true);
  });
  it('the content hash ignores the order of fields', () => {
    expect(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
  });
  it('the content hash tells apart objects whose keys join to the same text, in either order of first sight', () => {
    contentHash({ 'a\u0000b': 1 });
    // seen after a key that joins to the same text, these still hash by their own fields
    expect(contentHash({ a: 1, b: 1 })).not.toBe(contentHash({ a: 2, b: 2 }));
    contentHash({ b: 1, a: 1 });
    expect(contentHash({ 'b\u0000a': 1 })).not.toBe(contentHash({ 'b\u0000a': 2 }));
    expect(contentHash({ 'x\u0000y': 1, z: 2 })).not.toBe(contentHash({ x: 1, 'y\u0000z': 2 }));
    // the same fields hash the same whether they came in this order or sorted
    expect(contentHash(JSON.parse('{"b":2,"a":{"d":4,"c":3}}'))).toBe(contentHash({ a: { c: 3, d: 4 }, b: 2 }));
  });
});
