/**
 * Receipt search for the cashier and store support: by short receipt number, RRN, till
 * transaction number, last 4 card digits, day, receipt id or line text — each through an index,
 * so a journal of millions of parts answers as fast as an empty one.
 */
import type Database from 'better-sqlite3';

/** Journal migration: the indexes the search reads (receipt id and ecr number have theirs already). */
export const RECEIPT_SEARCH_INDEXES = `
  CREATE INDEX IF NOT EXISTS parts_rrn ON parts(rrn);
  CREATE INDEX IF NOT EXISTS parts_card_last4 ON parts(substr(card_masked, -4));
  CREATE INDEX IF NOT EXISTS receipts_created ON receipts(created_at);
  CREATE INDEX IF NOT EXISTS receipt_numbers_number ON receipt_numbers(number);
`;

/** Line text is looked for in this many most recent receipts (a line is free text: no index helps). */
export const LINE_TEXT_WINDOW = 5000;

const MAX_LIMIT = 500;

/**
 * Receipt ids matching `text`, newest first; without text, the newest receipts.
 * - digits: short receipt number (any day), till transaction number (field 26), RRN, last 4 card digits;
 * - `YYYY-MM-DD`: that day's receipts;
 * - anything else: a receipt id (or its beginning), an RRN, or text in a line of a recent receipt.
 */
export function searchReceiptIds(db: Database.Database, query: { text?: string; limit?: number } = {}): string[] {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), MAX_LIMIT);
  const text = query.text?.trim() ?? '';
  if (text === '') return ids(db.prepare('SELECT id FROM receipts ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit));

  const branches: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, ...values: unknown[]): void => {
    branches.push(sql);
    args.push(...values);
  };
  add('SELECT receipt_id AS id FROM parts WHERE rrn = ?', text);
  const number = receiptNumberOf(text);
  if (number !== undefined && !/^\d{1,9}$/.test(text)) add('SELECT receipt_id AS id FROM receipt_numbers WHERE number = ?', number);
  if (/^\d{1,9}$/.test(text)) {
    const n = Number(text);
    add('SELECT receipt_id AS id FROM receipt_numbers WHERE number = ?', n);
    add('SELECT receipt_id AS id FROM parts WHERE ecr_number = ?', n);
  }
  if (/^\d{4}$/.test(text)) add('SELECT receipt_id AS id FROM parts WHERE substr(card_masked, -4) = ?', text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) add('SELECT receipt_id AS id FROM receipt_numbers WHERE day = ?', text);
  if (/^[0-9a-f-]{4,36}$/i.test(text)) {
    // A receipt id or its beginning, as a range on the primary key.
    const prefix = text.toLowerCase();
    add('SELECT id FROM receipts WHERE id >= ? AND id < ?', prefix, `${prefix}\u{10FFFF}`);
  }
  if (!/^\d+$/.test(text)) {
    // Case-insensitive in Cyrillic too (SQLite's own LIKE folds ASCII only).
    registerFold(db);
    const like = `%${fold(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add(
      `SELECT id FROM (SELECT id, lines FROM receipts ORDER BY created_at DESC LIMIT ${LINE_TEXT_WINDOW}) recent
       WHERE EXISTS (SELECT 1 FROM json_each(recent.lines) line WHERE kiosk_fold(json_extract(line.value, '$.name')) LIKE ? ESCAPE '\\')`,
      like,
    );
  }
  const sql = `SELECT r.id FROM receipts r WHERE r.id IN (${branches.join(' UNION ')}) ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?`;
  return ids(db.prepare(sql).all(...args, limit));
}

/** "3", "№ 3", "Чек № 3", "Receipt no. 3": the number; undefined for anything else. */
export function receiptNumberOf(text: string): number | undefined {
  const match = /^(?:чек|receipt)?\s*(?:№|#|no\.?)?\s*(\d{1,9})$/iu.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/** The receipt meant by a short number (the newest receipt with it) or by its id; undefined when none. */
export function receiptIdFromText(db: Database.Database, text: string): string | undefined {
  const number = receiptNumberOf(text);
  if (number !== undefined) {
    const row = db
      .prepare(
        'SELECT n.receipt_id AS id FROM receipt_numbers n JOIN receipts r ON r.id = n.receipt_id WHERE n.number = ? ORDER BY n.day DESC, r.created_at DESC LIMIT 1',
      )
      .get(number) as { id: string } | undefined;
    return row?.id;
  }
  const id = text.trim().toLowerCase();
  return db.prepare('SELECT id FROM receipts WHERE id = ?').get(id) ? id : undefined;
}

function fold(text: string): string {
  return text.toLocaleLowerCase('ru-RU').replaceAll('ё', 'е');
}

const folding = new WeakSet<Database.Database>();
function registerFold(db: Database.Database): void {
  if (folding.has(db)) return;
  db.function('kiosk_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? fold(value) : value));
  folding.add(db);
}

function ids(rows: unknown[]): string[] {
  return (rows as Array<{ id: string }>).map((r) => r.id);
}
