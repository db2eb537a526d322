/*
 * Partnergate voucher form — its words in the visitor's language (loaded by /embed/form before form.js).
 *
 * The language: the one asked for in the form's address (`#…&locale=`: the embedding page's
 * `data-locale` or `<html lang>`, which embed.js passes; the portal's preview passes the portal's),
 * else the browser's languages, else English — the first that has a catalog (fr-CA → fr). The
 * catalogs are the server's (form-messages.js, loaded before this script); a message missing from a
 * language is said in English. Messages are ICU; the form's use only values, `plural` (with #) and
 * `select`, which this formats with Intl in the visitor's language. The pseudo-locales en-XA and
 * en-XB (only when asked for exactly) write numbers and dates as English; en-XB right to left.
 */
(function () {
  'use strict';

  const CATALOGS = self.PG_EMBED_MESSAGES || {};
  const PSEUDO = { 'en-XA': 'ltr', 'en-XB': 'rtl' };

  /** The first of the tags asked for that has a catalog (fr-CA → fr; a pseudo-locale only exactly), else English. */
  function pickLocale(tags) {
    for (let i = 0; i < tags.length; i++) {
      const tag = String(tags[i] || '').trim();
      if (!tag) continue;
      if (Object.hasOwn(CATALOGS, tag)) return tag;
      const base = tag.toLowerCase().split(/[-_]/)[0];
      if (Object.hasOwn(CATALOGS, base)) return base;
    }
    return 'en';
  }

  /** The index of the brace closing the one at `start`. */
  function closing(text, start) {
    let depth = 0;
    for (let j = start; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) return j;
    }
    return text.length - 1;
  }

  /** `key {text} key {text} …` of a plural or select argument. */
  function options(text) {
    const out = {};
    let i = 0;
    while (i < text.length) {
      const open = text.indexOf('{', i);
      if (open < 0) break;
      const key = text.slice(i, open).trim();
      const end = closing(text, open);
      out[key] = text.slice(open + 1, end);
      i = end + 1;
    }
    return out;
  }

  /** One `{…}` of an ICU message: a value, a plural (with #) or a select. */
  function argument(body, values, numbers, plurals) {
    const parts = body.split(',');
    const name = parts[0].trim();
    const v = values[name];
    if (parts.length < 3) return typeof v === 'number' ? numbers.format(v) : v === undefined || v === null ? '' : String(v);
    const type = parts[1].trim();
    const opts = options(parts.slice(2).join(','));
    if (type === 'plural') {
      const branch = opts['=' + v] !== undefined ? opts['=' + v] : opts[plurals.select(v)] !== undefined ? opts[plurals.select(v)] : opts.other || '';
      return format(branch.split('#').join(numbers.format(v)), values, numbers, plurals);
    }
    return format(opts[String(v)] !== undefined ? opts[String(v)] : opts.other || '', values, numbers, plurals);
  }

  /** An ICU message with its values: the subset the form's messages use (values, plural, select). */
  function format(text, values, numbers, plurals) {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== '{') {
        out += text[i];
        continue;
      }
      const end = closing(text, i);
      out += argument(text.slice(i + 1, end), values || {}, numbers, plurals);
      i = end;
    }
    return out;
  }

  /** The words of one visitor: `asked` is the tag the form's address names (or null). */
  function forLocale(asked) {
    const locale = pickLocale([asked].concat(navigator.languages || [navigator.language]));
    const formatLocale = Object.hasOwn(PSEUDO, locale) ? 'en' : locale;
    const messages = CATALOGS[locale] || {};
    const english = CATALOGS.en || {};
    const numbers = new Intl.NumberFormat(formatLocale);
    const plurals = new Intl.PluralRules(formatLocale);
    return {
      locale: locale,
      formatLocale: formatLocale,
      dir: PSEUDO[locale] === 'rtl' ? 'rtl' : 'ltr',
      /** a message of the form by the name after `embed_form.`, with its values */
      t: function (key, values) {
        const id = 'embed_form.' + key;
        return format(messages[id] || english[id] || id, values, numbers, plurals);
      },
    };
  }

  self.PgEmbedWords = { forLocale: forLocale };
})();
