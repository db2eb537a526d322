/**
 * Words the server writes for people — sign-in, consent and SSO pages, e-mails, notices, PDF statements,
 * CSV headings, problem titles — in the reader's language, through FormatJS (`@formatjs/intl`, the engine
 * under react-intl: ICU messages with plurals, selects and formatted arguments).
 *
 * Messages are declared where they are used with `defineMessages({ key: { id, defaultMessage } })`; the
 * English `defaultMessage` is the source text. `npm run i18n` extracts every id into
 * `messages/en.json`, writes the pseudo-locales, and the catalog test holds the other languages to the
 * same ids and placeholders. A catalog is read from disk the first time its locale is asked for.
 */
import { readFileSync } from 'node:fs';
import { createIntl, createIntlCache, defineMessages, type IntlShape, type MessageDescriptor } from '@formatjs/intl';
import { DEFAULT_LOCALE, directionOf, formattingLocale, isLocale, type Locale } from './locales.ts';

export { defineMessages, type IntlShape, type MessageDescriptor };

const cache = createIntlCache();
const intls = new Map<Locale, IntlShape>();

/** The catalog of a locale: id → ICU message. */
export function readCatalog(locale: Locale): Record<string, string> {
  return JSON.parse(readFileSync(new URL(`./messages/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;
}

/**
 * The formatter of a locale. A message missing from a catalog falls back to its English source text (the
 * catalog test keeps that from shipping); a pseudo-locale formats numbers and dates as English.
 */
export function intlFor(locale: string | null | undefined): IntlShape {
  const l: Locale = isLocale(locale) ? locale : DEFAULT_LOCALE;
  let intl = intls.get(l);
  if (intl === undefined) {
    const messages = readCatalog(l);
    intl = createIntl(
      {
        // react-intl's formatters read the locale for plural rules and number/date formats; the messages are the catalog's
        locale: formattingLocale(l),
        defaultLocale: DEFAULT_LOCALE,
        messages,
        // Missing translations fall back to the source text; nothing is printed on every request.
        onError: () => {},
        onWarn: () => {},
      },
      cache,
    );
    intls.set(l, intl);
  }
  return intl;
}

/** `<html lang dir>` for a server-rendered page in a locale. */
export function htmlLangAttributes(locale: Locale): { lang: string; dir: 'ltr' | 'rtl' } {
  return { lang: locale, dir: directionOf(locale) };
}

/** A message as plain text in a formatter's language (values are inserted as they are: escape for HTML yourself). */
export function say(intl: IntlShape, msg: MessageDescriptor, values?: Record<string, string | number | Date>): string {
  return intl.formatMessage(msg, values);
}
