/**
 * One business day's totals from the journal: what was taken and given back, by method, as the
 * journal knows it (approved money only; cash included). Settlement checks compare against it.
 */
import type Database from 'better-sqlite3';
import type { PartKind, PartMethod } from './part-lifecycle.js';

/** Journal migration text: the index that makes a day's totals a lookup, not a scan of every part. */
export const DAY_TOTALS_INDEX = `
  CREATE INDEX parts_business_day ON parts(business_day, state);
`;

export interface DayTotal {
  readonly kind: PartKind;
  readonly method: PartMethod;
  readonly count: number;
  /** Kopecks. */
  readonly amount: number;
}

export function dayTotals(db: Database.Database, day: string): DayTotal[] {
  return db
    .prepare(
      `SELECT kind, method, COUNT(*) AS count, SUM(amount) AS amount FROM parts
       WHERE business_day = ? AND state IN ('APPROVED', 'REFUNDED')
       GROUP BY kind, method ORDER BY kind, method`,
    )
    .all(day) as DayTotal[];
}
