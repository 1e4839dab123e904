/**
 * npm run check:package — what a kiosk would get, checked here where Electron's binary cannot
 * be downloaded: builds the app, packages it unpacked for Linux x64 with electron-builder
 * around an Electron STAND-IN (scripts/package-check/standin.ts), checks the app archive and
 * the fuses, assembles the .deb with dpkg-deb from the same file list and maintainer scripts
 * as the deb target, and runs those scripts in a minimal Debian root (needs root, mmdebstrap,
 * chroot; the root is cached in .state/package-check/). Every line names the stand-in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConfig } from 'app-builder-lib/out/util/config/config.js';
import { checkFuses, inspectArchive } from './package-check/archive.js';
import { assembleDeb } from './package-check/deb.js';
import { debianRootTarball, runDebianScenario } from './package-check/debian-root.js';
import { STANDIN_LABEL, writeElectronStandin } from './package-check/standin.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const state = join(root, '.state', 'package-check');
const PREFIX = `package check (${STANDIN_LABEL}, not Electron):`;
const started = Date.now();
const failures: string[] = [];

const say = (line: string): void => console.log(`${PREFIX} ${line}`);
const report = (ok: boolean, what: string): void => {
  say(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const seconds = (from: number): string => `${((Date.now() - from) / 1000).toFixed(1)} s`;

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  for (const line of `${res.stdout}${res.stderr}`.split('\n').filter((l) => l.trim())) say(`  | ${line.trim()}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

let t = Date.now();
run('npm', ['run', '--silent', 'build']);
say(`built the UI and the main process (${seconds(t)})`);

t = Date.now();
const standin = writeElectronStandin(join(state, 'electron-standin'));
const out = join(state, 'out');
// npmRebuild off: @electron/rebuild needs Electron's headers from the internet.
run(join(root, 'node_modules', '.bin', 'electron-builder'), ['--linux', 'dir', '--x64', `-c.electronDist=${standin}`, '-c.npmRebuild=false', `-c.directories.output=${out}`]);
say(`electron-builder packaged the unpacked Linux app around the stand-in (${seconds(t)})`);

// electron-builder's own log line, when its configuration is read here, carries the prefix too.
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array) => stdoutWrite(`${PREFIX}   | ${String(chunk).trim()}\n`)) as typeof process.stdout.write;
const config = await getConfig(root, join(root, 'electron-builder.yml'), null).finally(() => (process.stdout.write = stdoutWrite)) as unknown as Record<string, unknown>;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const executable = String(config.executableName);
const unpacked = join(out, 'linux-unpacked');

const archive = inspectArchive(root, join(unpacked, 'resources'));
report(archive.problems.length === 0, `app.asar: ${archive.entries} entries, ${archive.packages.length} production packages, the built UI and main process, no sources, maps, tests or development dependencies`);
for (const problem of archive.problems.slice(0, 40)) say(`     ${problem}`);
if (archive.problems.length > 40) say(`     ... and ${archive.problems.length - 40} more`);
report(archive.nativeModules.length > 0 && !archive.problems.some((p) => p.includes('.node')), `native modules outside the archive (app.asar.unpacked): ${archive.nativeModules.map((f) => f.split('/').pop()).join(', ')} — NOT rebuilt for Electron's ABI (stand-in build, npmRebuild off)`);
const fuseProblems = await checkFuses(join(unpacked, executable), config.electronFuses as Record<string, boolean>);
report(fuseProblems.length === 0, `fuses as configured in electron-builder.yml, read back from the stand-in's fuse wire (a real Electron binary's wire is not checked here)${fuseProblems.length ? `: ${fuseProblems.join('; ')}` : ''}`);

t = Date.now();
const v1 = pkg.version;
const v2 = `${pkg.version}+check2`;
const spec = { name: pkg.name, executable, productName: String(config.productName), config };
const newDefault = join(state, 'config-v2.toml');
writeFileSync(newDefault, `${readFileSync(join(root, 'build', 'config.toml'), 'utf8')}\n# (the next version's default)\n`);
const debV1 = join(state, 'debs', `${pkg.name}_${v1}_amd64.deb`);
const debV2 = join(state, 'debs', `${pkg.name}_${v2}_amd64.deb`);
const conffiles = assembleDeb(root, unpacked, { ...spec, version: v1 }, join(state, 'deb-v1'), debV1);
assembleDeb(root, unpacked, { ...spec, version: v2 }, join(state, 'deb-v2'), debV2, { '/etc/inpas-kiosk/config.toml': newDefault });
say(`assembled ${debV1} and ${v2} with dpkg-deb (${seconds(t)}); conffiles: ${conffiles.join(', ')}`);
const fields = execFileSync('dpkg-deb', ['--field', debV1, 'Depends', 'Recommends'], { encoding: 'utf8' });
report(/Recommends: cage/.test(fields), `the .deb recommends cage for the kiosk session (${fields.trim().replace(/\n/g, '; ')})`);

t = Date.now();
const canRoot = process.getuid?.() === 0 && ['mmdebstrap', 'chroot', 'systemctl'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
if (!canRoot) {
  report(false, 'the maintainer scripts need root, mmdebstrap, chroot and systemctl (npm run setup installs mmdebstrap): not run');
} else {
  mkdirSync(state, { recursive: true });
  const tarball = debianRootTarball(join(state, 'cache'), say);
  say(`Debian root ready (${seconds(t)})`);
  t = Date.now();
  runDebianScenario({ tarball, rootDir: join(state, 'debian-root'), debV1, debV2, v1, v2, packageName: pkg.name, executable, productDir: String(config.productName), report });
  say(`maintainer scripts checked in the Debian root (${seconds(t)})`);
}

say(`done in ${seconds(started)}: ${failures.length === 0 ? 'all checks passed' : `${failures.length} FAILED`}`);
say('what the stand-in hides: the Electron binary was never started, so the app was not run from the package;');
say('  the fuse wire read back is the stand-in\'s, not a real Electron binary\'s (its layout and the fuses\' effect at run time are unchecked);');
say('  the native modules (better-sqlite3, serialport) were copied as built for Node, not rebuilt for Electron\'s ABI;');
say('  the .deb came from dpkg-deb, not fpm, and the AppImage was not built; the Depends (GTK, NSS, cage) were not installed (dpkg --force-depends).');
if (existsSync(unpacked) && failures.length > 0) say(`the unpacked app stays in ${unpacked} for a look`);
process.exitCode = failures.length === 0 ? 0 : 1;
