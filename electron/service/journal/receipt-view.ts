/** The receipt as the service shows it: what is paid, what is still due, and whether money may move. */
import type { Journal } from './journal.js';
import type { Receipt } from './part-lifecycle.js';
import { receiptNumber } from './receipt-numbers.js';

/** Builds the receipt view: what is paid, what is still due, and whether money may move. */
export function receiptView(journal: Journal, id: string): Receipt | undefined {
  const row = journal.getReceiptRow(id);
  if (!row) return undefined;
  const parts = journal.partsOf(id);
  const approvedPayments = parts.filter((p) => p.kind === 'payment' && (p.state === 'APPROVED' || p.state === 'REFUNDED'));
  const paidIn = approvedPayments.reduce((sum, p) => sum + p.amount, 0);
  const refunded = parts.filter((p) => p.kind === 'refund' && p.state === 'APPROVED').reduce((sum, p) => sum + p.amount, 0);
  // A REVERSED payment was given back by the terminal itself (emergency cancel): it counts neither way.
  const paid = paidIn - refunded;
  const unresolved = parts.find((p) => p.state === 'UNKNOWN' || p.state === 'SENT' || p.state === 'INTENT');
  return {
    id: row.id,
    shortNumber: receiptNumber(journal.db, id)?.number,
    lines: row.lines,
    total: row.total,
    state: row.state,
    paid,
    remaining: row.state === 'open' ? Math.max(row.total - paid, 0) : 0,
    refunded,
    parts,
    blockedReason: unresolved
      ? `the outcome of ${unresolved.kind} ${unresolved.id} (${unresolved.method}, ${unresolved.amount} kop.) is not known yet: it must be resolved through the pin pad first`
      : undefined,
    posPrints: row.posPrints,
    printed: row.printedAt !== undefined,
    ...lateWatchesOf(journal, id),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The receipt's late-payment watches still open (watching, or giving a late payment back); the field only when there is one. */
function lateWatchesOf(journal: Journal, receiptId: string): { lateWatches?: { paymentId: string; deadline: string }[] } {
  const rows = journal.db
    .prepare(
      "SELECT part_id AS paymentId, deadline_ms AS deadlineMs FROM late_watches WHERE receipt_id = ? AND state IN ('watching', 'reversing') ORDER BY created_at, rowid",
    )
    .all(receiptId) as { paymentId: string; deadlineMs: number }[];
  return rows.length === 0 ? {} : { lateWatches: rows.map((r) => ({ paymentId: r.paymentId, deadline: new Date(r.deadlineMs).toISOString() })) };
}
