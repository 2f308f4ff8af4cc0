import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Where `npm run dev` sends API and live traffic (the ingest service started by `npm start`). */
const backend = process.env['ZW_BACKEND'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Served by ingest at `/` with assets under `/assets/`.
  base: '/',
  // Preact's automatic JSX runtime through Vite's own transformer: no framework plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    // The console, the participant's phone page (issue 17) at /home/ — a separate entry so the phone
    // downloads neither the console nor its charts — and the participant's own record view at /p/ (issue 16,
    // opened from a link a clinician issues; its service worker is `public/p/sw.js`).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        home: fileURLToPath(new URL('home/index.html', import.meta.url)),
        participant: fileURLToPath(new URL('p/index.html', import.meta.url)),
      },
      // zod and the setting that turns its eval probe off (`src/zod-config.ts`) share one chunk, which
      // runs whole before any chunk that builds a schema (protocol's schemas sit in the chunk the three
      // entries share). Apart, the shared chunk built its schemas before the setting ran, zod probed for
      // eval, and the console's CSP reported it (issue 13 hole 8).
      output: {
        manualChunks(id: string) {
          if (id.includes('/node_modules/zod/') || id.endsWith('/src/zod-config.ts')) return 'zod';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
