/**
 * npm start — builds and starts the Electron app (on the built-in emulator when no pin pad is
 * configured). Where Electron's binary is not installed (`npm run setup` could not fetch it, no
 * network), it says so and starts browser mode instead, which runs the same service and UI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The installed Electron binary, looked up without `require('electron')`: since Electron 42 that
 * require downloads the binary when it is missing, which must not happen behind the user's back.
 */
function electronBinary(): string | undefined {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), relative);
    return relative && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
const electron = electronBinary();
if (!electron) {
  process.stdout.write('Electron is not installed on this machine (its binary could not be downloaded); starting browser mode instead.\n');
  const child = spawn('npx', ['tsx', join(root, 'scripts', 'web.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  run('npx', ['tsx', join(root, 'scripts', 'build-electron.ts')]);
  // Native modules (serialport, better-sqlite3) built for Electron's ABI; `npm test` switches them back.
  run('npx', ['electron-builder', 'install-app-deps']);
  const child = spawn(electron, [join(root, 'dist', 'electron', 'main.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
