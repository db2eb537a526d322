/**
 * What was taken back of a Stripe invoice after it was issued, without I/O: refunds (by charge, as
 * `charge.refunded` states them, and one by one, as `refund.*` does), credit notes, and disputes lost.
 * Kept per invoice as one JSON record (stripe_objects.adjustments), each event replacing its own part,
 * so a redelivered or reordered event counts once. Refunds a credit note made are in the credit note's
 * total, so they are not counted twice.
 *
 * The invoice then goes out with `credited_cents` (at most its total): the invoice stays paid and the
 * referral commission shrinks in proportion; credited in full, a paid invoice is void (nothing left).
 */
import { REFUND_RANK, type StripeLine } from './stripe-map.ts';

export interface Adjustments {
  /** a charge's (or payment intent's) refunded amount, as charge.refunded says it (cumulative) */
  charges?: Record<string, number>;
  /** each refund's amount (0 once failed or canceled), as refund.* says it, with the charge it refunds */
  refunds?: Record<string, { charge: string | null; cents: number }>;
  /** each credit note's total (0 once void) and the part of it refunded */
  credit_notes?: Record<string, { cents: number; refunded: number }>;
  /** each dispute's amount once lost (0 when won) */
  disputes?: Record<string, number>;
}

export type AdjustmentChange =
  | { kind: 'charge'; id: string; cents: number }
  | { kind: 'refund'; id: string; charge: string | null; cents: number }
  | { kind: 'credit_note'; id: string; cents: number; refunded: number }
  | { kind: 'dispute'; id: string; cents: number };

export function readAdjustments(json: string | null | undefined): Adjustments {
  try {
    return json ? (JSON.parse(json) as Adjustments) : {};
  } catch {
    return {};
  }
}

/** The record with one event's part replaced. */
export function withChange(a: Adjustments, c: AdjustmentChange): Adjustments {
  switch (c.kind) {
    case 'charge':
      return { ...a, charges: { ...a.charges, [c.id]: Math.max(c.cents, a.charges?.[c.id] ?? 0) } };
    case 'refund':
      return { ...a, refunds: { ...a.refunds, [c.id]: { charge: c.charge, cents: c.cents } } };
    case 'credit_note':
      return { ...a, credit_notes: { ...a.credit_notes, [c.id]: { cents: c.cents, refunded: c.refunded } } };
    case 'dispute':
      return { ...a, disputes: { ...a.disputes, [c.id]: c.cents } };
  }
}

const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);

/** How much of an invoice's total was taken back: credit notes, refunds they did not make, lost disputes; at most the total. */
export function creditedCents(a: Adjustments, totalCents: number): number {
  // refunds per charge: the larger of what the charge says and what its refunds one by one add up to
  const byCharge = new Map<string, number>(Object.entries(a.charges ?? {}));
  let loose = 0;
  const oneByOne = new Map<string, number>();
  for (const r of Object.values(a.refunds ?? {})) {
    if (r.charge) oneByOne.set(r.charge, (oneByOne.get(r.charge) ?? 0) + r.cents);
    else loose += r.cents;
  }
  for (const [c, n] of oneByOne) byCharge.set(c, Math.max(byCharge.get(c) ?? 0, n));
  const refunds = sum([...byCharge.values()]) + loose;
  const notes = Object.values(a.credit_notes ?? {});
  const credited = sum(notes.map((n) => n.cents)) + Math.max(0, refunds - sum(notes.map((n) => n.refunded))) + sum(Object.values(a.disputes ?? {}));
  return Math.max(0, Math.min(totalCents, credited));
}

/**
 * An invoice's lines as Stripe stated them, with what was taken back: `credited_cents` on the invoice
 * line; a paid invoice credited in full is void (nothing owed, nothing paid) and its payment line goes.
 * `version`: the version to send the invoice line with (a refund's is above the payment it undoes).
 */
export function creditedLines(lines: StripeLine[], credited: number, version: number): StripeLine[] {
  const inv = lines.find((l) => l.kind === 'invoice');
  if (!inv) return lines;
  const total = Number(inv.data.total_cents);
  if (credited <= 0) return version === inv.version ? lines : lines.map((l) => (l === inv ? { ...l, version } : l));
  if (inv.data.status === 'paid' && credited >= total) return [{ ...inv, version, data: { ...inv.data, status: 'void', balance_cents: 0, paid_at: null, credited_cents: total } }];
  return lines.map((l) => (l === inv ? { ...l, version, data: { ...l.data, credited_cents: Math.min(credited, total) } } : l));
}

/** The version an adjustment made at `atSec` is sent with: above the invoice's own, and above the last one sent. */
export function adjustmentVersion(atSec: number, lastVersion: number): number {
  return Math.max(atSec * 10 + REFUND_RANK, lastVersion + 1);
}
