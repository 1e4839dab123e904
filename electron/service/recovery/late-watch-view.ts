/** Late-payment watches as the service screen shows them: with their receipt's short number and an ISO deadline. */
import type { LateWatchView } from '../../contract/types.js';
import type { Journal } from '../journal/journal.js';
import { LateWatchStore, type LateWatchRow } from '../journal/late-watch-store.js';
import { receiptNumber } from '../journal/receipt-numbers.js';

export function lateWatchView(journal: Journal, row: LateWatchRow): LateWatchView {
  return {
    paymentId: row.partId,
    receiptId: row.receiptId,
    receiptShortNumber: receiptNumber(journal.db, row.receiptId)?.number,
    amount: row.amount,
    reason: row.reason,
    deadline: new Date(row.deadlineMs).toISOString(),
    state: row.state,
    detail: row.detail,
  };
}

/** The watches still open (watching, or giving a late payment back), oldest first. */
export function openLateWatches(journal: Journal): LateWatchView[] {
  return new LateWatchStore(journal).active().map((row) => lateWatchView(journal, row));
}
