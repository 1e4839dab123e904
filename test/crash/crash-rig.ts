/**
 * The crash matrix's processes: the service child (test/crash/child.ts) run until it exits or is
 * SIGKILLed, and pinpad-emulator processes on a pseudo-terminal with a ledger each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROFILE } from '../helpers.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CHILD = join(ROOT, 'test', 'crash', 'child.ts');
export const EMULATOR_BIN = join(ROOT, 'bin', 'pinpad-emulator.js');
/** Seconds the pin pad may stay silent before an answer is given up (the service's response timeout). */
export const RESPONSE_TIMEOUT_S = 2;
/** The configuration's whole-operation `timeout`, seconds. */
export const OPERATION_TIMEOUT_S = 5;
export const CHILD_LIMIT_MS = 45_000;
export { PROFILE };
/** Operation codes that start a charge: a recovery must never send one. */
export const SALE_OPS = new Set([PROFILE.operations.sale, PROFILE.sbp.payment.operation]);

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

export function describeRun(run: ChildRun): string {
  return `exit code ${run.code}, signal ${run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

export function runChild(env: Record<string, string>): Promise<ChildRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, CRASH_RESPONSE_TIMEOUT: String(RESPONSE_TIMEOUT_S), CRASH_SETTLE_LIMIT: '30' };
  if (env.KIOSK_CRASH_AT === undefined) delete childEnv.KIOSK_CRASH_AT;
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
    child.once('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      const endedAt = Date.now();
      if (endedAt - startedAt >= CHILD_LIMIT_MS) stderr += `\n[test] killed after ${CHILD_LIMIT_MS} ms`;
      resolve({ code, signal, stdout, stderr, startedAt, endedAt });
    });
  });
}

export function lastJson<T>(run: ChildRun): T {
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`the child printed no JSON line: ${describeRun(run)}`);
  }
}

export interface Emulator {
  readonly child: ChildProcess;
  readonly ledgerPath: string;
  output(): string;
}

export const emulators = new Set<Emulator>();

export async function startEmulator(link: string, ledgerPath: string, extra: readonly string[]): Promise<Emulator> {
  // `npx pinpad-emulator` runs this same bin; started directly it is one process group of
  // node + socat that afterAll can end as a whole.
  const child = spawn(process.execPath, [EMULATOR_BIN, '--pty', link, '--fast', '--full-pan', '--ledger', ledgerPath, ...extra], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const emulator: Emulator = { child, ledgerPath, output: () => out };
  emulators.add(emulator);
  const deadline = Date.now() + 20_000;
  while (!out.includes('ready on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pinpad-emulator did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return emulator;
}

function killGroup(emulator: Emulator, signal: NodeJS.Signals): void {
  try {
    if (emulator.child.pid !== undefined) process.kill(-emulator.child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

export async function stopEmulator(emulator: Emulator): Promise<void> {
  emulators.delete(emulator);
  if (emulator.child.exitCode !== null || emulator.child.signalCode !== null) {
    killGroup(emulator, 'SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => emulator.child.once('exit', () => resolve()));
  killGroup(emulator, 'SIGTERM');
  const timer = setTimeout(() => killGroup(emulator, 'SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
  // socat, if the emulator could not end it.
  killGroup(emulator, 'SIGKILL');
}

/**
 * Sale requests the emulator logged it received since `from` (its output offset). Its log line
 * comes through a pipe: when one is expected, wait a little for it.
 */
export async function saleRequestsSeen(emulator: Emulator, from: number, expected: boolean): Promise<number> {
  const deadline = Date.now() + (expected ? 5000 : 300);
  for (;;) {
    const ops = [
      ...emulator
        .output()
        .slice(from)
        .matchAll(/request: operation (\d+)/g),
    ].map((m) => Number(m[1]));
    const sales = ops.filter((op) => SALE_OPS.has(op)).length;
    if ((expected && sales > 0) || Date.now() > deadline) return sales;
    await new Promise((r) => setTimeout(r, 50));
  }
}
