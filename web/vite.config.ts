/**
 * The map page's build: web/ -> dist/web/ (index.html + hashed files under /assets/). Nothing is
 * inlined (scripts, styles, images), because `flowmap serve` sends a CSP without 'unsafe-inline'.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web/', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    // The module-preload polyfill is an inline-free chunk, but not needed by the browsers we target.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
});
