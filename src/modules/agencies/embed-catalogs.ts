/**
 * The embeddable form's words, served with its scripts (embed.routes.ts): the form runs on other
 * sites in a frame, without the portal's library, so its messages (embed-form.messages.ts) travel as
 * a small script beside it — every language's `embed_form.*` messages from the server's catalogs — and
 * the loader (embed.js) carries its frame's title in each language. Built once at start.
 */
import { intlFor, readCatalog } from '../../platform/i18n/intl.ts';
import { LANGUAGES, PSEUDO_LOCALES, type Locale } from '../../platform/i18n/locales.ts';
import { embedFormMessages } from './embed-form.messages.ts';

const LOCALES: readonly Locale[] = [...LANGUAGES, ...PSEUDO_LOCALES];
const PREFIX = 'embed_form.';

/** Each locale's form messages, id → ICU message (a language's missing message is left out: the form falls back to English). */
export function embedCatalogs(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const locale of LOCALES) {
    const catalog = readCatalog(locale);
    out[locale] = Object.fromEntries(Object.entries(catalog).filter(([id]) => id.startsWith(PREFIX)));
  }
  return out;
}

/** /embed/assets/form-messages.js: the catalogs as one global the form reads (no inline code: CSP script-src 'self'). */
export function formMessagesScript(): string {
  return `/* Partnergate voucher form: its words in each language (from the server's message catalogs). */\nself.PG_EMBED_MESSAGES = ${JSON.stringify(embedCatalogs())};\n`;
}

/** The loader with its frame's title in each language, where embed.js leaves room for it. */
export function loaderScript(source: string): string {
  const titles = Object.fromEntries(LOCALES.map((l) => [l, intlFor(l).formatMessage(embedFormMessages.frameTitle)]));
  const slot = '/* FRAME TITLES */ {}';
  if (!source.includes(slot)) throw new Error('embed.js has no place for its frame titles');
  return source.replace(slot, JSON.stringify(titles));
}
