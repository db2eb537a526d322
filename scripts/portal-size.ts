/**
 * `npm run bench:portal` — what the portal makes a browser download before its first page renders, gzipped.
 *
 * Builds the portal the way `npm start` and the tests do (web/vite.config.ts, NODE_ENV=production) into a
 * temporary directory, with Vite's manifest (the module graph: which chunks and stylesheets each source file
 * needs), and reports, each file gzipped with node:zlib at level 9 (what a server compressing ahead of time,
 * `gzip -9` or nginx's gzip_static, serves; nginx's on-the-fly default, level 1, gives larger figures):
 *
 *   - the first download: what web/dist/index.html names — its script, its modulepreload links and its
 *     stylesheets, JS and CSS — the files the browser fetches before any code of the portal runs;
 *   - each first page (sign-in, and each persona's home): the first download plus the shell (App.tsx), the
 *     page's own chunk, every chunk and stylesheet they import statically, and the reader's message catalog
 *     (English, French) — its part for the first screens: everything the page waits for before it shows its words.
 *
 * `--dist` reads web/dist as built (the first download only: that build has no manifest). `--web <dir>` measures
 * another copy of web/ (e.g. an earlier commit's, `git archive <commit> web | tar -x -C <dir>` inside this checkout
 * so that it finds node_modules), for a before and after in one sitting. Per-file sizes on stderr, one JSON object
 * on the last line of stdout. scripts/check-bundle.ts holds the budget.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { firstDownloadFiles, gzippedSize } from './portal-files.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(`${s}\n`);
const kb = (bytes: number) => +(bytes / 1024).toFixed(1);

/** The pages measured: the sign-in page and the page "/" takes each persona to (App.tsx homePath). */
const FIRST_PAGES: Record<string, string> = {
  sign_in: 'src/pages/Login/LoginPage.tsx',
  operator_home: 'src/pages/Operator/OperatorHomePage.tsx',
  partner_home: 'src/pages/PartnerHome/PartnerHomePage.tsx',
  tenant_home: 'src/pages/TenantHome/TenantHomePage.tsx',
  account: 'src/pages/Account/AccountPage.tsx',
};
const SHELL = 'src/App.tsx';
const CATALOG_LOCALES = ['en', 'fr'];

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

/** A manifest entry's chunk, the chunks it imports statically (in turn) and their stylesheets. */
function closure(manifest: Manifest, key: string, into = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the build's manifest`);
  if (into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const css of chunk.css ?? []) into.add(css);
  for (const imported of chunk.imports ?? []) closure(manifest, imported, into);
  return into;
}

/** The chunk of a catalog's part: `first` (the first screens' messages, web/vite.config.ts) or `rest`. */
function catalogFile(manifest: Manifest, locale: string, part: 'first' | 'rest'): string {
  const key = Object.keys(manifest).find((k) => k.endsWith(`virtual:messages/${locale}/${part}`));
  if (!key) throw new Error(`no catalog chunk for ${locale} ${part}`);
  return manifest[key]!.file;
}

const webArg = process.argv.indexOf('--web');
const WEB = webArg > 0 ? path.resolve(process.argv[webArg + 1] ?? '') : path.join(ROOT, 'web');

async function buildWithManifest(): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'portal-size-'));
  // Vite follows an inherited NODE_ENV; the portal ships React's production build (scripts/ensure-web-build.ts)
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, manifest: true } });
  return outDir;
}

const fromDist = process.argv.includes('--dist');
const dist = fromDist ? path.join(WEB, 'dist') : await buildWithManifest();
try {
  const size = new Map<string, number>();
  const sizeOf = (f: string) => size.get(f) ?? size.set(f, gzippedSize(dist, f)).get(f)!;
  const first = firstDownloadFiles(readFileSync(path.join(dist, 'index.html'), 'utf8'));
  log('first download (index.html: script, modulepreload, stylesheet), gzip level 9:');
  for (const f of first) log(`  ${f.padEnd(40)} ${kb(sizeOf(f)).toFixed(1).padStart(7)} KB`);
  const firstTotal = first.reduce((n, f) => n + sizeOf(f), 0);
  const firstCss = first.filter((f) => f.endsWith('.css')).reduce((n, f) => n + sizeOf(f), 0);
  log(`  total ${kb(firstTotal)} KB (JS ${kb(firstTotal - firstCss)}, CSS ${kb(firstCss)})`);
  const result: Record<string, unknown> = { gzip_level: 9, first_download_kb: kb(firstTotal), first_download_js_kb: kb(firstTotal - firstCss), first_download_css_kb: kb(firstCss) };
  result.first_download_files = Object.fromEntries(first.map((f) => [f, kb(sizeOf(f))]));

  if (!fromDist) {
    const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')) as Manifest;
    const pages: Record<string, Record<string, number>> = {};
    for (const locale of CATALOG_LOCALES) {
      result[`catalog_${locale}_first_kb`] = kb(sizeOf(catalogFile(manifest, locale, 'first')));
      result[`catalog_${locale}_rest_kb`] = kb(sizeOf(catalogFile(manifest, locale, 'rest')));
      log(`catalog ${locale}: the first screens' part ${result[`catalog_${locale}_first_kb`]} KB, the rest ${result[`catalog_${locale}_rest_kb`]} KB (after the first screen)`);
    }
    for (const [name, source] of Object.entries(FIRST_PAGES)) {
      const files = closure(manifest, SHELL, closure(manifest, source, new Set(first)));
      const code = [...files].reduce((n, f) => n + sizeOf(f), 0);
      pages[name] = { files: files.size, without_catalog_kb: kb(code) };
      for (const locale of CATALOG_LOCALES) pages[name][`with_${locale}_kb`] = kb(code + sizeOf(catalogFile(manifest, locale, 'first')));
      log(`${name} (${source}): ${files.size} files, ${kb(code)} KB before its words; ${CATALOG_LOCALES.map((l) => `${pages[name][`with_${l}_kb`]} KB with the ${l} catalog`).join(', ')}`);
    }
    result.first_page = pages;
  }
  const load = loadavg().map((l) => +l.toFixed(2));
  log(`load average ${load.join(' ')}`);
  console.log(JSON.stringify({ ...result, load_average: load }));
} finally {
  if (!fromDist) rmSync(dist, { recursive: true, force: true });
}
