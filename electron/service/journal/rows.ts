/** The journal's rows and how they read as the service's parts and receipts. */
import type Database from 'better-sqlite3';
import type { Part, PartKind, PartMethod, PartState, QrInfo, ReceiptLine, ReceiptState, RefundHow } from './part-lifecycle.js';

export interface PartRow {
  id: string;
  receipt_id: string;
  kind: PartKind;
  method: PartMethod;
  how: RefundHow | null;
  refund_of: string | null;
  amount: number;
  state: PartState;
  ecr_number: number | null;
  request: string | null;
  rrn: string | null;
  auth_code: string | null;
  response_code: string | null;
  text: string | null;
  card_masked: string | null;
  terminal_id: string | null;
  switched_to_sbp: number;
  business_day: string;
  settled: number;
  slip: string | null;
  qr: string | null;
  raw: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReceiptRow {
  id: string;
  lines: string;
  total: number;
  state: ReceiptState;
  pos_prints: number;
  printed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A receipt's own row, read. */
export interface ReceiptRecord {
  readonly id: string;
  readonly lines: ReceiptLine[];
  readonly total: number;
  readonly state: ReceiptState;
  readonly posPrints: boolean;
  readonly printedAt: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function receiptFromRow(row: ReceiptRow): ReceiptRecord {
  return {
    id: row.id,
    lines: JSON.parse(row.lines) as ReceiptLine[],
    total: row.total,
    state: row.state,
    posPrints: row.pos_prints === 1,
    printedAt: row.printed_at ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A part as the service sees it, from its row (with what its approved refunds gave back). */
export function partFromRow(db: Database.Database, row: PartRow): Part {
  const refunded =
    row.kind === 'payment'
      ? ((
          db.prepare("SELECT COALESCE(SUM(amount), 0) AS s FROM parts WHERE refund_of = ? AND kind = 'refund' AND state = 'APPROVED'").get(row.id) as {
            s: number;
          }
        ).s ?? 0)
      : 0;
  return {
    id: row.id,
    receiptId: row.receipt_id,
    kind: row.kind,
    method: row.method,
    how: row.how ?? undefined,
    refundOf: row.refund_of ?? undefined,
    amount: row.amount,
    state: row.state,
    ecrNumber: row.ecr_number ?? undefined,
    rrn: row.rrn ?? undefined,
    authCode: row.auth_code ?? undefined,
    responseCode: row.response_code ?? undefined,
    text: row.text ?? undefined,
    cardMasked: row.card_masked ?? undefined,
    terminalId: row.terminal_id ?? undefined,
    switchedToSbp: row.switched_to_sbp === 1,
    refunded,
    businessDay: row.business_day,
    settled: row.settled === 1,
    slip: row.slip ? (JSON.parse(row.slip) as Part['slip']) : undefined,
    qr: row.qr ? (JSON.parse(row.qr) as QrInfo) : undefined,
    slipNumber: row.raw ? (JSON.parse(row.raw) as Record<string, string>)['108']?.trim() || undefined : undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
