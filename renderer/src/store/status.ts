/**
 * What the single `role="status"` region says, read from the state: the payment's progress or
 * result, the refund's, the service operation's, or the receipt's.
 */
import type { Part } from '../../../electron/contract/types.js';
import { declineReason } from '../decline.js';
import type { Message, TextKey } from '../i18n.js';
import { paymentRunning } from './payment.js';
import { shownPayment, type DonePayment, type SentPayment } from './payment-phases.js';
import { hasOpenWatch, hasUnresolvedParts } from './receipts.js';
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
      if (p.stage === 'processing') return [{ key: 'truth.processing' }, { key: 'truth.cancelImpossible' }];
      if (p.stage === 'pin') return [{ key: 'truth.pin' }];
      return [{ key: p.method === 'sbp' || p.switched ? 'progress.qr' : 'progress.card' }];
    case 'unknown':
      return [s.mode === 'kiosk' ? { key: 'result.unknown' } : { key: 'result.unknownCashier', money: { amount: p.amount } }];
    case 'done':
      break;
  }
  const r = s.receipt?.id === p.receiptId ? s.receipt : undefined;
  // The money turned after the first answer: the new truth is the result, said first.
  if (p.turn === 'cancel-too-late') return [{ key: 'truth.cancelTooLate' }, ...afterApproval(s, p)];
  if (p.turn === 'late-kept') return r?.state === 'paid' ? [{ key: 'truth.latePaid' }] : [{ key: 'truth.latePaidPart', money: { amount: p.amount } }, ...afterApproval(s, p).slice(1)];
  if (p.turn === 'late-reversed') return [{ key: 'truth.lateReversed', money: { amount: p.amount } }];
  if (p.outcome !== 'approved' && r?.state === 'paid') return [{ key: 'truth.latePaid' }];
  // A QR that may still be paid: no "not charged" while the bank may yet say otherwise.
  if (p.outcome !== 'approved' && hasOpenWatch(r, p.id)) return [{ key: 'truth.watching' }];
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
  if (r?.state === 'cancelled') {
    // The customer hears how much came back and where it goes, not only that "what was paid" did.
    if (r.refunded > 0) return [{ key: 'truth.cancelledBack', money: { amount: r.refunded } }, ...moneyBack(r)];
    return r.parts.some((x) => x.kind === 'refund') ? [{ key: 'result.receiptCancelled' }, ...moneyBack(r)] : [{ key: 'result.receiptCancelledNothing' }];
  }
  if (r?.state === 'open' && hasOpenWatch(r)) return [{ key: 'truth.watching' }];
  return [];
}

/** Where the money of a cancelled purchase goes, one line per way it was paid. */
export function moneyBack(r: { readonly parts: readonly Part[] }): Message[] {
  const ways = new Set(r.parts.filter((x) => x.kind === 'refund' && x.state === 'APPROVED').map((x) => (x.how === 'cash' || x.method === 'cash' ? 'cash' : x.method)));
  const out: Message[] = [];
  if (ways.has('card')) out.push({ key: 'truth.moneyBackCard' });
  if (ways.has('sbp')) out.push({ key: 'truth.moneyBackSbp' });
  if (ways.has('cash')) out.push({ key: 'truth.moneyBackCash' });
  return out;
}

/** Where the money would go if the purchase were cancelled now (for the question before it). */
export function moneyBackIfCancelled(r: { readonly parts: readonly Part[] }): Message[] {
  const paid = r.parts.filter((x) => x.kind === 'payment' && x.state === 'APPROVED' && x.amount > x.refunded);
  return moneyBack({ parts: paid.map((x) => ({ ...x, kind: 'refund' as const })) });
}
