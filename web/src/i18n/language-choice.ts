/**
 * The portal's language now, and a way to choose it before signing in (the sign-in, application and password
 * pages offer it). Once signed in, the server's answer decides (the person's choice, their organization's, else the
 * language the portal asked in — so a choice made at sign-in carries on for a person who made none on their
 * account page).
 */
import { createContext, useContext } from 'react';
import type { Locale } from './locales.ts';

export interface LanguageChoice {
  locale: Locale;
  choose(locale: Locale): void;
}

export const LanguageChoiceContext = createContext<LanguageChoice>({ locale: 'en', choose: () => undefined });

export function useLanguageChoice(): LanguageChoice {
  return useContext(LanguageChoiceContext);
}
