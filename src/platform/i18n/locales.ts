/**
 * The languages Partnergate speaks and how the reader's language is chosen. Pure: no I/O.
 *
 * The reader's language wins, in this order: the person's own choice (their account page), else their
 * organization's default, else what the client asks for (OAuth's `ui_locales` on the sign-in and consent
 * pages, then the browser's `Accept-Language`), else English.
 *
 * Two pseudo-locales exist for testing, never offered in a picker: `en-XA` (every message accented, about
 * 40 % longer and in brackets, so a word that does not come from a catalog stands out) and `en-XB` (every
 * message mirrored and written right to left, to check the layout mirrors). Both format numbers and dates
 * as English does.
 */
import { match } from '@formatjs/intl-localematcher';
import Negotiator from 'negotiator';

/** The languages people can choose, by their BCP 47 tag; English is the source language. */
export const LANGUAGES = ['en', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

export const PSEUDO_LOCALES = ['en-XA', 'en-XB'] as const;
export type PseudoLocale = (typeof PSEUDO_LOCALES)[number];

/** A locale a catalog exists for: a language or a pseudo-locale. */
export type Locale = Language | PseudoLocale;

export const DEFAULT_LOCALE: Language = 'en';

/** Each language named in itself, as a picker shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', de: 'Deutsch' };

const ALL: readonly string[] = [...LANGUAGES, ...PSEUDO_LOCALES];

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && ALL.includes(v);
}

/** Writing direction: the right-to-left pseudo-locale (and any right-to-left language added later). */
export function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return locale === 'en-XB' ? 'rtl' : 'ltr';
}

/** The locale `Intl` formats numbers, money and dates in: a pseudo-locale formats as English. */
export function formattingLocale(locale: Locale): string {
  return (PSEUDO_LOCALES as readonly string[]).includes(locale) ? 'en' : locale;
}

/** Accept-Language → the tags it asks for, most wanted first (`*` and malformed entries dropped). */
export function acceptedLanguages(header: string | undefined | null): string[] {
  if (!header) return [];
  const tags = new Negotiator({ headers: { 'accept-language': header } }).languages();
  return tags.filter((t) => t !== '*' && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(t));
}

/**
 * The best catalog for a list of requested tags, most wanted first (e.g. `fr-CA` → `fr`, `de-AT` → `de`),
 * or null when none fits. Pseudo-locales are matched only exactly.
 */
export function bestLocale(requested: readonly string[]): Locale | null {
  for (const tag of requested) {
    if (isLocale(tag)) return tag;
    const m = match([tag], LANGUAGES, '__none__', { algorithm: 'lookup' });
    if (m !== '__none__' && isLanguage(m)) return m;
  }
  return null;
}

export interface LocaleSources {
  /** the person's own choice, when they made one */
  person?: string | null;
  /** their organization's default (a tenant's or a partner's) */
  organization?: string | null;
  /** OAuth `ui_locales`: space-separated tags, most wanted first (OpenID Connect Core §3.1.2.1) */
  uiLocales?: string | null;
  /** the browser's Accept-Language header */
  acceptLanguage?: string | null;
}

/** The reader's locale: the first source, in the order above, that names a locale Partnergate has. */
export function negotiateLocale(s: LocaleSources): Locale {
  if (isLocale(s.person)) return s.person;
  if (isLocale(s.organization)) return s.organization;
  const fromUi = s.uiLocales ? bestLocale(s.uiLocales.split(/\s+/).filter(Boolean)) : null;
  if (fromUi) return fromUi;
  return bestLocale(acceptedLanguages(s.acceptLanguage)) ?? DEFAULT_LOCALE;
}
