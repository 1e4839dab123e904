/**
 * The kiosk session unit and its stop helper, checked for real: systemd-analyze verify on the
 * unit (offline, in a root with the host's units and stand-ins for the programs it runs), and
 * kiosk-stop against a process tree shaped like cage running the app.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_S } from '../../electron/service/config/schema.js';
import { fpmArgs } from '../../scripts/package-check/deb.js';
import { getConfig } from 'app-builder-lib/out/util/config/config.js';

const ROOT = join(import.meta.dirname, '..', '..');
const UNIT = join(ROOT, 'build', 'linux', 'inpas-kiosk-pay.service');
const STOP = join(ROOT, 'build', 'linux', 'kiosk-stop.sh');
const work = mkdtempSync(join(tmpdir(), 'kiosk-session-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function unitSettings(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) sections.set(header[1]!, (current = new Map()));
    else {
      const [key, value] = line.split(/=(.*)/s);
      current!.set(key!, value!);
    }
  }
  return sections;
}

const hasSystemdAnalyze = spawnSync('sh', ['-c', 'command -v systemd-analyze && test -d /usr/lib/systemd/system']).status === 0;

/** systemd-analyze verify of `unitText` in a root holding the host's units and executable stand-ins for ExecStart/ExecStop. */
function verify(
  unitText: string,
  programs = ['/usr/bin/cage', '/usr/bin/inpas-kiosk-pay', '/usr/lib/inpas-kiosk-pay/kiosk-stop'],
): { status: number | null; output: string } {
  const root = mkdtempSync(join(work, 'root-'));
  const units = join(root, 'usr', 'lib', 'systemd', 'system');
  mkdirSync(units, { recursive: true });
  cpSync('/usr/lib/systemd/system', units, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(units, 'inpas-kiosk-pay.service'), unitText);
  for (const program of programs) {
    mkdirSync(join(root, program, '..'), { recursive: true });
    writeFileSync(join(root, program), '#!/bin/sh\n');
    chmodSync(join(root, program), 0o755);
  }
  const res = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${root}`, 'inpas-kiosk-pay.service'], { encoding: 'utf8' });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

describe('the kiosk session unit', () => {
  const text = readFileSync(UNIT, 'utf8');
  const unit = unitSettings(text);

  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify without a word about it', () => {
    expect(verify(text)).toEqual({ status: 0, output: '' });
  });

  it.skipIf(!hasSystemdAnalyze)('the verification fails on a broken unit: a misspelt key, a bad value, a missing program', () => {
    const noExecStart = verify(text.replace(/^ExecStart=/m, 'ExecStrat='));
    expect(noExecStart.status).not.toBe(0);
    expect(noExecStart.output).toMatch(/ExecStrat/);
    expect(verify(text.replace(/^KillMode=mixed$/m, 'KillMode=mixd')).output).toMatch(/kill mode/i);
    const noCage = verify(text, ['/usr/bin/inpas-kiosk-pay', '/usr/lib/inpas-kiosk-pay/kiosk-stop']);
    expect(noCage.status).not.toBe(0);
    expect(noCage.output).toMatch(/\/usr\/bin\/cage/);
  });

  it('runs the installed app under cage on tty1 as the kiosk user, in a logind session, replacing the getty', async () => {
    const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
    const service = unit.get('Service')!;
    expect(service.get('ExecStart')).toBe(
      `/usr/bin/cage -- /usr/bin/${String(config.executableName)} --ozone-platform=wayland --js-flags=--max-semi-space-size=4`,
    );
    expect(service.get('Environment')).toContain('MALLOC_ARENA_MAX=2');
    expect(service.get('User')).toBe('kiosk');
    expect(service.get('TTYPath')).toBe('/dev/tty1');
    expect(service.get('UtmpIdentifier')).toBe('tty1');
    expect(unit.get('Unit')!.get('Conflicts')).toBe('getty@tty1.service');
    expect(unit.get('Unit')!.get('After')).toMatch(/systemd-user-sessions\.service/);
    expect(unit.get('Install')!.get('Alias')).toBe('display-manager.service');
    // The files it names are the ones the package installs.
    const dests = new Map(fpmArgs(config as never).mappings.map((m) => [m.dest, m.src]));
    expect(dests.get(`/etc/pam.d/${service.get('PAMName')}`)).toBe('build/linux/inpas-kiosk-pay.pam');
    expect(dests.get(service.get('ExecStop')!)).toBe('build/linux/kiosk-stop.sh');
    expect(dests.get('/usr/lib/systemd/system/inpas-kiosk-pay.service')).toBe('build/linux/inpas-kiosk-pay.service');
  });

  it('is supervised: notify from the app inside cage, a watchdog, restarts with a start-rate limit', () => {
    const service = unit.get('Service')!;
    expect(service.get('Type')).toBe('notify');
    expect(service.get('NotifyAccess')).toBe('all');
    expect(Number(service.get('WatchdogSec'))).toBe(30);
    expect(service.get('Restart')).toBe('always');
    expect(Number(unit.get('Unit')!.get('StartLimitBurst'))).toBeGreaterThan(1);
    expect(Number(unit.get('Unit')!.get('StartLimitIntervalSec'))).toBeGreaterThan(
      Number(service.get('RestartSec')) * Number(unit.get('Unit')!.get('StartLimitBurst')),
    );
  });

  it('stops by draining: the app is asked first, cage only after, within a timeout longer than the drain', () => {
    const service = unit.get('Service')!;
    expect(service.get('KillMode')).toBe('mixed');
    expect(service.get('ExecStop')).toBe('/usr/lib/inpas-kiosk-pay/kiosk-stop');
    expect(Number(service.get('TimeoutStopSec'))).toBeGreaterThanOrEqual(DEFAULT_TIMEOUT_S + 30);
  });
});

/** A process tree like the kiosk's: a "cage" that runs an app named inpas-kiosk-pay and exits when it does. */
function startKioskTree(appOnTerm: string): { cage: ReturnType<typeof spawn>; marks: string } {
  const dir = mkdtempSync(join(work, 'tree-'));
  const marks = join(dir, 'marks');
  writeFileSync(join(dir, 'inpas-kiosk-pay'), `#!/bin/sh\ntrap '${appOnTerm}' TERM\necho up >> "$MARKS"\nwhile :; do sleep 0.1; done\n`);
  writeFileSync(
    join(dir, 'cage'),
    `#!/bin/sh\ntrap 'echo cage-term >> "$MARKS"' TERM\n"$DIR/inpas-kiosk-pay" &\napp=$!\nwhile kill -0 $app 2>/dev/null; do wait $app; done\necho cage-exit >> "$MARKS"\n`,
  );
  chmodSync(join(dir, 'inpas-kiosk-pay'), 0o755);
  chmodSync(join(dir, 'cage'), 0o755);
  const cage = spawn(join(dir, 'cage'), [], { env: { ...process.env, MARKS: marks, DIR: dir }, stdio: 'ignore' });
  return { cage, marks };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const read = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : []);

