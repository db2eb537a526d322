/**
 * The portal's catalogs, one download per language, only when needed. The provider loads the reader's; a
 * page that writes something for another audience (the embed code, in the language of the site it goes on)
 * loads that language's with `useIntlIn`.
 */
import { useEffect, useState } from 'react';
import { createIntl, type IntlShape, type MessageFormatElement } from 'react-intl';
import { formattingLocale, type Locale } from './locales.ts';

/** id → the message's syntax tree (the build parses the catalogs: web/vite.config.ts) */
export type Catalog = Record<string, MessageFormatElement[]>;
/** Each catalog on its own, parsed at build time (web/vite.config.ts: `virtual:messages/<locale>`). */
const catalogs: Record<Locale, () => Promise<{ default: Catalog }>> = {
  en: () => import('virtual:messages/en'),
  fr: () => import('virtual:messages/fr'),
  de: () => import('virtual:messages/de'),
  'en-XA': () => import('virtual:messages/en-XA'),
  'en-XB': () => import('virtual:messages/en-XB'),
};

export async function loadCatalog(locale: Locale): Promise<Catalog> {
  return (await catalogs[locale]()).default;
}

/** Messages formatted in `locale` (not the reader's): null until its catalog has come. */
export function useIntlIn(locale: Locale): IntlShape | null {
  const [intl, setIntl] = useState<{ locale: Locale; intl: IntlShape } | null>(null);
  useEffect(() => {
    let live = true;
    const done = (messages: Catalog) => {
      // a message the catalog lacks is said in English (its source text), quietly: the catalog test keeps that from shipping
      if (live) setIntl({ locale, intl: createIntl({ locale: formattingLocale(locale), messages, defaultLocale: 'en', onError: () => undefined }) });
    };
    loadCatalog(locale).then(done, () => done({}));
    return () => {
      live = false;
    };
  }, [locale]);
  return intl?.locale === locale ? intl.intl : null;
}
