/**
 * Builds the Electron main process and preload into dist/electron/. The main process is an
 * ES module that keeps native modules external (they are rebuilt for Electron when it starts
 * or is packaged); the preload is one CommonJS file, as a sandboxed preload must be.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { cpSync, mkdirSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'electron');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, 'electron', 'main.ts')],
  outfile: join(out, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Native and heavy runtime packages load from node_modules (asar-unpacked when packaged).
  external: ['electron', 'serialport', '@serialport/*', 'better-sqlite3', 'pino', 'ws', 'tar'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

await build({
  entryPoints: [join(root, 'electron', 'preload.ts')],
  outfile: join(out, 'preload.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The Chromium of Electron 45 (153 and later); esbuild lowers only syntax newer than this.
  target: 'chrome153',
  external: ['electron'],
  logLevel: 'warning',
});

// The terminal profile ships next to the code that reads it.
cpSync(join(root, 'native', 'inpas', 'profiles'), join(out, 'profiles'), { recursive: true });
console.log(`built ${out}`);
