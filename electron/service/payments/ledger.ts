/**
 * The ledger of the payments: receipts as the screens see them, and how every answer of the
 * terminal is booked on them. Sales, refunds, recovery and the late-payment watches all book
 * through here, so a receipt that an answer completes is closed in the answer's own commit.
 */
import type { EventEmitter } from 'node:events';
import type { AnswerSource } from '../../contract/audit-events.js';
import { ServiceError } from '../../contract/errors.js';
import type { LatePaymentEvent } from '../../contract/types.js';
import type { DriverEvent, PinpadDriver } from '../../../native/inpas/driver.js';
import { doneCondition, type PinpadResult } from '../../../native/inpas/result.js';
import { NO_CRASHES, type CrashHooks } from '../crash-points.js';
import { localDay } from '../journal/business-day.js';
import { receiptView, type Journal } from '../journal/journal.js';
import { UNRESOLVED_STATES, type Part, type Receipt } from '../journal/part-lifecycle.js';
import { OperationTracker } from '../lifecycle/drain.js';
import { TerminalLock } from '../pinpad/terminal-lock.js';
import { LateWatch } from '../recovery/late-watch.js';
import { Recovery } from '../recovery/recovery.js';
import type { Bind } from './idempotency.js';
import type { PaymentBook, PaymentServiceOptions, RefundItem, ServiceEvents } from './payment-types.js';
import { Refunds } from './refunds.js';
import { outcomeOf } from './terminal-records.js';

export class Ledger implements PaymentBook {
  readonly options: PaymentServiceOptions;
  readonly crash: CrashHooks;
  readonly journal: Journal;
  readonly lock = new TerminalLock();
  /** Operations at the pin pad started by a customer or a cashier; a stop waits for them (lifecycle/drain.ts). */
  readonly operations = new OperationTracker();
  readonly watches: LateWatch;
  readonly recovery: Recovery;
  readonly refunds: Refunds;
  readonly #events: EventEmitter<ServiceEvents>;
  readonly #now: () => Date;
  /** Drivers whose stray answers (final answers outside an exchange) recovery listens to. */
  readonly #listened = new WeakSet<PinpadDriver>();

  constructor(options: PaymentServiceOptions, events: EventEmitter<ServiceEvents>) {
    this.options = options;
    this.crash = options.crash ?? NO_CRASHES;
    this.journal = options.journal;
    this.#events = events;
    this.#now = options.now ?? (() => new Date());
    this.refunds = new Refunds(this);
    this.watches = new LateWatch(this);
    this.recovery = new Recovery(this);
  }

  now(): Date {
    return this.#now();
  }

