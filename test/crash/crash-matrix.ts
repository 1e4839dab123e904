/**
 * The crash matrix of reliability.md ("Money integrity"): the service process is killed with
 * SIGKILL at every step × terminal outcome (approve, decline, silent) × card / SBP, restarted,
 * and what its journal says afterwards is reconciled with the emulator's ledger of what the
 * "bank" really charged and refunded.
 *
 * Layout (the cells of one payment method per test file: crash-matrix-card / crash-matrix-sbp)
 * - The service runs as a child process (test/crash/child.ts) on the real service app, talking
 *   to pinpad-emulator (a separate process) over a pseudo-terminal.
 * - One data dir (journal, logs, frame trace) per (outcome, method) group, so till numbers
 *   (field 26) keep rising across the group and never collide in one bank.
 * - approve / decline: ONE emulator per group for the whole group, so its ledger holds every
 *   charge of the group.
 * - silent: the emulator's silence cannot be lifted while it runs, and the service now sends a
 *   connection test at every start (so "silent on the first transaction only" would silence the
 *   test, not the sale). Each silent cell therefore pays against `--silent-after-ack
 *   --fault-always` (every request ACKed, none answered, nothing charged: its ledger is checked
 *   to be empty), and the recovery runs talk to a fresh answering emulator on the same link with
 *   its own ledger. The money checks use the union of the group's ledgers.
 * - Two extra SBP columns keep the QR on the pin pad after the kill (paid after 6 s / expiring
 *   after 6 s): the terminal is still busy with the dead process's request and ignores the
 *   recovery's status query and emergency cancel until the QR is paid or expires.
 * - 'waiting' and 'after-response' need an answer from the terminal: not run with a silent one.
 *   'during-reversal' needs a part that recovery cancels: the pay run crashes at 'after-ack', a
 *   recovery run dies at 'during-reversal' (the emergency cancel answered, not yet journaled),
 *   and a clean recovery run follows. Only a silent terminal leads there: one that approves or
 *   declines gives its answer to the journaled request (or to the status query) while recovery
 *   waits for it, and what the customer completed is kept, never cancelled.
 *
 * The processes live in crash-rig.ts, the checks against journal, ledgers and disk in
 * crash-checks.ts. The children are run as `node --import tsx test/crash/child.ts` (what
 * `npx tsx` runs, minus the npm and tsx wrapper processes): through the wrappers a SIGKILLed
 * service shows up as exit code 137, here the test sees the signal itself.
 *
 * After every cell: (a) no double charge, (b) no approved payment missing from the journal (and
 * no journal approval the bank does not have), (c) no part left INTENT / SENT / UNKNOWN, the
 * recovery sent no sale frame, and the cell's part ended in a state its outcome allows. (d) The
 * recovery time is printed in the matrix table, not asserted (shared, noisy machines). Finally
 * every file of the data dirs and every ledger is scanned for card data (per test file: the
 * groups of its payment method).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containsCardData } from '../../native/inpas/card-data.js';
import type { CrashStep } from '../../electron/service/crash-points.js';
import { CRASH_STEPS } from '../../electron/service/crash-points.js';
import type { PartState } from '../../electron/service/journal/part-lifecycle.js';
import type { RecoverOutput } from './child.js';
import { cardDataHits, checkMoney, filesUnder, readJournal, readLedgers, sentOperations, UNRESOLVED } from './crash-checks.js';
import {
  describeRun,
  emulators,
  lastJson,
  OPERATION_TIMEOUT_S,
  PROFILE,
  RESPONSE_TIMEOUT_S,
  runChild,
  SALE_OPS,
  saleRequestsSeen,
  startEmulator,
  stopEmulator,
  type Emulator,
} from './crash-rig.js';

type Outcome = 'approve' | 'decline' | 'silent';
type Method = 'card' | 'sbp';

interface Group {
  readonly outcome: Outcome;
  readonly method: Method;
  /** Column of the matrix table. */
  readonly key: string;
  /** Steps run in this group; all that can happen with its outcome unless given. */
  readonly steps?: readonly CrashStep[];
  /** Kopecks paid in every cell of the group. */
  readonly amount: number;
  /** Emulator options beyond --pty/--ledger/--fast/--full-pan. */
  readonly emulatorArgs: readonly string[];
  /**
   * Silent: the pay run talks to an emulator that ACKs every request and never answers; the
   * recovery runs to one that answers (a fresh process on the same link, with its own ledger).
   */
  readonly silentUntilCrash: boolean;
}

