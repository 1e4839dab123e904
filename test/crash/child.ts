/**
 * The service process of the crash matrix (test/crash/crash-matrix.ts), run as
 * `npx tsx test/crash/child.ts`. It starts the real service app on an external pin pad (the
 * emulator on a pseudo-terminal) and does one thing:
 *
 * - CRASH_MODE=pay: opens a receipt of CRASH_AMOUNT kopecks and pays it whole by CRASH_METHOD;
 *   prints one JSON line `{ mode, receiptId, part, startMs, payMs }` with the part as it ended.
 * - CRASH_MODE=recover: only starts the app (recovery of every part left in flight runs at
 *   start) and prints `{ mode, startMs, recoveryMs, unresolvedAtStart, unresolvedAfterStart,
 *   receipts: [...] }` with the parts of every receipt in the journal. When the recovery at
 *   start left a part unresolved (the pin pad was still busy with what the killed process had
 *   started), the app asks again in the background: the child waits for that (up to
 *   CRASH_SETTLE_LIMIT seconds) before printing.
 *
 * With KIOSK_CRASH_AT=<step> the service SIGKILLs itself at that step (crash-points.ts), so
 * nothing is printed. Environment:
 *   CRASH_DATA_DIR          journal, logs (required)
 *   CRASH_CONFIG            configuration file ([pinpad] port = the emulator's link) (required)
 *   CRASH_MODE              pay | recover (required)
 *   CRASH_METHOD            card | sbp (pay)
 *   CRASH_AMOUNT            kopecks (pay)
 *   CRASH_RECEIPT_ID        receipt id to use (pay; optional, generated when absent)
 *   CRASH_RESPONSE_TIMEOUT  seconds the pin pad may stay silent (default 2)
 *   CRASH_SETTLE_LIMIT      recover: seconds to wait for parts still unresolved after the start (default 60)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServiceApp, type ServiceApp } from '../../electron/service/app.js';
import { crashHooksFromEnv } from '../../electron/service/crash-points.js';
import { Journal } from '../../electron/service/journal/journal.js';
import type { Part } from '../../electron/service/journal/part-lifecycle.js';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

/** What the test needs of a part (no slips or raw fields: they are checked on disk, not here). */
export interface ChildPart {
  readonly id: string;
  readonly kind: Part['kind'];
  readonly method: Part['method'];
  readonly amount: number;
  readonly state: Part['state'];
  readonly ecrNumber: number | null;
  readonly rrn: string | null;
  readonly refundOf: string | null;
}

export interface ChildReceipt {
  readonly id: string;
  readonly total: number;
  readonly state: string;
  readonly paid: number;
  readonly parts: ChildPart[];
}

export interface PayOutput {
  readonly mode: 'pay';
  readonly receiptId: string;
  readonly part: ChildPart;
  /** Wall time of startServiceApp (configuration, journal, connection, recovery), ms. */
  readonly startMs: number;
  /** From startPayment to the 'done' event, ms. */
  readonly payMs: number;
}

export interface RecoverOutput {
  readonly mode: 'recover';
  /** Parts the last process left INTENT / SENT / UNKNOWN. */
  readonly unresolvedAtStart: number;
  /** Parts still unresolved when startServiceApp returned (its recovery got no answer). */
  readonly unresolvedAfterStart: number;
  /** Wall time of startServiceApp (the recovery at start, then a connection test), ms. */
  readonly startMs: number;
  /**
   * From startServiceApp called to the journal recording the last part left in flight as resolved,
   * ms; 0 with nothing to recover, null when a part was still unresolved at CRASH_SETTLE_LIMIT.
   */
  readonly recoveryMs: number | null;
  readonly receipts: ChildReceipt[];
}

function slim(part: Part): ChildPart {
  return {
    id: part.id,
    kind: part.kind,
    method: part.method,
    amount: part.amount,
    state: part.state,
    ecrNumber: part.ecrNumber ?? null,
    rrn: part.rrn ?? null,
    refundOf: part.refundOf ?? null,
  };
}

