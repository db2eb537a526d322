/**
 * `npm run i18n`: extracts the English catalogs from the code's messages and writes the pseudo-locales
 * (scripts/i18n-catalogs.ts says where and how); then lists what the French and German catalogs lack.
 *
 *   npm run i18n              # write en.json, en-XA.json and en-XB.json of both surfaces
 *   npm run i18n -- --check   # exit 1 when a catalog is out of date or a translation is incomplete
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalogPath, extractEnglish, pseudoCatalogs, readCatalogFile, ROOT, serializeCatalog, SURFACES, TRANSLATED, translationProblems } from './i18n-catalogs.ts';
import { readFileSync } from 'node:fs';

const check = process.argv.includes('--check');
let failed = false;

for (const s of SURFACES) {
  const { catalog, problems } = await extractEnglish(s);
  for (const p of problems) console.error(`${s.name}: ${p}`);
  if (problems.length > 0) failed = true;
  const files: [string, string][] = [[catalogPath(s, 'en'), serializeCatalog(catalog)]];
  for (const [locale, c] of Object.entries(await pseudoCatalogs(catalog))) files.push([catalogPath(s, locale), serializeCatalog(c)]);
  for (const [file, text] of files) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // absent: out of date
    }
    if (current === text) continue;
    const rel = path.relative(ROOT, file);
    if (check) {
      console.error(`${rel} is out of date: run npm run i18n`);
      failed = true;
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${rel}`);
    }
  }
  for (const locale of TRANSLATED) {
    const missing = translationProblems(catalog, readCatalogFile(s, locale), locale);
    for (const p of missing) console.error(`${s.name}: ${p}`);
    if (missing.length > 0) failed = true;
  }
  console.log(`${s.name}: ${Object.keys(catalog).length} messages`);
}
if (failed) process.exit(1);
