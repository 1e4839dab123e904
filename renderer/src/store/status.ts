/**
 * What the single `role="status"` region says, read from the state: the payment's progress or
 * result, the refund's, the service operation's, or the receipt's.
 */
import { declineReason } from '../decline.js';
import type { Message, TextKey } from '../i18n.js';
import { paymentRunning } from './payment.js';
import { shownPayment, type DonePayment, type SentPayment } from './payment-phases.js';
import { hasUnresolvedParts } from './receipts.js';
import { serviceOpLabel } from './service.js';
import type { AppState } from './types.js';

/** The amount an approved payment added, with the remaining amount or "paid in full". */
function afterApproval(s: AppState, p: DonePayment): Message[] {
  const out: Message[] = [{ key: p.method === 'cash' ? 'result.approvedCash' : 'result.approved', money: { amount: p.amount } }];
  const r = s.receipt;
  if (r?.state === 'paid') out.push({ key: 'result.paidInFull' });
  else if (r && r.state === 'open' && r.remaining > 0) out.push({ key: 'result.remaining', money: { amount: r.remaining } });
  return out;
}

function paymentStatus(s: AppState, p: SentPayment): Message[] {
  switch (p.status) {
    case 'lost':
      return [{ key: 'progress.lost' }];
    case 'cancelling':
      return [{ key: 'progress.cancelling' }];
    case 'starting':
      return [{ key: 'progress.starting' }];
    case 'running':
      return [{ key: p.method === 'sbp' || p.switched ? 'progress.qr' : 'progress.card' }];
    case 'unknown':
      return [s.mode === 'kiosk' ? { key: 'result.unknown' } : { key: 'result.unknownCashier', money: { amount: p.amount } }];
    case 'done':
      break;
  }
  switch (p.outcome) {
    case 'approved':
      return afterApproval(s, p);
    case 'declined':
    case 'failed': {
      // Discreet: "did not go through" and a short category; the bank's own words only for a cashier (a kiosk shows them small, for staff).
      const out: Message[] = [{ key: p.outcome === 'declined' ? 'result.declined' : 'result.failed' }, { key: `result.reason.${declineReason(p.part)}` }];
      if (s.mode === 'till' && p.part.text) out.push({ key: 'result.bankSays', params: { text: p.part.text } });
      return out;
    }
    case 'cancelled':
      return [{ key: 'result.cancelled' }];
    case 'reversed':
      return [{ key: 'result.reversed', money: { amount: p.amount } }];
  }
}

function refundStatus(s: AppState): Message[] {
  const f = s.refund;
  if (f.running) {
    const needsCard = f.plan?.rows.some((r) => r.ok && r.item.needsCard) ?? false;
    const out: Message[] = [{ key: 'refund.running' }];
    if (needsCard && f.progress && f.progress.phase !== 'done') out.push({ key: 'refund.presentCard' });
    return out;
  }
  if (f.done) {
    return f.done.map((part): Message => {
      switch (part.state) {
        case 'APPROVED':
          return { key: 'refund.resultApproved', money: { amount: part.amount } };
        case 'DECLINED':
          return { key: 'refund.resultDeclined', money: { amount: part.amount }, params: { reason: part.text ? `: ${part.text}` : '' } };
        case 'FAILED':
          return { key: 'refund.resultFailed', money: { amount: part.amount } };
        default:
          return { key: 'refund.resultUnknown', money: { amount: part.amount } };
      }
    });
  }
  return [];
}

/** What the single `role="status"` region says now. */
export function statusMessages(s: AppState): Message[] {
  if (s.cancellingReceipt) return [{ key: 'result.cancellingReceipt' }];
  const p = shownPayment(s.payment);
  if (p && (paymentRunning(s) || s.view === 'main')) return paymentStatus(s, p);
  if (s.view === 'refund') return refundStatus(s);
  if (s.view === 'service') {
    if (s.service.busy) return [{ key: 'service.running', texts: { op: s.service.busy === 'resolve' ? 'service.resolve' : serviceOpLabel(s.service.busy) } }];
    const last = s.service.lastOp;
    if (last) return [{ key: 'service.result', texts: { op: serviceOpLabel(last.op), status: `service.status.${last.result.status}` as TextKey } }];
    return [];
  }
  const r = s.receipt;
  if (s.checkingStatus) return [{ key: 'till.checkingStatus' }];
  if (r && (r.blockedReason !== undefined || hasUnresolvedParts(r))) return [s.mode === 'kiosk' ? { key: 'result.unknown' } : { key: 'receipt.blocked' }];
  if (r?.state === 'paid') return [{ key: 'result.paidInFull' }];
  if (r?.state === 'cancelled')
    return [{ key: r.refunded > 0 || r.parts.some((x) => x.kind === 'refund') ? 'result.receiptCancelled' : 'result.receiptCancelledNothing' }];
  return [];
}