function unresolvedCount(app: ServiceApp): number {
  return app.journal.partsInStates(['INTENT', 'SENT', 'UNKNOWN']).length;
}

async function start(): Promise<{ app: ServiceApp; startedAt: number; startMs: number; unresolvedAtStart: string[] }> {
  const dataDir = env('CRASH_DATA_DIR');
  const configPath = env('CRASH_CONFIG');
  const responseTimeoutSeconds = Number(process.env.CRASH_RESPONSE_TIMEOUT ?? '2');
  // Read before the app starts (and recovers): how many parts the last process left in flight.
  const journalPath = join(dataDir, 'journal.sqlite');
  let unresolvedAtStart: string[] = [];
  if (existsSync(journalPath)) {
    const journal = new Journal(journalPath);
    unresolvedAtStart = journal.partsInStates(['INTENT', 'SENT', 'UNKNOWN']).map((p) => p.id);
    journal.close();
  }
  const startedAt = Date.now();
  const app = await startServiceApp({ configPath, dataDir, responseTimeoutSeconds, crash: crashHooksFromEnv(process.env) });
  return { app, startedAt, startMs: Date.now() - startedAt, unresolvedAtStart };
}

async function pay(): Promise<void> {
  const method = env('CRASH_METHOD');
  if (method !== 'card' && method !== 'sbp') throw new Error(`CRASH_METHOD must be card or sbp, got ${method}`);
  const amount = Number(env('CRASH_AMOUNT'));
  const { app, startMs } = await start();
  const receiptId = process.env.CRASH_RECEIPT_ID;
  const receipt = app.service.openReceipt({ ...(receiptId ? { id: receiptId } : {}), lines: [], total: amount });
  const t0 = performance.now();
  const done = new Promise<Part>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no outcome within 60 s')), 60_000);
    app.service.on('payment', (event) => {
      if (event.receiptId === receipt.id && event.phase === 'done' && event.part) {
        clearTimeout(timer);
        resolve(event.part);
      }
    });
  });
  app.service.startPayment({ receiptId: receipt.id, method, amount });
  const part = await done;
  const out: PayOutput = { mode: 'pay', receiptId: receipt.id, part: slim(part), startMs, payMs: Math.round(performance.now() - t0) };
  await app.stop();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function recover(): Promise<void> {
  const { app, startedAt, startMs, unresolvedAtStart } = await start();
  const unresolvedAfterStart = unresolvedCount(app);
  const limit = Date.now() + Number(process.env.CRASH_SETTLE_LIMIT ?? '60') * 1000;
  while (unresolvedCount(app) > 0 && Date.now() < limit) await new Promise((r) => setTimeout(r, 50));
  // When the journal recorded the last of them resolved: its audit trail says when each part left INTENT / SENT / UNKNOWN.
  let recoveryMs: number | null = unresolvedAtStart.length === 0 ? 0 : null;
  if (unresolvedAtStart.length > 0 && unresolvedCount(app) === 0) {
    const resolvedAt = unresolvedAtStart.map((id) => {
      const entry = app.journal.audit({ partId: id }).find((a) => a.toState !== null && !['INTENT', 'SENT', 'UNKNOWN'].includes(a.toState));
      return entry ? Date.parse(entry.at) : Number.NaN;
    });
    recoveryMs = Math.max(...resolvedAt) - startedAt;
  }
  const receipts: ChildReceipt[] = app.service.searchReceipts(undefined, 500).map((r) => ({
    id: r.id,
    total: r.total,
    state: r.state,
    paid: r.paid,
    parts: r.parts.map(slim),
  }));
  const out: RecoverOutput = { mode: 'recover', unresolvedAtStart: unresolvedAtStart.length, unresolvedAfterStart, startMs, recoveryMs, receipts };
  await app.stop();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

try {
  const mode = env('CRASH_MODE');
  if (mode === 'pay') await pay();
  else if (mode === 'recover') await recover();
  else throw new Error(`CRASH_MODE must be pay or recover, got ${mode}`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`crash child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
