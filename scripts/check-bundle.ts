/**
 * The portal's first download stays small (the initial chunk under 150 KB gzipped). Reads the
 * built web/dist/index.html, gzips the entry chunk it loads and fails when it passes the budget; prints the
 * shared chunks the entry preloads too (they load with it), so the whole first download is in view.
 * Run after the web build (`npm test` builds it); CI runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 150);
const dist = path.resolve(import.meta.dirname, '../web/dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]);
if (scripts.length === 0) throw new Error('no script found in web/dist/index.html');
const sizes = scripts.map((s) => gzipSync(readFileSync(path.join(dist, s.replace(/^\//, '')))).length / 1024);
const entry = sizes[0];
const total = sizes.reduce((a, b) => a + b, 0);
console.log(`entry chunk ${scripts[0]}: ${entry.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
console.log(`with the ${scripts.length - 1} shared chunks it preloads: ${total.toFixed(1)} KB gzipped`);
if (entry > BUDGET_KB) {
  console.error(`The portal's first download grew past its budget: load the new code lazily (routes.tsx) instead.`);
  process.exit(1);
}
