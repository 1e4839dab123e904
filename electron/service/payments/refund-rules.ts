/**
 * The bank's refund rules: how each chosen payment is given back (same-day void, later refund,
 * cash), or a clear error when this bank cannot do it (partial QR on the day, switched payment).
 */
import type { TerminalProfile } from '../../../native/inpas/profile.js';
import { ServiceError } from '../../contract/errors.js';
import { UNRESOLVED_STATES, type Receipt } from '../journal/part-lifecycle.js';
import type { RefundPlanItem } from '../../contract/types.js';
import type { RefundItem } from './payment-types.js';

export interface RefundRulesContext {
  readonly mode: 'kiosk' | 'till';
  readonly profile: TerminalProfile;
  /** Today's local business day, YYYY-MM-DD. */
  readonly today: string;
}

/** How each item would be given back, by the bank's rules; throws with a clear code when it cannot. */
export function planRefund(receipt: Receipt, items: readonly RefundItem[], ctx: RefundRulesContext): RefundPlanItem[] {
  if (items.length === 0) throw new ServiceError('invalid-input', 'choose at least one payment to refund');
  const plan: RefundPlanItem[] = [];
  const asked = new Map<string, number>();
  for (const item of items) {
    const part = receipt.parts.find((p) => p.id === item.paymentId && p.kind === 'payment');
    if (!part) throw new ServiceError('not-found', `payment ${item.paymentId} is not part of receipt ${receipt.id}`);
    if (part.state !== 'APPROVED')
      throw new ServiceError('not-refundable', `payment ${part.id} is ${part.state}; only an approved payment can be refunded`, { state: part.state });
    if (!Number.isSafeInteger(item.amount) || item.amount <= 0)
      throw new ServiceError('invalid-input', 'a refund amount must be a whole number of kopecks above 0');
    const pending = receipt.parts
      .filter((p) => p.kind === 'refund' && p.refundOf === part.id && UNRESOLVED_STATES.has(p.state))
      .reduce((s, p) => s + p.amount, 0);
    const left = part.amount - part.refunded - pending - (asked.get(part.id) ?? 0);
    if (item.amount > left)
      throw new ServiceError('refund-exceeds-paid', `only ${left} kopecks of payment ${part.id} can still be refunded`, { paymentId: part.id, left });
    asked.set(part.id, (asked.get(part.id) ?? 0) + item.amount);
    const sameDay = part.businessDay === ctx.today && !part.settled;
    if (part.method === 'cash' || item.cash) {
      if (ctx.mode !== 'till') throw new ServiceError('cash-only-at-till', 'cash is given back only at a till');
      plan.push({
        paymentId: part.id,
        amount: item.amount,
        how: 'cash',
        method: 'cash',
        reason: part.method === 'cash' ? 'paid in cash' : 'refund in cash instead',
        needsCard: false,
      });
      continue;
    }
    if (!part.rrn) {
      throw new ServiceError('not-refundable', `payment ${part.id} has no RRN in the journal; refund it from the terminal's journal (full report) or in cash`, {
        paymentId: part.id,
      });
    }
    if (part.switchedToSbp && !ctx.profile.bank.refundSwitchedPayment) {
      throw new ServiceError('switched-refund-cash', 'this bank does not refund a payment switched to QR on the pin pad; refund it in cash', {
        paymentId: part.id,
        amount: item.amount,
      });
    }
    const partial = item.amount + part.refunded < part.amount;
    if (part.method === 'sbp' && sameDay && partial && !ctx.profile.bank.partialSameDayQrRefund) {
      throw new ServiceError(
        'sbp-partial-same-day',
        'this bank does not return part of a QR payment on the day it was made; do the partial refund tomorrow or later',
        {
          paymentId: part.id,
          amount: item.amount,
        },
      );
    }
    if (sameDay)
      plan.push({
        paymentId: part.id,
        amount: item.amount,
        how: 'void',
        method: part.method,
        reason: 'same day: cancelled without the card',
        needsCard: false,
      });
    else
      plan.push({
        paymentId: part.id,
        amount: item.amount,
        how: 'refund',
        method: part.method,
        reason: part.method === 'sbp' ? 'a later day: QR refund' : 'a later day: the customer presents the card',
        needsCard: part.method === 'card',
      });
  }
  return plan;
}
