/** Short receipt numbers (a per-day sequence journaled with the receipt; the UUID stays the key) and one day's totals. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, receiptView } from '../../../electron/service/journal/journal.js';
import { MIGRATIONS } from '../../../electron/service/journal/migrations.js';
import { dayTotals } from '../../../electron/service/journal/day-totals.js';
import { localDay } from '../../../electron/service/journal/business-day.js';
import { receiptByNumber, RECEIPT_NUMBERS_MIGRATION } from '../../../electron/service/journal/receipt-numbers.js';
import { useServiceRigs } from '../rig.js';

const { tempDir } = useServiceRigs();

describe('short receipt numbers', () => {
  it('count 1, 2, 3 … within a local day and start again the next day, surviving a restart', () => {
    const path = join(tempDir(), 'journal.db');
    let now = new Date(2026, 2, 10, 9, 0);
    const first = new Journal(path, { now: () => now });
    const a = first.createReceipt({ lines: [], total: 100 });
    const b = first.createReceipt({ lines: [], total: 200 });
    first.close();
    const again = new Journal(path, { now: () => now });
    try {
      const c = again.createReceipt({ lines: [], total: 300 });
      expect([a, b, c].map((id) => receiptView(again, id)!.shortNumber)).toEqual([1, 2, 3]);
      now = new Date(2026, 2, 11, 8, 0);
      const d = again.createReceipt({ lines: [], total: 400 });
      expect(receiptView(again, d)!.shortNumber).toBe(1);
      expect(receiptByNumber(again.db, '2026-03-10', 2)).toBe(b);
      expect(receiptByNumber(again.db, localDay(now), 1)).toBe(d);
      expect(receiptView(again, d)!.id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      again.close();
    }
  });

  it('are never given twice on one day (the journal refuses it)', () => {
    const journal = new Journal(':memory:', { now: () => new Date(2026, 2, 10, 9, 0) });
    try {
      const a = journal.createReceipt({ lines: [], total: 100 });
      const b = journal.createReceipt({ lines: [], total: 100 });
      expect(() => journal.db.prepare('UPDATE receipt_numbers SET number = 1 WHERE receipt_id = ?').run(b)).toThrow(/UNIQUE/);
      expect(receiptView(journal, a)!.shortNumber).toBe(1);
    } finally {
      journal.close();
    }
  });

  it('are given to receipts journaled before the migration, in creation order per day', () => {
    const path = join(tempDir(), 'old.db');
    const index = MIGRATIONS.findIndex((m) => m.includes(RECEIPT_NUMBERS_MIGRATION));
    expect(index).toBeGreaterThanOrEqual(0);
    // A journal at the schema just before this migration, with three receipts on two days.
    const db = new Database(path);
    for (const migration of MIGRATIONS.slice(0, index)) db.exec(migration);
    db.pragma(`user_version = ${index}`);
    const insert = db.prepare("INSERT INTO receipts (id, lines, total, state, created_at, updated_at) VALUES (?, '[]', 100, 'paid', ?, ?)");
    const at = (d: Date): string => d.toISOString();
    for (const [id, date] of [
      ['r1', new Date(2026, 2, 10, 9, 0)],
      ['r2', new Date(2026, 2, 10, 17, 0)],
      ['r3', new Date(2026, 2, 11, 9, 0)],
    ] as const)
      insert.run(id, at(date), at(date));
    db.close();
    const journal = new Journal(path);
    try {
      expect(['r1', 'r2', 'r3'].map((id) => receiptView(journal, id)!.shortNumber)).toEqual([1, 2, 1]);
      expect(receiptByNumber(journal.db, '2026-03-10', 2)).toBe('r2');
    } finally {
      journal.close();
    }
  });
});

describe("one day's totals", () => {
  it('sum approved money by kind and method for that business day only', () => {
    const journal = new Journal(':memory:');
    try {
      const receiptId = journal.createReceipt({ lines: [], total: 100_000 });
      const part = (method: 'card' | 'sbp' | 'cash', amount: number, day: string, state: 'APPROVED' | 'DECLINED', kind: 'payment' | 'refund' = 'payment') => {
        const p = journal.createPart({ receiptId, kind, method, amount, needsEcrNumber: method !== 'cash', businessDay: day });
        journal.transition(p.id, 'SENT');
        journal.transition(p.id, state);
      };
      part('card', 1000, '2026-03-10', 'APPROVED');
      part('card', 2500, '2026-03-10', 'APPROVED');
      part('card', 9999, '2026-03-10', 'DECLINED');
      part('sbp', 700, '2026-03-10', 'APPROVED');
      part('card', 300, '2026-03-10', 'APPROVED', 'refund');
      part('card', 5000, '2026-03-11', 'APPROVED');
      expect(dayTotals(journal.db, '2026-03-10')).toEqual([
        { kind: 'payment', method: 'card', count: 2, amount: 3500 },
        { kind: 'payment', method: 'sbp', count: 1, amount: 700 },
        { kind: 'refund', method: 'card', count: 1, amount: 300 },
      ]);
      expect(dayTotals(journal.db, '2026-03-12')).toEqual([]);
      const plan = journal.db.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM parts WHERE business_day = '2026-03-10' AND state = 'APPROVED'").all() as Array<{
        detail: string;
      }>;
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX parts_business_day/);
    } finally {
      journal.close();
    }
  });
});