describe("kiosk-stop, the unit's ExecStop", () => {
  it('sends SIGTERM to the app alone and returns only once the app has drained and exited; cage is not signalled', async () => {
    const { cage, marks } = startKioskTree('echo term >> "$MARKS"; sleep 1; echo drained >> "$MARKS"; exit 0');
    await until(() => read(marks).includes('up'));
    const out = execFileSync('sh', [STOP, '30'], { env: { ...process.env, MAINPID: String(cage.pid) }, encoding: 'utf8' });
    // When the helper returns, the app has finished its drain.
    expect(read(marks).slice(0, 3)).toEqual(['up', 'term', 'drained']);
    expect(out).toMatch(/asked the app \(\d+\) to drain/);
    await until(() => read(marks).includes('cage-exit'));
    expect(read(marks)).not.toContain('cage-term');
  });

  it('gives up after its bound when the app does not exit, and leaves the rest to systemd', async () => {
    const { cage, marks } = startKioskTree('echo term >> "$MARKS"');
    await until(() => read(marks).includes('up'));
    try {
      const res = spawnSync('sh', [STOP, '1'], { env: { ...process.env, MAINPID: String(cage.pid) }, encoding: 'utf8' });
      expect(res.status).toBe(0);
      expect(res.stderr).toMatch(/still runs after 1 s/);
      expect(read(marks)).toEqual(['up', 'term']);
    } finally {
      // The app of this test ignores SIGTERM: end it by its PID; its cage then exits by itself.
      const apps = spawnSync('pgrep', ['-P', String(cage.pid)], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean);
      for (const pid of apps) process.kill(Number(pid), 'SIGKILL');
    }
    await until(() => read(marks).includes('cage-exit'));
  });

  it('has nothing to do when the app is already gone or systemd gave no MAINPID', () => {
    expect(spawnSync('sh', [STOP], { env: { PATH: process.env.PATH } }).status).toBe(0);
    expect(spawnSync('sh', [STOP], { env: { PATH: process.env.PATH, MAINPID: String(process.pid) } }).status).toBe(0);
    expect(spawnSync('sh', [STOP, 'soon'], { env: { PATH: process.env.PATH, MAINPID: '1' } }).status).toBe(2);
  });
});
