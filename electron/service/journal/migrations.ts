/** The journal's schema: versioned migrations, each run once, in order, inside a transaction. */
import { DAY_TOTALS_INDEX } from './day-totals.js';
import { IDEMPOTENCY_MIGRATION } from './idempotency-store.js';
import { RECEIPT_NUMBERS_MIGRATION } from './receipt-numbers.js';
import { RECEIPT_SEARCH_INDEXES } from './receipt-search.js';

/** Versioned migrations; each runs once, in order, inside a transaction. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE ecr_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
  INSERT INTO ecr_counter (id, last) VALUES (1, 0);
  CREATE TABLE receipts (
    id TEXT PRIMARY KEY,
    lines TEXT NOT NULL,
    total INTEGER NOT NULL CHECK (total > 0),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE parts (
    id TEXT PRIMARY KEY,
    receipt_id TEXT NOT NULL REFERENCES receipts(id),
    kind TEXT NOT NULL CHECK (kind IN ('payment', 'refund')),
    method TEXT NOT NULL CHECK (method IN ('card', 'sbp', 'cash')),
    how TEXT,
    refund_of TEXT REFERENCES parts(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    state TEXT NOT NULL,
    ecr_number INTEGER UNIQUE,
    request TEXT,
    rrn TEXT, auth_code TEXT, response_code TEXT, text TEXT, card_masked TEXT, terminal_id TEXT,
    switched_to_sbp INTEGER NOT NULL DEFAULT 0,
    business_day TEXT NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0,
    slip TEXT, qr TEXT, raw TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX parts_receipt ON parts(receipt_id);
  CREATE INDEX parts_state ON parts(state);
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    receipt_id TEXT,
    part_id TEXT,
    from_state TEXT,
    to_state TEXT,
    event TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX audit_part ON audit(part_id);
  `,
  // Wrong service PINs in a row and the lockout they earned (pin-guard.ts): a restart does not reset them.
  `
  CREATE TABLE service_pin_guard (id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, locked_until TEXT);
  INSERT INTO service_pin_guard (id, failures, locked_until) VALUES (1, 0, NULL);
  `,
  // Short receipt numbers per day, and the index one day's totals read.
  RECEIPT_NUMBERS_MIGRATION + DAY_TOTALS_INDEX,
  // Late-payment watches: an SBP part whose QR may still be paid is asked about until it is paid,
  // its deadline passes with a final "not paid", or a cashier decides. Durable across restarts.
  `
  CREATE TABLE late_watches (
    part_id TEXT PRIMARY KEY REFERENCES parts(id),
    receipt_id TEXT NOT NULL REFERENCES receipts(id),
    ecr_number INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    reason TEXT NOT NULL,
    deadline_ms INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('watching', 'reversing', 'paid', 'not-paid', 'decided')),
    late_part_id TEXT REFERENCES parts(id),
    detail TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX late_watches_state ON late_watches(state);
  `,
  // The indexes receipt search reads: RRN, last 4 card digits, day.
  RECEIPT_SEARCH_INDEXES,
  // Close-of-day reconciliations: the parts (by rowid) each settlement closed, and the result as JSON.
  `
  CREATE TABLE reconciliations (id INTEGER PRIMARY KEY AUTOINCREMENT, business_day TEXT NOT NULL, settled_at TEXT NOT NULL,
    parts_after INTEGER NOT NULL, parts_up_to INTEGER NOT NULL, matched INTEGER NOT NULL CHECK (matched IN (0, 1)), result TEXT NOT NULL);
  CREATE INDEX reconciliations_day ON reconciliations(business_day);
  `,
  // Clients' idempotency keys and the operations they named (idempotency-store.ts).
  IDEMPOTENCY_MIGRATION,
  // Printing by the POS core: whether it said it prints the receipt, and when it confirmed it did.
  `
  ALTER TABLE receipts ADD COLUMN pos_prints INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE receipts ADD COLUMN printed_at TEXT;
  `,
];

/** The schema version a journal has after its migrations (its user_version). */
export const JOURNAL_SCHEMA_VERSION = MIGRATIONS.length;
