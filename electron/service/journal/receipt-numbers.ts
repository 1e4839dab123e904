/**
 * Short receipt numbers a cashier can read out ("чек 12"): a sequence per local day, journaled
 * with the receipt in the same commit. The receipt's UUID stays the internal key.
 */
import type Database from 'better-sqlite3';

/** Journal migration: the numbers table, with numbers for receipts written before it. */
export const RECEIPT_NUMBERS_MIGRATION = `
  CREATE TABLE receipt_numbers (
    receipt_id TEXT PRIMARY KEY REFERENCES receipts(id),
    day TEXT NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    UNIQUE (day, number)
  );
  INSERT INTO receipt_numbers (receipt_id, day, number)
    SELECT id, date(created_at, 'localtime'),
           ROW_NUMBER() OVER (PARTITION BY date(created_at, 'localtime') ORDER BY created_at, rowid)
    FROM receipts;
`;

/** Gives a new receipt the next number of its day. Call inside the transaction that writes the receipt. */
export function assignReceiptNumber(db: Database.Database, receiptId: string, day: string): number {
  const { next } = db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS next FROM receipt_numbers WHERE day = ?').get(day) as { next: number };
  db.prepare('INSERT INTO receipt_numbers (receipt_id, day, number) VALUES (?, ?, ?)').run(receiptId, day, next);
  return next;
}

export function receiptNumber(db: Database.Database, receiptId: string): { day: string; number: number } | undefined {
  return db.prepare('SELECT day, number FROM receipt_numbers WHERE receipt_id = ?').get(receiptId) as { day: string; number: number } | undefined;
}

/** The receipt that had this number on this day (a cashier reading a number back). */
export function receiptByNumber(db: Database.Database, day: string, number: number): string | undefined {
  const row = db.prepare('SELECT receipt_id FROM receipt_numbers WHERE day = ? AND number = ?').get(day, number) as { receipt_id: string } | undefined;
  return row?.receipt_id;
}
