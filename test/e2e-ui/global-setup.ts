/**
 * Builds the UI (dist/renderer) before any test runs, so `npm test` tests what `npm run web`
 * and Electron serve. Vitest runs this once per run, before the workers start.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  // Vitest sets NODE_ENV=test, and Vite puts an inherited NODE_ENV into the bundle: React's
  // development build would be tested instead of the one users get. Build as `npm run build:ui` does.
  const env = { ...process.env };
  delete env.NODE_ENV;
  execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, env, stdio: 'inherit' });
}
