/**
 * Drain, then stop, for real: browser mode (`node --import tsx scripts/web.ts`, as `npm run web`
 * runs it) in its own process group, with its own pin-pad emulator process on a pseudo-terminal
 * (outside the group, as a real pin pad is). SIGTERM to the whole group (as systemd's
 * control-group kill sends it), to the process, and to the group again, while a card payment
 * waits for the card:
 * the bridge still delivers the payment's final answer, a new payment gets `stopping`, the journal
 * says APPROVED, the bank charged once, and the process exits 0. An idle stop exits by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import type { EventName } from '../../electron/contract/methods.js';
import type { PaymentEvent } from '../../electron/contract/types.js';
import { Journal } from '../../electron/service/journal/journal.js';
import { startEmulator, stopEmulator, type Emulator } from './crash-rig.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface WebChild {
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly emulator: Emulator;
  readonly pageUrl: string;
  readonly wsUrl: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output(): string;
}

/** Starts browser mode in its own process group; resolves once it printed its addresses. */
async function startWebChild(emulatorArgs: readonly string[]): Promise<WebChild> {
  const dir = mkdtempSync(join(tmpdir(), 'stop-drain-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const link = join(dir, 'ttyPINPAD');
  const emulator = await startEmulator(link, join(dir, 'ledger.json'), emulatorArgs);
  cleanups.push(() => stopEmulator(emulator));
  const configPath = join(dir, 'till.toml');
  writeFileSync(configPath, ['mode = "till"', '[pinpad]', `port = "${link}"`, 'timeout = 30', ''].join('\n'));
  // As `npm run web` runs it: node itself loads the TypeScript (no tsx parent process relaying signals).
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/web.ts', '--port', '0', '--data-dir', dataDir, '--config', configPath], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NOTIFY_SOCKET: '' },
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal, at: performance.now() })),
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const page = /open (http:\/\/\S+#token=\S+)/.exec(out);
    const ws = /bridge for a POS core on this machine: (ws:\/\/\S+)/.exec(out);
    if (page && ws) return { child, dataDir, emulator, pageUrl: page[1]!, wsUrl: ws[1]!, exited, output: () => out };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`browser mode did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a real process stops only after the payment at the pin pad has its answer', () => {
  it('SIGTERM twice (the process group, then the service) mid card payment: final event delivered, APPROVED, one charge, exit 0', async () => {
    const web = await startWebChild(['--card-delay', '4000']);
    const token = decodeURIComponent(new URL(web.pageUrl).hash.replace(/^#token=/, ''));
    const client = new BridgeClient({ url: web.wsUrl, token, createSocket: (url) => new WebSocket(url) as never });
    await client.connect();
    cleanups.push(() => client.close());
    const events: Array<{ name: EventName; payload: unknown }> = [];
    for (const name of ['payment', 'lifecycle'] as const) client.on(name, (payload) => events.push({ name, payload }));

    const receipt = await client.invoke('receipt.open', { lines: [], total: 45_600 });
    const { paymentId } = await client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 45_600 });
    const payment = (phase: string) =>
      events.some((e) => e.name === 'payment' && (e.payload as PaymentEvent).paymentId === paymentId && (e.payload as PaymentEvent).phase === phase);
    await expect.poll(() => payment('sent'), { timeout: 15_000 }).toBe(true);

    // What systemd's control-group kill does (every process of the group), then more of the same.
    process.kill(-web.child.pid!, 'SIGTERM');
    await expect.poll(() => events.some((e) => e.name === 'lifecycle'), { timeout: 10_000 }).toBe(true);
    process.kill(web.child.pid!, 'SIGTERM');
    process.kill(-web.child.pid!, 'SIGTERM');
    expect(events.find((e) => e.name === 'lifecycle')!.payload).toMatchObject({ state: 'stopping', reason: 'SIGTERM' });

    // While draining the bridge is up and refuses new money.
    const other = await client.invoke('receipt.open', { lines: [], total: 1_000 });
    const refused = await client.invoke('payment.start', { receiptId: other.id, method: 'card', amount: 1_000 }).catch((error: unknown) => error);
    expect(refused, web.output()).toMatchObject({ code: 'stopping' });
    expect(await client.invoke('app.lifecycle', {})).toMatchObject({ state: 'stopping' });

    const exit = await web.exited;
    expect(exit, web.output()).toMatchObject({ code: 0, signal: null });
    // The final answer reached the POS core over the bridge before the process went away.
    const final = events.find(
      (e) => e.name === 'payment' && (e.payload as PaymentEvent).paymentId === paymentId && (e.payload as PaymentEvent).phase === 'done',
    );
    expect(final?.payload).toMatchObject({ part: { state: 'APPROVED', amount: 45_600 } });

    const journal = new Journal(join(web.dataDir, 'journal.sqlite'));
    try {
      expect(journal.getPart(paymentId)).toMatchObject({ state: 'APPROVED', amount: 45_600 });
    } finally {
      journal.close();
    }
    const ledger = JSON.parse(readFileSync(web.emulator.ledgerPath, 'utf8')) as { charges: Array<{ amount: number }> };
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.charges[0]).toMatchObject({ amount: 45_600 });
  }, 120_000);

  it('an idle stop exits 0 by itself (time measured for the report)', async () => {
    const web = await startWebChild([]);
    const sent = performance.now();
    process.kill(-web.child.pid!, 'SIGTERM');
    const exit = await web.exited;
    expect(exit, web.output()).toMatchObject({ code: 0, signal: null });
    console.info(`idle stop (scripts/web.ts, SIGTERM to the group → exit): ${(exit.at - sent).toFixed(0)} ms`);
  }, 60_000);
});
