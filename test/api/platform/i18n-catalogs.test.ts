/**
 * The message catalogs are complete and true: the English ones are what the code's messages say (`npm run
 * i18n` writes them), every message parses as ICU, ids name a meaning, French and German have every id and no
 * other, with the same placeholders, and the pseudo-locales are current.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractEnglish, pseudoCatalogs, readCatalogFile, SURFACES, TRANSLATED, translationProblems, PSEUDO } from '../../../scripts/i18n-catalogs.ts';

describe.each(SURFACES)('the $name catalogs', (surface) => {
  it('English is what the code says, and every message has an id by meaning', async () => {
    const { catalog, problems } = await extractEnglish(surface);
    expect(problems).toEqual([]);
    expect(readCatalogFile(surface, 'en'), 'run npm run i18n').toEqual(catalog);
  });

  it.each(TRANSLATED)('%s has every message, with the same placeholders, and nothing else', async (locale) => {
    const { catalog } = await extractEnglish(surface);
    expect(translationProblems(catalog, readCatalogFile(surface, locale), locale)).toEqual([]);
  });

  it('the pseudo-locales are current', async () => {
    const { catalog } = await extractEnglish(surface);
    const pseudo = await pseudoCatalogs(catalog);
    for (const p of PSEUDO) expect(readCatalogFile(surface, p), `${p}: run npm run i18n`).toEqual(pseudo[p]);
  });
});

describe('no portal message outside the catalog', () => {
  // the portal's bundle parses no ICU at run time (its catalogs are compiled): a message the extractor does not
  // find (declared outside defineMessages) shows its raw "{count, plural, …}" text to the reader
  it('every { id, defaultMessage } written in the portal is in the English catalog', () => {
    const en = readCatalogFile(SURFACES[1], 'en') as Record<string, string>;
    const missing: string[] = [];
    for (const f of readdirSync('web/src', { recursive: true, encoding: 'utf8' })) {
      if (!/\.tsx?$/.test(f)) continue;
      for (const m of readFileSync(path.join('web/src', f), 'utf8').matchAll(/id:\s*'([a-z0-9_.]+)',\s*defaultMessage/g)) if (!(m[1] in en)) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('a translation that lost a placeholder or an id is caught', () => {
  it('reports each kind of mistake', () => {
    const en = { 'a.b': 'Hello {name}', 'a.c': '{n, plural, one {# row} other {# rows}}', 'a.d': 'Plain' };
    const fr = { 'a.b': 'Bonjour {nom}', 'a.c': '{n, plural, one {# ligne} other {# lignes}', 'a.x': 'De trop' };
    expect(translationProblems(en, fr, 'fr')).toEqual([
      'fr: "a.b" has placeholders nom, English has name',
      expect.stringMatching(/^fr: "a.c" does not parse/),
      'fr: "a.d" is missing',
      'fr: "a.x" is not used (English has no such id)',
    ]);
  });
});
