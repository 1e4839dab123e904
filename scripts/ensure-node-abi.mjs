// Before the tests: native modules must be built for this Node (npm start may have rebuilt
// them for Electron). Rebuilds them only when loading fails with an ABI mismatch.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (error) {
  if (!/NODE_MODULE_VERSION|was compiled against a different Node.js version|Could not locate the bindings file/.test(String(error))) throw error;
  console.log('native modules are not built for this Node.js; rebuilding better-sqlite3 …');
  execFileSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
}
