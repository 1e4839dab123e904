/** The journal: receipts, parts and their audit trail in SQLite (WAL, synchronous=FULL), written before the pin pad acts. */
import type { AuditEvent } from '../../contract/audit-events.js';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { scrubText } from '../../../native/inpas/card-data.js';
import type { PartSlip } from '../../contract/types.js';
import {
  assertTransition,
  type Part,
  type PartKind,
  type PartMethod,
  type PartState,
  type QrInfo,
  type ReceiptLine,
  type ReceiptState,
  type RefundHow,
} from './part-lifecycle.js';
import { localDay } from './business-day.js';
import { assignReceiptNumber } from './receipt-numbers.js';
import { receiptIdFromText, searchReceiptIds } from './receipt-search.js';
import { MIGRATIONS } from './migrations.js';
import { partFromRow, receiptFromRow, type PartRow, type ReceiptRecord, type ReceiptRow } from './rows.js';
import { MAX_ECR_NUMBER } from '../../../native/inpas/driver.js';

/** A slip with every card-number-like digit run masked to first 6 / last 4 and track 2 removed. */
function scrubSlip(slip: PartSlip): PartSlip {
  return Object.fromEntries(Object.entries(slip).map(([copy, text]) => [copy, typeof text === 'string' ? scrubText(text) : text])) as PartSlip;
}

/** What a terminal answer adds to a part; card data is already masked by the driver. */
export interface PartOutcome {
  readonly rrn?: string | undefined;
  readonly authCode?: string | undefined;
  readonly responseCode?: string | undefined;
  readonly text?: string | undefined;
  readonly cardMasked?: string | undefined;
  readonly terminalId?: string | undefined;
  readonly switchedToSbp?: boolean;
  readonly method?: PartMethod;
  readonly slip?: PartSlip | undefined;
  readonly raw?: Readonly<Record<string, string>>;
  readonly qr?: QrInfo;
  /** The amount the terminal actually approved, when it differs from the one asked (partial approval). */
  readonly amount?: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly receiptId: string | null;
  readonly partId: string | null;
  readonly fromState: PartState | null;
  readonly toState: PartState | null;
  readonly event: string;
  readonly detail: string | null;
  /** The receipt's short number of its day ("Чек № 3"), when it has one. */
  readonly receiptNumber: number | null;
  /** Kopecks: the part's amount, or for a receipt event the receipt's total. */
  readonly amount: number | null;
}

export interface NewPart {
  readonly receiptId: string;
  readonly kind: PartKind;
  readonly method: PartMethod;
  readonly how?: RefundHow;
  readonly refundOf?: string;
  readonly amount: number;
  /** Takes a fresh till transaction number in the same transaction. */
  readonly needsEcrNumber: boolean;
  readonly businessDay: string;
}

/**
 * SQLite's page cache for the journal, in KiB (SQLite's own default). better-sqlite3 builds SQLite
 * with a 16 MB default, which a service running for weeks fills page by page as the journal grows
 * (about 3 KB a payment): resident memory then climbs for thousands of payments. The journal's
 * queries go by index and the operating system caches the file anyway (npm run bench: search and
 * day totals on a million parts are no slower).
 */
const PAGE_CACHE_KIB = 2048;

/**
 * The durable journal (SQLite, WAL, synchronous=FULL). Every write is committed before the
 * call returns, so a row written here survives a crash that follows it.
 */
export class Journal {
  readonly db: Database.Database;
  readonly #now: () => Date;

