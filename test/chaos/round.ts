/**
 * One chaos round, black-box: the pin-pad emulator runs as its own process with a ledger; the
 * kiosk service (test/chaos/service-child.ts) runs the round's flow and is killed with SIGKILL
 * where the plan says, restarted on the same data folder (and maybe killed again while it
 * recovers), restarted once more and left to settle; then the ledger is reconciled with the journal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoundPlan, Kill } from './plan.js';
import { readJournal, readLedger, reconcile, type Reconciliation } from './reconcile.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** How the processes of a round are started: node arguments for the service and for `pinpad-emulator`. */
export interface Programs {
  readonly service: readonly string[];
  readonly emulator: readonly string[];
}

/** The sources run through tsx (slower to start than a bundle; see chaos.ts). */
export const SOURCE_PROGRAMS: Programs = {
  service: ['--import', 'tsx', join(ROOT, 'test', 'chaos', 'service-child.ts')],
  emulator: [join(ROOT, 'bin', 'pinpad-emulator.js')],
};
/** The longest a first process may take for its flow, ms. */
const FLOW_LIMIT_MS = 40_000;
/** The longest the last process is given to settle, ms. */
const SETTLE_LIMIT_MS = 45_000;

interface Proc {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv, detached: boolean): Proc {
  const child = spawn(command, args, { cwd: ROOT, env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

async function until(check: () => boolean, limitMs: number, stepMs = 25): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}

function exitedAlready(proc: Proc): boolean {
  return proc.child.exitCode !== null || proc.child.signalCode !== null;
}

function killGroup(proc: Proc, signal: NodeJS.Signals): void {
  try {
    if (proc.child.pid !== undefined) process.kill(-proc.child.pid, signal);
  } catch {
    // Gone already.
  }
}

async function stopEmulator(proc: Proc): Promise<void> {
  if (!exitedAlready(proc)) {
    killGroup(proc, 'SIGTERM');
    const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 3000);
    await proc.exited;
    clearTimeout(timer);
  }
  killGroup(proc, 'SIGKILL');
}

function serviceEnv(dataDir: string, configPath: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHAOS_DATA_DIR: dataDir, CHAOS_CONFIG: configPath, ...extra };
  if (extra.KIOSK_CRASH_AT === undefined) delete env.KIOSK_CRASH_AT;
  if (extra.KIOSK_CRASH_SKIP === undefined) delete env.KIOSK_CRASH_SKIP;
  return env;
}

function crashEnv(kill: Kill | undefined): Record<string, string> {
  return kill?.kind === 'step' ? { KIOSK_CRASH_AT: kill.step, KIOSK_CRASH_SKIP: String(kill.skip) } : {};
}

/** Runs a service process that is killed per `kill` (or after `flow-done`, or at `limitMs`). Returns how it ended. */
async function runKilled(programs: Programs, env: NodeJS.ProcessEnv, kill: Kill | undefined, limitMs: number, hasFlow: boolean): Promise<string> {
  const proc = start(process.execPath, programs.service, env, false);
  try {
    if (kill?.kind === 'time') {
      // A kill at a random moment after the flow (or the recovery) began.
      await until(() => proc.output().includes(hasFlow ? 'flow-started' : 'started') || exitedAlready(proc), limitMs);
      await until(() => exitedAlready(proc), kill.ms);
    } else {
      await until(() => (hasFlow && proc.output().includes('flow-done')) || exitedAlready(proc), limitMs);
    }
    if (exitedAlready(proc)) {
      const { signal, code } = await proc.exited;
      return signal === 'SIGKILL' ? 'killed itself' : `exited ${code}${proc.output().includes('Error') ? `: ${proc.output().slice(-400)}` : ''}`;
    }
    proc.child.kill('SIGKILL');
    await proc.exited;
    return 'killed';
  } finally {
    if (!exitedAlready(proc)) proc.child.kill('SIGKILL');
  }
}

export interface RoundResult extends Reconciliation {
  readonly plan: RoundPlan;
  readonly ms: number;
  readonly notes: string[];
}

