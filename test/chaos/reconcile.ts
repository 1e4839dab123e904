/**
 * Reconciles a chaos round: the bank's ledger (what the emulator really charged and gave back)
 * against the kiosk's journal. Counts double charges, lost approvals, phantoms, payments given
 * back and parts left unresolved, with a line of evidence for each.
 *
 * Given back (G): a charge in the ledger — the bank took the money, so the customer completed the
 * payment — that the ledger then shows reversed by an emergency cancel (operation 53, the same
 * request resent; only the kiosk's recovery sends one). Giving back a late QR payment by policy
 * (`reverseLatePayments`) is a refund or void, not an emergency cancel, and is not counted. The
 * books still balance after such a reversal (the journal says REVERSED), which is why it is
 * counted apart: the customer who paid has to pay again.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import type { Ledger } from '../../native/emulator/bank.js';

export interface JournalSnapshot {
  readonly parts: ReadonlyArray<{
    readonly id: string;
    readonly receiptId: string;
    readonly kind: 'payment' | 'refund';
    readonly method: string;
    readonly amount: number;
    readonly state: string;
    readonly ecrNumber: number | null;
    readonly rrn: string | null;
    readonly switched: number;
  }>;
  readonly receipts: ReadonlyArray<{ readonly id: string; readonly total: number }>;
  /** Late-payment watches still at work. */
  readonly activeWatches: number;
  /** Late payments found and being given back right now. */
  readonly reversingWatches: number;
  /** Lines in the audit trail (the journal is still moving while it grows). */
  readonly auditLines: number;
}

export interface Reconciliation {
  readonly doubleCharges: number;
  readonly lostApprovals: number;
  readonly phantoms: number;
  readonly unresolved: number;
  /** Payments the customer completed (charged at the bank) that recovery gave back by an emergency cancel. */
  readonly givenBack: number;
  /** Approved parts whose method or switch flag differs from the bank's (switched payments recovered as card). */
  readonly methodMismatches: number;
  readonly evidence: string[];
}

export function readJournal(path: string): JournalSnapshot {
  if (!existsSync(path)) return { parts: [], receipts: [], activeWatches: 0, reversingWatches: 0, auditLines: 0 };
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    const parts = db
      .prepare(
        `SELECT id, receipt_id AS receiptId, kind, method, amount, state, ecr_number AS ecrNumber, rrn, switched_to_sbp AS switched
         FROM parts ORDER BY rowid`,
      )
      .all() as JournalSnapshot['parts'];
    const receipts = db.prepare('SELECT id, total FROM receipts').all() as JournalSnapshot['receipts'];
    const watchTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'late_watches'").get();
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    const activeWatches = watchTable ? count("SELECT COUNT(*) AS n FROM late_watches WHERE state IN ('watching', 'reversing')") : 0;
    const reversingWatches = watchTable ? count("SELECT COUNT(*) AS n FROM late_watches WHERE state = 'reversing'") : 0;
    return { parts, receipts, activeWatches, reversingWatches, auditLines: count('SELECT COUNT(*) AS n FROM audit') };
  } finally {
    db.close();
  }
}

export function readLedger(path: string): Ledger {
  if (!existsSync(path)) return { terminalId: '', charges: [], refunds: [], settlements: [] };
  return JSON.parse(readFileSync(path, 'utf8')) as Ledger;
}

const UNRESOLVED = new Set(['INTENT', 'SENT', 'UNKNOWN']);

