/**
 * What a browser fetches of the built portal, for scripts/portal-size.ts (`npm run bench:portal`) and
 * scripts/check-bundle.ts (the budget): the files index.html names, the files the entry preloads with the shell,
 * and a file's size gzipped at level 9 (what a server compressing ahead of time serves: `gzip -9`, nginx's
 * gzip_static; nginx's on-the-fly default, level 1, gives larger figures).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** index.html's module script, modulepreload links and stylesheets (paths inside the build, JS and CSS). */
export function firstDownloadFiles(html: string): string[] {
  const files = [...html.matchAll(/<script[^>]+src="([^"]+)"|<link[^>]+rel="(?:modulepreload|stylesheet)"[^>]+href="([^"]+)"/g)].map((m) => (m[1] ?? m[2]).replace(/^\//, ''));
  if (!files.some((f) => f.endsWith('.js'))) throw new Error('no script found in index.html');
  return files;
}

/**
 * The files (JS and CSS) the entry chunk loads with the shell (web/src/App.tsx): Vite's preload list of its
 * `import('./App-….js')`, which holds the shell's chunk, every chunk it imports in turn and their stylesheets.
 */
export function shellFiles(entrySource: string): string[] {
  const list = /__vite__mapDeps=\([^[]*\[([^\]]*)\]/.exec(entrySource)?.[1];
  const call = /import\([`"']\.\/(App-[\w-]+\.js)[`"']\)[^;]*?__vite__mapDeps\(\[([\d,]*)\]\)/.exec(entrySource);
  if (!list || !call) throw new Error('the entry chunk does not load the shell (App.tsx) on its own');
  const all = [...list.matchAll(/["`]([^"`]+)["`]/g)].map((m) => m[1]);
  return [...new Set([`assets/${call[1]}`, ...call[2].split(',').map((i) => all[Number(i)])])];
}

/** A file's size gzipped at level 9, in bytes. */
export function gzippedSize(dist: string, file: string): number {
  return gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
}
