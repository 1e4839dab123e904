/**
 * scripts/setup.sh on a simulated fresh machine: a PATH holding only fake apt-get, sudo, npm and
 * id plus the few real tools the script uses, and an Electron installer that fails or hangs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'setup.sh');
const REAL_TOOLS = ['bash', 'dirname', 'env', 'timeout', 'grep', 'mktemp', 'rm', 'cat', 'sleep', 'node'];

interface Machine {
  root: string;
  bin: string;
  log: string;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fake(bin: string, name: string, body: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/bash\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A project copy with the setup script, and a bin folder standing in for the whole PATH. */
function machine(options: { uid: number; installed?: string[]; installer?: 'fails' | 'works' | 'hangs' | 'absent' }): Machine {
  const root = mkdtempSync(join(tmpdir(), 'setup-test-'));
  dirs.push(root);
  const bin = join(root, 'fake-bin');
  const log = join(root, 'calls.log');
  mkdirSync(join(root, 'scripts'));
  mkdirSync(bin);
  copyFileSync(SCRIPT, join(root, 'scripts', 'setup.sh'));
  writeFileSync(join(root, 'package.json'), '{}');
  writeFileSync(join(root, 'package-lock.json'), '{}');
  writeFileSync(log, '');
  for (const tool of REAL_TOOLS) {
    const real = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(real, join(bin, tool));
  }
  fake(bin, 'id', `[ "$1" = -u ] && echo ${options.uid}`);
  fake(bin, 'apt-get', `echo "apt-get $* [DEBIAN_FRONTEND=\${DEBIAN_FRONTEND:-}] [uid-via-sudo=\${VIA_SUDO:-no}]" >> "${log}"`);
  fake(bin, 'sudo', `echo "sudo $1" >> "${log}"; VIA_SUDO=yes exec "$@"`);
  fake(bin, 'npm', `echo "npm $* [ELECTRON_SKIP_BINARY_DOWNLOAD=\${ELECTRON_SKIP_BINARY_DOWNLOAD:-}]" >> "${log}"`);
  for (const name of options.installed ?? []) fake(bin, name, 'exit 0');
  const installer = options.installer ?? 'fails';
  if (installer !== 'absent') {
    mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
    const body = {
      fails: `console.error('RequestError: getaddrinfo ENOTFOUND github.com'); process.exit(1);`,
      works: `require('fs').appendFileSync(${JSON.stringify(log)}, 'electron installer ran\\n');`,
      hangs: `setTimeout(() => {}, 60000);`,
    }[installer];
    writeFileSync(join(root, 'node_modules', 'electron', 'install.js'), body);
  }
  return { root, bin, log };
}

function runSetup(m: Machine, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; calls: string[] } {
  // Nothing exported by hand: only PATH (the fake machine), HOME and what a case adds.
  const result = spawnSync(join(m.bin, 'bash'), [join(m.root, 'scripts', 'setup.sh')], {
    env: { PATH: m.bin, HOME: m.root, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const calls = readFileSync(m.log, 'utf8').split('\n').filter(Boolean);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe('npm run setup (scripts/setup.sh) on a fresh machine', () => {
  it('as root with nothing installed: apt-get update, then socat, mmdebstrap, chromium and prometheus; npm without the Electron download; one line when Electron cannot be fetched', () => {
    const m = machine({ uid: 0, installer: 'fails' });
    const run = runSetup(m);
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls[0]).toBe('apt-get update -qq [DEBIAN_FRONTEND=] [uid-via-sudo=no]');
    expect(run.calls[1]).toBe('apt-get install -y -qq --no-install-recommends socat mmdebstrap chromium prometheus [DEBIAN_FRONTEND=noninteractive] [uid-via-sudo=no]');
    expect(run.calls[2]).toBe('npm install [ELECTRON_SKIP_BINARY_DOWNLOAD=1]');
    expect(run.calls).toHaveLength(3);
    const electronLines = run.stdout.split('\n').filter((l) => /electron/i.test(l));
    expect(electronLines).toEqual(["setup: Electron's binary could not be downloaded (ENOTFOUND): npm start will open browser mode"]);
    expect(run.stderr).toBe('');
  });

  it('as a user: apt-get through sudo; with CI=true it uses npm ci', () => {
    const m = machine({ uid: 1000, installed: ['socat', 'mmdebstrap', 'chromium'], installer: 'fails' });
    const run = runSetup(m, { CI: 'true' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toEqual([
      'sudo apt-get',
      'apt-get update -qq [DEBIAN_FRONTEND=] [uid-via-sudo=yes]',
      'sudo env',
      'apt-get install -y -qq --no-install-recommends prometheus [DEBIAN_FRONTEND=noninteractive] [uid-via-sudo=yes]',
      'npm ci [ELECTRON_SKIP_BINARY_DOWNLOAD=1]',
    ]);
  });

  it('installs nothing with apt-get when every system package is there, and fetches Electron where the network allows', () => {
    const m = machine({ uid: 1000, installed: ['socat', 'mmdebstrap', 'chromium', 'promtool'], installer: 'works' });
    const run = runSetup(m);
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toEqual(['npm install [ELECTRON_SKIP_BINARY_DOWNLOAD=1]', 'electron installer ran']);
    expect(run.stdout).not.toMatch(/could not/);
  });

  it('gives up on an Electron download that hangs after its timeout, in one line, and still succeeds', () => {
    const m = machine({ uid: 0, installed: ['socat', 'mmdebstrap', 'chromium', 'promtool'], installer: 'hangs' });
    const run = runSetup(m, { SETUP_ELECTRON_TIMEOUT: '1' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((l) => /electron/i.test(l))).toEqual([
      "setup: Electron's binary could not be downloaded (no network or timed out): npm start will open browser mode",
    ]);
  });

  it('stops with a clear message when packages are missing and there is neither root nor sudo', () => {
    const m = machine({ uid: 1000, installed: ['mmdebstrap', 'chromium', 'promtool'] });
    rmSync(join(m.bin, 'sudo'));
    const run = runSetup(m);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing socat.*not root and has no sudo/);
    expect(run.calls).toEqual([]);
  });

  it('a user who exported ELECTRON_SKIP_BINARY_DOWNLOAD is not overruled', () => {
    const m = machine({ uid: 0, installed: ['socat', 'mmdebstrap', 'chromium', 'promtool'], installer: 'works' });
    const run = runSetup(m, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toEqual(['npm install [ELECTRON_SKIP_BINARY_DOWNLOAD=1]']);
    expect(existsSync(join(m.root, 'node_modules', 'electron', 'install.js'))).toBe(true);
  });
});

describe('.ci/run', () => {
  it("runs the README's two commands, then the package check, with nothing set beyond CI=true", () => {
    const root = join(import.meta.dirname, '..', '..');
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
    const commands = ci.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(commands).toEqual(['set -euo pipefail', 'cd "$(dirname "$0")/.."', 'export CI=true', 'npm run setup', 'npm test', 'npm run check:package']);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(block).toMatch(/^npm run setup && npm start\s/m);
    expect(block).toMatch(/^npm test\s/m);
  });
});
