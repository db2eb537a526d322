/** Money, months and states of the partner program in words. Amounts arrive as integer minor units. */
import type { Commission, EarningState } from '../../api/program.ts';

// money from the portal's one formatter; toMinor below needs the currency's decimals too
import { formatMoney } from '../../components/format.ts';
export { formatMoney, formatMoneyShort } from '../../components/format.ts';

function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Major units typed in a form ("12.50") → minor units (1250), or null when it is not an amount. */
export function toMinor(major: string | number, currency: string): number | null {
  const s = String(major).trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const digits = fractionDigits(currency);
  const [whole, frac = ''] = s.split('.');
  if (frac.length > digits) return null;
  return Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
}

/** '2026-03' → "Mar 2026" */
export function formatMonth(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleDateString(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** '2026-03-01' → "Mar 1, 2026" (a calendar date, no time zone shift) */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
}

export const STATE_LABELS: Record<EarningState, string> = {
  pending: 'Pending approval',
  approved: 'Approved, not paid yet',
  paid: 'Paid',
  reversed: 'Reversed (refund)',
};

export const STATE_COLORS: Record<EarningState, string> = {
  pending: 'yellow',
  approved: 'blue',
  paid: 'teal',
  reversed: 'gray',
};

export const AGREEMENT_STATUS: Record<string, { label: string; color: string }> = {
  draft: { label: 'Waiting for signature', color: 'yellow' },
  signed: { label: 'Signed, waiting for approval', color: 'blue' },
  approved: { label: 'In force', color: 'teal' },
  superseded: { label: 'Replaced by a newer version', color: 'gray' },
};

export const KIND_LABELS: Record<string, string> = { commission: 'Commission', bounty: 'Sign-up bounty', clawback: 'Refund after payout' };

/** What a line is, in words: "Commission on 2 invoices", "Refund of invoice INV-… after payout". */
export function lineWords(e: { kind: string; invoice_count: number; refunded_invoice: { number: string } | null }): string {
  if (e.kind === 'clawback') return `Refund of invoice ${e.refunded_invoice?.number ?? ''} after payout`;
  if (e.kind === 'bounty') return 'Sign-up bounty (first paid invoice)';
  return `Commission on ${e.invoice_count} paid invoice${e.invoice_count === 1 ? '' : 's'}`;
}

/** The commission terms as one sentence. */
export function commissionWords(c: Commission): string {
  const parts: string[] = [];
  if (c.percent_bps) parts.push(`${(c.percent_bps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })}% of each referred customer’s paid revenue for ${c.months} month${c.months === 1 ? '' : 's'}`);
  if (c.bounty_minor) parts.push(`${formatMoney(c.bounty_minor, c.currency)} for each qualified sign-up`);
  const what = parts.length ? parts.join(', plus ') : 'No commission';
  return `${what}. Paid out once earnings reach ${formatMoney(c.payout_threshold_minor, c.currency)}.`;
}

/** The summary's months as chart rows (amounts stay in minor units; the chart formats them). */
export function monthRows(byMonth: { month: string; pending_minor: number; approved_minor: number; paid_minor: number }[]) {
  return [...byMonth]
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((m) => ({ month: formatMonth(m.month), Pending: m.pending_minor, Approved: m.approved_minor, Paid: m.paid_minor }));
}

export const MONTH_SERIES = [
  { name: 'Pending', color: 'yellow.6' },
  { name: 'Approved', color: 'blue.6' },
  { name: 'Paid', color: 'teal.6' },
];
