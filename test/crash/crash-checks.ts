/**
 * The crash matrix's checks after the fact: the journal read straight from SQLite, the emulators'
 * ledgers, the money reconciliation between them, the frames a recovery sent, card data on disk.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { PartState } from '../../electron/service/journal/part-lifecycle.js';
import type { Ledger } from '../../native/emulator/bank.js';
import { containsCardData } from '../../native/inpas/card-data.js';

const TRACK2 = /\d{12,19}=\d{4}/;
export const UNRESOLVED: ReadonlySet<string> = new Set(['INTENT', 'SENT', 'UNKNOWN']);

interface JournalPart {
  readonly id: string;
  readonly receiptId: string;
  readonly kind: string;
  readonly method: string;
  readonly amount: number;
  readonly state: PartState;
  readonly ecrNumber: number | null;
}

interface JournalReceipt {
  readonly id: string;
  readonly total: number;
  readonly state: string;
}

export function readJournal(dataDir: string): { parts: JournalPart[]; receipts: JournalReceipt[] } {
  const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const parts = db
      .prepare('SELECT id, receipt_id AS receiptId, kind, method, amount, state, ecr_number AS ecrNumber FROM parts ORDER BY rowid')
      .all() as JournalPart[];
    const receipts = db.prepare('SELECT id, total, state FROM receipts ORDER BY rowid').all() as JournalReceipt[];
    return { parts, receipts };
  } finally {
    db.close();
  }
}

export function readLedgers(paths: readonly string[]): Ledger {
  const merged: Ledger = { terminalId: '', charges: [], refunds: [], settlements: [] };
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const ledger = JSON.parse(readFileSync(path, 'utf8')) as Ledger;
    merged.charges.push(...ledger.charges);
    merged.refunds.push(...ledger.refunds);
  }
  return merged;
}

/**
 * The money checks of the crash matrix over a whole group: its journal against the union of
 * its ledgers. `final`: the terminal has answered the recovery, so nothing may be unresolved.
 */
export function checkMoney(dataDir: string, ledgerPaths: readonly string[], final: boolean): void {
  const { parts, receipts } = readJournal(dataDir);
  const ledger = readLedgers(ledgerPaths);
  const byEcr = new Map(parts.filter((p) => p.ecrNumber !== null).map((p) => [p.ecrNumber!, p]));
  const refundedOf = (rrn: string): number => ledger.refunds.filter((r) => r.ofRrn === rrn).reduce((s, r) => s + r.amount, 0);
  const where = `journal ${dataDir}\nparts: ${JSON.stringify(parts)}\nledger: ${JSON.stringify(ledger)}`;

  // (a) 0 double charges: one charge per till number at most, and no receipt charged beyond its total.
  const charges = new Map<number, number>();
  for (const charge of ledger.charges) charges.set(charge.ecrNumber, (charges.get(charge.ecrNumber) ?? 0) + 1);
  for (const [ecr, count] of charges) expect(count, `till no. ${ecr} charged ${count} times\n${where}`).toBe(1);
  for (const receipt of receipts) {
    const ecrs = new Set(parts.filter((p) => p.receiptId === receipt.id && p.ecrNumber !== null).map((p) => p.ecrNumber!));
    const mine = ledger.charges.filter((c) => ecrs.has(c.ecrNumber));
    const net = mine.reduce((s, c) => s + c.amount - refundedOf(c.rrn), 0);
    expect(net, `receipt ${receipt.id} (total ${receipt.total}) holds ${net} kopecks at the bank\n${where}`).toBeLessThanOrEqual(receipt.total);
  }
  // No money moved that the journal does not know of (a blind retry with a new till number would show here).
  for (const charge of ledger.charges) {
    expect(byEcr.get(charge.ecrNumber)?.kind, `charge of till no. ${charge.ecrNumber} has no payment in the journal\n${where}`).toBe('payment');
  }
  if (!final) return;

  // (b) 0 approved payments missing: money the bank kept is an APPROVED part of the same till number and amount.
  for (const charge of ledger.charges) {
    const kept = charge.amount - refundedOf(charge.rrn);
    const part = byEcr.get(charge.ecrNumber)!;
    if (kept > 0) {
      expect(part.state, `till no. ${charge.ecrNumber}: the bank kept ${kept} kopecks\n${where}`).toBe('APPROVED');
      expect(part.amount, `till no. ${charge.ecrNumber}: amount\n${where}`).toBe(kept);
    } else {
      expect(['REVERSED', 'REFUNDED'], `till no. ${charge.ecrNumber}: charged and given back\n${where}`).toContain(part.state);
    }
  }
  // ...and the journal claims no money the bank does not have.
  for (const part of parts.filter((p) => p.kind === 'payment' && p.ecrNumber !== null)) {
    const charge = ledger.charges.find((c) => c.ecrNumber === part.ecrNumber);
    if (part.state === 'APPROVED') {
      expect(charge && charge.amount - refundedOf(charge.rrn), `part ${part.id} (till no. ${part.ecrNumber}) APPROVED\n${where}`).toBe(part.amount);
    }
    if (part.state === 'REVERSED') {
      expect(charge, `part ${part.id} (till no. ${part.ecrNumber}) REVERSED without a charge\n${where}`).toBeDefined();
      const cancels = ledger.refunds.filter((r) => r.ofRrn === charge!.rrn);
      expect(cancels.map((r) => r.kind)).toEqual(['emergency-cancel']);
      expect(cancels[0]!.amount).toBe(charge!.amount);
    }
  }
  // (c) 0 parts left unresolved once the terminal answers.
  const open = parts.filter((p) => UNRESOLVED.has(p.state));
  expect(open, `parts left unresolved\n${where}`).toEqual([]);
}

/** Operation codes of the frames the service sent between `from` and `to` (its frame trace). */
export function sentOperations(dataDir: string, from: number, to: number): number[] {
  const logs = join(dataDir, 'logs');
  const ops: number[] = [];
  for (const name of readdirSync(logs).filter((n) => n.startsWith('pinpad-trace'))) {
    const entries = readFileSync(join(logs, name), 'utf8').split(/\n(?=\d{4}-\d\d-\d\dT)/);
    for (const entry of entries) {
      const head = /^(\S+Z) TX frame/.exec(entry);
      if (!head) continue;
      const at = Date.parse(head[1]!);
      if (at < from - 5 || at > to + 5) continue;
      const op = /\b25\(operation\)="(\d+)"/.exec(entry);
      if (op) ops.push(Number(op[1]));
    }
  }
  return ops;
}

export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Files holding a full card number or track 2 (read as latin1, so binary files are scanned byte for byte). */
/**
 * Ids (UUIDs) are cut out of a file's bytes before the scan: in SQLite's binary records two ids
 * often stand back to back, and the digits where one ends and the next begins can form a
 * Luhn-valid 13–19-digit run (about one adjacent pair in a thousand). A card number next to an
 * id still stands on its own after the cut.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function cardDataHits(files: readonly string[]): string[] {
  return files.filter((file) => {
    const text = readFileSync(file).toString('latin1').replace(UUID, ' ');
    return containsCardData(text) || TRACK2.test(text);
  });
}
