import { describe, expect, it } from 'vitest';
import { planTenant, type PlanInput, type PlanInvoice, type PlanLine } from './earnings-plan.ts';

const T = 'tnt_1';
const terms = { agreement_id: 'agr_1', percent_bps: 1_000, bounty_minor: 5_000, currency: 'EUR' };
const inv = (id: string, month: string, base: number, currency = 'EUR'): PlanInvoice => ({ id, number: `N-${id}`, month, paid_at: `${month}-10T00:00:00.000Z`, base, currency });
const line = (p: Partial<PlanLine> & Pick<PlanLine, 'id' | 'kind' | 'period' | 'state'>, invoices: PlanInvoice[] = []): PlanLine => ({
  source_key: `${T}:${p.period}:0`,
  agreement_id: 'agr_1',
  base_minor: invoices.reduce((s, i) => s + i.base, 0),
  amount_minor: 0,
  currency: 'EUR',
  clawback_of: null,
  refund_invoice_id: null,
  invoices: invoices.map((i) => ({ invoice_id: i.id, invoice_number: i.number, paid_at: i.paid_at, base_minor: i.base })),
  ...p,
});
const plan = (p: Partial<PlanInput>) =>
  planTenant({ tenantId: T, months: 'all', invoices: [], lines: [], terms: () => terms, rateOf: () => 1_000, bountyInvoices: null, ...p });

describe('earnings plan: one line per tenant per month of payment', () => {
  it('sums the month’s paid invoices and rounds once, on the sum', () => {
    // 10 % of 5.05 + 5.05 = 1.01 (per invoice: 0.51 + 0.51 = 1.02)
    const r = plan({ invoices: [inv('a', '2026-01', 505), inv('b', '2026-01', 505), inv('c', '2026-02', 1_000), inv('d', '2026-02', 999, 'USD')] });
    expect(r.insert.map((l) => [l.kind, l.period, l.base_minor, l.amount_minor, l.invoices.length, l.source_key])).toEqual([
      ['commission', '2026-01', 1_010, 101, 2, `${T}:2026-01:0`],
      ['commission', '2026-02', 1_000, 100, 1, `${T}:2026-02:0`],
    ]);
  });

  it('changes nothing when the lines match the invoices', () => {
    const a = inv('a', '2026-01', 505);
    expect(plan({ invoices: [a], lines: [line({ id: 'e1', kind: 'commission', period: '2026-01', state: 'approved', amount_minor: 51 }, [a])] })).toEqual({ insert: [], update: [], reverse: [] });
  });

  it('recomputes an open line after a refund, and reverses it when nothing is left', () => {
    const [a, b] = [inv('a', '2026-01', 1_000), inv('b', '2026-01', 2_000)];
    const open = line({ id: 'e1', kind: 'commission', period: '2026-01', state: 'approved', amount_minor: 300 }, [a, b]);
    expect(plan({ invoices: [b], lines: [open] }).update).toEqual([{ id: 'e1', period: '2026-01', agreement_id: 'agr_1', base_minor: 2_000, amount_minor: 200, invoices: [expect.objectContaining({ invoice_id: 'b' })] }]);
    expect(plan({ invoices: [], lines: [open] })).toEqual({ insert: [], update: [], reverse: ['e1'] });
  });

  it('claws back a refund after payment (telescoping, so the month nets to the commission on what is still paid)', () => {
    const [a, b, c] = [inv('a', '2026-01', 1_005), inv('b', '2026-01', 1_005), inv('c', '2026-01', 1_000)];
    const paid = line({ id: 'e1', kind: 'commission', period: '2026-01', state: 'paid', amount_minor: 301 }, [a, b, c]); // 10 % of 30.10
    const r = plan({ invoices: [c], lines: [paid] });
    expect(r.insert.map((l) => [l.kind, l.source_key, l.refund_invoice_id, l.base_minor, l.amount_minor, l.clawback_of])).toEqual([
      ['clawback', 'e1:a:0', 'a', -1_005, 201 - 301, 'e1'], // 30.10 → 20.05: 2.01 − 3.01
      ['clawback', 'e1:b:0', 'b', -1_005, 100 - 201, 'e1'], // 20.05 → 10.00
    ]);
    expect(301 + r.insert.reduce((s, l) => s + l.amount_minor, 0)).toBe(100);
    // once written, a re-run changes nothing
    const claws = r.insert.map((l, i) => line({ ...l, id: `c${i}`, state: 'pending' }));
    expect(plan({ invoices: [c], lines: [paid, ...claws] })).toEqual({ insert: [], update: [], reverse: [] });
    // an invoice paid again before its clawback is paid: the clawback is reversed
    expect(plan({ invoices: [a, c], lines: [paid, ...claws] }).reverse).toEqual(['c0']);
  });

  it('claws back in proportion what was refunded in part after payment; more refunded, more clawed; undone, the clawback goes', () => {
    const a = inv('a', '2026-01', 25_000);
    const paid = line({ id: 'e1', kind: 'commission', period: '2026-01', state: 'paid', amount_minor: 2_500 }, [a]);
    // half of it refunded: its base is 12,500 now
    const half = plan({ invoices: [{ ...a, base: 12_500 }], lines: [paid] });
    expect(half.insert.map((l) => [l.kind, l.source_key, l.refund_invoice_id, l.base_minor, l.amount_minor])).toEqual([['clawback', 'e1:a:0', 'a', -12_500, -1_250]]);
    const c0 = line({ ...half.insert[0], id: 'c0', state: 'pending' });
    expect(plan({ invoices: [{ ...a, base: 12_500 }], lines: [paid, c0] })).toEqual({ insert: [], update: [], reverse: [] });
    // more refunded (base 5,000): a second clawback for the difference; the line and its clawbacks net to 10 % of 5,000
    const more = plan({ invoices: [{ ...a, base: 5_000 }], lines: [paid, c0] });
    expect(more.insert.map((l) => [l.source_key, l.base_minor, l.amount_minor])).toEqual([['e1:a:1', -7_500, -750]]);
    expect(2_500 - 1_250 - 750).toBe(500);
    // all of it refunded (no longer paid): the rest
    expect(plan({ invoices: [], lines: [paid, c0] }).insert.map((l) => [l.base_minor, l.amount_minor])).toEqual([[-12_500, -1_250]]);
    // the refund undone (a dispute won) before the clawback is paid: it is reversed, nothing else
    expect(plan({ invoices: [a], lines: [paid, c0] })).toEqual({ insert: [], update: [], reverse: ['c0'] });
    // once the clawback is paid, undoing the refund does not pay it back, nor earn the invoice anew
    const settled = line({ ...half.insert[0], id: 'c0', state: 'paid' });
    expect(plan({ invoices: [a], lines: [paid, settled] })).toEqual({ insert: [], update: [], reverse: [] });
  });

  it('a new payment in a month whose line is paid starts a second line', () => {
    const [a, b] = [inv('a', '2026-01', 1_000), inv('b', '2026-01', 2_000)];
    const paid = line({ id: 'e1', kind: 'commission', period: '2026-01', state: 'paid', amount_minor: 100 }, [a]);
    expect(plan({ invoices: [a, b], lines: [paid] }).insert.map((l) => [l.source_key, l.amount_minor])).toEqual([[`${T}:2026-01:1`, 200]]);
  });

  it('a one-month run leaves other months alone', () => {
    const r = plan({ months: new Set(['2026-02']), invoices: [inv('c', '2026-02', 1_000)] });
    expect(r.insert.map((l) => l.period)).toEqual(['2026-02']);
  });

  it('no agreement in force: nothing accrues, an open line is reversed', () => {
    const a = inv('a', '2026-01', 1_000);
    expect(plan({ terms: () => null, invoices: [a], lines: [line({ id: 'e1', kind: 'commission', period: '2026-01', state: 'pending', amount_minor: 100 }, [a])] })).toEqual({ insert: [], update: [], reverse: ['e1'] });
  });
});

