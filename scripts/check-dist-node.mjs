// Before `npm run dist`: packaging needs Node.js 22.12 or newer. electron-builder rebuilds the
// native modules with @electron/rebuild and node-abi, and Electron's own downloader (@electron/get)
// needs it too; on older Node they fail deep inside the build. The app and its tests run on 20.19+.
// Plain JavaScript, no imports beyond node:, so that it runs (and says so) on any Node.
import { pathToFileURL } from 'node:url';

export const PACKAGING_NODE = '22.12.0';

/** True when `version` ("22.12.0", "v24.1.0") is at least `minimum`. */
export function atLeast(version, minimum) {
  const parse = (v) =>
    String(v)
      .replace(/^v/, '')
      .split('.')
      .map((part) => Number.parseInt(part, 10) || 0);
  const have = parse(version);
  const want = parse(minimum);
  for (let i = 0; i < want.length; i++) {
    const a = have[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** What to tell the user when this Node cannot package; undefined when it can. */
export function packagingNodeProblem(version) {
  if (atLeast(version, PACKAGING_NODE)) return undefined;
  return [
    `npm run dist: packaging needs Node.js ${PACKAGING_NODE} or newer; this is Node.js ${String(version).replace(/^v/, '')}.`,
    '  electron-builder rebuilds the native modules for Electron with @electron/rebuild and node-abi, and',
    '  fetches Electron with @electron/get: all three need Node.js >= 22.12 and fail deep inside the build on older Node.',
    '  The app and its tests run on Node.js 20.19+; package on a machine with Node.js 22.12+ (for example Node 22 LTS or 24 LTS).',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problem = packagingNodeProblem(process.versions.node);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
