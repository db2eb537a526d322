/**
 * The languages the portal speaks (the server's platform/i18n/locales.ts is the reference; the catalogs in
 * ./messages are the proof) and the two pseudo-locales the browser tests read it in: `en-XA` (accented,
 * 40 % longer, bracketed) and `en-XB` (mirrored, right to left). Both format numbers and dates as English.
 */
export const LANGUAGES = ['en', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const PSEUDO_LOCALES = ['en-XA', 'en-XB'] as const;
export type Locale = Language | (typeof PSEUDO_LOCALES)[number];

/** Each language named in itself, as the language picker shows it (not translated on purpose). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', de: 'Deutsch' };

const ALL: readonly string[] = [...LANGUAGES, ...PSEUDO_LOCALES];

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && ALL.includes(v);
}

export function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return locale === 'en-XB' ? 'rtl' : 'ltr';
}

/** The locale Intl formats in: a pseudo-locale formats as English. */
export function formattingLocale(locale: Locale): string {
  return (PSEUDO_LOCALES as readonly string[]).includes(locale) ? 'en' : locale;
}

/** The browser's languages, most wanted first → the first the portal has (fr-CA → fr), else English. */
export function browserLocale(tags: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages): Locale {
  for (const tag of tags) {
    if (isLocale(tag)) return tag;
    const base = tag.split('-')[0]?.toLowerCase();
    if (isLocale(base)) return base;
  }
  return 'en';
}

const CHOICE_KEY = 'partnergate.locale';

/** The language chosen on a page before signing in (kept in this browser), or null. */
export function storedLocale(): Locale | null {
  try {
    const v = window.localStorage.getItem(CHOICE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    // storage refused (a private window's settings): the browser's languages decide
    return null;
  }
}

export function storeLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(CHOICE_KEY, locale);
  } catch {
    // not kept past this page: the choice still holds until it reloads
  }
}
