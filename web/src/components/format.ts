/**
 * The portal's one formatter: money, numbers, percentages, dates and periods read the same on
 * every page, and lists sort the same way (a missing figure goes last, whichever the direction).
 * Money arrives as integer minor units with its currency; `null` means "not known or not yours to
 * see" and reads as a dash, never as 0.
 *
 * Everything formats in the reader's language (i18n/I18nProvider.tsx sets it once the catalog is loaded):
 * "1 234,56 €" and "28/11/2026" for a French reader, "€1,234.56" and "Nov 28, 2026" for an English one, in
 * the browser's time zone.
 */

import { createIntl, type IntlShape } from 'react-intl';
import { defineMessages, type Message } from '../i18n/define.ts';

let formatLocale: string | undefined;

const m = defineMessages({
  justNow: { id: 'components.format.just_now', defaultMessage: 'just now' },
  minutesAgo: { id: 'components.format.minutes_ago', defaultMessage: '{count, plural, one {# minute ago} other {# minutes ago}}' },
  hoursAgo: { id: 'components.format.hours_ago', defaultMessage: '{count, plural, one {# hour ago} other {# hours ago}}' },
  daysAgo: { id: 'components.format.days_ago', defaultMessage: '{count, plural, one {# day ago} other {# days ago}}' },
  originLink: { id: 'components.format.origin.link', defaultMessage: 'Access link' },
  originConsent: { id: 'components.format.origin.consent', defaultMessage: 'App consent' },
  originWholesale: { id: 'components.format.origin.wholesale', defaultMessage: 'Wholesale' },
  delegatedLabel: { id: 'components.format.capability.delegated', defaultMessage: 'Delegated' },
  delegatedDescription: { id: 'components.format.capability.delegated.description', defaultMessage: 'Acts for customers who consent; the customer is billed.' },
  wholesaleLabel: { id: 'components.format.capability.wholesale', defaultMessage: 'Wholesale' },
  wholesaleDescription: { id: 'components.format.capability.wholesale.description', defaultMessage: 'Resells: owns end-customer accounts and is billed itself.' },
  managedServicesLabel: { id: 'components.format.capability.managed_services', defaultMessage: 'Managed services' },
  managedServicesDescription: { id: 'components.format.capability.managed_services.description', defaultMessage: 'MSP or enterprise HQ managing many tenants.' },
  referralLabel: { id: 'components.format.capability.referral', defaultMessage: 'Referral' },
  referralDescription: { id: 'components.format.capability.referral.description', defaultMessage: 'Partner program: referral codes and earnings only.' },
});

/** English until the portal's language is known (the messages' own English texts). */
let formatIntl: IntlShape = createIntl({ locale: 'en', defaultLocale: 'en', messages: {} });

/**
 * The portal's react-intl formatter, for the plain functions below and beside this file that return words and
 * are called outside components (main.tsx sets it inside the IntlProvider, before the pages render).
 */
export function setFormatIntl(intl: IntlShape): void {
  formatIntl = intl;
}

/** A message in the portal's language, for code that has no `useIntl()` at hand. */
export function say(message: Message, values?: Record<string, string | number>): string {
  return formatIntl.formatMessage(message, values);
}

/** The language every formatter below uses when not given one (the portal's language). */
export function setFormatLocale(locale: string | undefined): void {
  formatLocale = locale;
}

