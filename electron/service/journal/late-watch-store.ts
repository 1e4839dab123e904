/**
 * The journal's late-payment watches (table `late_watches`): which SBP parts may still be paid
 * after their QR expired or was cancelled, until when, and how each watch ended.
 */
import type { Journal } from './journal.js';

export type WatchState = 'watching' | 'reversing' | 'paid' | 'not-paid' | 'decided';

export interface LateWatchRow {
  readonly partId: string;
  readonly receiptId: string;
  readonly ecrNumber: number;
  readonly amount: number;
  /** Why it is watched: declined, expired, reversed by recovery, cancelled by the customer. */
  readonly reason: string;
  /** ms since the epoch; after it a final "not paid" ends the watch. */
  readonly deadlineMs: number;
  readonly state: WatchState;
  /** The approved late part, once the payment was found. */
  readonly latePartId: string | undefined;
  readonly detail: string | undefined;
}

interface Row {
  part_id: string;
  receipt_id: string;
  ecr_number: number;
  amount: number;
  reason: string;
  deadline_ms: number;
  state: WatchState;
  late_part_id: string | null;
  detail: string | null;
}

function fromRow(row: Row): LateWatchRow {
  return {
    partId: row.part_id,
    receiptId: row.receipt_id,
    ecrNumber: row.ecr_number,
    amount: row.amount,
    reason: row.reason,
    deadlineMs: row.deadline_ms,
    state: row.state,
    latePartId: row.late_part_id ?? undefined,
    detail: row.detail ?? undefined,
  };
}

/** Queries on the journal's database; every write is one commit with its audit line. */
export class LateWatchStore {
  readonly #journal: Journal;
  readonly #now: () => Date;

  constructor(journal: Journal, now: () => Date = () => new Date()) {
    this.#journal = journal;
    this.#now = now;
  }

  /** Opens a watch (or, when one is open already, moves its deadline later). Returns it as stored. */
  open(input: { partId: string; receiptId: string; ecrNumber: number; amount: number; reason: string; deadlineMs: number }): LateWatchRow {
    const db = this.#journal.db;
    const at = this.#now().toISOString();
    db.transaction(() => {
      const existing = this.get(input.partId);
      if (existing) {
        if (existing.state === 'watching' && input.deadlineMs > existing.deadlineMs)
          db.prepare('UPDATE late_watches SET deadline_ms = ?, updated_at = ? WHERE part_id = ?').run(input.deadlineMs, at, input.partId);
        return;
      }
      db.prepare(
        `INSERT INTO late_watches (part_id, receipt_id, ecr_number, amount, reason, deadline_ms, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'watching', ?, ?)`,
      ).run(input.partId, input.receiptId, input.ecrNumber, input.amount, input.reason, input.deadlineMs, at, at);
      this.#journal.note(input.partId, 'late-watch-opened', `${input.reason}; watched until ${new Date(input.deadlineMs).toISOString()}`);
    })();
    return this.get(input.partId)!;
  }

  get(partId: string): LateWatchRow | undefined {
    const row = this.#journal.db.prepare('SELECT * FROM late_watches WHERE part_id = ?').get(partId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Watches still to be worked on: watching, or a late payment found and still to be given back. */
  active(): LateWatchRow[] {
    const rows = this.#journal.db.prepare("SELECT * FROM late_watches WHERE state IN ('watching', 'reversing') ORDER BY created_at, rowid").all() as Row[];
    return rows.map(fromRow);
  }

  ofReceipt(receiptId: string): LateWatchRow[] {
    return (this.#journal.db.prepare('SELECT * FROM late_watches WHERE receipt_id = ? ORDER BY created_at, rowid').all(receiptId) as Row[]).map(fromRow);
  }

  /** Moves a watch on (checked: an ended watch stays ended) and audits it, in one commit. */
  end(partId: string, state: Exclude<WatchState, 'watching'>, detail: string, latePartId?: string): LateWatchRow {
    const db = this.#journal.db;
    db.transaction(() => {
      const current = this.get(partId);
      if (!current) throw new Error(`no late-payment watch for ${partId}`);
      const allowed = current.state === 'watching' || (current.state === 'reversing' && state !== 'reversing');
      if (!allowed) throw new Error(`the late-payment watch of ${partId} is ${current.state} already`);
      db.prepare('UPDATE late_watches SET state = ?, detail = ?, late_part_id = COALESCE(?, late_part_id), updated_at = ? WHERE part_id = ?').run(
        state,
        detail,
        latePartId ?? null,
        this.#now().toISOString(),
        partId,
      );
      this.#journal.note(partId, `late-watch-${state}`, detail);
    })();
    return this.get(partId)!;
  }
}