describe('earnings plan: the bounty', () => {
  const [a, b] = [inv('a', '2026-01', 1_000), inv('b', '2026-02', 1_000)];
  it('once, on the first eligible paid invoice', () => {
    const r = plan({ invoices: [], bountyInvoices: [b, a] });
    expect(r.insert.map((l) => [l.kind, l.period, l.amount_minor, l.invoices[0].invoice_id])).toEqual([['bounty', '2026-01', 5_000, 'a']]);
  });
  it('an open bounty moves to the next paid invoice when its own is refunded, and is reversed when none is left', () => {
    const open = line({ id: 'b1', kind: 'bounty', period: '2026-01', state: 'pending', amount_minor: 5_000, base_minor: 0, source_key: `${T}:0` }, [a]);
    expect(plan({ lines: [open], bountyInvoices: [b] }).update.map((u) => [u.id, u.period])).toEqual([['b1', '2026-02']]);
    expect(plan({ lines: [open], bountyInvoices: [] }).reverse).toEqual(['b1']);
  });
  it('a paid bounty stands while any invoice is paid; with none left it is clawed back', () => {
    const paid = line({ id: 'b1', kind: 'bounty', period: '2026-01', state: 'paid', amount_minor: 5_000, base_minor: 0, source_key: `${T}:0` }, [a]);
    expect(plan({ lines: [paid], bountyInvoices: [b] })).toEqual({ insert: [], update: [], reverse: [] });
    expect(plan({ lines: [paid], bountyInvoices: [] }).insert.map((l) => [l.kind, l.amount_minor, l.refund_invoice_id])).toEqual([['clawback', -5_000, 'a']]);
  });
});
