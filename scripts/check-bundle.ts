/**
 * The portal's first download stays small: the entry chunk and the shared chunks index.html
 * preloads with it (what the browser fetches before it can ask the server who is signed in) under 150 KB
 * gzipped, and everything the first screen waits for under 210 KB.
 * Reads the built web/dist/index.html, gzips each and fails when their sum passes the budget.
 *
 * The sum, not the entry chunk alone: which of the first screen's modules Rollup puts in the entry
 * and which in a preloaded shared chunk shifts as lazy pages are added (the sign-in domains,
 * provisioning and overview pages moved Mantine's scroll area and combobox, already part of the
 * first download, into the entry: +20 KB there, +0.6 KB in all), while what people wait for is the sum.
 * The shell (web/src/App.tsx: the sidebar, the account menu, the routes) is not part of it: main.tsx starts its
 * download at once and it arrives while /me and the catalog are on their way, so the first download is what it
 * takes to ask /me. What the first screen waits for in all — the first download, the shell and every chunk the
 * shell imports — is printed too, with its own budget (FIRST_SCREEN_BUDGET_KB).
 * Run after the web build (`npm test` builds it); CI runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 150);
const FIRST_SCREEN_BUDGET_KB = Number(process.env.FIRST_SCREEN_BUDGET_KB ?? 210);
const dist = path.resolve(import.meta.dirname, '../web/dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]);
if (scripts.length === 0) throw new Error('no script found in web/dist/index.html');
const gzipped = (file: string) => gzipSync(readFileSync(path.join(dist, file.replace(/^\//, '')))).length / 1024;
const sizes = scripts.map(gzipped);
const entry = sizes[0];
const total = sizes.reduce((a, b) => a + b, 0);

/** The shell's chunk (the one the entry imports App.tsx from) and every chunk it imports, statically, in turn. */
const entrySource = readFileSync(path.join(dist, scripts[0].replace(/^\//, '')), 'utf8');
const shellChunk = /import\(["`]\.\/(App-[\w-]+\.js)["`]\)/.exec(entrySource)?.[1];
if (!shellChunk) throw new Error('the entry chunk does not load the shell (App.tsx) on its own');
const firstScreen = new Set(scripts.map((s) => s.replace(/^\/assets\//, '')));
for (const queue = [shellChunk]; queue.length > 0; ) {
  const file = queue.pop()!;
  if (firstScreen.has(file)) continue;
  firstScreen.add(file);
  const source = readFileSync(path.join(dist, 'assets', file), 'utf8');
  for (const m of source.matchAll(/(?:from|import)\s*["`]\.\/([\w-]+\.js)["`]/g)) queue.push(m[1]);
}
const firstScreenTotal = [...firstScreen].reduce((sum, f) => sum + gzipped(`assets/${f}`), 0);

console.log(`entry chunk ${scripts[0]}: ${entry.toFixed(1)} KB gzipped`);
console.log(`with the ${scripts.length - 1} shared chunks it preloads: ${total.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
console.log(`with the shell and what it imports (${firstScreen.size} files, loaded beside /me): ${firstScreenTotal.toFixed(1)} KB gzipped (budget ${FIRST_SCREEN_BUDGET_KB} KB)`);
console.log(JSON.stringify({ entry_kb: +entry.toFixed(1), first_download_kb: +total.toFixed(1), first_screen_kb: +firstScreenTotal.toFixed(1) }));
if (total > BUDGET_KB) {
  console.error(`The portal's first download grew past its budget: load the new code lazily (routes.tsx) instead.`);
  process.exit(1);
}
if (firstScreenTotal > FIRST_SCREEN_BUDGET_KB) {
  console.error(`What the first screen waits for grew past its budget: load the new code with its page (routes.tsx) instead.`);
  process.exit(1);
}
