/**
 * Giving money back: refunds of chosen parts, one after another, and the cancellation of a whole
 * receipt. Each refund is journaled before its bytes are written, like a sale; how each part may
 * be given back is the bank's rule (refund-rules.ts).
 */
import { ServiceError } from '../../contract/errors.js';
import type { RefundPlanItem } from '../../contract/types.js';
import type { Part, Receipt } from '../journal/part-lifecycle.js';
import type { Bind } from './idempotency.js';
import type { Ledger } from './ledger.js';
import type { RefundItem } from './payment-types.js';
import { planRefund } from './refund-rules.js';
import { messageFromRecord, requestRecord } from './terminal-records.js';

export class Refunds {
  readonly #ledger: Ledger;

  constructor(ledger: Ledger) {
    this.#ledger = ledger;
  }

  /** How each item would be given back, by the bank's rules; throws with a clear code when it cannot. */
  plan(receiptId: string, items: readonly RefundItem[]): RefundPlanItem[] {
    const ledger = this.#ledger;
    return planRefund(ledger.getReceipt(receiptId), items, { mode: ledger.options.mode, profile: ledger.options.profile, today: ledger.today() });
  }

  /** Refunds the items one after another; returns the refund parts as they ended. */
  async run(receiptId: string, items: readonly RefundItem[], bind: Bind): Promise<Part[]> {
    const ledger = this.#ledger;
    const receipt = ledger.getReceipt(receiptId);
    if (receipt.state === 'open' && receipt.paid === 0) throw new ServiceError('not-refundable', 'nothing has been paid on this receipt');
    ledger.checkMoneyAllowed(receipt);
    const plan = this.plan(receiptId, items);
    const done: Part[] = [];
    for (const item of plan) done.push(await this.#one(receiptId, item, bind));
    ledger.publish(receiptId);
    return done;
  }

  async #one(receiptId: string, item: RefundPlanItem, bind: Bind): Promise<Part> {
    const ledger = this.#ledger;
    const journal = ledger.journal;
    const original = journal.getPart(item.paymentId)!;
    const base = { receiptId, kind: 'refund' as const, refundOf: original.id, amount: item.amount, businessDay: ledger.today() };
    if (item.how === 'cash') {
      const part = ledger.created(bind, () => journal.createPart({ ...base, method: 'cash', how: 'cash', needsEcrNumber: false }));
      return journal.atomically(() => {
        const given = journal.transition(part.id, 'APPROVED', { text: 'cash given back' }, 'cash-refund');
        ledger.markRefundedIfWhole(original.id);
        return given;
      });
    }
    const driver = ledger.driverOrThrow();
    const owner = `refund of receipt ${receiptId}`;
    ledger.lock.claim(owner);
    try {
      const method = item.method === 'sbp' ? 'sbp' : 'card';
      const ids = { rrn: original.rrn ?? '', ...(original.authCode ? { authCode: original.authCode } : {}), method } as const;
      const part = ledger.created(bind, () =>
        journal.createPart({ ...base, method: item.method, how: item.how, needsEcrNumber: true }, (ecr) =>
          requestRecord(
            item.how === 'void'
              ? driver.buildVoid({ amount: item.amount, ecrNumber: ecr!, ...ids })
              : driver.buildRefund({ amount: item.amount, ecrNumber: ecr!, ...ids }),
          ),
        ),
      );
      const controller = new AbortController();
      ledger.lock.inFlight.set(part.id, controller);
      try {
        journal.transition(part.id, 'SENT', {}, 'sending');
        const result = await driver.execute(
          messageFromRecord(journal.partRequest(part.id)!),
          { operation: item.how === 'void' ? 'void' : 'refund', requestedMethod: method, amount: item.amount, ecrNumber: part.ecrNumber! },
          { signal: controller.signal, onEvent: (event) => ledger.relay(part, event) },
        );
        return ledger.settle(part, result, item.how);
      } finally {
        ledger.lock.inFlight.delete(part.id);
      }
    } finally {
      ledger.lock.release(owner);
    }
  }

  /** Gives back every approved part of a receipt by the bank's rules, then marks it cancelled. */
  async cancelReceipt(receiptId: string, options: { cashForUnrefundable: boolean }, bind: Bind): Promise<Receipt> {
    const ledger = this.#ledger;
    const receipt = ledger.getReceipt(receiptId);
    if (receipt.state === 'cancelled') return receipt;
    ledger.checkMoneyAllowed(receipt);
    const items: RefundItem[] = receipt.parts
      .filter((p) => p.kind === 'payment' && p.state === 'APPROVED' && p.amount > p.refunded)
      .map((p) => ({
        paymentId: p.id,
        amount: p.amount - p.refunded,
        ...(options.cashForUnrefundable && p.switchedToSbp && !ledger.options.profile.bank.refundSwitchedPayment ? { cash: true } : {}),
      }));
    if (items.length > 0) {
      const results = await this.run(receiptId, items, bind);
      const failed = results.find((p) => p.state !== 'APPROVED');
      if (failed) {
        throw new ServiceError(
          'not-refundable',
          `the receipt is not cancelled: giving back payment ${failed.refundOf} ended ${failed.state}${failed.text ? ` (${failed.text})` : ''}`,
          { refundId: failed.id },
        );
      }
    }
    ledger.journal.atomically(() => {
      ledger.journal.setReceiptState(receiptId, 'cancelled', 'every approved part given back');
      bind(receiptId);
    });
    return ledger.publish(receiptId);
  }
}