  constructor(path: string, options: { now?: () => Date } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    this.#now = options.now ?? (() => new Date());
    this.#migrate();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  #migrate(): void {
    const current = this.schemaVersion;
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version]!);
        this.db.pragma(`user_version = ${version + 1}`);
      })();
    }
  }

  /** A cheap read that proves the journal answers (the supervisor's watchdog asks it); throws when it does not. */
  ping(): void {
    this.db.prepare('SELECT count(*) FROM receipts WHERE 0').get();
  }

  close(): void {
    this.db.close();
  }

  #stamp(): string {
    return this.#now().toISOString();
  }

  /**
   * Runs `write` as one commit: every journal write inside it lands together or not at all (a
   * kill between two of them cannot leave the first alone). Nested calls join the outer commit.
   */
  atomically<T>(write: () => T): T {
    return this.db.transaction(write)();
  }

  /** Takes the next till transaction number; the counter is committed before it is returned. */
  nextEcrNumber(): number {
    return this.db.transaction(() => this.#takeEcr())();
  }

  #takeEcr(): number {
    const { last } = this.db.prepare('SELECT last FROM ecr_counter WHERE id = 1').get() as { last: number };
    let next = last >= MAX_ECR_NUMBER ? 1 : last + 1;
    // After a wrap, skip numbers still held by parts of this journal.
    while (this.db.prepare('SELECT 1 FROM parts WHERE ecr_number = ?').get(next)) next = next >= MAX_ECR_NUMBER ? 1 : next + 1;
    this.db.prepare('UPDATE ecr_counter SET last = ? WHERE id = 1').run(next);
    return next;
  }

  createReceipt(input: { id?: string; lines: readonly ReceiptLine[]; total: number; posPrints?: boolean }): string {
    const id = input.id ?? randomUUID();
    const at = this.#stamp();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO receipts (id, lines, total, state, pos_prints, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, JSON.stringify(input.lines.map((l) => ({ ...l, name: scrubText(l.name) }))), input.total, 'open', input.posPrints ? 1 : 0, at, at);
      assignReceiptNumber(this.db, id, localDay(this.#now()));
      this.#audit({ receiptId: id, event: 'receipt-opened', detail: `total ${input.total}` });
    })();
    return id;
  }

  hasReceipt(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM receipts WHERE id = ?').get(id) !== undefined;
  }

  /** The POS core printed the receipt: noted once (the first confirmation's time stays); false when it already was. */
  markPrinted(id: string): boolean {
    return this.db.transaction(() => {
      const at = this.#stamp();
      const changed = this.db.prepare('UPDATE receipts SET printed_at = ?, updated_at = ? WHERE id = ? AND printed_at IS NULL').run(at, at, id).changes > 0;
      if (changed) this.#audit({ receiptId: id, event: 'receipt-printed', detail: 'the POS core confirmed printing' });
      return changed;
    })();
  }

  setReceiptState(id: string, state: ReceiptState, detail?: string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE receipts SET state = ?, updated_at = ? WHERE id = ?').run(state, this.#stamp(), id);
      this.#audit({ receiptId: id, event: `receipt-${state}`, detail });
    })();
  }

  /**
   * Writes a new part in state INTENT (with its till number and the exact request that will
   * be sent) and commits it. Only after this returns may bytes go to the pin pad.
   */
  createPart(input: NewPart, buildRequest?: (ecrNumber: number | undefined) => Record<string, string> | undefined): Part {
    const id = randomUUID();
    const at = this.#stamp();
    this.db.transaction(() => {
      const ecr = input.needsEcrNumber ? this.#takeEcr() : undefined;
      const request = buildRequest?.(ecr);
      this.db
        .prepare(
          `INSERT INTO parts (id, receipt_id, kind, method, how, refund_of, amount, state, ecr_number, request, business_day, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'INTENT', ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.receiptId,
          input.kind,
          input.method,
          input.how ?? null,
          input.refundOf ?? null,
          input.amount,
          ecr ?? null,
          request ? JSON.stringify(request) : null,
          input.businessDay,
          at,
          at,
        );
      this.#audit({
        receiptId: input.receiptId,
        partId: id,
        toState: 'INTENT',
        event: `${input.kind}-intent`,
        detail: `${input.method}${input.how ? `/${input.how}` : ''} ${input.amount}${ecr !== undefined ? ` till no. ${ecr}` : ''}`,
      });
    })();
    return this.getPart(id)!;
  }

  /** The request stored for a part (for an emergency cancel of exactly that request). */
  partRequest(id: string): Record<string, string> | undefined {
    const row = this.db.prepare('SELECT request FROM parts WHERE id = ?').get(id) as { request: string | null } | undefined;
    return row?.request ? (JSON.parse(row.request) as Record<string, string>) : undefined;
  }

  /** Moves a part to a new state (checked) and records what the terminal said, in one commit. */
  transition(id: string, to: PartState, outcome: PartOutcome = {}, event: AuditEvent = 'state', detail?: string): Part {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT state, receipt_id FROM parts WHERE id = ?').get(id) as { state: PartState; receipt_id: string } | undefined;
      if (!row) throw new Error(`no payment ${id} in the journal`);
      assertTransition(id, row.state, to);
      const sets: string[] = ['state = @state', 'updated_at = @at'];
      const values: Record<string, unknown> = { id, state: to, at: this.#stamp() };
      const put = (column: string, value: unknown): void => {
        sets.push(`${column} = @${column}`);
        values[column] = value;
      };
      if (outcome.rrn !== undefined) put('rrn', outcome.rrn);
      if (outcome.authCode !== undefined) put('auth_code', outcome.authCode);
      if (outcome.responseCode !== undefined) put('response_code', outcome.responseCode);
      if (outcome.text !== undefined) put('text', scrubText(outcome.text));
      if (outcome.cardMasked !== undefined) put('card_masked', outcome.cardMasked);
      if (outcome.terminalId !== undefined) put('terminal_id', outcome.terminalId);
      if (outcome.switchedToSbp) put('switched_to_sbp', 1);
      if (outcome.method !== undefined) put('method', outcome.method);
      // The driver masks card numbers already; the journal masks again, whatever path the slip came by.
      if (outcome.slip !== undefined) put('slip', JSON.stringify(scrubSlip(outcome.slip)));
      if (outcome.raw !== undefined) put('raw', JSON.stringify(outcome.raw));
      if (outcome.qr !== undefined) put('qr', JSON.stringify(outcome.qr));
      if (outcome.amount !== undefined) put('amount', outcome.amount);
      this.db.prepare(`UPDATE parts SET ${sets.join(', ')} WHERE id = @id`).run(values);
      this.#audit({ receiptId: row.receipt_id, partId: id, fromState: row.state, toState: to, event, detail: detail ?? outcome.text });
    })();
    return this.getPart(id)!;
  }

  /** Records something about a part without changing its state (QR shown, status polled ...). */
  note(id: string, event: AuditEvent, detail?: string, outcome: Pick<PartOutcome, 'qr'> = {}): void {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT receipt_id FROM parts WHERE id = ?').get(id) as { receipt_id: string } | undefined;
      if (!row) throw new Error(`no payment ${id} in the journal`);
      if (outcome.qr) this.db.prepare('UPDATE parts SET qr = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(outcome.qr), this.#stamp(), id);
      this.#audit({ receiptId: row.receipt_id, partId: id, event, detail });
    })();
  }

  /**
   * After a settlement, today's payments can no longer be voided. That includes parts whose
   * outcome is not known yet: if recovery later finds one approved, it was in the closed day.
   */
  markSettled(): number {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare("UPDATE parts SET settled = 1 WHERE settled = 0 AND state IN ('APPROVED', 'SENT', 'UNKNOWN') AND method != 'cash'")
        .run().changes;
      this.#audit({ event: 'settlement', detail: `${changed} payments closed for void` });
      return changed;
    })();
  }

  getPart(id: string): Part | undefined {
    const row = this.db.prepare('SELECT * FROM parts WHERE id = ?').get(id) as PartRow | undefined;
    return row ? partFromRow(this.db, row) : undefined;
  }

  partsOf(receiptId: string): Part[] {
    const rows = this.db.prepare('SELECT * FROM parts WHERE receipt_id = ? ORDER BY created_at, rowid').all(receiptId) as PartRow[];
    return rows.map((row) => partFromRow(this.db, row));
  }

  partsInStates(states: readonly PartState[]): Part[] {
    const rows = this.db
      .prepare(`SELECT * FROM parts WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY created_at, rowid`)
      .all(...states) as PartRow[];
    return rows.map((row) => partFromRow(this.db, row));
  }

  partByEcr(ecrNumber: number): Part | undefined {
    const row = this.db.prepare('SELECT * FROM parts WHERE ecr_number = ?').get(ecrNumber) as PartRow | undefined;
    return row ? partFromRow(this.db, row) : undefined;
  }

  getReceiptRow(id: string): ReceiptRecord | undefined {
    const row = this.db.prepare('SELECT * FROM receipts WHERE id = ?').get(id) as ReceiptRow | undefined;
    return row ? receiptFromRow(row) : undefined;
  }

  /** Receipts newest first, optionally by id / RRN / till number / date prefix. */
  /** Receipt ids matching a cashier's search text, newest first (receipt-search.ts). */
  searchReceipts(query: { text?: string; limit?: number } = {}): string[] {
    return searchReceiptIds(this.db, query);
  }

  /** The receipt a staff member means by "3", "Чек № 3" (the newest with that number) or its id; undefined when none. */
  findReceiptId(text: string): string | undefined {
    return receiptIdFromText(this.db, text);
  }

  audit(query: { partId?: string; receiptId?: string; limit?: number } = {}): AuditEntry[] {
    const limit = Math.min(Math.max(query.limit ?? 200, 1), 5000);
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.partId) {
      where.push('part_id = ?');
      args.push(query.partId);
    }
    if (query.receiptId) {
      where.push('receipt_id = ?');
      args.push(query.receiptId);
    }
    const rows = this.db
      .prepare(
        `SELECT a.*, n.number AS receipt_number, COALESCE(p.amount, r.total) AS amount FROM audit a
         LEFT JOIN receipt_numbers n ON n.receipt_id = a.receipt_id
         LEFT JOIN parts p ON p.id = a.part_id
         LEFT JOIN receipts r ON r.id = a.receipt_id AND a.part_id IS NULL
         ${where.length ? `WHERE ${where.map((w) => `a.${w}`).join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ?`,
      )
      .all(...args, limit) as Array<{
      id: number;
      at: string;
      receipt_id: string | null;
      part_id: string | null;
      from_state: PartState | null;
      to_state: PartState | null;
      event: string;
      detail: string | null;
      receipt_number: number | null;
      amount: number | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      receiptId: r.receipt_id,
      partId: r.part_id,
      fromState: r.from_state,
      toState: r.to_state,
      event: r.event,
      detail: r.detail,
      receiptNumber: r.receipt_number,
      amount: r.amount,
    }));
  }

  #audit(entry: { receiptId?: string; partId?: string; fromState?: PartState; toState?: PartState; event: AuditEvent; detail?: string | undefined }): void {
    this.db
      .prepare('INSERT INTO audit (at, receipt_id, part_id, from_state, to_state, event, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        this.#stamp(),
        entry.receiptId ?? null,
        entry.partId ?? null,
        entry.fromState ?? null,
        entry.toState ?? null,
        entry.event,
        entry.detail === undefined ? null : scrubText(entry.detail),
      );
  }
}

export { receiptView } from './receipt-view.js';
