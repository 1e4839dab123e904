/**
 * The soak rows of npm run bench ("weeks without a restart"): thousands of card payments in one
 * service process, compiled as in production and driven over its WebSocket bridge, with the pin
 * pad (the emulator, full speed) in this process on a pseudo-terminal. Compared early in the run
 * (after `baseline` payments) and at its end: resident memory and open file descriptors (both
 * after a forced GC, read by the service itself), the logs folder (a small `logs.maxSizeMB` and
 * the frame trace on, so that both log families rotate many times), and payment.start → the sale
 * frame at the pin pad's end of the line over the first and the last window of payments.
 *
 * Log retention is by age (`logs.retentionDays`), so the soak checks it as such: halfway through
 * it dates every rotated file two days back (retentionDays = 1); a later rotation must delete them.
 *
 * The service runs as it ships: with the V8 flag of the app's launch lines (SHIPPED_V8_FLAGS: the
 * kiosk unit's and the desktop entry's `--js-flags`, browser mode's node flags) and the unit's
 * MALLOC_ARENA_MAX=2. `SOAK_NODE_FLAGS` (environment) replaces the flags, to weigh another one
 * before it goes into the launch lines (an empty value: none); the row names them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import { Tag } from '../../native/inpas/tags.js';
import { compileServiceChild } from './rss-bench.js';
import { BENCH_TERMINAL_ID, benchEmulator, goal, ms, percentile, type BenchOptions, type Row } from './rows.js';

/** The V8 flag the app ships with (build/linux/inpas-kiosk-pay.service, the desktop entry, `npm run web`): a young generation of 8 MiB, not 32. */
const SHIPPED_V8_FLAGS = ['--max-semi-space-size=4'] as const;

const TOKEN = 'soak-bench-token-0123456789abcdef';
const ROTATED = /^(?:service|pinpad-trace)\..+\.log$/;
const MIB = 1024 * 1024;
/** Allowed growth of the service's resident memory from the early point to the end of the run. */
const RSS_GROWTH_GOAL_MIB = 5;
/** Allowed growth of its open descriptors (a socket or file opened at that moment, not a leak). */
const FD_GROWTH_GOAL = 2;
/** The end window's p99 against the start window's: "no worse", with a margin for a shared machine's noise. */
const P99_RATIO_GOAL = 1.2;

interface Sizes {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly fds: number;
  readonly gc: boolean;
}

interface LogFile {
  readonly name: string;
  readonly size: number;
}

export interface SoakPlan {
  readonly payments: number;
  /** Memory, descriptors and logs are first read after this many payments. */
  readonly baseline: number;
  /** Latency is compared over payments baseline+1 … baseline+window and the last `window`. */
  readonly window: number;
  readonly maxSizeMB: number;
}

function plan(options: BenchOptions): SoakPlan {
  return options.quick ? { payments: 200, baseline: 50, window: 50, maxSizeMB: 0.02 } : { payments: 5000, baseline: 100, window: 500, maxSizeMB: 0.25 };
}

/** Lines of a child's stdout, awaited one at a time. */
function lineReader(child: ChildProcess): () => Promise<string> {
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let ended = false;
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  reader.on('close', () => {
    ended = true;
    for (const waiter of waiters.splice(0)) waiter('');
  });
  return () => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.resolve('');
    return new Promise((resolve) => waiters.push(resolve));
  };
}

function within<T>(promise: Promise<T>, msLimit: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`soak bench: ${what} took longer than ${msLimit} ms`)), msLimit);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function logFiles(logsDir: string): LogFile[] {
  return readdirSync(logsDir)
    .filter((name) => name.endsWith('.log'))
    .map((name) => ({ name, size: statSync(join(logsDir, name)).size }));
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}

