/**
 * The portal's first download stays small: the entry chunk and the shared chunks index.html
 * preloads with it (the browser fetches them all before the first screen) under 200 KB gzipped.
 * Reads the built web/dist/index.html, gzips each and fails when their sum passes the budget.
 *
 * The sum, not the entry chunk alone: which of the first screen's modules Rollup puts in the entry
 * and which in a preloaded shared chunk shifts as lazy pages are added (the sign-in domains,
 * provisioning and overview pages moved Mantine's scroll area and combobox, already part of the
 * first download, into the entry: +20 KB there, +0.6 KB in all), while what people wait for is the sum.
 * Run after the web build (`npm test` builds it); CI runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 200);
const dist = path.resolve(import.meta.dirname, '../web/dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]);
if (scripts.length === 0) throw new Error('no script found in web/dist/index.html');
const sizes = scripts.map((s) => gzipSync(readFileSync(path.join(dist, s.replace(/^\//, '')))).length / 1024);
const entry = sizes[0];
const total = sizes.reduce((a, b) => a + b, 0);
console.log(`entry chunk ${scripts[0]}: ${entry.toFixed(1)} KB gzipped`);
console.log(`with the ${scripts.length - 1} shared chunks it preloads: ${total.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
if (total > BUDGET_KB) {
  console.error(`The portal's first download grew past its budget: load the new code lazily (routes.tsx) instead.`);
  process.exit(1);
}
