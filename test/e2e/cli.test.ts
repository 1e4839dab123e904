import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containsCardData } from '../../native/inpas/card-data.js';
import type { Ledger } from '../../native/emulator/bank.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

interface Emulator {
  child: ChildProcess;
  link: string;
  ledger: string;
  log: () => string;
}

async function startEmulator(dir: string, name: string, extra: string[] = []): Promise<Emulator> {
  const link = join(dir, name);
  const ledger = join(dir, `${name}.ledger.json`);
  // Its own process group, so that stopping it stops npx, the emulator and its socat together.
  const child = spawn('npx', ['pinpad-emulator', '--pty', link, '--fast', '--ledger', ledger, '--terminal-id', '00322346', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('ready on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`emulator did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, link, ledger, log: () => out };
}

async function stopEmulator(emulator: Emulator): Promise<void> {
  if (emulator.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    emulator.child.once('exit', () => resolve());
    process.kill(-emulator.child.pid!, 'SIGTERM');
  });
  // The emulator removes its pseudo-terminal on SIGTERM; wait until it has.
  const deadline = Date.now() + 5000;
  while (existsSync(emulator.link) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

async function pinpad(args: string[], viaNpx = false): Promise<CliRun> {
  const [cmd, argv] = viaNpx ? ['npx', ['pinpad', ...args]] : [process.execPath, [join(ROOT, 'bin', 'pinpad.js'), ...args]];
  try {
    const { stdout, stderr } = await run(cmd, argv, { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr, json: parseLast(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, json: parseLast(e.stdout) };
  }
}

function parseLast(stdout: string): Record<string, unknown> {
  const trimmed = stdout.trim();
  if (!trimmed.startsWith('{')) return {};
  return JSON.parse(trimmed) as Record<string, unknown>;
}

describe('pinpad CLI against pinpad-emulator over a pseudo-terminal', () => {
  let dir: string;
  let emulator: Emulator;
  let common: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pinpad-cli-e2e-'));
    emulator = await startEmulator(dir, 'ttyPINPAD', ['--packet-size', '128']);
    common = ['--port', emulator.link, '--terminal-id', '00322346', '--state-dir', join(dir, 'state')];
  }, 60_000);

  afterAll(async () => {
    await stopEmulator(emulator);
    rmSync(dir, { recursive: true, force: true });
  });

  it('approves the README sale through npx, with exactly one JSON object on stdout', async () => {
    const result = await pinpad(['--port', emulator.link, '--terminal-id', '00322346', '--state-dir', join(dir, 'state'), '--json', 'sale', '100.00'], true);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.json).toMatchObject({ status: 'approved', operation: 'sale', amount: 10000, method: 'card', terminalId: '00322346' });
    expect(result.json.rrn).toMatch(/^\d{12}$/);
    expect(result.json.cardMasked).toMatch(/^\d{6}\*+\d{4}$/);
    expect(typeof (result.json.slip as { customer?: string }).customer).toBe('string');
    const ledger = JSON.parse(readFileSync(emulator.ledger, 'utf8')) as Ledger;
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.charges[0]).toMatchObject({ amount: 10000, rrn: result.json.rrn, ecrNumber: result.json.ecrNumber });
  });

  it('runs every command: test, QR sale, status, void, refund, settle, reports, slip copy', async () => {
    const test = await pinpad([...common, '--json', 'test']);
    expect(test.code).toBe(0);
    expect(test.json).toMatchObject({ status: 'approved', operation: 'test', terminalId: '00322346' });

    const qr = await pinpad([...common, '--json', 'sale', '250,50', '--qr']);
    expect(qr.code).toBe(0);
    expect(qr.json).toMatchObject({ status: 'approved', method: 'sbp', amount: 25050 });

    const status = await pinpad([...common, '--json', 'status', '--ecr', String(qr.json.ecrNumber)]);
    expect(status.code).toBe(0);
    expect(status.json).toMatchObject({ status: 'approved', sbpState: 'done' });

    const sale = await pinpad([...common, '--json', 'sale', '10']);
    expect(sale.code).toBe(0);
    expect(sale.json.ecrNumber).toBe((qr.json.ecrNumber as number) + 1);
    const voided = await pinpad([...common, '--json', 'void', '10', '--rrn', String(sale.json.rrn), '--auth', String(sale.json.authCode)]);
    expect(voided.code).toBe(0);
    expect(voided.json).toMatchObject({ status: 'approved', operation: 'void', amount: 1000 });

    const declined = await pinpad([...common, '--json', 'sale', '1.51']);
    expect(declined.code).toBe(1);
    expect(declined.json).toMatchObject({ status: 'declined' });

    const report = await pinpad([...common, '--json', 'report', '--full']);
    expect(report.code).toBe(0);
    // The full report comes as several SOH packets (--packet-size 128) and is joined whole.
    expect((report.json.slip as { customer: string }).customer).toContain(String(qr.json.rrn));

    const short = await pinpad([...common, '--json', 'report']);
    expect(short.code).toBe(0);
    const copy = await pinpad([...common, '--json', 'slip-copy']);
    expect(copy.code).toBe(0);
    expect((copy.json.slip as { customer: string }).customer).toContain('КОПИЯ');

    const settle = await pinpad([...common, '--json', 'settle']);
    expect(settle.code).toBe(0);

    // After settlement a void no longer works; a refund with the card does.
    const sale2 = await pinpad([...common, '--json', 'sale', '20']);
    await pinpad([...common, '--json', 'settle']);
    const lateVoid = await pinpad([...common, '--json', 'void', '20', '--rrn', String(sale2.json.rrn), '--auth', String(sale2.json.authCode)]);
    expect(lateVoid.code).toBe(1);
    const refund = await pinpad([...common, '--json', 'refund', '20', '--rrn', String(sale2.json.rrn)]);
    expect(refund.code).toBe(0);
    expect(refund.json).toMatchObject({ status: 'approved', operation: 'refund', amount: 2000 });

    const qrRefund = await pinpad([...common, '--json', 'refund', '50', '--rrn', String(qr.json.rrn), '--qr']);
    expect(qrRefund.code).toBe(0);
    const refundStatus = await pinpad([...common, '--json', 'status', '--ecr', String(qrRefund.json.ecrNumber), '--refund']);
    expect(refundStatus.json).toMatchObject({ status: 'approved', sbpState: 'done' });
  }, 120_000);

  it('probe: the install check answers, lists the non-money operations and the bank checklist, moves no money', async () => {
    const before = (JSON.parse(readFileSync(emulator.ledger, 'utf8')) as Ledger).charges.length;
    const probe = await pinpad([...common, '--json', 'probe']);
    expect(probe.code).toBe(0);
    expect(probe.json).toMatchObject({ status: 'approved', operation: 'probe', terminalId: '00322346', model: 'PAX S300' });
    // Fields 105 and 104, which the emulator sends in its connection test answer.
    expect(probe.json).toMatchObject({ bankName: 'ЭМУЛЯТОР БАНКА', hostTerminalId: 'E0322346' });
    const checks = probe.json.checks as Array<{ name: string; ok: boolean | null }>;
    expect(checks.find((c) => c.name.startsWith('short report'))?.ok).toBe(true);
    expect(checks.find((c) => c.name.startsWith('SBP status query'))?.ok).toBe(true);
    expect(checks.some((c) => c.name === 'partial same-day QR refund')).toBe(true);
    expect((probe.json.profile as { name: string }).name).toBe('default');
    expect((JSON.parse(readFileSync(emulator.ledger, 'utf8')) as Ledger).charges.length).toBe(before);

    const wrongId = await pinpad(['--port', emulator.link, '--terminal-id', '99999999', '--json', 'probe']);
    expect(wrongId.code).toBe(1);
    const idCheck = (wrongId.json.checks as Array<{ name: string; ok: boolean; detail: string }>).find((c) => c.name === 'terminal id');
    expect(idCheck).toMatchObject({ ok: false });
    expect(idCheck?.detail).toContain('00322346');

    const human = await pinpad([...common, 'probe']);
    expect(human.stdout).toContain('[ok]  connection test');
    expect(human.stdout).toMatch(/bank {10}ЭМУЛЯТОР БАНКА\n {2}host term\. id E0322346\n/);
  });

  it('traces every frame with card numbers masked', async () => {
    const traced = await pinpad([...common, '--trace', 'sale', '5']);
    expect(traced.code).toBe(0);
    expect(traced.stderr).toMatch(/TX frame \d+ B: 02 /);
    expect(traced.stderr).toMatch(/RX ACK/);
    expect(traced.stderr).toContain('25(operation)="1"');
    expect(containsCardData(traced.stderr + traced.stdout)).toBe(false);
  });

  it('says usage errors with exit 2 and a missing port with exit 3', async () => {
    const typo = await pinpad([...common, '--baudrate', '115200', 'test']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--baudrate/);
    const missing = await pinpad(['--port', join(dir, 'no-such-port'), '--json', 'test']);
    expect(missing.code).toBe(3);
    expect(missing.json).toMatchObject({ status: 'failed' });
  });
});

describe('pinpad CLI when the answer is lost', () => {
  it('ends a sale as unknown (exit 4), never declined, and the bank did charge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinpad-cli-lost-'));
    const emulator = await startEmulator(dir, 'ttyLOST', ['--lose-response']);
    try {
      const result = await pinpad(['--port', emulator.link, '--state-dir', join(dir, 'state'), '--timeout', '3', '--json', 'sale', '100']);
      expect(result.code).toBe(4);
      expect(result.json).toMatchObject({ status: 'unknown', amount: 10000 });
      const ledger = JSON.parse(readFileSync(emulator.ledger, 'utf8')) as Ledger;
      expect(ledger.charges).toHaveLength(1);
      // The status query finds the payment made under that till number.
      const status = await pinpad(['--port', emulator.link, '--state-dir', join(dir, 'state'), '--json', 'status', '--ecr', String(result.json.ecrNumber)]);
      expect(status.json).toMatchObject({ sbpState: 'done', rrn: ledger.charges[0]!.rrn });
    } finally {
      await stopEmulator(emulator);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
