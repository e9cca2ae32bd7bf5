// The page's build: src/client (index.html, its script and styles, uPlot) into dist/, every
// file local (no CDN, no web font). npm start runs the same build through Vite's JS API when
// dist/ is missing or older than src/client (src/server/build.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./src/client', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The page is served from 127.0.0.1 only: nothing to gain from splitting it.
    chunkSizeWarningLimit: 200,
  },
});
