/** The app-archive check of npm run check:package finds what must not reach a kiosk. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectArchive, packageOf } from '../../scripts/package-check/archive.js';

const ROOT = join(import.meta.dirname, '..', '..');
const asar = createRequire(import.meta.url)('@electron/asar') as { createPackageWithOptions(src: string, dest: string, options: { unpack?: string }): Promise<void> };
const work = mkdtempSync(join(tmpdir(), 'archive-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function archiveOf(files: Record<string, string>, unpack?: string): Promise<string> {
  const src = mkdtempSync(join(work, 'src-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  const resources = mkdtempSync(join(work, 'resources-'));
  await asar.createPackageWithOptions(src, join(resources, 'app.asar'), unpack ? { unpack } : {});
  return resources;
}

describe('the app-archive check', () => {
  it('names the package of a node_modules path, scoped or nested', () => {
    expect(packageOf('/node_modules/zod/index.js')).toBe('zod');
    expect(packageOf('/node_modules/@serialport/stream/dist/index.js')).toBe('@serialport/stream');
    expect(packageOf('/node_modules/tar/node_modules/chownr/index.js')).toBe('chownr');
    expect(packageOf('/dist/electron/main.js')).toBeUndefined();
  });

  it('reports sources, maps, tests, development dependencies, missing parts and a native module inside the archive', async () => {
    const resources = await archiveOf({
      'package.json': '{}',
      'dist/electron/main.js': '',
      'dist/electron/main.js.map': '',
      'electron/main.ts': '',
      'node_modules/vitest/index.js': '',
      'node_modules/zod/src/index.ts': '',
      'node_modules/pino/test/basic.test.js': '',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node': '',
    });
    const { problems } = inspectArchive(ROOT, resources);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/dist/electron/main.js.map is a source map',
        '/electron/main.ts is a TypeScript source or type file',
        '/node_modules/zod/src/index.ts is a TypeScript source or type file',
        '/node_modules/pino/test/basic.test.js is a test or coverage file',
        'vitest is a development dependency',
        'the archive lacks /dist/renderer/index.html',
        'the production dependency react is missing',
        '/node_modules/better-sqlite3/build/Release/better_sqlite3.node is inside the archive, where it cannot be loaded',
        'no native module of serialport for Linux x64',
      ]),
    );
  });

  it('accepts native modules kept outside the archive', async () => {
    const resources = await archiveOf({ 'node_modules/better-sqlite3/build/Release/better_sqlite3.node': 'x', 'package.json': '{}' }, '*.node');
    const { problems, nativeModules } = inspectArchive(ROOT, resources);
    expect(nativeModules).toEqual(['/node_modules/better-sqlite3/build/Release/better_sqlite3.node']);
    expect(problems.filter((p) => p.includes('better_sqlite3.node') || p.includes('better-sqlite3 for'))).toEqual([]);
  });
});
