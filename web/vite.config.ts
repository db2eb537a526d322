/**
 * The portal build: web/ is the Vite root, the output goes to web/dist, which the Partnergate
 * process serves (with an SPA fallback) from the same origin as the API.
 * `node scripts/ensure-web-build.ts` runs this build when web/dist is missing or stale.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
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
