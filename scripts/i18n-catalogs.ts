/**
 * The message catalogs: where they are, how the English one is extracted from the code, how the
 * pseudo-locales are made from it, and what a complete translation must keep. Used by `npm run i18n`
 * (scripts/i18n.ts) and by the catalog test (test/api/platform/i18n-catalogs.test.ts).
 *
 * Two surfaces, each with one catalog per language (id → ICU message, keys by meaning, sorted):
 *   server: src/platform/i18n/messages/<locale>.json — pages, e-mails, notices, PDFs, CSV headings, problem titles
 *   portal: web/src/i18n/messages/<locale>.json      — the portal's screens
 * English is extracted from the `defaultMessage`s in the code (FormatJS's extractor); French and German
 * are translated by people; `en-XA` and `en-XB` are written from English by FormatJS's pseudo-locale
 * compiler, with `en-XA` padded to 40 % longer than the English text.
 */
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compile, extract } from '@formatjs/cli-lib';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Surface {
  name: 'server' | 'portal';
  /** where the catalogs are, relative to the repository */
  dir: string;
  /** the code the English catalog is extracted from */
  sources: string[];
  ignore: string[];
}

export const SURFACES: Surface[] = [
  { name: 'server', dir: 'src/platform/i18n/messages', sources: ['src/**/*.ts'], ignore: ['**/*.test.ts'] },
  { name: 'portal', dir: 'web/src/i18n/messages', sources: ['web/src/**/*.{ts,tsx}'], ignore: ['**/*.test.ts', '**/*.test.tsx'] },
];

export const TRANSLATED = ['fr', 'de'] as const;
export const PSEUDO = ['en-XA', 'en-XB'] as const;

/** An id names what a message means: lower-case words joined by dots, at least two of them. */
export const ID_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

export type Catalog = Record<string, string>;

export function catalogPath(s: Surface, locale: string): string {
  return path.join(ROOT, s.dir, `${locale}.json`);
}

export function readCatalogFile(s: Surface, locale: string): Catalog {
  try {
    return JSON.parse(readFileSync(catalogPath(s, locale), 'utf8')) as Catalog;
  } catch {
    return {};
  }
}