/** `custom` changes the plan (for a longer or shorter look at one figure by hand). */
export async function soakBench(row: Row, options: BenchOptions, custom: Partial<SoakPlan> = {}): Promise<void> {
  const { payments, baseline, window, maxSizeMB } = { ...plan(options), ...custom };
  const nodeFlags = (process.env['SOAK_NODE_FLAGS'] ?? SHIPPED_V8_FLAGS.join(' ')).split(' ').filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'soak-bench-'));
  const dataDir = join(dir, 'data');
  const logsDir = join(dataDir, 'logs');
  let child: ChildProcess | undefined;
  let client: BridgeClient | undefined;
  let saleAt: number | undefined;
  try {
    const script = await compileServiceChild('soak-child.ts', dir);
    mkdirSync(dataDir);
    const link = join(dir, 'pinpad');
    const host = await benchEmulator(link, (event) => {
      if (event.direction === 'rx' && event.kind === 'frame' && event.message.int(Tag.operation) === 1 && saleAt === undefined) saleAt = performance.now();
    });
    let stderr = '';
    try {
      child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, script, link, dataDir, String(maxSizeMB), BENCH_TERMINAL_ID], {
        env: { MALLOC_ARENA_MAX: '2', ...process.env, SOAK_BRIDGE_TOKEN: TOKEN },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
      const nextLine = lineReader(child);
      const read = async <T>(what: string): Promise<T> => {
        const line = await within(nextLine(), 60_000, what);
        if (line === '') throw new Error(`soak bench: the service ended before ${what}:\n${stderr}`);
        return JSON.parse(line) as T;
      };
      const measure = (): Promise<Sizes> => {
        child!.stdin!.write('measure\n');
        return read<Sizes>('a measurement');
      };
      const { wsUrl } = await read<{ wsUrl: string }>('its bridge came up');
      client = new BridgeClient({ url: wsUrl, token: TOKEN, createSocket: (url) => new WebSocket(url) as never });
      await client.connect();
      const waiting = new Map<string, (state: string) => void>();
      client.on('payment', (event) => {
        if (event.phase === 'done') waiting.get(event.receiptId)?.(event.part?.state ?? 'none');
      });

      const latency: number[] = [];
      let retries = 0;
      let early: Sizes | undefined;
      // Resident memory every tenth of the run: a leak climbs steadily, a warm-up levels off.
      const series: Array<[number, Sizes]> = [];
      const step = Math.max(1, Math.floor(payments / 10));
      let earlyLogs: LogFile[] = [];
      let aged: string[] = [];
      const started = performance.now();
      for (let i = 1; i <= payments; i++) {
        const receipt = await client.invoke('receipt.open', { lines: [{ name: 'Кофе с молоком', quantity: 1, amount: 15_000 }], total: 15_000 });
        const done = new Promise<string>((resolve) => waiting.set(receipt.id, resolve));
        let tapAt = 0;
        // Right after start the connection may still be opening: ask again, as a kiosk screen would.
        for (let attempt = 0; ; attempt++) {
          saleAt = undefined;
          tapAt = performance.now();
          try {
            await client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 15_000 });
            break;
          } catch (error) {
            if (attempt > 100) throw error;
            retries++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        const state = await within(done, 30_000, `payment ${i}`);
        waiting.delete(receipt.id);
        if (state !== 'APPROVED') throw new Error(`soak bench: payment ${i} ended ${state}`);
        if (saleAt === undefined) throw new Error(`soak bench: payment ${i}'s sale frame was not seen at the pin pad`);
        latency.push(saleAt - tapAt);
        if (i === baseline) {
          early = await measure();
          earlyLogs = logFiles(logsDir);
          series.push([i, early]);
        } else if (i % step === 0 && i < payments) {
          series.push([i, await measure()]);
        }
        if (i === Math.floor(payments / 2)) {
          const past = new Date(Date.now() - 2 * 86_400_000);
          aged = logFiles(logsDir)
            .filter((f) => ROTATED.test(f.name))
            .map((f) => f.name);
          for (const name of aged) utimesSync(join(logsDir, name), past, past);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const end = await measure();
      series.push([payments, end]);
      const endLogs = logFiles(logsDir);
      child.stdin!.write('stop\n');
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      const code = await within(exited, 30_000, 'its stop');
      child = undefined;
      if (code !== 0) throw new Error(`soak bench: the service exited ${code}:\n${stderr}`);
      if (!early) throw new Error('soak bench: no early measurement');
      if (host.bank.ledger.charges.length !== payments) throw new Error(`soak bench: ${host.bank.ledger.charges.length} bank charges for ${payments} payments`);

      row(
        'soak: card payments in one service process',
        `${(payments / seconds).toFixed(1)} tx/s`,
        `${payments.toLocaleString('en-US')} payments over the bridge in ${seconds.toFixed(0)} s, compiled JS; ` +
          `emulator full speed on a pty; ${retries} payment.start retries while the pin pad connected`,
      );
      const growth = (end.rss - early.rss) / MIB;
      const tenths = series.map(([, m]) => (m.rss / MIB).toFixed(0)).join(', ');
      row(
        'soak: service RSS growth',
        `${signed(growth, 1)} MiB`,
        `${mib(early.rss)} after ${baseline} → ${mib(end.rss)} after ${payments.toLocaleString('en-US')} payments, GC forced before each ` +
          `(${end.gc ? `node --expose-gc${nodeFlags.map((flag) => ` ${flag}`).join('')}` : 'not available'}); V8 heap used ${mib(early.heapUsed)} → ${mib(end.heapUsed)}, reserved ${mib(early.heapTotal)} → ${mib(end.heapTotal)}, ` +
          `outside V8 ${mib(early.rss - early.heapTotal)} → ${mib(end.rss - end.heapTotal)}; RSS along the run (MiB): ${tenths}; ` +
          `${goal(options, `growth ≤ ${RSS_GROWTH_GOAL_MIB} MiB`, growth <= RSS_GROWTH_GOAL_MIB)}`,
      );
      row(
        'soak: open file descriptors',
        `${signed(end.fds - early.fds, 0)} fds`,
        `${early.fds} after ${baseline} → ${end.fds} after ${payments.toLocaleString('en-US')} payments, /proc/self/fd; ${goal(options, `growth ≤ ${FD_GROWTH_GOAL}`, end.fds - early.fds <= FD_GROWTH_GOAL)}`,
      );
      const maxBytes = Math.floor(maxSizeMB * MIB);
      const rotated = endLogs.filter((f) => ROTATED.test(f.name));
      const live = endLogs.filter((f) => !ROTATED.test(f.name)).map((f) => f.name);
      const total = endLogs.reduce((sum, f) => sum + f.size, 0);
      const largest = Math.max(...endLogs.map((f) => f.size));
      const survivors = aged.filter((name) => endLogs.some((f) => f.name === name));
      const logsOk =
        rotated.length > 0 &&
        largest <= maxBytes &&
        aged.length > 0 &&
        survivors.length === 0 &&
        live.includes('service.log') &&
        live.includes('pinpad-trace.log');
      row(
        'soak: log files at the end',
        `${endLogs.length} files`,
        `${live.length} live + ${rotated.length} rotated (${earlyLogs.length} after ${baseline}), ${(total / 1024).toFixed(0)} KiB in all, largest ${(largest / 1024).toFixed(1)} KiB ` +
          `(maxSizeMB ${maxSizeMB}); ${aged.length} rotated files dated past retention halfway, ${survivors.length} left; ` +
          `${(total / payments / 1024).toFixed(2)} KiB of log per payment, frame trace on; ` +
          `${goal(options, 'rotation happens, no file above maxSizeMB, files past retention deleted', logsOk)}`,
      );
      const start = latency.slice(baseline, baseline + window);
      const last = latency.slice(-window);
      const ratio = percentile(last, 99) / percentile(start, 99);
      row(
        'soak: payment.start → sale frame p99, end / start',
        `${ratio.toFixed(2)}×`,
        `p99 ${ms(percentile(start, 99))} over payments ${baseline + 1}–${baseline + window}, ${ms(percentile(last, 99))} over the last ${window} ` +
          `(p50 ${ms(percentile(start, 50))} → ${ms(percentile(last, 50))}); bridge client in the bench, journal fsync included; ` +
          `${goal(options, `≤ ${P99_RATIO_GOAL}× (no worse, with a margin for noise)`, ratio <= P99_RATIO_GOAL)}`,
      );
    } finally {
      client?.close();
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await host.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
