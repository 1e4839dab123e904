/**
 * The service's resident memory after N card payments, as it runs in production: compiled to
 * JavaScript with esbuild (into a temporary folder) and run by plain node, with the emulator in
 * this process on a pseudo-terminal.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { benchEmulator, goal, type BenchOptions, type Row } from './rows.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Compiles a service child (a test/bench entry) into `<dir>/app/service.js` as the Electron build
 * does, next to the pin-pad profiles and the project's node_modules; returns the script's path.
 */
export async function compileServiceChild(entry: string, dir: string): Promise<string> {
  const out = join(dir, 'app');
  mkdirSync(out);
  await build({
    entryPoints: [join(ROOT, 'test', 'bench', entry)],
    outfile: join(out, 'service.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // As the Electron build: native and heavy runtime packages load from node_modules.
    external: ['electron', 'serialport', '@serialport/*', 'better-sqlite3', 'pino', 'ws', 'tar'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  cpSync(join(ROOT, 'native', 'inpas', 'profiles'), join(out, 'profiles'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return join(out, 'service.js');
}

export async function rssBench(row: Row, options: BenchOptions): Promise<void> {
  const payments = options.quick ? 10 : 100;
  const dir = mkdtempSync(join(tmpdir(), 'rss-bench-'));
  try {
    const script = await compileServiceChild('rss-child.ts', dir);
    const link = join(dir, 'pinpad');
    const host = await benchEmulator(link);
    let stdout: string;
    try {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir);
      ({ stdout } = await promisify(execFile)(process.execPath, [script, link, dataDir, String(payments)], { timeout: 300_000 }));
    } finally {
      await host.stop();
    }
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rss: number; heapUsed: number; payments: number };
    if (result.payments !== payments || host.bank.ledger.charges.length !== payments) throw new Error('rss bench: not every payment went through');
    const mib = result.rss / 1024 / 1024;
    row(
      `service RSS after ${payments} card payments (compiled JS)`,
      `${mib.toFixed(1)} MiB`,
      `heap ${(result.heapUsed / 1024 / 1024).toFixed(1)} MiB; node, esbuild bundle; ${goal(options, '≤ 80 MB', result.rss <= 80 * 1024 * 1024)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