/** A catalog as written to disk: ids sorted, two-space JSON, a final newline — so two changes merge line by line. */
export function serializeCatalog(c: Catalog): string {
  const sorted: Catalog = {};
  for (const k of Object.keys(c).sort()) sorted[k] = c[k];
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

export interface Extracted {
  catalog: Catalog;
  /** problems that make the catalog unusable: a message without an id, an id that is not a meaning, one id with two texts */
  problems: string[];
}

/** The English catalog of a surface, from the code's message descriptors. */
export async function extractEnglish(s: Surface): Promise<Extracted> {
  const files = globSync(s.sources, { cwd: ROOT })
    .filter((f) => !s.ignore.some((g) => path.matchesGlob(f, g)))
    .map((f) => path.join(ROOT, f));
  const problems: string[] = [];
  const raw = JSON.parse(
    await extract(files, {
      throws: true,
      extractSourceLocation: true,
      // no id: the extractor would make one from a hash; the pattern check below refuses it
      idInterpolationPattern: '[sha1:contenthash:hex:8]',
      preserveWhitespace: false,
      onMsgError: (file, err) => problems.push(`${path.relative(ROOT, file)}: ${err.message}`),
    }),
  ) as Record<string, { defaultMessage?: string; file?: string }>;
  const catalog: Catalog = s.name === 'server' ? await errorTitles() : {};
  for (const [id, d] of Object.entries(raw)) {
    const where = d.file ? path.relative(ROOT, d.file) : '?';
    if (!ID_PATTERN.test(id)) problems.push(`${where}: "${id}" is not an id by meaning (words joined by dots, e.g. "account.language.label")`);
    if (d.defaultMessage === undefined) problems.push(`${where}: "${id}" has no defaultMessage (the English text)`);
    else catalog[id] = d.defaultMessage;
  }
  return { catalog, problems };
}

/**
 * The title of every error code a module declares, as the message `error.<code>`: a problem's `title` is meant for
 * people and is written in the reader's language (platform/errors/problem.ts). ICU's special characters are quoted.
 */
async function errorTitles(): Promise<Catalog> {
  await import('../src/app/build-app.ts'); // registers every module's codes
  const { declaredErrorCodes } = await import('../src/platform/errors/app-error.ts');
  const out: Catalog = {};
  for (const [code, spec] of declaredErrorCodes()) out[`error.${code}`] = spec.title.replace(/[{}<>#]/g, (c) => `'${c}'`);
  return out;
}

/** The literal characters of a message (what a reader sees of it, placeholders left out). */
function literalLength(ast: MessageFormatElement[]): number {
  let n = 0;
  for (const el of ast) {
    if (el.type === TYPE.literal) n += el.value.length;
    else if (el.type === TYPE.plural || el.type === TYPE.select) {
      const first = Object.values(el.options)[0];
      if (first) n += literalLength(first.value);
    } else if (el.type === TYPE.tag) n += literalLength(el.children);
  }
  return n;
}

/**
 * The pseudo-locales of an English catalog. FormatJS accents and brackets `en-XA` (and lengthens some
 * vowels); the padding here brings every message to 40 % longer than its English text, the growth a
 * German or French label often shows, so a label that only fits in English is found by the browser tests.
 */
export async function pseudoCatalogs(english: Catalog): Promise<Record<(typeof PSEUDO)[number], Catalog>> {
  const ids = Object.keys(english).sort();
  const out = {} as Record<(typeof PSEUDO)[number], Catalog>;
  if (ids.length === 0) {
    for (const p of PSEUDO) out[p] = {};
    return out;
  }
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-i18n-'));
  try {
    const src = path.join(dir, 'en.json');
    writeFileSync(src, JSON.stringify(Object.fromEntries(ids.map((id) => [id, { defaultMessage: english[id] }]))));
    for (const p of PSEUDO) {
      const compiled = JSON.parse(await compile([src], { ast: true, pseudoLocale: p })) as Record<string, MessageFormatElement[]>;
      const catalog: Catalog = {};
      for (const id of ids) {
        const ast = compiled[id];
        if (p === 'en-XA') {
          const want = Math.ceil(literalLength(parse(english[id])) * 1.4);
          const pad = want - literalLength(ast);
          // inside the closing bracket, so the padding is part of the bracketed message
          if (pad > 0) ast.splice(ast.length - 1, 0, { type: TYPE.literal, value: ' '.concat('·'.repeat(Math.max(pad - 1, 0))).slice(0, pad) });
        }
        catalog[id] = printAST(ast);
      }
      out[p] = catalog;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The placeholders of a message, with their kind: `{name}`, `{count, plural}`, `<b>` … */
export function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      switch (el.type) {
        case TYPE.argument:
          found.add(`${el.value}`);
          break;
        case TYPE.number:
        case TYPE.date:
        case TYPE.time:
          found.add(`${el.value}:${TYPE[el.type]}`);
          break;
        case TYPE.plural:
        case TYPE.select:
          found.add(`${el.value}:${el.type === TYPE.plural ? 'plural' : 'select'}`);
          for (const o of Object.values(el.options)) walk(o.value);
          break;
        case TYPE.tag:
          found.add(`<${el.value}>`);
          walk(el.children);
          break;
        default:
          break;
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

/**
 * What is wrong with a translated catalog against the English one: missing ids, ids English no longer
 * has, messages that do not parse, placeholders that differ, text left in English.
 */
export function translationProblems(english: Catalog, translated: Catalog, locale: string): string[] {
  const problems: string[] = [];
  for (const id of Object.keys(english)) {
    if (!(id in translated)) {
      problems.push(`${locale}: "${id}" is missing`);
      continue;
    }
    let want: string[];
    let got: string[];
    try {
      want = placeholders(english[id]);
    } catch (e) {
      problems.push(`en: "${id}" does not parse: ${(e as Error).message}`);
      continue;
    }
    try {
      got = placeholders(translated[id]);
    } catch (e) {
      problems.push(`${locale}: "${id}" does not parse: ${(e as Error).message}`);
      continue;
    }
    if (want.join() !== got.join()) problems.push(`${locale}: "${id}" has placeholders ${got.join(', ') || 'none'}, English has ${want.join(', ') || 'none'}`);
  }
  for (const id of Object.keys(translated)) if (!(id in english)) problems.push(`${locale}: "${id}" is not used (English has no such id)`);
  return problems;
}
