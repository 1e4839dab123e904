/**
 * What a kiosk gets in the app archive: the built UI, the main process and production
 * dependencies only; native modules outside the archive; the Electron fuses as configured.
 * Each check returns the problems it found (empty = fine), so the package check and the tests
 * print or assert them alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  statFile(archive: string, filename: string, followLinks?: boolean): { unpacked?: boolean; files?: unknown };
};
const fuses = require('@electron/fuses') as {
  getCurrentFuseWire(path: string): Promise<Record<string, unknown>>;
  FuseV1Options: Record<string, number | string>;
};

/** The package name a node_modules path belongs to ("@scope/name" or "name"), nested paths by their last node_modules. */
export function packageOf(path: string): string | undefined {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const first = parts[at + 1]!;
  return first.startsWith('@') ? (at + 2 < parts.length ? `${first}/${parts[at + 2]}` : undefined) : first;
}

interface LockFile {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
}

export interface ArchiveReport {
  entries: number;
  packages: string[];
  nativeModules: string[];
  problems: string[];
}

/** Files that are not the running app: sources, type files, maps, tests. */
const NOT_RUNTIME = [
  { re: /\.(ts|cts|mts|tsx)$/, why: 'a TypeScript source or type file' },
  { re: /\.map$/, why: 'a source map' },
  { re: /\.(c|cc|cpp|h|hpp|gyp|gypi)$/, why: 'a native source or build file' },
  { re: /\/(test|tests|__tests__|coverage)\//, why: 'a test or coverage file' },
  { re: /^\/(electron|native|renderer|test|scripts|bin|src)\//, why: 'a project source folder' },
];

export function inspectArchive(root: string, resourcesDir: string): ArchiveReport {
  const archive = join(resourcesDir, 'app.asar');
  const problems: string[] = [];
  if (!existsSync(archive)) return { entries: 0, packages: [], nativeModules: [], problems: [`no app archive at ${archive}`] };
  const entries = asar.listPackage(archive, { isPack: false });
  const files = new Set(entries);

  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
  for (const needed of [`/${pkg.main}`, '/dist/electron/preload.cjs', '/dist/renderer/index.html', '/package.json']) {
    if (!files.has(needed)) problems.push(`the archive lacks ${needed}`);
  }
  if (!entries.some((f) => /^\/dist\/renderer\/assets\/.+\.js$/.test(f))) problems.push('the archive holds no built UI script (dist/renderer/assets/*.js)');

  for (const file of entries) {
    const bad = NOT_RUNTIME.find((rule) => rule.re.test(file));
    if (bad) problems.push(`${file} is ${bad.why}`);
  }

  // Production dependencies only: every package in the archive is one the lock file does not mark dev-only.
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as LockFile;
  const devOnly = new Set(
    Object.entries(lock.packages)
      .filter(([path, meta]) => path.includes('node_modules/') && (meta.dev === true || meta.devOptional === true))
      .map(([path]) => packageOf(path)!),
  );
  const prodNames = new Set(
    Object.entries(lock.packages)
      .filter(([path, meta]) => path.includes('node_modules/') && !meta.dev && !meta.devOptional)
      .map(([path]) => packageOf(path)!),
  );
  const packages = [...new Set(entries.map(packageOf).filter((p): p is string => p !== undefined))].sort();
  for (const name of packages) {
    if (devOnly.has(name) && !prodNames.has(name)) problems.push(`${name} is a development dependency`);
    else if (!prodNames.has(name)) problems.push(`${name} is in the archive but not in package-lock.json`);
  }
  for (const dep of Object.keys(pkg.dependencies)) {
    if (!packages.includes(dep)) problems.push(`the production dependency ${dep} is missing`);
  }

  // Native modules: listed in the archive's index, their bytes outside it (app.asar.unpacked).
  const nativeModules = entries.filter((f) => f.endsWith('.node'));
  for (const file of nativeModules) {
    const stat = asar.statFile(archive, file.slice(1));
    if (!stat.unpacked) problems.push(`${file} is inside the archive, where it cannot be loaded`);
    if (!existsSync(join(`${archive}.unpacked`, file))) problems.push(`${file} is missing from app.asar.unpacked`);
  }
  for (const [name, re] of [
    ['better-sqlite3', /^\/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/],
    ['serialport', /^\/node_modules\/@serialport\/bindings-cpp\/(build\/Release|prebuilds\/linux-x64)\/.+\.node$/],
  ] as const) {
    if (!nativeModules.some((f) => re.test(f))) problems.push(`no native module of ${name} for Linux x64`);
  }
  return { entries: entries.length, packages, nativeModules, problems };
}

/** electron-builder's fuse names → @electron/fuses' wire positions. */
const FUSE_NAMES: Record<string, string> = {
  runAsNode: 'RunAsNode',
  enableCookieEncryption: 'EnableCookieEncryption',
  enableNodeOptionsEnvironmentVariable: 'EnableNodeOptionsEnvironmentVariable',
  enableNodeCliInspectArguments: 'EnableNodeCliInspectArguments',
  enableEmbeddedAsarIntegrityValidation: 'EnableEmbeddedAsarIntegrityValidation',
  onlyLoadAppFromAsar: 'OnlyLoadAppFromAsar',
  loadBrowserProcessSpecificV8Snapshot: 'LoadBrowserProcessSpecificV8Snapshot',
  grantFileProtocolExtraPrivileges: 'GrantFileProtocolExtraPrivileges',
};
const ENABLED = 0x31;
const DISABLED = 0x30;

/** Reads the fuse wire of the packaged executable and compares it with the configuration. */
export async function checkFuses(executable: string, configured: Record<string, boolean>): Promise<string[]> {
  const problems: string[] = [];
  let wire: Record<string, unknown>;
  try {
    wire = await fuses.getCurrentFuseWire(executable);
  } catch (error) {
    return [`the executable has no fuse wire: ${(error as Error).message}`];
  }
  for (const [key, want] of Object.entries(configured)) {
    const name = FUSE_NAMES[key];
    if (!name) {
      problems.push(`unknown fuse ${key} in electron-builder.yml`);
      continue;
    }
    const at = fuses.FuseV1Options[name] as number;
    const state = wire[String(at)];
    if (state !== (want ? ENABLED : DISABLED)) problems.push(`fuse ${key} is ${state === ENABLED ? 'on' : state === DISABLED ? 'off' : String(state)}, configured ${want ? 'on' : 'off'}`);
  }
  return problems;
}
