/**
 * The portal build: web/ is the Vite root, the output goes to web/dist, which the Partnergate
 * process serves (with an SPA fallback) from the same origin as the API.
 * `node scripts/ensure-web-build.ts` runs this build when web/dist is missing or stale.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { parse } from '@formatjs/icu-messageformat-parser';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web/src modules the first screens run: from main.tsx along every relative import, static or dynamic, except
 * a dynamic import written `afterCatalog(import('…'))` (routes.tsx: a page that waits for the rest of the catalog).
 * Imports are relative and name their file (`./x.tsx`), so reading the sources finds them.
 */
function firstScreenModules(): string[] {
  const seen = new Set<string>();
  for (const queue = [fileURLToPath(new URL('./src/main.tsx', import.meta.url))]; queue.length > 0; ) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8').replace(/afterCatalog\(import\('[^']+'\)/g, '');
    for (const m of code.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+\.tsx?)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      if (existsSync(target)) queue.push(target);
    }
  }
  return [...seen];
}

/**
 * The message catalogs (web/src/i18n/messages/<locale>.json) reach the browser already parsed, each ICU message as
 * FormatJS's syntax tree, so the portal ships without the message parser (FormatJS's "precompile" advice); a message
 * that does not parse fails the build here, not in a reader's page. Each language's catalog comes in two parts:
 * `virtual:messages/<locale>/first`, the messages the first screens use (the modules of firstScreenModules: the
 * shell, the sign-in page and each persona's home, a fifth of the catalog), which the portal waits for before it
 * shows anything, and `virtual:messages/<locale>/rest`, which comes right after (i18n/I18nProvider.tsx).
 */
function precompiledMessages(): Plugin {
  const PREFIX = 'virtual:messages/';
  let firstIds: Set<string> | null = null;
  return {
    name: 'partnergate:precompiled-messages',
    buildStart() {
      firstIds = null;
    },
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const [locale, part] = id.slice(PREFIX.length + 1).split('/');
      if (!/^[a-zA-Z-]+$/.test(locale) || (part !== 'first' && part !== 'rest')) throw new Error(`no catalog for ${locale} ${part}`);
      const file = fileURLToPath(new URL(`./src/i18n/messages/${locale}.json`, import.meta.url));
      this.addWatchFile(file);
      const catalog = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      if (!firstIds) {
        const modules = firstScreenModules();
        for (const m of modules) this.addWatchFile(m);
        // every id a first-screen module names, wherever it is defined: a literal the catalog has
        firstIds = new Set(modules.flatMap((m) => [...readFileSync(m, 'utf8').matchAll(/['"`]([\w.-]+)['"`]/g)].map((x) => x[1])));
      }
      const ids = firstIds;
      const entries = Object.entries(catalog).filter(([k]) => ids.has(k) === (part === 'first'));
      return `export default ${JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k, parse(v)])))};`;
    },
  };
}

/**
 * Mantine's stylesheet in pieces, each with the component it styles (the build only). Mantine ships one
 * stylesheet for all of its ~100 components (35 KB gzipped) and one per component (`@mantine/core/styles/<X>.css`);
 * each component's class names live in its `<X>.module.mjs`. Here that module imports its component's stylesheet,
 * so a component's CSS goes into the chunk that holds its code: the first download carries Mantine's base styles
 * (reset, variables, global classes) and what the first screen uses; a page brings the rest. The order is
 * Mantine's own: a component imports what it builds on before its class names, as in Mantine's full stylesheet.
 * `import '@mantine/core/styles.css'` (main.tsx) becomes the base styles here; the dev server keeps the whole
 * stylesheet (it serves Mantine pre-bundled, without this transform).
 */
function mantineStylesPerComponent(): Plugin {
  const BASE = '\0mantine-base-styles';
  const EMPTY = '\0mantine-styles-with-components';
  const notificationStyles = fileURLToPath(import.meta.resolve('@mantine/notifications/styles.css'));
  return {
    name: 'partnergate:mantine-styles-per-component',
    apply: 'build',
    enforce: 'pre',
    resolveId(id) {
      if (id === '@mantine/core/styles.css') return BASE;
      if (id === '@mantine/notifications/styles.css') return EMPTY;
      return null;
    },
    load(id) {
      if (id === BASE) return ['baseline', 'default-css-variables', 'global'].map((f) => `import '@mantine/core/styles/${f}.css';`).join('\n');
      if (id === EMPTY) return '';
      return null;
    },
    transform(code, id) {
      const core = /@mantine\/core\/esm\/.*\/(\w+)\.module\.mjs$/.exec(id);
      if (core) return { code: `${code}\nimport '@mantine/core/styles/${core[1]}.css';\n`, map: null };
      if (/@mantine\/notifications\/esm\/Notifications\.module\.mjs$/.test(id)) return { code: `${code}\nimport ${JSON.stringify(notificationStyles)};\n`, map: null };
      return null;
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [precompiledMessages(), mantineStylesPerComponent(), react()],
  resolve: {
    // the catalogs are parsed at build time (precompiledMessages): the runtime needs only the tree's types
    alias: [{ find: /^@formatjs\/icu-messageformat-parser$/, replacement: '@formatjs/icu-messageformat-parser/no-parser.js' }],
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The CSP forbids inline scripts: keep every script an external, hashed file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for a hot-reloading portal against a running server.
    proxy: { '/api': 'http://127.0.0.1:8080', '/oauth': 'http://127.0.0.1:8080', '/docs': 'http://127.0.0.1:8080' },
  },
});
