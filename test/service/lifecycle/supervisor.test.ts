/**
 * systemd notifications: READY once the service is up, WATCHDOG pings only while the event loop
 * runs on time and the journal answers, STOPPING with more time when a drain begins. A fake
 * sender and a hand-moved clock; one test sends through the real `systemd-notify` to a unix
 * datagram socket that answers its barrier as systemd does.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createShutdown } from '../../../electron/service/lifecycle/shutdown.js';
import { Supervisor, supervisorFromEnv, systemdNotify, type SupervisorClock } from '../../../electron/service/lifecycle/supervisor.js';

class FakeClock implements SupervisorClock {
  ms = 0;
  intervals: Array<{ fn: () => void; ms: number }> = [];
  now = (): number => this.ms;
  setInterval = (fn: () => void, ms: number): unknown => {
    const handle = { fn, ms };
    this.intervals.push(handle);
    return handle;
  };
  clearInterval = (handle: unknown): void => {
    this.intervals = this.intervals.filter((h) => h !== handle);
  };
}

function rig(probe: () => void = () => undefined) {
  const sent: string[][] = [];
  const clock = new FakeClock();
  const supervisor = new Supervisor({ send: async (fields) => void sent.push([...fields]), watchdogUsec: 30_000_000, probe, clock });
  const pings = (): number => sent.filter((f) => f.includes('WATCHDOG=1')).length;
  return { sent, clock, supervisor, pings };
}

describe('systemd supervisor', () => {
  it('READY=1 with a status once; pings every WATCHDOG_USEC/2 while healthy', async () => {
    const { sent, clock, supervisor, pings } = rig();
    expect(supervisor.pingEveryMs).toBe(15_000);
    expect(clock.intervals).toHaveLength(0);
    await supervisor.ready('Taking payments (kiosk)');
    await supervisor.ready('again');
    expect(sent).toEqual([['READY=1', 'STATUS=Taking payments (kiosk)']]);
    expect(clock.intervals.map((i) => i.ms)).toEqual([15_000]);
    for (let i = 0; i < 3; i++) {
      clock.ms += 15_000;
      expect(await supervisor.tick()).toBe(true);
    }
    expect(pings()).toBe(3);
  });

  it('no ping while the journal does not answer; pings again once it does', async () => {
    let broken = false;
    const { sent, clock, supervisor, pings } = rig(() => {
      if (broken) throw new Error('SQLITE_IOERR: disk I/O error');
    });
    await supervisor.ready('up');
    broken = true;
    clock.ms += 15_000;
    expect(await supervisor.tick()).toBe(false);
    clock.ms += 15_000;
    expect(await supervisor.tick()).toBe(false);
    expect(pings()).toBe(0);
    expect(supervisor.lastWithheld).toMatch(/journal does not answer: SQLITE_IOERR/);
    expect(sent.filter((f) => f[0]!.startsWith('STATUS=Unwell'))).toHaveLength(1);
    broken = false;
    clock.ms += 15_000;
    expect(await supervisor.tick()).toBe(true);
    expect(pings()).toBe(1);
  });

  it('no ping after the event loop was stuck (a tick far too late)', async () => {
    const { clock, supervisor, pings } = rig();
    await supervisor.ready('up');
    clock.ms += 15_000 + 20_000;
    expect(await supervisor.tick()).toBe(false);
    expect(supervisor.lastWithheld).toMatch(/event loop was stuck for 20000 ms/);
    clock.ms += 15_000;
    expect(await supervisor.tick()).toBe(true);
    expect(pings()).toBe(1);
  });

  it('a wedged event loop sends nothing: the real timer cannot fire while the loop is blocked', async () => {
    const sent: string[][] = [];
    const supervisor = new Supervisor({ send: async (fields) => void sent.push([...fields]), watchdogUsec: 40_000, probe: () => undefined });
    await supervisor.ready('up');
    const until = Date.now() + 200;
    while (Date.now() < until) {
      // Busy: the loop is wedged for ten ping intervals.
    }
    const during = sent.filter((f) => f.includes('WATCHDOG=1')).length;
    expect(during).toBe(0);
    // The first late tick is withheld (stuck); once the loop runs on time again, it pings.
    await expect.poll(() => sent.filter((f) => f.includes('WATCHDOG=1')).length, { timeout: 5000, interval: 10 }).toBeGreaterThan(0);
    supervisor.close();
    expect(sent.findIndex((f) => f[0]!.startsWith('STATUS=Unwell: the event loop was stuck'))).toBeGreaterThan(0);
    expect(sent.findIndex((f) => f[0]!.startsWith('STATUS=Unwell: the event loop was stuck'))).toBeLessThan(sent.findIndex((f) => f.includes('WATCHDOG=1')));
  });

  it('a drain sends STOPPING=1 with EXTEND_TIMEOUT_USEC beyond the drain limit, and the pings end with the stop', async () => {
    const { sent, clock, supervisor } = rig();
    await supervisor.ready('up');
    const stopped: string[] = [];
    const app = {
      drainLimitMs: 60_000,
      service: { operations: { count: 1 } },
      logger: { info: () => undefined, warn: () => undefined } as never,
      drain: async () => ({ drained: true, abandoned: 0, ms: 5 }),
      stop: async () => void stopped.push('stop'),
    };
    await createShutdown({ app, supervisor }).request('SIGTERM');
    const stopping = sent.find((f) => f[0] === 'STOPPING=1');
    expect(stopping).toEqual(['STOPPING=1', 'EXTEND_TIMEOUT_USEC=75000000', 'STATUS=Stopping (SIGTERM): finishing 1 operation(s) at the pin pad']);
    expect(stopped).toEqual(['stop']);
    expect(clock.intervals).toHaveLength(0);
  });

  it('outside systemd (no NOTIFY_SOCKET) there is no supervisor; WATCHDOG_USEC is read, WATCHDOG_PID (cage) is not', () => {
    expect(
      supervisorFromEnv(
        {},
        () => undefined,
        () => undefined,
      ),
    ).toBeUndefined();
    const s = supervisorFromEnv(
      { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '1' },
      () => undefined,
      () => undefined,
      async () => undefined,
    );
    expect(s?.pingEveryMs).toBe(15_000);
    expect(
      supervisorFromEnv(
        { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: 'x' },
        () => undefined,
        () => undefined,
        async () => undefined,
      )?.pingEveryMs,
    ).toBeUndefined();
  });

  it('a failed send is logged, never thrown', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor({
      send: () => Promise.reject(new Error('no socket')),
      watchdogUsec: undefined,
      probe: () => undefined,
      log: (line) => lines.push(line),
    });
    await expect(supervisor.ready('up')).resolves.toBeUndefined();
    expect(lines).toEqual(['systemd notification not sent']);
  });

  const haveTools = (() => {
    try {
      execFileSync('systemd-notify', ['--version'], { stdio: 'ignore' });
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  /**
   * A receiver that does what systemd does with a message: reads the datagram and closes the file
   * descriptors it carries (systemd-notify's BARRIER=1 waits for that). socat would keep them open.
   */
  const RECEIVER = [
    'import socket, sys, os, array',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(sys.argv[1])',
    'print("bound", flush=True)',
    'while True:',
    '    data, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))',
    '    for level, kind, payload in anc:',
    '        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:',
    '            fds = array.array("i"); fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])',
    '            for fd in fds: os.close(fd)',
    '    print(repr(data.decode()), flush=True)',
  ].join('\n');

  it.runIf(haveTools)('the wire: systemd-notify delivers READY=1 and STATUS to a unix datagram socket and returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-'));
    const socket = join(dir, 'notify.sock');
    const receiver = spawn('python3', ['-c', RECEIVER, socket], { stdio: ['ignore', 'pipe', 'pipe'] });
    let got = '';
    receiver.stdout!.on('data', (chunk: Buffer) => (got += chunk.toString()));
    receiver.stderr!.on('data', (chunk: Buffer) => (got += chunk.toString()));
    try {
      await expect.poll(() => got, { timeout: 5000 }).toContain('bound');
      await systemdNotify(socket)(['READY=1', 'STATUS=Taking payments (test)']);
      await expect.poll(() => got, { timeout: 5000 }).toContain('READY=1');
      expect(got).toContain('STATUS=Taking payments (test)');
    } finally {
      receiver.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