/** Runs one round in `dir` (its own data folder, link and ledger). `profilePath`: the run's terminal profile. */
export async function runRound(plan: RoundPlan, dir: string, profilePath: string, programs: Programs = SOURCE_PROGRAMS): Promise<RoundResult> {
  const startedAt = Date.now();
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const link = join(dir, 'ttyPINPAD');
  const ledgerPath = join(dir, 'ledger.json');
  const configPath = join(dir, 'kiosk.toml');
  writeFileSync(
    configPath,
    [
      'mode = "till"',
      '[pinpad]',
      `port = "${link}"`,
      `profile = "${profilePath}"`,
      'qrSBP = true',
      'timeout = 6',
      '[sbp]',
      `reverseLatePayments = ${plan.reverseLatePayments}`,
      '',
    ].join('\n'),
  );
  const notes: string[] = [];
  const emulator = start(
    process.execPath,
    [...programs.emulator, '--pty', link, '--ledger', ledgerPath, '--profile', profilePath, '--quiet', ...plan.emulatorArgs],
    process.env,
    true,
  );
  try {
    if (!(await until(() => emulator.output().includes('ready on') || exitedAlready(emulator), 20_000))) throw new Error('the emulator did not start');
    if (exitedAlready(emulator)) throw new Error(`the emulator did not start: ${emulator.output()}`);
    const mark = (what: string): void => {
      if (process.env.CHAOS_TIMING) notes.push(`${what} at ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    };
    mark('emulator up');
    // 1. The flow, killed where the plan says.
    notes.push(
      `1st: ${await runKilled(programs, serviceEnv(dataDir, configPath, { CHAOS_FLOW: JSON.stringify(plan.flow), ...crashEnv(plan.kill) }), plan.kill, FLOW_LIMIT_MS, true)}`,
    );
    const flowEnded = Date.now();
    // 2. Restart on the same data folder; maybe killed again while it recovers.
    if (plan.secondKill)
      notes.push(`2nd: ${await runKilled(programs, serviceEnv(dataDir, configPath, crashEnv(plan.secondKill)), plan.secondKill, 8000, false)}`);
    mark('killed');
    // 3. The last restart: left to settle (nothing unresolved, no money out of place, late payments caught or impossible).
    const last = start(process.execPath, programs.service, serviceEnv(dataDir, configPath, {}), false);
    let result = reconcile(readJournal(join(dataDir, 'journal.sqlite')), readLedger(ledgerPath));
    try {
      await until(() => last.output().includes('started') || exitedAlready(last), 20_000);
      mark('restarted');
      const settleFrom = Date.now();
      // Settled: clean, nothing being given back, no late payment still possible, and the journal quiet for a second.
      let quietSince = Date.now();
      let lines = -1;
      await until(
        () => {
          if (exitedAlready(last)) return true;
          const journal = readJournal(join(dataDir, 'journal.sqlite'));
          if (journal.auditLines !== lines) {
            lines = journal.auditLines;
            quietSince = Date.now();
          }
          result = reconcile(journal, readLedger(ledgerPath));
          const clean = result.unresolved === 0 && result.doubleCharges + result.lostApprovals + result.phantoms === 0 && journal.reversingWatches === 0;
          // Every late-payment watch ended (found, or a final "not paid" after its deadline), and no late payment still possible.
          return clean && Date.now() - quietSince >= 1000 && journal.activeWatches === 0 && Date.now() - flowEnded > plan.lateBoundMs;
        },
        SETTLE_LIMIT_MS,
        250,
      );
      if (Date.now() - settleFrom >= SETTLE_LIMIT_MS) notes.push('settle limit reached');
      mark('settled');
    } finally {
      if (!exitedAlready(last)) {
        last.child.kill('SIGTERM');
        const timer = setTimeout(() => last.child.kill('SIGKILL'), 5000);
        await last.exited;
        clearTimeout(timer);
      }
      if (/crash|Error/.test(last.output())) notes.push(`last: ${last.output().slice(-300).replace(/\s+/g, ' ')}`);
    }
    result = reconcile(readJournal(join(dataDir, 'journal.sqlite')), readLedger(ledgerPath));
    return { ...result, plan, ms: Date.now() - startedAt, notes };
  } finally {
    await stopEmulator(emulator);
  }
}
