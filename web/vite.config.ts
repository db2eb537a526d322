/**
 * The portal build: web/ is the Vite root, the output goes to web/dist, which the Partnergate
 * process serves (with an SPA fallback) from the same origin as the API.
 * `node scripts/ensure-web-build.ts` runs this build when web/dist is missing or stale.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { parse } from '@formatjs/icu-messageformat-parser';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The message catalogs (web/src/i18n/messages/<locale>.json) reach the browser already parsed, as the modules
 * `virtual:messages/<locale>`: each ICU message as FormatJS's syntax tree, so the portal ships without the
 * message parser (FormatJS's "precompile" advice). A message that does not parse fails the build here, not in a
 * reader's page.
 */
function precompiledMessages(): Plugin {
  const PREFIX = 'virtual:messages/';
  return {
    name: 'partnergate:precompiled-messages',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const locale = id.slice(PREFIX.length + 1);
      if (!/^[a-zA-Z-]+$/.test(locale)) throw new Error(`no catalog for ${locale}`);
      const file = fileURLToPath(new URL(`./src/i18n/messages/${locale}.json`, import.meta.url));
      this.addWatchFile(file);
      const catalog = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      return `export default ${JSON.stringify(Object.fromEntries(Object.entries(catalog).map(([k, v]) => [k, parse(v)])))};`;
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [precompiledMessages(), react()],
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
