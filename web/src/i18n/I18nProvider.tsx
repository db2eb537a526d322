/**
 * The portal in the reader's language: the server says which (/me: the person's choice, else their
 * organization's, else the browser's); before sign-in the browser's languages decide. The catalog of that
 * language is loaded on its own (one file per language, only the one needed), then react-intl formats
 * every message; `<html lang dir>` and Mantine's direction follow, so a right-to-left language mirrors
 * the layout. The formatters of ../components/format.ts format in the same language.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { IntlProvider, type MessageFormatElement } from 'react-intl';
import { setFormatLocale } from '../components/format.ts';
import { setRequestLanguage } from '../api/index.ts';
import { useSession } from '../session/SessionContext.tsx';
import { browserLocale, directionOf, formattingLocale, isLocale, type Locale } from './locales.ts';

/** id → the message's syntax tree (the build parses the catalogs: web/vite.config.ts) */
type Catalog = Record<string, MessageFormatElement[]>;
/** Each catalog on its own, parsed at build time (web/vite.config.ts: `virtual:messages/<locale>`). */
const catalogs: Record<Locale, () => Promise<{ default: Catalog }>> = {
  en: () => import('virtual:messages/en'),
  fr: () => import('virtual:messages/fr'),
  de: () => import('virtual:messages/de'),
  'en-XA': () => import('virtual:messages/en-XA'),
  'en-XB': () => import('virtual:messages/en-XB'),
};

async function loadCatalog(locale: Locale): Promise<Catalog> {
  return (await catalogs[locale]()).default;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const wanted: Locale = isLocale(me?.locale?.current) ? me.locale.current : browserLocale();
  const [loaded, setLoaded] = useState<{ locale: Locale; messages: Catalog } | null>(null);

  useEffect(() => {
    let live = true;
    const done = (messages: Catalog) => {
      if (!live) return;
      // before the portal renders in it: Mantine reads the direction from <html dir> when it mounts
      document.documentElement.lang = wanted;
      document.documentElement.dir = directionOf(wanted);
      setFormatLocale(formattingLocale(wanted));
      setRequestLanguage(wanted);
      setLoaded({ locale: wanted, messages });
    };
    // a catalog that cannot load (an old tab after a release): the English source texts in the code
    loadCatalog(wanted).then(done, () => done({}));
    return () => {
      live = false;
    };
  }, [wanted]);

  // the catalog is a few kilobytes and comes with /me: nothing to show for that moment
  if (!loaded) return <div aria-busy="true" />;
  return (
    <IntlProvider key={loaded.locale} locale={formattingLocale(loaded.locale)} messages={loaded.messages} defaultLocale="en" onError={reportMissing}>
      {children}
    </IntlProvider>
  );
}

/** A message missing from a catalog shows its English text; the catalog test keeps that from shipping. */
function reportMissing(err: Error & { code?: string }): void {
  if (err.code === 'MISSING_TRANSLATION') return;
  console.error(err);
}
