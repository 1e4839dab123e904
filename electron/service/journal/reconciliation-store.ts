/**
 * Journal queries of the close-of-day reconciliation: which parts a settlement closes (those
 * written since the previous one), and the reconciliations kept for each business day.
 */
import type Database from 'better-sqlite3';
import type { PartKind, PartMethod, PartState, RefundHow } from './part-lifecycle.js';
import type { Reconciliation } from '../closing/reconciliation.js';

/** A part as the reconciliation sees it. */
export interface PeriodPart {
  readonly id: string;
  readonly receiptId: string;
  readonly kind: PartKind;
  readonly method: PartMethod;
  readonly how: RefundHow | undefined;
  readonly amount: number;
  readonly state: PartState;
  readonly switchedToSbp: boolean;
  readonly ecrNumber: number | undefined;
  readonly rrn: string | undefined;
  /** A QR code was shown for it. */
  readonly qrShown: boolean;
  /** A cashier decided its outcome by hand. */
  readonly manual: boolean;
  /** It records a QR payment that arrived after its QR expired or was cancelled. */
  readonly latePayment: boolean;
  readonly createdAt: string;
}

interface PeriodRow {
  id: string;
  receipt_id: string;
  kind: PartKind;
  method: PartMethod;
  how: RefundHow | null;
  amount: number;
  state: PartState;
  switched_to_sbp: number;
  ecr_number: number | null;
  rrn: string | null;
  qr: string | null;
  manual: number;
  late: number;
  created_at: string;
}

export class ReconciliationStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The newest part's row number (the end of the period a settlement now would close). */
  lastPartRow(): number {
    return (this.#db.prepare('SELECT COALESCE(MAX(rowid), 0) AS n FROM parts').get() as { n: number }).n;
  }

  /**
   * Where the previous reconciliation's period ended. Before the first one (a journal from a
   * version without reconciliations), the last part an earlier settlement closed; else 0.
   */
  closedUpTo(): number {
    return (
      this.#db.prepare(`SELECT COALESCE((SELECT MAX(parts_up_to) FROM reconciliations), (SELECT MAX(rowid) FROM parts WHERE settled = 1), 0) AS n`).get() as {
        n: number;
      }
    ).n;
  }

  /** Parts written after row `after` up to row `upTo`, oldest first. */
  partsBetween(after: number, upTo: number): PeriodPart[] {
    const rows = this.#db
      .prepare(
        `SELECT p.id, p.receipt_id, p.kind, p.method, p.how, p.amount, p.state, p.switched_to_sbp, p.ecr_number, p.rrn, p.qr, p.created_at,
                EXISTS (SELECT 1 FROM audit a WHERE a.part_id = p.id AND a.event = 'resolved-by-cashier') AS manual,
                EXISTS (SELECT 1 FROM audit a WHERE a.part_id = p.id AND a.event = 'late-payment') AS late
         FROM parts p WHERE p.rowid > ? AND p.rowid <= ? ORDER BY p.rowid`,
      )
      .all(after, upTo) as PeriodRow[];
    return rows.map((r) => ({
      id: r.id,
      receiptId: r.receipt_id,
      kind: r.kind,
      method: r.method,
      how: r.how ?? undefined,
      amount: r.amount,
      state: r.state,
      switchedToSbp: r.switched_to_sbp === 1,
      ecrNumber: r.ecr_number ?? undefined,
      rrn: r.rrn ?? undefined,
      qrShown: r.qr !== null,
      manual: r.manual === 1,
      latePayment: r.late === 1,
      createdAt: r.created_at,
    }));
  }

  /** Keeps a reconciliation with the period it covered; returns it with its id. */
  save(reconciliation: Omit<Reconciliation, 'id'>, period: { after: number; upTo: number }): Reconciliation {
    return this.#db.transaction(() => {
      const info = this.#db
        .prepare('INSERT INTO reconciliations (business_day, settled_at, parts_after, parts_up_to, matched, result) VALUES (?, ?, ?, ?, ?, ?)')
        .run(reconciliation.businessDay, reconciliation.settledAt, period.after, period.upTo, reconciliation.matched ? 1 : 0, '{}');
      const id = Number(info.lastInsertRowid);
      const kept: Reconciliation = { id, ...reconciliation };
      this.#db.prepare('UPDATE reconciliations SET result = ? WHERE id = ?').run(JSON.stringify(kept), id);
      this.#db
        .prepare('INSERT INTO audit (at, event, detail) VALUES (?, ?, ?)')
        .run(
          reconciliation.settledAt,
          'reconciliation',
          `${reconciliation.businessDay}: ${reconciliation.matched ? 'totals match' : `${reconciliation.differences.length} difference(s)`}`,
        );
      return kept;
    })();
  }

  latest(): Reconciliation | undefined {
    const row = this.#db.prepare('SELECT result FROM reconciliations ORDER BY id DESC LIMIT 1').get() as { result: string } | undefined;
    return row ? (JSON.parse(row.result) as Reconciliation) : undefined;
  }

  /** The reconciliations of a business day (YYYY-MM-DD), oldest first, with the parts each covered. */
  forDay(day: string): Array<{ reconciliation: Reconciliation; parts: PeriodPart[] }> {
    const rows = this.#db.prepare('SELECT result, parts_after, parts_up_to FROM reconciliations WHERE business_day = ? ORDER BY id').all(day) as Array<{
      result: string;
      parts_after: number;
      parts_up_to: number;
    }>;
    return rows.map((r) => ({ reconciliation: JSON.parse(r.result) as Reconciliation, parts: this.partsBetween(r.parts_after, r.parts_up_to) }));
  }
}
