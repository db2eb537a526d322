/** Money, months and states of the partner program in words. Amounts arrive as integer minor units. */
import type { IntlShape } from 'react-intl';
import type { Commission, EarningState } from '../../api/program.ts';
import { defineMessages } from '../../i18n/define.ts';

// money from the portal's one formatter; toMinor below needs the currency's decimals too
import { formatDate, formatMoney, formatPeriod } from '../../components/format.ts';
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
  return formatPeriod(period);
}

/** '2026-03-01' → "Mar 1, 2026" (a calendar date, no time zone shift) */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  // local noon of that day: the same calendar day in every time zone, in the portal's language
  return formatDate(`${m[1]}-${m[2]}-${m[3]}T12:00:00`);
}

const stateMessages = defineMessages({
  pending: { id: 'program.earning_state.pending', defaultMessage: 'Pending approval' },
  approved: { id: 'program.earning_state.approved', defaultMessage: 'Approved, not paid yet' },
  paid: { id: 'program.earning_state.paid', defaultMessage: 'Paid' },
  reversed: { id: 'program.earning_state.reversed', defaultMessage: 'Reversed (refund)' },
});

/** An earning's state in words. */
export function stateLabel(intl: IntlShape, state: EarningState): string {
  return intl.formatMessage(stateMessages[state]);
}

export const STATE_COLORS: Record<EarningState, string> = {
  pending: 'yellow',
  approved: 'blue',
  paid: 'teal',
  reversed: 'gray',
};

const agreementStatusMessages = defineMessages({
  draft: { id: 'program.agreement_status.draft', defaultMessage: 'Waiting for signature' },
  signed: { id: 'program.agreement_status.signed', defaultMessage: 'Signed, waiting for approval' },
  approved: { id: 'program.agreement_status.approved', defaultMessage: 'In force' },
  superseded: { id: 'program.agreement_status.superseded', defaultMessage: 'Replaced by a newer version' },
});

const AGREEMENT_STATUS_COLORS: Record<string, string> = { draft: 'yellow', signed: 'blue', approved: 'teal', superseded: 'gray' };

/** An agreement's status in words and its badge colour; an unknown status reads as it came. */
export function agreementStatus(intl: IntlShape, status: string): { label: string; color: string } | undefined {
  if (!(status in AGREEMENT_STATUS_COLORS)) return undefined;
  return { label: intl.formatMessage(agreementStatusMessages[status as keyof typeof agreementStatusMessages]), color: AGREEMENT_STATUS_COLORS[status] };
}

const kindMessages = defineMessages({
  commission: { id: 'program.earning_kind.commission', defaultMessage: 'Commission' },
  bounty: { id: 'program.earning_kind.bounty', defaultMessage: 'Sign-up bounty' },
  clawback: { id: 'program.earning_kind.clawback', defaultMessage: 'Refund after payout' },
});

/** An earning's kind in words; an unknown kind reads as it came. */
export function kindLabel(intl: IntlShape, kind: string): string {
  return kind in kindMessages ? intl.formatMessage(kindMessages[kind as keyof typeof kindMessages]) : kind;
}

const m = defineMessages({
  lineClawback: { id: 'program.line.clawback', defaultMessage: 'Refund of invoice {invoice} after payout' },
  lineBounty: { id: 'program.line.bounty', defaultMessage: 'Sign-up bounty (first paid invoice)' },
  lineCommission: { id: 'program.line.commission', defaultMessage: 'Commission on {count, plural, one {# paid invoice} other {# paid invoices}}' },
  termsPercent: { id: 'program.commission.percent', defaultMessage: '{percent}% of each referred customer’s paid revenue for {months, plural, one {# month} other {# months}}' },
  termsBounty: { id: 'program.commission.bounty', defaultMessage: '{amount} for each qualified sign-up' },
  termsBoth: { id: 'program.commission.percent_and_bounty', defaultMessage: '{percent}, plus {bounty}' },
  termsNone: { id: 'program.commission.none', defaultMessage: 'No commission' },
  terms: { id: 'program.commission.sentence', defaultMessage: '{what}. Paid out once earnings reach {threshold}.' },
  seriesPending: { id: 'program.chart.pending', defaultMessage: 'Pending' },
  seriesApproved: { id: 'program.chart.approved', defaultMessage: 'Approved' },
  seriesPaid: { id: 'program.chart.paid', defaultMessage: 'Paid' },
});

/** What a line is, in words: "Commission on 2 invoices", "Refund of invoice INV-… after payout". */
export function lineWords(intl: IntlShape, e: { kind: string; invoice_count: number; refunded_invoice: { number: string } | null }): string {
  if (e.kind === 'clawback') return intl.formatMessage(m.lineClawback, { invoice: e.refunded_invoice?.number ?? '' });
  if (e.kind === 'bounty') return intl.formatMessage(m.lineBounty);
  return intl.formatMessage(m.lineCommission, { count: e.invoice_count });
}

/** The commission terms as one sentence. */
export function commissionWords(intl: IntlShape, c: Commission): string {
  const percent = c.percent_bps
    ? intl.formatMessage(m.termsPercent, { percent: intl.formatNumber(c.percent_bps / 100, { maximumFractionDigits: 2 }), months: c.months })
    : null;
  const bounty = c.bounty_minor ? intl.formatMessage(m.termsBounty, { amount: formatMoney(c.bounty_minor, c.currency) }) : null;
  const what = percent && bounty ? intl.formatMessage(m.termsBoth, { percent, bounty }) : (percent ?? bounty ?? intl.formatMessage(m.termsNone));
  return intl.formatMessage(m.terms, { what, threshold: formatMoney(c.payout_threshold_minor, c.currency) });
}

/** The summary's months as chart rows (amounts stay in minor units; the chart formats them). */
export function monthRows(byMonth: { month: string; pending_minor: number; approved_minor: number; paid_minor: number }[]) {
  return [...byMonth]
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((m) => ({ month: formatMonth(m.month), Pending: m.pending_minor, Approved: m.approved_minor, Paid: m.paid_minor }));
}

/** The chart's series (the rows' keys stay English; the legend and table read the labels). */
export function monthSeries(intl: IntlShape) {
  return [
    { name: 'Pending', label: intl.formatMessage(m.seriesPending), color: 'yellow.6' },
    { name: 'Approved', label: intl.formatMessage(m.seriesApproved), color: 'blue.6' },
    { name: 'Paid', label: intl.formatMessage(m.seriesPaid), color: 'teal.6' },
  ];
}
