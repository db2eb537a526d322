import { describe, expect, it } from 'vitest';
import { adjustmentVersion, creditedCents, creditedLines, withChange, type Adjustments } from './stripe-credits.ts';
import type { StripeLine } from './stripe-map.ts';

const paid: StripeLine[] = [
  { kind: 'invoice', external_id: 'in_1', version: 1003, data: { total_cents: 30_000, status: 'paid', balance_cents: 0, paid_at: '2026-01-01T00:00:00.000Z' } },
  { kind: 'payment', external_id: 'in_1/payment', version: 1003, data: { amount_cents: 30_000 } },
];
const apply = (...changes: Parameters<typeof withChange>[1][]) => changes.reduce<Adjustments>((a, c) => withChange(a, c), {});

describe('what is taken back of an invoice', () => {
  it.each([
    ['nothing', apply(), 0],
    ['a charge refunded in part', apply({ kind: 'charge', id: 'pi_1', cents: 10_000 }), 10_000],
    ['the same charge stated again, with its new total', apply({ kind: 'charge', id: 'pi_1', cents: 10_000 }, { kind: 'charge', id: 'pi_1', cents: 25_000 }), 25_000],
    ['an older statement after a newer one', apply({ kind: 'charge', id: 'pi_1', cents: 25_000 }, { kind: 'charge', id: 'pi_1', cents: 10_000 }), 25_000],
    ['refunds one by one, and their charge’s total', apply({ kind: 'refund', id: 're_1', charge: 'pi_1', cents: 5_000 }, { kind: 'refund', id: 're_2', charge: 'pi_1', cents: 5_000 }, { kind: 'charge', id: 'pi_1', cents: 10_000 }), 10_000],
    ['a refund that failed', apply({ kind: 'refund', id: 're_1', charge: 'pi_1', cents: 5_000 }, { kind: 'refund', id: 're_1', charge: 'pi_1', cents: 0 }), 0],
    ['a credit note and the refund it made, counted once', apply({ kind: 'credit_note', id: 'cn_1', cents: 6_000, refunded: 6_000 }, { kind: 'charge', id: 'pi_1', cents: 6_000 }), 6_000],
    ['a credit note to the balance and a separate refund', apply({ kind: 'credit_note', id: 'cn_1', cents: 3_000, refunded: 0 }, { kind: 'charge', id: 'pi_1', cents: 6_000 }), 9_000],
    ['a voided credit note', apply({ kind: 'credit_note', id: 'cn_1', cents: 3_000, refunded: 0 }, { kind: 'credit_note', id: 'cn_1', cents: 0, refunded: 0 }), 0],
    ['a lost dispute', apply({ kind: 'dispute', id: 'dp_1', cents: 30_000 }), 30_000],
    ['more than the total', apply({ kind: 'dispute', id: 'dp_1', cents: 30_000 }, { kind: 'charge', id: 'pi_1', cents: 30_000 }), 30_000],
  ])('%s', (_what, a, want) => {
    expect(creditedCents(a, 30_000)).toBe(want);
  });

  it('goes out on the invoice line: in part, paid with credited_cents; in full, void without its payment', () => {
    expect(creditedLines(paid, 0, 1003)).toBe(paid);
    const part = creditedLines(paid, 10_000, 2005);
    expect(part[0]).toMatchObject({ version: 2005, data: { status: 'paid', credited_cents: 10_000 } });
    expect(part[1]).toBe(paid[1]);
    const all = creditedLines(paid, 30_000, 2005);
    expect(all).toEqual([{ ...paid[0], version: 2005, data: { ...paid[0].data, status: 'void', balance_cents: 0, paid_at: null, credited_cents: 30_000 } }]);
  });

  it('is sent above the invoice’s own version and above the last one sent', () => {
    expect(adjustmentVersion(200, 1003)).toBe(2005);
    expect(adjustmentVersion(100, 1005)).toBe(1006);
  });
});