function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 123456, 'EUR' → "€1,234.56": always the currency's own decimals (2 for EUR, 0 for JPY). */
export function formatMoney(minor: number | null | undefined, currency: string | null | undefined, locale: string | undefined = formatLocale): string {
  if (minor === null || minor === undefined || Number.isNaN(minor)) return '—';
  const cur = currency || 'USD';
  const digits = fractionDigits(cur);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: cur, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${cur}`;
  }
}

/** A major-unit amount (12.5 EUR, as a chart holds it) with the currency's decimals: "€12.50". */
export function formatMajor(major: number | null | undefined, currency: string | null | undefined, locale: string | undefined = formatLocale): string {
  if (major === null || major === undefined || Number.isNaN(major)) return '—';
  const digits = fractionDigits(currency || 'USD');
  return formatMoney(Math.round(major * 10 ** digits), currency, locale);
}

/** A short money label for chart axes only ("€1.2K"); tables and totals use formatMoney. */
export function formatMoneyShort(minor: number, currency: string, locale: string | undefined = formatLocale): string {
  const digits = fractionDigits(currency);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(minor / 10 ** digits);
  } catch {
    return formatMoney(minor, currency, locale);
  }
}

/** 12345 → "12,345"; a missing count reads as a dash. */
export function formatNumber(n: number | null | undefined, locale: string | undefined = formatLocale): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString(locale);
}

/** 99.456 → "99.5%" in English, "99,5 %" in French (one decimal; the language's own sign and spacing). */
export function formatPct(p: number | null | undefined, locale: string | undefined = formatLocale): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(p / 100);
}

/**
 * A percentage given in percent units (99.5 → "99.5%" in English, "99,5 %" in French and German): the
 * language's own decimal sign, percent sign and spacing, never a number glued to " %" by hand.
 * `min`/`max`: the decimals shown (an SLA of 99.95 keeps both; a progress of 40 shows none).
 */
export function formatPercent(p: number | null | undefined, digits: { min?: number; max?: number } = {}, locale: string | undefined = formatLocale): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  const max = digits.max ?? 3;
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: Math.min(digits.min ?? 0, max), maximumFractionDigits: max }).format(p / 100);
}

/** Two decimals, always: an achieved availability in a table ("99.50%" beside "99.95%"). */
export const PCT2 = { min: 2, max: 2 } as const;

/** "2026-10" → "Oct 2026" */
export function formatPeriod(period: string, locale: string | undefined = formatLocale): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleDateString(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/**
 * Compare two values for a sorted list with missing ones (null, undefined, NaN, '') last in both
 * directions: sorting by "overdue" descending puts the largest first and customers without figures
 * at the end, not at the top.
 */
export function compareMissingLast<T extends string | number | null | undefined>(a: T, b: T, desc = false): number {
  const missing = (v: T) => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
  const ma = missing(a);
  const mb = missing(b);
  if (ma || mb) return ma === mb ? 0 : ma ? 1 : -1;
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
  return desc ? -c : c;
}

/**
 * Whether an agreement (or anything with a start and an optional end) is in force at `now`: from
 * its start day on, not before — and until its end, when it has one.
 */
export function inForce(startsAt: string | null | undefined, endsAt: string | null | undefined, now: Date = new Date()): boolean {
  if (!startsAt) return false;
  const start = new Date(startsAt).getTime();
  if (Number.isNaN(start) || now.getTime() < start) return false;
  if (endsAt) {
    const end = new Date(endsAt).getTime();
    if (!Number.isNaN(end) && now.getTime() >= end) return false;
  }
  return true;
}

export function formatDateTime(iso: string | null | undefined, locale: string | undefined = formatLocale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string | null | undefined, locale: string | undefined = formatLocale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(locale, { dateStyle: 'medium' });
}

export function capabilityLabel(c: string): string {
  return CAPABILITY_INFO[c]?.label ?? c;
}

/** A capability's words, read in the portal's language each time they are used. */
function capability(label: Message, description: Message): { label: string; description: string } {
  return {
    get label() {
      return say(label);
    },
    get description() {
      return say(description);
    },
  };
}

export const CAPABILITY_INFO: Record<string, { label: string; description: string }> = {
  delegated: capability(m.delegatedLabel, m.delegatedDescription),
  wholesale: capability(m.wholesaleLabel, m.wholesaleDescription),
  managed_services: capability(m.managedServicesLabel, m.managedServicesDescription),
  referral: capability(m.referralLabel, m.referralDescription),
};

/** "Acme Fiber" → "acme-fiber" */
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}

/** How a partner's access to a tenant came about, in words. */
export function originLabel(origin: string): string {
  const message = ({ link: m.originLink, consent: m.originConsent, wholesale: m.originWholesale } as Record<string, Message>)[origin];
  return message ? say(message) : origin;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago", else the date. */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return say(m.justNow);
  const min = Math.round(s / 60);
  if (min < 60) return say(m.minutesAgo, { count: min });
  const h = Math.round(min / 60);
  if (h < 24) return say(m.hoursAgo, { count: h });
  const d = Math.round(h / 24);
  if (d < 7) return say(m.daysAgo, { count: d });
  return formatDate(iso);
}
