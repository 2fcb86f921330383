import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built from the repo root: `npx vite build --config agent-app/vite.config.ts`. The same build is
// loaded from file:// by Electron and served by the relay at `/`, hence relative asset URLs.
export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // No inline <script> or data: module preloads: the CSP allows only same-origin scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // One bundle on purpose: it loads from file:// or from the relay next door, never over a slow link.
    chunkSizeWarningLimit: 800,
  },
});
