import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: built to dist/renderer, loaded by Electron from file:// (hence relative
// paths) and by browser mode from the bridge's static server. The CSP allows scripts from
// 'self' only, so nothing may be inlined: no inline scripts, no eval.
// A build is always the production build, whatever NODE_ENV the caller has (vitest sets "test").
process.env.NODE_ENV = 'production';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The module-preload polyfill would be an extra script; Chromium needs none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'chrome120',
    reportCompressedSize: true,
  },
});
