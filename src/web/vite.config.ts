// Vite build of the web UI: `npm run build:web` (vite build --config src/web/vite.config.ts)
// writes the static SPA to <repo>/dist/web, which the node/hub server serves with an
// index.html fallback. JSX goes through Vite's built-in esbuild transform (no React plugin).
// Dev: `npx vite --config src/web/vite.config.ts` with TONGBAN_API=http://127.0.0.1:<port>
// proxies /api and /readyz to a running node.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { catalogProblems } from './i18n/keys';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Fails the build when the zh-CN and en catalogs do not have the same keys and placeholders. */
function i18nCatalogCheck(): Plugin {
  return {
    name: 'tongban-i18n-catalog-check',
    buildStart() {
      const problems = catalogProblems(zhCN, en);
      if (problems.length > 0) this.error(`i18n catalogs out of step:\n  ${problems.join('\n  ')}`);
    },
  };
}

const apiTarget = process.env.TONGBAN_API;

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: false,
  plugins: [i18nCatalogCheck()],
  esbuild: { jsx: 'automatic' },
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      onwarn(warning, warn) {
        // react-router ships "use client" directives for RSC; meaningless in a plain SPA bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'SOURCEMAP_ERROR') return;
        warn(warning);
      },
    },
  },
  server: apiTarget
    ? // '^/api/' (a pattern), not '/api': the prefix would also send the UI's own /api.ts module to the server
      { proxy: { '^/api/': { target: apiTarget, changeOrigin: false }, '/readyz': { target: apiTarget, changeOrigin: false } } }
    : undefined,
});
