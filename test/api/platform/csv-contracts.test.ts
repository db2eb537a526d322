/**
 * CSV column contracts stay English (docs/contributors/languages.md, "Column contracts stay English"):
 * the files a guide documents or a program writes back have the headings the guides and the importers
 * name, and they are built from constants, never from a message catalog.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EARNINGS_CSV_COLUMNS } from '../../../src/modules/program/program.routes.ts';
import { IMPORT_KINDS, importFields, template } from '../../../src/modules/datafeeds/csv-import.ts';
import { IMPORT_COLUMNS, importTemplate } from '../../../src/modules/partners/partner-import.ts';

const doc = (p: string) => readFileSync(new URL(`../../../docs/${p}`, import.meta.url), 'utf8');
const headerOf = (csv: string) => csv.split(/\r?\n/)[0]!.split(',');

describe('CSV column contracts', () => {
  it('the languages guide lists each contract with the code that makes it', () => {
    const languages = doc('contributors/languages.md');
    const section = languages.slice(languages.indexOf('**Column contracts stay English.**'));
    for (const where of ['EARNINGS_CSV_COLUMNS', 'csv-import.ts` `template()', 'IMPORT_COLUMNS']) expect(section).toContain(where);
  });

  it('the earnings CSV is headed as the referral program guide documents it', () => {
    const guide = doc('partners-and-customers/referral-program.md').replace(/\s+/g, ' ');
    const documented = /headed in words \(`([^`]+)`\)/.exec(guide)?.[1];
    expect(documented?.split(', ')).toEqual([...EARNINGS_CSV_COLUMNS]);
  });

  it('the import templates are headed with the field names the imports read', () => {
    for (const kind of IMPORT_KINDS) expect(headerOf(template(kind))).toEqual(importFields(kind).map((f) => f.name));
    expect(headerOf(importTemplate())).toEqual(IMPORT_COLUMNS.map((c) => c.name));
  });
});