const GROUPS: readonly Group[] = [
  ...(['approve', 'decline', 'silent'] as const).flatMap((outcome) =>
    (['card', 'sbp'] as const).map((method): Group => {
      const declineArgs = method === 'card' ? [] : ['--scenario', 'qr-expire', '--qr-lifetime', '1'];
      return {
        outcome,
        method,
        key: `${outcome}/${method}`,
        // Card amounts ending in 51 kopecks are declined (insufficient funds); an SBP decline is an expired QR.
        amount: outcome === 'decline' && method === 'card' ? 10_051 : 10_000,
        emulatorArgs: outcome === 'decline' ? declineArgs : outcome === 'silent' ? ['--silent-after-ack', '--fault-always'] : [],
        silentUntilCrash: outcome === 'silent',
      };
    }),
  ),
  // The QR is still on the pin pad when the service comes back (with --fast it is paid or expires
  // at once): the terminal is busy with the killed process's request and ignores the recovery's
  // status query and emergency cancel for a while; it answers once the customer pays or the QR
  // expires, and then nothing may be left unknown.
  {
    outcome: 'approve',
    method: 'sbp',
    key: 'approve/sbp QR paid 6s',
    steps: ['after-ack', 'waiting'],
    amount: 10_000,
    emulatorArgs: ['--qr-pay-delay', '6000'],
    silentUntilCrash: false,
  },
  {
    outcome: 'decline',
    method: 'sbp',
    key: 'decline/sbp QR 6s',
    steps: ['after-ack', 'waiting'],
    amount: 10_000,
    emulatorArgs: ['--scenario', 'qr-expire', '--qr-lifetime', '6'],
    silentUntilCrash: false,
  },
];

/** Steps that can happen with this outcome: a silent terminal sends no WAIT frame and no answer. */
function stepsFor(group: Group): readonly CrashStep[] {
  return (
    group.steps ?? CRASH_STEPS.filter((step) => (group.outcome === 'silent' ? step !== 'waiting' && step !== 'after-response' : step !== 'during-reversal'))
  );
}

/**
 * Final states a cell's part may end in. 'none': the crash came before the part was written.
 * A charge the terminal approved ends APPROVED: recovery waits for the busy terminal's own answer
 * (or its status answer) instead of cancelling what the customer completed; the ledger checks
 * decide that the state tells the truth.
 */