export function reconcile(journal: JournalSnapshot, ledger: Ledger): Reconciliation {
  const evidence: string[] = [];
  let doubleCharges = 0;
  let lostApprovals = 0;
  let phantoms = 0;
  let methodMismatches = 0;
  const refundedOf = (rrn: string): number => ledger.refunds.filter((r) => r.ofRrn === rrn).reduce((s, r) => s + r.amount, 0);
  const payments = journal.parts.filter((p) => p.kind === 'payment' && p.method !== 'cash');

  // Double charges: one charge per till number at most, none the journal never asked for, no receipt beyond its total.
  const perEcr = new Map<number, number>();
  for (const charge of ledger.charges) perEcr.set(charge.ecrNumber, (perEcr.get(charge.ecrNumber) ?? 0) + 1);
  for (const [ecr, count] of perEcr) {
    if (count > 1) {
      doubleCharges += count - 1;
      evidence.push(`till no. ${ecr} charged ${count} times`);
    }
  }
  const ownersOf = (charge: Ledger['charges'][number]): JournalSnapshot['parts'][number][] =>
    payments.filter((p) => p.ecrNumber === charge.ecrNumber || (p.ecrNumber === null && p.rrn === charge.rrn));
  for (const charge of ledger.charges) {
    if (ownersOf(charge).length === 0) {
      doubleCharges++;
      evidence.push(`charge of till no. ${charge.ecrNumber} (${charge.amount}) has no payment in the journal`);
    }
  }
  for (const receipt of journal.receipts) {
    const mine = ledger.charges.filter((c) => ownersOf(c).some((p) => p.receiptId === receipt.id));
    const net = mine.reduce((s, c) => s + c.amount - refundedOf(c.rrn), 0);
    if (net > receipt.total) {
      doubleCharges++;
      evidence.push(`receipt ${receipt.id} (total ${receipt.total}) holds ${net} at the bank`);
    }
  }

  // Lost approvals: money the bank kept is an APPROVED part of that amount (the sale's own part, or a late part by RRN).
  for (const charge of ledger.charges) {
    const kept = charge.amount - refundedOf(charge.rrn);
    const owners = ownersOf(charge);
    const approved = owners.filter((p) => p.state === 'APPROVED');
    const held = approved.reduce((s, p) => s + p.amount, 0);
    if (kept > 0 && held !== kept && !owners.some((p) => UNRESOLVED.has(p.state))) {
      if (held < kept) {
        lostApprovals++;
        evidence.push(`till no. ${charge.ecrNumber}: the bank kept ${kept}, the journal holds ${held} (${owners.map((p) => p.state).join(', ') || 'no part'})`);
      } else {
        phantoms++;
        evidence.push(`till no. ${charge.ecrNumber}: the journal holds ${held}, the bank kept ${kept}`);
      }
    }
    if (kept <= 0 && approved.length > 0) {
      phantoms++;
      evidence.push(`till no. ${charge.ecrNumber}: given back at the bank, APPROVED in the journal`);
    }
    for (const part of approved) {
      if ((charge.method === 'sbp') !== (part.method === 'sbp') || charge.switched !== (part.switched === 1)) {
        methodMismatches++;
        evidence.push(
          `till no. ${charge.ecrNumber}: bank ${charge.method}${charge.switched ? '/switched' : ''}, journal ${part.method}${part.switched ? '/switched' : ''}`,
        );
      }
    }
  }
  // Phantoms: an approved payment the bank has no charge for.
  for (const part of payments.filter((p) => p.state === 'APPROVED' || p.state === 'REFUNDED')) {
    const charge = ledger.charges.find((c) => (part.ecrNumber !== null ? c.ecrNumber === part.ecrNumber : c.rrn === part.rrn));
    if (!charge) {
      phantoms++;
      evidence.push(`payment ${part.id} (${part.state}, ${part.amount}) has no charge at the bank`);
    }
  }
  for (const part of journal.parts.filter((p) => p.kind === 'refund' && p.method !== 'cash' && p.state === 'APPROVED')) {
    if (!ledger.refunds.some((r) => r.ecrNumber === part.ecrNumber)) {
      phantoms++;
      evidence.push(`refund ${part.id} (${part.amount}) APPROVED, the bank gave nothing back for till no. ${part.ecrNumber}`);
    }
  }
  // Given back: a completed payment (a charge) reversed by recovery's emergency cancel.
  let givenBack = 0;
  for (const charge of ledger.charges) {
    const cancel = ledger.refunds.find((r) => r.ofRrn === charge.rrn && r.kind === 'emergency-cancel');
    if (cancel) {
      givenBack++;
      const states = ownersOf(charge).map((p) => p.state).join(', ') || 'no part';
      evidence.push(`till no. ${charge.ecrNumber}: paid (${charge.amount}, RRN ${charge.rrn}), then given back by recovery's emergency cancel (journal: ${states})`);
    }
  }
  const open = journal.parts.filter((p) => UNRESOLVED.has(p.state));
  for (const part of open) evidence.push(`${part.kind} ${part.id} left ${part.state}`);
  return { doubleCharges, lostApprovals, phantoms, unresolved: open.length, givenBack, methodMismatches, evidence };
}
