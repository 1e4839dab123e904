/**
 * npm run bench — performance figures, measured in one run on this machine (shared, noisy):
 * compare the ratios, not the absolute numbers. `npm run bench -- --quick` prints every row in
 * a few seconds without judging goals; the test suite runs it so the bench cannot rot.
 * `--only soak,journal` runs only the named groups (codec, e2e, journal, rss, soak, ui, restart).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeFrame, FrameDecoder } from '../../native/inpas/codec.js';
import type { LinkTraceEvent } from '../../native/inpas/link.js';
import { Message } from '../../native/inpas/message.js';
import { loadProfile } from '../../native/inpas/profile.js';
import { openPinpadStack } from '../../native/inpas/stack.js';
import { CONTROL_BYTE } from '../../native/inpas/codec.js';
import { PseudoTerminalPair } from '../../native/emulator/pty.js';
import { SerialStream } from '../../native/transport/serial.js';
import { journalBench } from './journal-bench.js';
import { benchEmulator, goal, ms, percentile, type BenchOptions } from './rows.js';
import { rssBench } from './rss-bench.js';
import { soakBench } from './soak-bench.js';
import { bundleSize, uiPayments } from './ui-bench.js';
import { UI_DIR } from '../../scripts/web.js';

const args = process.argv.slice(2);
const options: BenchOptions = { quick: args.includes('--quick') };
const GROUPS = ['codec', 'e2e', 'journal', 'rss', 'soak', 'ui', 'restart'] as const;
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : [...GROUPS];
const unknown = only.filter((name) => !(GROUPS as readonly string[]).includes(name));
if (only.length === 0 || unknown.length > 0) {
  console.error(`bench: --only takes a comma-separated list of ${GROUPS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  process.exit(2);
}
const runs = (group: (typeof GROUPS)[number]): boolean => only.includes(group);
const rows: Array<[string, string, string]> = [];
function row(name: string, value: string, note = ''): void {
  rows.push([name, value, note]);
}

function codecBench(): void {
  const request = Message.of({ 0: '10000', 4: '643', 21: '20261127120000', 25: '1', 26: '12', 27: '00322346' });
  const response = Message.of({
    0: '10000',
    4: '643',
    13: '123456',
    14: '000000123456',
    15: '00',
    19: 'ОДОБРЕНО',
    25: '1',
    26: '12',
    27: '00322346',
    39: '1',
    90: '0xDF^^' + 'ЭМУЛЯТОР ПИН-ПАДА INPAS~СУММА: 100.00 RUB~'.repeat(6) + '0xDD^^',
  });
  const decoder = new FrameDecoder();
  let frames = 0;
  const start = performance.now();
  while (performance.now() - start < (options.quick ? 200 : 1000)) {
    for (let i = 0; i < 500; i++) {
      for (const message of [request, response]) {
        const events = decoder.push(encodeFrame(message));
        if (events.length !== 1 || events[0]!.type !== 'frame') throw new Error('codec bench: frame not decoded');
        frames++;
      }
    }
  }
  const seconds = (performance.now() - start) / 1000;
  row(
    'codec: encode + decode',
    `${Math.round(frames / seconds).toLocaleString('en-US')} frames/s`,
    `request 42 B and response ${encodeFrame(response).length} B alternately`,
  );
}

type Step = { from: 'till' | 'terminal'; bytes: Buffer };

async function endToEnd(dir: string): Promise<{ perTxMs: number; txPerSecond: number; steps: Step[] }> {
  const profile = loadProfile();
  const link = join(dir, 'pinpad');
  const host = await benchEmulator(link);
  const { stream, link: tillLink, driver } = await openPinpadStack({ kind: 'serial', path: link, baudRate: 115200 }, { profile, terminalId: '00322346' });
  // Warm up, and record one transaction's byte exchange for the echo baseline.
  for (let i = 1; i <= 5; i++) await driver.sale({ amount: 10000, ecrNumber: i, method: 'card' });
  const steps: Step[] = [];
  const off = tillLink.on('trace', (event: LinkTraceEvent) => {
    if (event.kind === 'frame') steps.push({ from: event.direction === 'tx' ? 'till' : 'terminal', bytes: event.raw });
    else if (event.kind === 'control') steps.push({ from: event.direction === 'tx' ? 'till' : 'terminal', bytes: Buffer.from([CONTROL_BYTE[event.control]]) });
  });
  const one = await driver.sale({ amount: 10000, ecrNumber: 6, method: 'card' });
  off();
  if (one.status !== 'approved') throw new Error(`bench sale not approved: ${one.status}`);
  const count = options.quick ? 10 : 100;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const result = await driver.sale({ amount: 10000, ecrNumber: 100 + i, method: 'card' });
    if (result.status !== 'approved') throw new Error(`bench sale ${i} not approved`);
  }
  const elapsed = performance.now() - start;
  await stream.close();
  await host.stop();
  return { perTxMs: elapsed / count, txPerSecond: (count * 1000) / elapsed, steps };
}

/** The same bytes, in the same order and direction, through a bare pseudo-terminal pair. */
async function echoBaseline(dir: string, steps: Step[]): Promise<number> {
  const pair = new PseudoTerminalPair(join(dir, 'echo'));
  await pair.start();
  const a = await SerialStream.open({ path: pair.linkPath });
  const b = await SerialStream.open({ path: pair.devicePath });
  let received = { a: 0, b: 0 };
  let waiter: (() => void) | undefined;
  let want = { side: 'a' as 'a' | 'b', count: 0 };
  const check = (): void => {
    if (waiter && received[want.side] >= want.count) {
      const w = waiter;
      waiter = undefined;
      w();
    }
  };
  a.onData((chunk) => {
    received.a += chunk.length;
    check();
  });
  b.onData((chunk) => {
    received.b += chunk.length;
    check();
  });
  const runOnce = async (): Promise<void> => {
    received = { a: 0, b: 0 };
    for (const step of steps) {
      const [writer, side] = step.from === 'till' ? [a, 'b' as const] : [b, 'a' as const];
      const target = received[side] + step.bytes.length;
      const arrived = new Promise<void>((resolve) => {
        waiter = resolve;
        want = { side, count: target };
      });
      await writer.write(step.bytes);
      check();
      await arrived;
    }
  };
  for (let i = 0; i < 5; i++) await runOnce();
  const count = options.quick ? 10 : 100;
  const start = performance.now();
  for (let i = 0; i < count; i++) await runOnce();
  const elapsed = performance.now() - start;
  await a.close();
  await b.close();
  await pair.dispose();
  return elapsed / count;
}

