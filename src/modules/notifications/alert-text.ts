/**
 * What an alert says, in the reader's language, from what the alerts module stores: its kind, its severity
 * and its figures (`facts`), never an English sentence. The notices (notification-text.ts) and the alerts
 * inbox (modules/alerts, which depends on this module, not the other way) both say an alert this way.
 * An alert stored before its figures were kept has only its English sentence: that is shown as it is.
 *
 * English writes money and dates as it always did (`EUR 1,234.56`, `2026-11-28`); the other languages as
 * they write them (`1 234,56 €`, `28/11/2026`).
 */
import { intlFor, say, type IntlShape } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../../platform/i18n/locales.ts';
import { am } from './alert-text.messages.ts';

/** The figures of an alert, by kind (stored as JSON beside the alert and carried in its events). */
export type AlertFacts =
  | { kind: 'sla_breach'; period: string; achieved_pct: number; committed_pct: number; downtime_minutes: number; incidents: number }
  | { kind: 'receivables_threshold'; owed_cents: number; limit_cents: number; currency: string }
  | { kind: 'invoice_overdue'; number: string; amount_cents: number; currency: string; due: string };

export interface AlertLike {
  kind: string;
  severity: string;
  /** the figures: an object, its JSON, or null for an alert stored before they were kept */
  facts: AlertFacts | string | null | undefined;
  /** the English sentence stored with the alert */
  message: string;
}

/** The figures of an alert as stored (JSON text) or given, or null when they are missing or unreadable. */
export function factsOf(f: AlertFacts | string | null | undefined): AlertFacts | null {
  if (f === null || f === undefined) return null;
  if (typeof f !== 'string') return f;
  try {
    const v = JSON.parse(f) as AlertFacts;
    return v && typeof v === 'object' && typeof v.kind === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Money as the alerts always wrote it in English (`EUR 1,234.56`), else as the language writes it. */
export function alertMoney(locale: Locale, cents: number, currency: string): string {
  if (locale !== 'fr' && locale !== 'de') return `${currency} ${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

function pct(intl: IntlShape, locale: Locale, v: number): string {
  return locale === 'fr' || locale === 'de' ? intl.formatNumber(v / 100, { style: 'percent', maximumFractionDigits: 3 }) : `${v}%`;
}

function date(intl: IntlShape, locale: Locale, iso: string): string {
  return locale === 'fr' || locale === 'de' ? intl.formatDate(iso, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }) : iso.slice(0, 10);
}

function detailOf(intl: IntlShape, locale: Locale, f: AlertFacts): string {
  switch (f.kind) {
    case 'sla_breach':
      return say(intl, am.sla, {
        period: f.period,
        achieved: pct(intl, locale, f.achieved_pct),
        committed: pct(intl, locale, f.committed_pct),
        downtime: locale === 'fr' || locale === 'de' ? intl.formatNumber(f.downtime_minutes) : String(f.downtime_minutes),
        incidents: f.incidents,
      });
    case 'receivables_threshold':
      return say(intl, am.receivables, { owed: alertMoney(locale, f.owed_cents, f.currency), limit: alertMoney(locale, f.limit_cents, f.currency) });
    case 'invoice_overdue':
      return say(intl, am.overdue, { number: f.number, amount: alertMoney(locale, f.amount_cents, f.currency), due: date(intl, locale, f.due) });
  }
}

/** An alert's one-line title (the same when it is raised and when it is resolved) and its sentence with the figures. */
export function alertWords(locale: string | null | undefined, a: AlertLike, tenant: string): { title: string; detail: string } {
  const l: Locale = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const intl = intlFor(l);
  const facts = factsOf(a.facts);
  const title = say(intl, am.title, { severity: a.severity, kind: a.kind, tenant });
  return { title, detail: facts ? detailOf(intl, l, facts) : a.message };
}

/** What an alert says in place of its figures to a reader who may see the alert but not them. */
export function figuresHidden(locale: string | null | undefined): string {
  return say(intlFor(isLocale(locale) ? locale : DEFAULT_LOCALE), am.hidden);
}
