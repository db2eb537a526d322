/**
 * The portal in the reader's language: the server says which (/me: the person's choice, else their
 * organization's, else the browser's); before sign-in the language chosen on the page (kept in this browser),
 * else the browser's languages decide. The catalog of that
 * language is loaded on its own (one file per language, only the one needed), then react-intl formats
 * every message; `<html lang dir>` and Mantine's direction follow, so a right-to-left language mirrors
 * the layout. The formatters of ../components/format.ts format in the same language.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { setFormatLocale } from '../components/format.ts';
import { setRequestLanguage } from '../api/index.ts';
import { useSession } from '../session/SessionContext.tsx';
import { browserLocale, directionOf, formattingLocale, isLocale, storedLocale, storeLocale, type Locale } from './locales.ts';
import { LanguageChoiceContext, type LanguageChoice } from './language-choice.ts';
import { catalogIsComplete, loadFirstCatalog, loadRestCatalog, type Catalog } from './catalogs.ts';

export function I18nProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const [chosen, setChosen] = useState<Locale | null>(storedLocale);
  const wanted: Locale = isLocale(me?.locale?.current) ? me.locale.current : (chosen ?? browserLocale());
  const [loaded, setLoaded] = useState<{ locale: Locale; messages: Catalog; whole: boolean } | null>(null);
  // once the whole catalog is in use, pages outside the first screens may show (catalogs.ts afterCatalog)
  const whole = useRef(false);
  const choice = useMemo<LanguageChoice>(
    () => ({
      locale: wanted,
      choose: (l) => {
        storeLocale(l);
        setChosen(l);
      },
    }),
    [wanted],
  );

  useEffect(() => {
    let live = true;
    // at once, not when the catalog has come: this effect runs before the session's, so even the first /me asks in it
    setRequestLanguage(wanted);
    let shownWhole = false;
    const show = (messages: Catalog, complete: boolean) => {
      if (!live || shownWhole) return;
      shownWhole = complete;
      // before the portal renders in it: Mantine reads the direction from <html dir> when it mounts
      document.documentElement.lang = wanted;
      document.documentElement.dir = directionOf(wanted);
      setFormatLocale(formattingLocale(wanted));
      setLoaded({ locale: wanted, messages, whole: complete });
    };
    // a part that cannot load (an old tab after a release): the English source texts in the code
    const first = loadFirstCatalog(wanted).catch(() => ({}));
    const rest = loadRestCatalog(wanted).catch(() => ({}));
    const both = Promise.all([first, rest]).then(([f, r]) => ({ ...f, ...r }));
    // The first screens show with their part of the catalog while the rest comes; once another page may be showing,
    // a change of language waits for the whole catalog, so no page shows a word in the previous language.
    if (!whole.current) void first.then((f) => show(f, false));
    void both.then((all) => show(all, true));
    return () => {
      live = false;
    };
  }, [wanted]);

  useEffect(() => {
    if (!loaded?.whole || whole.current) return;
    whole.current = true;
    catalogIsComplete();
  }, [loaded]);

  // the first screens' part of the catalog is a few kilobytes and comes with /me: nothing to show for that moment
  if (!loaded) return <div aria-busy="true" />;
  return (
    <LanguageChoiceContext.Provider value={choice}>
      <IntlProvider key={loaded.locale} locale={formattingLocale(loaded.locale)} messages={loaded.messages} defaultLocale="en" onError={reportMissing}>
        {children}
      </IntlProvider>
    </LanguageChoiceContext.Provider>
  );
}

/** A message missing from a catalog shows its English text; the catalog test keeps that from shipping. */
function reportMissing(err: Error & { code?: string }): void {
  if (err.code === 'MISSING_TRANSLATION') return;
  console.error(err);
}