function expectedStates(step: CrashStep, outcome: Outcome): ReadonlyArray<PartState | 'none'> {
  switch (step) {
    case 'before-journal':
      return ['none'];
    case 'after-journal':
      return ['FAILED'];
    case 'before-send':
    case 'mid-frame':
      return ['DECLINED'];
    case 'after-ack':
    case 'waiting':
      return outcome === 'approve' ? ['APPROVED'] : ['DECLINED'];
    case 'after-response':
      return outcome === 'approve' ? ['APPROVED'] : ['DECLINED'];
    case 'during-reversal':
      return ['DECLINED'];
  }
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

/** Defines the matrix for the groups of one payment method: every cell, then the card-data scan of all of them. */
export function crashMatrix(method: Method): void {
  const groups = GROUPS.filter((group) => group.method === method);
  interface CellResult {
    readonly state: string;
    /** From the (last) recovery run's startServiceApp call to the journal recording the part resolved (0: nothing to recover). */
    readonly recoveryMs: number;
    /** The recovery at start left the part unresolved; the app's follow-up resolved it. */
    readonly followUp: boolean;
    /** Wall time of the whole recovery process, node start and the connection test at start included. */
    readonly processMs: number;
  }

  const results = new Map<string, CellResult>();
  const allDirs: string[] = [];
  const allLedgers: string[] = [];
  const crashScans: string[] = [];

  function table(): string {
    const columns = groups.map((g) => g.key);
    const width = 23;
    const rows = [['step', ...columns].map((c, i) => c.padEnd(i === 0 ? 16 : width)).join('│')];
    rows.push(rows[0]!.replace(/[^│]/g, '─'));
    for (const step of CRASH_STEPS) {
      const cells = groups.map((g) => {
        if (!stepsFor(g).includes(step)) return 'n/a'.padEnd(width);
        const r = results.get(`${g.key}/${step}`);
        return (r ? `${r.state} ${(r.recoveryMs / 1000).toFixed(2)}s${r.followUp ? '*' : ''}` : 'not run / failed').padEnd(width);
      });
      rows.push([step.padEnd(16), ...cells].join('│'));
    }
    const times = [...results.values()].map((r) => r.recoveryMs);
    const bound = 2 * RESPONSE_TIMEOUT_S * 1000;
    const over = [...results.entries()].filter(([, r]) => r.recoveryMs > bound).map(([k, r]) => `${k} ${r.recoveryMs} ms`);
    return [
      `crash matrix: final state of the cell's part after restart + recovery, and the recovery time (from the app's start to the journal recording the part resolved)`,
      ...rows,
      `* the recovery at start got no answer (the pin pad was still busy with the killed process's request); the app asked again and resolved it`,
      `recovery time: max ${Math.max(0, ...times)} ms, median ${times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0} ms; bound 2 × response timeout = ${bound} ms;` +
        ` over the bound: ${over.length === 0 ? 'none' : over.join(', ')}` +
        ` (process wall time incl. node start: max ${Math.max(0, ...[...results.values()].map((r) => r.processMs))} ms)`,
    ].join('\n');
  }

  describe.sequential(
    `crash matrix: SIGKILL at every step × approve/decline/silent × ${method === 'card' ? 'card' : 'SBP'}, restart, reconcile with the bank`,
    () => {
      afterAll(async () => {
        for (const emulator of [...emulators]) await stopEmulator(emulator);
        console.log(table());
        if (!process.env.KEEP_CRASH_DIRS) for (const dir of allDirs) rmSync(dir, { recursive: true, force: true });
      }, 30_000);

      for (const group of groups) {
        describe.sequential(`${group.outcome} × ${group.method}`, () => {
          let dir: string;
          let dataDir: string;
          let configPath: string;
          let link: string;
          let shared: Emulator | undefined;
          const ledgers: string[] = [];

          beforeAll(async () => {
            dir = mkdtempSync(join(tmpdir(), `crash-${group.outcome}-${group.method}-`));
            allDirs.push(dir);
            dataDir = join(dir, 'data');
            link = join(dir, 'ttyPINPAD');
            configPath = join(dir, 'kiosk.toml');
            writeFileSync(
              configPath,
              [
                'mode = "kiosk"',
                '[pinpad]',
                `port = "${link}"`,
                'qrSBP = true',
                `timeout = ${OPERATION_TIMEOUT_S}`,
                '[logs]',
                // The frame trace is on: it is scanned for card data and shows which frames a recovery sent.
                'trace = true',
                '',
              ].join('\n'),
            );
            if (!group.silentUntilCrash) {
              const ledger = join(dir, 'ledger.json');
              ledgers.push(ledger);
              allLedgers.push(ledger);
              shared = await startEmulator(link, ledger, group.emulatorArgs);
            }
          }, 30_000);

          afterAll(async () => {
            if (shared) await stopEmulator(shared);
          }, 15_000);

          for (const step of stepsFor(group)) {
            it(`${step}: killed there, restarted, recovered; the journal agrees with the bank`, async () => {
              let emulator = shared;
              const ownEmulator = async (name: string, args: readonly string[]): Promise<Emulator> => {
                const ledger = join(dir, `ledger-${step}-${name}.json`);
                ledgers.push(ledger);
                allLedgers.push(ledger);
                return startEmulator(link, ledger, args);
              };
              if (group.silentUntilCrash) emulator = await ownEmulator('silent', group.emulatorArgs);
              const context = (): string => `\n--- emulator\n${emulator!.output().slice(-4000)}`;
              try {
                const receiptId = `${group.outcome}-${group.method}-${step}`;
                const base = { CRASH_DATA_DIR: dataDir, CRASH_CONFIG: configPath };
                if (existsSync(join(dataDir, 'journal.sqlite'))) {
                  // The cell starts clean: the cells before it left nothing in flight.
                  expect(readJournal(dataDir).parts.filter((p) => UNRESOLVED.has(p.state))).toEqual([]);
                }

                // 1. Pay, and die at the step ('during-reversal' fires in recovery: the pay run dies after the ACK).
                const payStep: CrashStep = step === 'during-reversal' ? 'after-ack' : step;
                const mark = emulator!.output().length;
                const pay = await runChild({
                  ...base,
                  CRASH_MODE: 'pay',
                  CRASH_METHOD: group.method,
                  CRASH_AMOUNT: String(group.amount),
                  CRASH_RECEIPT_ID: receiptId,
                  KIOSK_CRASH_AT: payStep,
                });
                expect(pay.signal, `pay run, crash at ${payStep}: ${describeRun(pay)}${context()}`).toBe('SIGKILL');
                expect(pay.stdout).toBe('');
                // It died where it says: the pin pad got the whole sale request only when the crash came from 'after-ack' on.
                const reached = payStep === 'after-ack' || payStep === 'waiting' || payStep === 'after-response';
                const received = await saleRequestsSeen(emulator!, mark, reached);
                expect(received, `requests the pin pad got before a crash at ${payStep}${context()}`).toBe(reached ? 1 : 0);
                // The crash left the journal's WAL behind: no card data in it or anywhere else on disk.
                crashScans.push(...cardDataHits(filesUnder(dataDir)));
                checkMoney(dataDir, ledgers, false);
                const recoveryWindows: Array<[number, number]> = [];
                if (group.silentUntilCrash) {
                  // The silent pin pad charged nothing; the one that answers the recovery starts with an empty bank.
                  expect(readLedgers(ledgers).charges).toEqual([]);
                  await stopEmulator(emulator!);
                  emulator = await ownEmulator('answering', []);
                }

                if (step === 'during-reversal') {
                  // 2. Recovery, killed after the emergency cancel was answered and before the journal recorded it.
                  const dying = await runChild({ ...base, CRASH_MODE: 'recover', KIOSK_CRASH_AT: 'during-reversal' });
                  expect(dying.signal, `recovery run, crash at during-reversal: ${describeRun(dying)}${context()}`).toBe('SIGKILL');
                  recoveryWindows.push([dying.startedAt, dying.endedAt]);
                  const left = readJournal(dataDir).parts.filter((p) => p.receiptId === receiptId);
                  expect(left.map((p) => p.state)).toEqual(['UNKNOWN']);
                  checkMoney(dataDir, ledgers, false);
                }

                // 3. A clean restart: recovery at start resolves whatever was left.
                const recover = await runChild({ ...base, CRASH_MODE: 'recover' });
                expect(recover.code, `recovery run: ${describeRun(recover)}${context()}`).toBe(0);
                recoveryWindows.push([recover.startedAt, recover.endedAt]);
                const out = lastJson<RecoverOutput>(recover);
                const receipt = out.receipts.find((r) => r.id === receiptId);
                expect(receipt, `receipt ${receiptId} in ${JSON.stringify(out)}`).toBeDefined();
                // Recovery never adds a part (a new sale would): the one the pay run journaled, or none.
                expect(receipt!.parts.length).toBeLessThanOrEqual(1);
                const state = receipt!.parts[0]?.state ?? 'none';
                expect(expectedStates(step, group.outcome), `final state of ${receiptId}${context()}`).toContain(state);
                if (state !== 'none') {
                  expect(receipt!.parts[0]).toMatchObject({ kind: 'payment', amount: group.amount });
                  expect(out.unresolvedAtStart).toBe(1);
                }
                expect(receipt!.paid).toBe(state === 'APPROVED' ? group.amount : 0);
                expect(receipt!.state).toBe(state === 'APPROVED' ? 'paid' : 'open');

                // No sale frame while recovering: status queries and emergency cancels only (and the connection test at start).
                const sent = recoveryWindows.flatMap(([from, to]) => sentOperations(dataDir, from, to));
                for (const op of sent) expect(SALE_OPS.has(op), `recovery sent operation ${op}: ${sent.join(', ')}`).toBe(false);
                if (state === 'none' || state === 'FAILED') {
                  // Nothing was sent for it: nothing to ask the terminal.
                  expect(sent.filter((op) => op !== PROFILE.operations.testConnection)).toEqual([]);
                } else {
                  // Resolved through the terminal, by a status query first.
                  expect(sent).toContain(PROFILE.sbp.paymentStatus.operation);
                }
                // (a) (b) (c) against the bank.
                checkMoney(dataDir, ledgers, true);
                // (d) reported, not asserted.
                expect(out.recoveryMs, 'the journal recorded when the part was resolved').not.toBeNull();
                results.set(`${group.key}/${step}`, {
                  state,
                  recoveryMs: out.recoveryMs!,
                  followUp: out.unresolvedAfterStart > 0,
                  processMs: recover.endedAt - recover.startedAt,
                });
              } finally {
                if (group.silentUntilCrash && emulator) await stopEmulator(emulator);
              }
            }, 90_000);
          }
        });
      }

      it('no card data anywhere on disk: journals (+ WAL), logs, frame traces, ledgers', () => {
        // Every cell ran: this scan covers the whole matrix.
        expect(results.size).toBe(groups.reduce((n, g) => n + stepsFor(g).length, 0));
        const files = [...allDirs.flatMap((dir) => filesUnder(join(dir, 'data'))), ...allLedgers.filter((path) => existsSync(path))];
        const names = files.map((f) => f.split('/').at(-1));
        expect(names.filter((n) => n === 'journal.sqlite')).toHaveLength(groups.length);
        expect(names.filter((n) => n === 'service.log')).toHaveLength(groups.length);
        expect(names.filter((n) => n === 'pinpad-trace.log')).toHaveLength(groups.length);
        expect(names.filter((n) => n?.endsWith('.json')).length).toBeGreaterThanOrEqual(groups.length);
        // The emulator ran with --full-pan: full card numbers did reach the service with every card
        // payment (and were masked on the way in); an SBP payment carries no card number at all.
        const traces = files.filter((f) => f.endsWith('pinpad-trace.log')).map((f) => readFileSync(f, 'utf8'));
        expect(traces.some((t) => /10\(cardNumber\)=\d{6}\*+\d{4}/.test(t))).toBe(groups.some((g) => g.method === 'card'));
        expect(cardDataHits(files)).toEqual([]);
        // The scan itself finds card data (numbers built at run time, so that none sits in the repository).
        const probe = join(allDirs[0]!, 'probe.bin');
        const pan = ['2200', '7001', '2345', '6781'].join('');
        writeFileSync(probe, Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`x${pan}y`, 'latin1')]));
        expect(cardDataHits([probe])).toEqual([probe]);
        writeFileSync(probe, `;${['4000', '0012', '3456'].join('')}=2812101?`);
        expect(cardDataHits([probe])).toEqual([probe]);
        // A card number right after an id (as in a binary record) is still found; two ids alone are not a card number.
        writeFileSync(probe, `${randomUUID()}${pan}${randomUUID()}`);
        expect(cardDataHits([probe])).toEqual([probe]);
        const twoIds = 'c4a59bd8-a347-44f5-8ba2-7d6382559819715ec178-64a7-4f26-9c85-a92d6fed39c2';
        expect(containsCardData(twoIds)).toBe(true); // digits across the two ids: 6382559819715
        writeFileSync(probe, twoIds);
        expect(cardDataHits([probe])).toEqual([]);
        rmSync(probe);
        // The files as they were right after each kill (the journal's WAL not yet checkpointed).
        expect(crashScans).toEqual([]);
      });
    },
  );
}
