import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built from the repo root (`vite build --config customer-portable/vite.config.ts`); paths are
// relative to this file so the build does not depend on the working directory. `base: './'`
// lets the same build load from the relay (`/customer/`) and from file:// in Electron.
export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron's Chromium and current Chromium both run ES2023 natively.
    target: 'es2023',
    // Three pages: the app, the transparent whiteboard overlay over the customer's screen, and the privacy curtain.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./src/renderer/index.html', import.meta.url)),
        overlay: fileURLToPath(new URL('./src/renderer/overlay.html', import.meta.url)),
        curtain: fileURLToPath(new URL('./src/renderer/curtain.html', import.meta.url)),
      },
    },
  },
});
