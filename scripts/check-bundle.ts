/**
 * The portal's first download stays small: what web/dist/index.html names — the entry chunk, the chunks it
 * preloads with it and the stylesheets, JS and CSS — is what the browser fetches before any of the portal's code
 * runs (a stylesheet in <head> holds the module scripts back until it has come), so it stays under 150 KB gzipped
 * (level 9: scripts/portal-files.ts). Everything the first screen waits for besides its words (the first download,
 * the shell, web/src/App.tsx, and the chunks and stylesheets the entry preloads with it) stays under 230 KB.
 *
 * The sum, not the entry chunk alone: which of the first screen's modules Rollup puts in the entry and which in
 * a preloaded shared chunk shifts as lazy pages are added, while what people wait for is the sum.
 * The shell is not part of the first download: main.tsx starts its download at once and it arrives while /me and
 * the catalog are on their way, so the first download is what it takes to ask /me. Mantine's component styles
 * come with the components' code (web/vite.config.ts), the notices' container after the first screen.
 * `npm run bench:portal` reports each first page with its own chunk and the reader's catalog.
 * Run after the web build (`npm test` builds it); CI runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { firstDownloadFiles, gzippedSize, shellFiles } from './portal-files.ts';

const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 150);
const FIRST_SCREEN_BUDGET_KB = Number(process.env.FIRST_SCREEN_BUDGET_KB ?? 230);
const dist = path.resolve(import.meta.dirname, '../web/dist');

export interface BundleFigures {
  first_download_kb: number;
  first_download_css_kb: number;
  first_screen_kb: number;
  files: Record<string, number>;
}

/** The first download and the first screen of the build in `dist`, in KB gzipped. */
export function bundleFigures(distDir: string): BundleFigures {
  const first = firstDownloadFiles(readFileSync(path.join(distDir, 'index.html'), 'utf8'));
  const size = (f: string) => gzippedSize(distDir, f) / 1024;
  const files = Object.fromEntries(first.map((f) => [f, +size(f).toFixed(1)]));
  const total = first.reduce((n, f) => n + size(f), 0);
  const css = first.filter((f) => f.endsWith('.css')).reduce((n, f) => n + size(f), 0);
  const screen = new Set([...first, ...shellFiles(readFileSync(path.join(distDir, first[0]), 'utf8'))]);
  const screenTotal = [...screen].reduce((n, f) => n + size(f), 0);
  return { first_download_kb: +total.toFixed(1), first_download_css_kb: +css.toFixed(1), first_screen_kb: +screenTotal.toFixed(1), files };
}

if (import.meta.main) {
  const figures = bundleFigures(dist);
  for (const [f, kb] of Object.entries(figures.files)) console.log(`${f}: ${kb} KB gzipped`);
  console.log(`first download (index.html's script, preloads and stylesheets): ${figures.first_download_kb} KB gzipped, ${figures.first_download_css_kb} KB of it CSS (budget ${BUDGET_KB} KB)`);
  console.log(`with the shell and what it loads with it: ${figures.first_screen_kb} KB gzipped (budget ${FIRST_SCREEN_BUDGET_KB} KB)`);
  console.log(JSON.stringify({ first_download_kb: figures.first_download_kb, first_screen_kb: figures.first_screen_kb }));
  if (figures.first_download_kb > BUDGET_KB) {
    console.error(`The portal's first download grew past its budget: load the new code lazily (routes.tsx) instead.`);
    process.exit(1);
  }
  if (figures.first_screen_kb > FIRST_SCREEN_BUDGET_KB) {
    console.error(`What the first screen waits for grew past its budget: load the new code with its page (routes.tsx) instead.`);
    process.exit(1);
  }
}
