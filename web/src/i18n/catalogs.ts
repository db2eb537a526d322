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
type Part = () => Promise<{ default: Catalog }>;
/**
 * Each catalog on its own, parsed at build time, in two parts (web/vite.config.ts): the messages of the first
 * screens (the shell, the sign-in page, each persona's home) and the rest.
 */
const catalogs: Record<Locale, { first: Part; rest: Part }> = {
  en: { first: () => import('virtual:messages/en/first'), rest: () => import('virtual:messages/en/rest') },
  fr: { first: () => import('virtual:messages/fr/first'), rest: () => import('virtual:messages/fr/rest') },
  de: { first: () => import('virtual:messages/de/first'), rest: () => import('virtual:messages/de/rest') },
  'en-XA': { first: () => import('virtual:messages/en-XA/first'), rest: () => import('virtual:messages/en-XA/rest') },
  'en-XB': { first: () => import('virtual:messages/en-XB/first'), rest: () => import('virtual:messages/en-XB/rest') },
};

/** The messages the first screens use, in `locale`. */
export async function loadFirstCatalog(locale: Locale): Promise<Catalog> {
  return (await catalogs[locale].first()).default;
}

/** The rest of `locale`'s messages. */
export async function loadRestCatalog(locale: Locale): Promise<Catalog> {
  return (await catalogs[locale].rest()).default;
}

/** All of `locale`'s messages. */
export async function loadCatalog(locale: Locale): Promise<Catalog> {
  const [first, rest] = await Promise.all([loadFirstCatalog(locale), loadRestCatalog(locale)]);
  return { ...first, ...rest };
}

let markComplete: () => void = () => undefined;
const complete = new Promise<void>((resolve) => {
  markComplete = resolve;
});

/** Said by the provider once the portal speaks from the reader's whole catalog (it stays whole from then on). */
export function catalogIsComplete(): void {
  markComplete();
}

/**
 * A page outside the first screens (routes.tsx): its chunk and the rest of the reader's catalog, fetched side by
 * side, so the page never shows before its words. The build leaves the messages of a module loaded this way out
 * of the catalog's first part (web/vite.config.ts reads the `afterCatalog(import('…'))` in the source).
 */
export function afterCatalog<T>(chunk: Promise<T>): Promise<T> {
  return Promise.all([chunk, complete]).then(([m]) => m);
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
