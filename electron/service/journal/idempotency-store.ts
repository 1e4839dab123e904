/**
 * The journaled idempotency keys: which operation (part or receipt ids) a client's key named, with
 * the input it came with. A key is written in the same commit as the first money write of its
 * operation, so a crash cannot leave one without the other.
 */
import type { Journal } from './journal.js';

/** Appended to the journal's migrations. */
export const IDEMPOTENCY_MIGRATION = `
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    method TEXT NOT NULL,
    key TEXT NOT NULL,
    input TEXT NOT NULL,
    refs TEXT NOT NULL,
    error TEXT,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (method, key)
  );
  CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys(created_ms);
`;

interface KeyRow {
  readonly method: string;
  readonly key: string;
  /** The first call's input, as canonical JSON (without the key). */
  readonly input: string;
  /** What the operation made: part ids, or the receipt id. */
  readonly refs: readonly string[];
  /** The typed error the first call ended with after it had written money state, as `{ code, message, data }`. */
  readonly error: unknown;
  readonly createdMs: number;
}

interface Row {
  method: string;
  key: string;
  input: string;
  refs: string;
  error: string | null;
  created_ms: number;
}

export class IdempotencyStore {
  readonly #journal: Journal;

  constructor(journal: Journal) {
    this.#journal = journal;
  }

  /** The key's row, unless it is older than `notBeforeMs` (a pruned or expired key is a new key). */
  get(method: string, key: string, notBeforeMs: number): KeyRow | undefined {
    const row = this.#journal.db.prepare('SELECT * FROM idempotency_keys WHERE method = ? AND key = ? AND created_ms >= ?').get(method, key, notBeforeMs) as
      Row | undefined;
    if (!row) return undefined;
    return {
      method: row.method,
      key: row.key,
      input: row.input,
      refs: JSON.parse(row.refs) as string[],
      error: row.error === null ? undefined : (JSON.parse(row.error) as unknown),
      createdMs: row.created_ms,
    };
  }

  /**
   * Records that the key's operation made `ref`. The first call writes the row (replacing an
   * expired one); later calls add to its refs. Joins the caller's commit when called inside one.
   */
  bind(method: string, key: string, input: string, ref: string, nowMs: number, notBeforeMs: number): void {
    const db = this.#journal.db;
    this.#journal.atomically(() => {
      const current = this.get(method, key, notBeforeMs);
      if (current && current.input === input) {
        if (!current.refs.includes(ref))
          db.prepare('UPDATE idempotency_keys SET refs = ? WHERE method = ? AND key = ?').run(JSON.stringify([...current.refs, ref]), method, key);
        return;
      }
      db.prepare('INSERT OR REPLACE INTO idempotency_keys (method, key, input, refs, error, created_ms) VALUES (?, ?, ?, ?, NULL, ?)').run(
        method,
        key,
        input,
        JSON.stringify([ref]),
        nowMs,
      );
    });
  }

  /** The operation ended with a typed error after it wrote money state: a retry gets the same error. */
  fail(method: string, key: string, error: unknown): void {
    this.#journal.db.prepare('UPDATE idempotency_keys SET error = ? WHERE method = ? AND key = ?').run(JSON.stringify(error), method, key);
  }

  /** Forgets keys written before `beforeMs`; returns how many. */
  prune(beforeMs: number): number {
    return this.#journal.db.prepare('DELETE FROM idempotency_keys WHERE created_ms < ?').run(beforeMs).changes;
  }
}
