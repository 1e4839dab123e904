/**
 * The audit trail read forward from a row id, with the part each row is about: what the fleet
 * metrics count (payments, refunds, recoveries, late payments) since they last looked.
 */
import type Database from 'better-sqlite3';
import type { PartKind, PartMethod, PartState, RefundHow } from './part-lifecycle.js';

/** One audit row and the part it is about (none for a row about no part). */
export interface AuditFeedRow {
  readonly id: number;
  readonly at: string;
  readonly part_id: string | null;
  readonly from_state: PartState | null;
  readonly to_state: PartState | null;
  readonly event: string;
  readonly kind: PartKind | null;
  readonly method: PartMethod | null;
  readonly how: RefundHow | null;
  readonly amount: number | null;
}

export class AuditFeed {
  readonly #after: Database.Statement<[number, number]>;

  constructor(db: Database.Database) {
    this.#after = db.prepare(
      `SELECT a.id, a.at, a.part_id, a.from_state, a.to_state, a.event, p.kind, p.method, p.how, p.amount
       FROM audit a LEFT JOIN parts p ON p.id = a.part_id WHERE a.id > ? ORDER BY a.id LIMIT ?`,
    );
  }

  /** Up to `limit` rows after row `id`, oldest first. */
  after(id: number, limit: number): AuditFeedRow[] {
    return this.#after.all(id, limit) as AuditFeedRow[];
  }
}