async function main(): Promise<void> {
  if (runs('codec')) codecBench();
  const dir = mkdtempSync(join(tmpdir(), 'pinpad-bench-'));
  try {
    if (runs('e2e')) await endToEndRows(dir);
    if (runs('journal')) await journalBench(row, options, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (runs('rss')) await rssBench(row, options);
  if (runs('soak')) await soakBench(row, options);
  if (runs('ui')) await uiRows();
  if (runs('restart')) rows.push(await (await import('./restart-bench.js')).restartRow(options));
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['measure', 'value', 'note'][i]!.length));
  const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(['measure', 'value', 'note']));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

async function endToEndRows(dir: string): Promise<void> {
  const e2e = await endToEnd(dir);
  row(
    'end to end: card sale, driver ↔ emulator over a pty',
    `${e2e.txPerSecond.toFixed(1)} tx/s`,
    `${e2e.perTxMs.toFixed(2)} ms per transaction, emulator delays 0`,
  );
  const echo = await echoBaseline(dir, e2e.steps);
  const bytes = e2e.steps.reduce((sum, s) => sum + s.bytes.length, 0);
  row('bare pty echo of the same exchange', `${echo.toFixed(2)} ms`, `${e2e.steps.length} writes, ${bytes} B, same order and direction`);
  const ratio = e2e.perTxMs / echo;
  row('ratio transaction / bare echo', `${ratio.toFixed(2)}×`, goal(options, '≤ 2×', ratio <= 2));
}

async function uiRows(): Promise<void> {
  // A quick run uses the UI the test run has just built; a full run builds it.
  if (!options.quick || !existsSync(UI_DIR)) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const size = bundleSize();
  row('UI bundle (index.html + assets)', `${(size.gzip / 1024).toFixed(1)} KiB gzipped`, `${(size.raw / 1024).toFixed(1)} KiB raw, ${size.files} files`);
  const ui = await uiPayments(options.quick ? 2 : 30);
  if (typeof ui === 'string') {
    row('tap "Оплата картой" → sale frame on the wire', '-', ui);
    row('terminal answer → screen ("Оплачено")', '-', ui);
  } else {
    const p99 = percentile(ui.tapToWire, 99);
    row(
      'tap "Оплата картой" → sale frame on the wire',
      `${ms(percentile(ui.tapToWire, 50))} p50`,
      `p99 ${ms(p99)} over ${ui.tapToWire.length} payments, journal fsync included, Chromium; ${goal(options, 'p99 ≤ 20 ms', p99 <= 20)}`,
    );
    const shown = ui.answerToScreen;
    row(
      'terminal answer → screen ("Оплачено")',
      `${ms(percentile(shown, 50))} median`,
      `min ${ms(Math.min(...shown))}, max ${ms(Math.max(...shown))} over ${shown.length} card payments, Chromium`,
    );
  }
}

await main();