  today(): string {
    return localDay(this.#now());
  }

  /** The pin pad's driver; throws a `link` error while it is away. Its stray answers go to recovery. */
  driver(): PinpadDriver {
    const driver = this.options.pinpad.driver();
    if (!this.#listened.has(driver)) {
      this.#listened.add(driver);
      driver.onStrayAnswer((message) => this.recovery.onStrayAnswer(driver, message));
    }
    return driver;
  }

  /** The driver for a money call, or a `pinpad-offline` error for the caller. */
  driverOrThrow(): PinpadDriver {
    try {
      return this.driver();
    } catch (error) {
      throw new ServiceError('pinpad-offline', error instanceof Error ? error.message : String(error));
    }
  }

  // --- receipts as the screens see them -----------------------------------------------------------

  getReceipt(id: string): Receipt {
    const receipt = receiptView(this.journal, id);
    if (!receipt) throw new ServiceError('not-found', `no receipt ${id}`);
    // A part that is being worked on right now is not "blocked", it is in progress.
    const unresolved = receipt.parts.filter((p) => UNRESOLVED_STATES.has(p.state) && !this.lock.inFlight.has(p.id));
    if (receipt.blockedReason && unresolved.length === 0) return { ...receipt, blockedReason: undefined };
    return receipt;
  }

  publish(receiptId: string): Receipt {
    const receipt = this.getReceipt(receiptId);
    this.#events.emit('receipt', receipt);
    return receipt;
  }

  emitLate(event: LatePaymentEvent): void {
    this.#events.emit('late-payment', event);
  }

  /** Money may move on this receipt: nothing of it at the pin pad, nothing unresolved. */
  checkMoneyAllowed(receipt: Receipt): void {
    if (receipt.parts.some((p) => this.lock.inFlight.has(p.id)))
      throw new ServiceError('pinpad-busy', 'a payment of this receipt is in progress', { receiptId: receipt.id });
    if (receipt.blockedReason) throw new ServiceError('receipt-blocked', receipt.blockedReason, { receiptId: receipt.id });
  }

  /** Writes a part and its idempotency key in one commit. */
  created(bind: Bind, create: () => Part): Part {
    return this.journal.atomically(() => {
      const part = create();
      bind(part.id);
      return part;
    });
  }

  /** A QR payment, or a card sale the customer switched to QR (the journal saw the switch or the QR). */
  isQrPayment(part: Part): boolean {
    if (part.kind !== 'payment' || part.method === 'cash') return false;
    if (part.method === 'sbp' || part.switchedToSbp || part.qr !== undefined) return true;
    return this.journal.audit({ partId: part.id }).some((a) => a.event === 'switched-to-sbp');
  }

  watch(part: Part, reason: string): void {
    this.watches.open(part, reason);
  }

  refund(receiptId: string, items: readonly RefundItem[]): Promise<Part[]> {
    this.operations.refuseWhenStopping('refunds');
    return this.operations.track(this.refunds.run(receiptId, items, () => undefined));
  }

  // --- booking the terminal's answers ----------------------------------------------------------

  /**
   * Marks an open receipt paid once its approved parts cover it exactly and nothing is pending.
   * Journal only: every booking that can complete a receipt calls it inside its own commit, so a
   * kill cannot leave a covered receipt open.
   */
  closeIfCovered(receiptId: string): void {
    const receipt = this.getReceipt(receiptId);
    // A late payment still to be given back does not close the receipt.
    const reversing = this.watches.ofReceipt(receiptId).some((w) => w.state === 'reversing');
    if (receipt.state === 'open' && receipt.total > 0 && receipt.paid === receipt.total && !receipt.blockedReason && !reversing) {
      this.journal.setReceiptState(receiptId, 'paid', 'exactly covered');
    }
  }

  markRefundedIfWhole(paymentId: string): void {
    const part = this.journal.getPart(paymentId)!;
    if (part.state === 'APPROVED' && part.refunded >= part.amount) this.journal.transition(paymentId, 'REFUNDED', {}, 'fully-refunded');
  }

  /** Books a terminal result for a part that is SENT (or UNKNOWN during recovery), live or late. */
  settle(part: Part, result: PinpadResult, what: AnswerSource): Part {
    const outcome = outcomeOf(result);
    let next: Part;
    if (result.status === 'approved') {
      // A partial approval: the terminal took less than asked. Only what it approved is paid; the rest stays due.
      const partial =
        part.kind === 'payment' && result.amount !== undefined && Number.isSafeInteger(result.amount) && result.amount > 0 && result.amount < part.amount;
      // The terminal's own words stay first; what is not the plain success is said after them.
      const notes = [partial ? `approved ${result.amount} of ${part.amount} kopecks` : undefined, doneCondition(result.transactionStatus)].filter(Boolean);
      next = this.journal.atomically(() => {
        const approved = this.journal.transition(
          part.id,
          'APPROVED',
          {
            ...outcome,
            ...(result.method === 'sbp' && part.method === 'card' ? { method: 'sbp' as const } : {}),
            ...(partial ? { amount: result.amount } : {}),
          },
          partial ? `${what}-approved-partially` : `${what}-approved`,
          notes.length > 0 ? [result.text, ...notes].filter(Boolean).join('; ') : undefined,
        );
        if (approved.kind === 'payment') this.closeIfCovered(approved.receiptId);
        else if (approved.refundOf) this.markRefundedIfWhole(approved.refundOf);
        return approved;
      });
    } else if (result.status === 'declined') {
      // Declined, expired or cancelled: a QR the customer saw may still be paid at the bank. The
      // watch is journaled in the same commit as the decline, so no kill can leave one without the other.
      next = this.journal.atomically(() => {
        const declined = this.journal.transition(part.id, 'DECLINED', outcome, `${what}-declined`);
        if (part.kind === 'payment' && (result.switchedToSbp || this.isQrPayment(declined)))
          this.watch(declined, `${what} declined: ${declined.text ?? 'no text'}`);
        return declined;
      });
    } else if (result.status === 'failed') {
      next = this.journal.transition(part.id, 'FAILED', outcome, `${what}-failed`, result.error?.message);
    } else {
      next = this.journal.transition(part.id, 'UNKNOWN', outcome, `${what}-unknown`, result.error?.message);
    }
    this.#events.emit('payment', { paymentId: part.id, receiptId: part.receiptId, phase: 'done', part: next, ...(next.text ? { text: next.text } : {}) });
    return next;
  }

  /** Passes what the pin pad shows during a part's exchange on to the screens (and journals the QR and a switch). */
  relay(part: Part, event: DriverEvent): void {
    const base = { paymentId: part.id, receiptId: part.receiptId };
    switch (event.type) {
      case 'sent':
        this.#events.emit('payment', { ...base, phase: 'sent' });
        break;
      case 'wait':
        this.crash.point('waiting');
        this.#events.emit('payment', { ...base, phase: 'wait' });
        break;
      case 'screen':
        this.#events.emit('payment', { ...base, phase: 'screen', text: event.text });
        break;
      case 'qr':
        this.journal.note(part.id, 'qr-shown', `expires ${new Date(event.expiresAt).toISOString()}`, {
          qr: { payload: event.payload, expiresAt: event.expiresAt },
        });
        this.crash.point('qr-shown');
        this.#events.emit('payment', { ...base, phase: 'qr', qr: { payload: event.payload, expiresAt: event.expiresAt } });
        break;
      case 'method-switched':
        this.journal.note(part.id, 'switched-to-sbp', 'the customer pressed 1 on the pin pad');
        this.#events.emit('payment', { ...base, phase: 'method-switched' });
        break;
      default:
        break;
    }
  }
}
