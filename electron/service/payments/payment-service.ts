/**
 * The payment service: receipts, sales and refunds of split payments, and the service functions.
 * Decides everything about money; the UI only sends intents. Recovery, late-payment watches,
 * refund rules and the pin-pad lock live in their own modules beside this one.
 */
import type { AnswerSource } from '../../contract/audit-events.js';
import { EventEmitter } from 'node:events';
import type { DriverEvent, PinpadDriver } from '../../../native/inpas/driver.js';
import { doneCondition, type PinpadResult } from '../../../native/inpas/result.js';
import { crashPoint } from '../crash-points.js';
import { OperationTracker } from '../lifecycle/drain.js';
import { ServiceError } from '../../contract/errors.js';
import { cancelKeyInput, IdempotentCalls, KEY_PRUNE_EVERY_MS, paymentKeyInput, sameReceiptInput, type Bind } from './idempotency.js';
import { receiptView, type Journal } from '../journal/journal.js';
import { LateWatch } from '../recovery/late-watch.js';
import type { LateWatchRow } from '../journal/late-watch-store.js';
import { UNRESOLVED_STATES, type Part, type PartMethod, type Receipt, type ReceiptLine } from '../journal/part-lifecycle.js';
import { Recovery } from '../recovery/recovery.js';
import { planRefund } from './refund-rules.js';
import { ServiceFunctions } from '../closing/terminal-functions.js';
import {
  localDay,
  messageFromRecord,
  outcomeOf,
  requestRecord,
  runGuarded,
  type PaymentServiceOptions,
  type RefundItem,
  type ServiceEvents,
} from './payment-types.js';
import type { RefundPlanItem, ServiceOperationResult, SettlementResult } from '../../contract/types.js';
import { TerminalLock } from '../pinpad/terminal-lock.js';

export type * from './payment-types.js';

/**
 * Receipts, split payments, refunds and recovery. Every money operation is journaled before its
 * bytes are written, and an unknown outcome is resolved through the terminal — never by a new sale.
 */
export class PaymentService extends EventEmitter<ServiceEvents> {
  readonly options: PaymentServiceOptions;
  readonly journal: Journal;
  readonly #now: () => Date;
  readonly #lock = new TerminalLock();
  /** Operations at the pin pad started by a customer or a cashier; a stop waits for them (drain.ts). */
  readonly operations = new OperationTracker();
  readonly #recovery: Recovery;
  readonly #watches: LateWatch;
  readonly #functions: ServiceFunctions;
  /** Clients' idempotency keys (idempotency.ts): a retried money call moves no money again. */
  readonly keys: IdempotentCalls;
  #pruneTimer: NodeJS.Timeout | undefined;
  /** Drivers whose stray answers (final answers outside an exchange) recovery listens to. */
  readonly #listened = new WeakSet<PinpadDriver>();

  constructor(options: PaymentServiceOptions) {
    super();
    this.options = options;
    this.journal = options.journal;
    this.#now = options.now ?? (() => new Date());
    this.keys = new IdempotentCalls(options.journal, this.#now);
    const host = {
      options,
      journal: options.journal,
      lock: this.#lock,
      driver: () => this.#driver(),
      afterMoney: (receiptId: string) => this.#afterMoney(receiptId),
    };
    this.#recovery = new Recovery({
      ...host,
      settle: (part, result, what) => this.#settleResult(part, result, what),
      closeIfCovered: (receiptId) => this.#closeIfCovered(receiptId),
      markRefundedIfWhole: (id) => this.#markRefundedIfWhole(id),
      watch: (part, reason) => this.#watches.open(part, reason),
      isQrPayment: (part) => this.#isQrPayment(part),
    });
    this.#functions = new ServiceFunctions({ options, journal: options.journal, lock: this.#lock, driver: () => this.#driverOrThrow() });
    this.#watches = new LateWatch({
      ...host,
      getReceipt: (id) => this.getReceipt(id),
      refund: (receiptId, items) => this.refund(receiptId, items),
      emitLate: (event) => this.emit('late-payment', event),
    });
  }

  #today(): string {
    return localDay(this.#now());
  }

  /** The pin pad's driver; throws a `link` error while it is away. Its stray answers go to recovery. */
  #driver(): PinpadDriver {
    const driver = this.options.pinpad.driver();
    if (!this.#listened.has(driver)) {
      this.#listened.add(driver);
      driver.onStrayAnswer((message) => this.#recovery.onStrayAnswer(driver, message));
    }
    return driver;
  }

  #driverOrThrow(): PinpadDriver {
    try {
      return this.#driver();
    } catch (error) {
      throw new ServiceError('pinpad-offline', error instanceof Error ? error.message : String(error));
    }
  }

  /** A QR payment, or a card sale the customer switched to QR (the journal saw the switch or the QR). */
  #isQrPayment(part: Part): boolean {
    if (part.kind !== 'payment' || part.method === 'cash') return false;
    if (part.method === 'sbp' || part.switchedToSbp || part.qr !== undefined) return true;
    return this.journal.audit({ partId: part.id }).some((a) => a.event === 'switched-to-sbp');
  }

  // --- receipts ------------------------------------------------------------------------------

  openReceipt(input: { id?: string; lines: readonly ReceiptLine[]; total: number; posPrints?: boolean }): Receipt {
    const linesTotal = input.lines.reduce((sum, line) => sum + line.amount, 0);
    if (input.lines.length > 0 && linesTotal !== input.total) {
      throw new ServiceError('invalid-input', `the lines add up to ${linesTotal} kopecks, the total says ${input.total}`);
    }
    if (input.id !== undefined && this.journal.hasReceipt(input.id)) {
      // The client's receipt id is its idempotency key: the same input gives the same receipt, other input a conflict.
      const existing = this.getReceipt(input.id);
      if (!sameReceiptInput(existing, input)) {
        throw new ServiceError('idempotency-conflict', `receipt ${input.id} already exists with other lines or another total`, {
          method: 'receipt.open',
          idempotencyKey: input.id,
          firstInput: { id: existing.id, lines: existing.lines, total: existing.total },
        });
      }
      return existing;
    }
    const id = this.journal.createReceipt(input);
    return this.#publish(id);
  }

  /** The POS core printed the receipt; a repeated confirmation changes nothing and answers the same. */
  markPrinted(receiptId: string): Receipt {
    if (!this.journal.hasReceipt(receiptId)) throw new ServiceError('not-found', `no receipt ${receiptId}`);
    return this.journal.markPrinted(receiptId) ? this.#publish(receiptId) : this.getReceipt(receiptId);
  }

  getReceipt(id: string): Receipt {
    const receipt = receiptView(this.journal, id);
    if (!receipt) throw new ServiceError('not-found', `no receipt ${id}`);
    return this.#withInFlight(receipt);
  }

  /** A part that is being worked on right now is not "blocked", it is in progress. */
  #withInFlight(receipt: Receipt): Receipt {
    const unresolved = receipt.parts.filter((p) => UNRESOLVED_STATES.has(p.state) && !this.#lock.inFlight.has(p.id));
    if (receipt.blockedReason && unresolved.length === 0) return { ...receipt, blockedReason: undefined };
    return receipt;
  }

  #publish(receiptId: string): Receipt {
    const receipt = this.getReceipt(receiptId);
    this.emit('receipt', receipt);
    return receipt;
  }

  searchReceipts(text: string | undefined, limit?: number): Receipt[] {
    return this.journal.searchReceipts({ ...(text !== undefined ? { text } : {}), ...(limit !== undefined ? { limit } : {}) }).map((id) => this.getReceipt(id));
  }

  // --- payments ------------------------------------------------------------------------------

  #checkMoneyAllowed(receipt: Receipt): void {
    if (receipt.parts.some((p) => this.#lock.inFlight.has(p.id)))
      throw new ServiceError('pinpad-busy', 'a payment of this receipt is in progress', { receiptId: receipt.id });
    if (receipt.blockedReason) throw new ServiceError('receipt-blocked', receipt.blockedReason, { receiptId: receipt.id });
  }

  /**
   * Starts paying part of a receipt. Returns once the intent is journaled; progress and the
   * outcome arrive as `payment` and `receipt` events.
   */
  startPayment(input: { receiptId: string; method: PartMethod; amount: number; idempotencyKey?: string | undefined }): { paymentId: string } {
    const { receiptId, method, amount } = input;
    return this.keys.run(
      'payment.start',
      input.idempotencyKey,
      paymentKeyInput(input),
      (refs) => ({ paymentId: refs[0]! }),
      (bind) => {
        this.operations.refuseWhenStopping('payments');
        return this.#startPayment({ receiptId, method, amount }, bind);
      },
    );
  }

  #startPayment(input: { receiptId: string; method: PartMethod; amount: number }, bind: Bind): { paymentId: string } {
    const receipt = this.getReceipt(input.receiptId);
    if (receipt.state !== 'open') throw new ServiceError('receipt-closed', `receipt ${receipt.id} is ${receipt.state}`, { state: receipt.state });
    this.#checkMoneyAllowed(receipt);
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
      throw new ServiceError('invalid-input', 'the amount must be a whole number of kopecks above 0');
    if (input.amount > receipt.remaining) {
      throw new ServiceError('amount-exceeds-remaining', `${input.amount} kopecks is more than the ${receipt.remaining} still due`, {
        remaining: receipt.remaining,
      });
    }
    if (input.method === 'sbp' && !this.options.qrSbp) throw new ServiceError('method-disabled', 'QR payments (qrSBP) are switched off');
    if (input.method === 'cash') {
      if (this.options.mode !== 'till') throw new ServiceError('cash-only-at-till', 'cash is taken only at a till');
      const part = this.#created(bind, () =>
        this.journal.createPart({
          receiptId: receipt.id,
          kind: 'payment',
          method: 'cash',
          amount: input.amount,
          needsEcrNumber: false,
          businessDay: this.#today(),
        }),
      );
      const done = this.journal.atomically(() => {
        const taken = this.journal.transition(part.id, 'APPROVED', { text: 'cash' }, 'cash-taken');
        this.#closeIfCovered(receipt.id);
        return taken;
      });
      this.emit('payment', { paymentId: part.id, receiptId: receipt.id, phase: 'done', part: done });
      this.#afterMoney(receipt.id);
      return { paymentId: part.id };
    }
    const driver = this.#driverOrThrow();
    const owner = `payment of receipt ${receipt.id}`;
    this.#lock.claim(owner);
    let part: Part;
    try {
      crashPoint('before-journal');
      part = this.#created(bind, () =>
        this.journal.createPart(
          { receiptId: receipt.id, kind: 'payment', method: input.method, amount: input.amount, needsEcrNumber: true, businessDay: this.#today() },
          (ecr) => requestRecord(driver.buildSale({ amount: input.amount, ecrNumber: ecr!, method: input.method === 'sbp' ? 'sbp' : 'card' })),
        ),
      );
    } catch (error) {
      this.#lock.release(owner);
      throw error;
    }
    const controller = new AbortController();
    this.#lock.inFlight.set(part.id, controller);
    this.emit('payment', { paymentId: part.id, receiptId: receipt.id, phase: 'intent', part });
    let notRecorded = false;
    const sale = this.#runSale(part, driver, controller)
      .catch((error: unknown) => {
        notRecorded = true;
        this.#saleNotRecorded(part, error);
      })
      .finally(() => {
        this.#lock.inFlight.delete(part.id);
        this.#lock.release(owner);
        this.#afterMoney(receipt.id);
        // A sale whose answer could not be journaled is still SENT: recovery asks the pin pad, as after a crash.
        if (notRecorded) this.#recovery.kick();
      });
    void this.operations.track(sale);
    return { paymentId: part.id };
  }

  /** Writes a part and its idempotency key in one commit. */
  #created(bind: Bind, create: () => Part): Part {
    return this.journal.atomically(() => {
      const part = create();
      bind(part.id);
      return part;
    });
  }

  async #runSale(part: Part, driver: PinpadDriver, controller: AbortController): Promise<void> {
    const request = messageFromRecord(this.journal.partRequest(part.id)!);
    crashPoint('after-journal');
    // Journal before send: SENT is committed before the first byte is written.
    this.journal.transition(part.id, 'SENT', {}, 'sending');
    crashPoint('before-send');
    const result = await runGuarded(
      driver,
      request,
      { operation: 'sale', requestedMethod: part.method === 'sbp' ? 'sbp' : 'card', amount: part.amount, ecrNumber: part.ecrNumber! },
      { signal: controller.signal, onEvent: (event) => this.#relay(part, event) },
    );
    crashPoint('after-response');
    this.#settleResult(part, result, 'sale');
  }

  /**
   * The sale's outcome could not be written to the journal (a write failed: disk full, I/O error).
   * Its journaled state stays what it was (SENT, never a guess) and recovery resolves it through
   * the pin pad, as after a crash (the screen shows the receipt as being checked until then).
   */
  #saleNotRecorded(part: Part, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    try {
      this.journal.note(part.id, 'journal-write-failed', message);
    } catch {
      // The journal cannot be written at all: recovery at the next start finds the part SENT.
    }
  }

  #relay(part: Part, event: DriverEvent): void {
    const base = { paymentId: part.id, receiptId: part.receiptId };
    switch (event.type) {
      case 'sent':
        this.emit('payment', { ...base, phase: 'sent' });
        break;
      case 'wait':
        crashPoint('waiting');
        this.emit('payment', { ...base, phase: 'wait' });
        break;
      case 'screen':
        this.emit('payment', { ...base, phase: 'screen', text: event.text });
        break;
      case 'qr':
        this.journal.note(part.id, 'qr-shown', `expires ${new Date(event.expiresAt).toISOString()}`, {
          qr: { payload: event.payload, expiresAt: event.expiresAt },
        });
        crashPoint('qr-shown');
        this.emit('payment', { ...base, phase: 'qr', qr: { payload: event.payload, expiresAt: event.expiresAt } });
        break;
      case 'method-switched':
        this.journal.note(part.id, 'switched-to-sbp', 'the customer pressed 1 on the pin pad');
        this.emit('payment', { ...base, phase: 'method-switched' });
        break;
      default:
        break;
    }
  }

  /** Records a terminal result for a part that is SENT (or UNKNOWN during recovery), live or late. */
  #settleResult(part: Part, result: PinpadResult, what: AnswerSource): Part {
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
        if (approved.kind === 'payment') this.#closeIfCovered(approved.receiptId);
        return approved;
      });
    } else if (result.status === 'declined') {
      // Declined, expired or cancelled: a QR the customer saw may still be paid at the bank. The
      // watch is journaled in the same commit as the decline, so no kill can leave one without the other.
      next = this.journal.atomically(() => {
        const declined = this.journal.transition(part.id, 'DECLINED', outcome, `${what}-declined`);
        if (part.kind === 'payment' && (result.switchedToSbp || this.#isQrPayment(declined)))
          this.#watches.open(declined, `${what} declined: ${declined.text ?? 'no text'}`);
        return declined;
      });
    } else if (result.status === 'failed') {
      next = this.journal.transition(part.id, 'FAILED', outcome, `${what}-failed`, result.error?.message);
    } else {
      next = this.journal.transition(part.id, 'UNKNOWN', outcome, `${what}-unknown`, result.error?.message);
    }
    this.emit('payment', { paymentId: part.id, receiptId: part.receiptId, phase: 'done', part: next, ...(next.text ? { text: next.text } : {}) });
    return next;
  }

  /** Cancel from the screen: asks the terminal to stop; the outcome is what the terminal then says. */
  cancelPayment(paymentId: string): { requested: boolean } {
    const controller = this.#lock.inFlight.get(paymentId);
    const part = this.journal.getPart(paymentId);
    if (!part) throw new ServiceError('not-found', `no payment ${paymentId}`);
    if (!controller) return { requested: false };
    this.journal.note(paymentId, 'cancel-requested', 'cancel pressed on the screen');
    this.emit('payment', { paymentId, receiptId: part.receiptId, phase: 'cancel-requested' });
    controller.abort();
    return { requested: true };
  }

  #afterMoney(receiptId: string): void {
    this.#closeIfCovered(receiptId);
    this.#publish(receiptId);
  }

  /**
   * Marks an open receipt paid once its approved parts cover it exactly and nothing is pending.
   * Called inside an approval's commit too, so that a kill cannot leave a covered receipt open.
   */
  #closeIfCovered(receiptId: string): void {
    const receipt = this.getReceipt(receiptId);
    // A late payment still to be given back does not close the receipt.
    const reversing = this.#watches.ofReceipt(receiptId).some((w) => w.state === 'reversing');
    if (receipt.state === 'open' && receipt.total > 0 && receipt.paid === receipt.total && !receipt.blockedReason && !reversing) {
      this.journal.setReceiptState(receiptId, 'paid', 'exactly covered');
    }
  }

  // --- refunds and cancellation ------------------------------------------------------------------

  /** How each item would be given back, by the bank's rules; throws with a clear code when it cannot. */
  planRefund(receiptId: string, items: readonly RefundItem[]): RefundPlanItem[] {
    return planRefund(this.getReceipt(receiptId), items, { mode: this.options.mode, profile: this.options.profile, today: this.#today() });
  }

  /** Refunds chosen parts/amounts, one after another. Returns the refund parts as they ended. */
  refund(receiptId: string, items: readonly RefundItem[], options: { idempotencyKey?: string | undefined } = {}): Promise<Part[]> {
    const keyed = items.map((i) => ({ paymentId: i.paymentId, amount: i.amount, cash: i.cash ?? false }));
    return this.keys.run(
      'refund.start',
      options.idempotencyKey,
      { receiptId, items: keyed },
      (refs) => Promise.resolve(refs.map((id) => this.journal.getPart(id)!)),
      (bind) => {
        this.operations.refuseWhenStopping('refunds');
        return this.operations.track(this.#refund(receiptId, items, bind));
      },
    );
  }

  async #refund(receiptId: string, items: readonly RefundItem[], bind: Bind): Promise<Part[]> {
    const receipt = this.getReceipt(receiptId);
    if (receipt.state === 'open' && receipt.paid === 0) throw new ServiceError('not-refundable', 'nothing has been paid on this receipt');
    this.#checkMoneyAllowed(receipt);
    const plan = this.planRefund(receiptId, items);
    const done: Part[] = [];
    for (const item of plan) done.push(await this.#refundOne(receiptId, item, bind));
    this.#afterMoney(receiptId);
    return done;
  }

  async #refundOne(receiptId: string, item: RefundPlanItem, bind: Bind): Promise<Part> {
    const original = this.journal.getPart(item.paymentId)!;
    const base = { receiptId, kind: 'refund' as const, refundOf: original.id, amount: item.amount, businessDay: this.#today() };
    if (item.how === 'cash') {
      const part = this.#created(bind, () => this.journal.createPart({ ...base, method: 'cash', how: 'cash', needsEcrNumber: false }));
      const given = this.journal.transition(part.id, 'APPROVED', { text: 'cash given back' }, 'cash-refund');
      this.#markRefundedIfWhole(original.id);
      return given;
    }
    const driver = this.#driverOrThrow();
    const owner = `refund of receipt ${receiptId}`;
    this.#lock.claim(owner);
    try {
      const method = item.method === 'sbp' ? 'sbp' : 'card';
      const ids = { rrn: original.rrn ?? '', ...(original.authCode ? { authCode: original.authCode } : {}), method } as const;
      const part = this.#created(bind, () =>
        this.journal.createPart({ ...base, method: item.method, how: item.how, needsEcrNumber: true }, (ecr) =>
          requestRecord(
            item.how === 'void'
              ? driver.buildVoid({ amount: item.amount, ecrNumber: ecr!, ...ids })
              : driver.buildRefund({ amount: item.amount, ecrNumber: ecr!, ...ids }),
          ),
        ),
      );
      const controller = new AbortController();
      this.#lock.inFlight.set(part.id, controller);
      try {
        this.journal.transition(part.id, 'SENT', {}, 'sending');
        const result = await runGuarded(
          driver,
          messageFromRecord(this.journal.partRequest(part.id)!),
          { operation: item.how === 'void' ? 'void' : 'refund', requestedMethod: method, amount: item.amount, ecrNumber: part.ecrNumber! },
          { signal: controller.signal, onEvent: (event) => this.#relay(part, event) },
        );
        const settled = this.#settleResult(part, result, item.how);
        if (settled.state === 'APPROVED') this.#markRefundedIfWhole(original.id);
        return settled;
      } finally {
        this.#lock.inFlight.delete(part.id);
      }
    } finally {
      this.#lock.release(owner);
    }
  }

  #markRefundedIfWhole(paymentId: string): void {
    const part = this.journal.getPart(paymentId)!;
    if (part.state === 'APPROVED' && part.refunded >= part.amount) this.journal.transition(paymentId, 'REFUNDED', {}, 'fully-refunded');
  }

  /** Gives back every approved part of a receipt by the bank's rules and closes it. */
  cancelReceipt(receiptId: string, options: { cashForUnrefundable?: boolean; idempotencyKey?: string | undefined } = {}): Promise<Receipt> {
    const cashForUnrefundable = options.cashForUnrefundable ?? false;
    return this.keys.run(
      'receipt.cancel',
      options.idempotencyKey,
      cancelKeyInput(receiptId, cashForUnrefundable),
      () => Promise.resolve(this.getReceipt(receiptId)),
      (bind) => {
        this.operations.refuseWhenStopping('cancellations');
        return this.operations.track(this.#cancelReceipt(receiptId, { cashForUnrefundable }, bind));
      },
    );
  }

  async #cancelReceipt(receiptId: string, options: { cashForUnrefundable: boolean }, bind: Bind): Promise<Receipt> {
    const receipt = this.getReceipt(receiptId);
    if (receipt.state === 'cancelled') return receipt;
    this.#checkMoneyAllowed(receipt);
    const items: RefundItem[] = receipt.parts
      .filter((p) => p.kind === 'payment' && p.state === 'APPROVED' && p.amount > p.refunded)
      .map((p) => ({
        paymentId: p.id,
        amount: p.amount - p.refunded,
        ...(options.cashForUnrefundable && p.switchedToSbp && !this.options.profile.bank.refundSwitchedPayment ? { cash: true } : {}),
      }));
    if (items.length > 0) {
      const results = await this.#refund(receiptId, items, bind);
      const failed = results.find((p) => p.state !== 'APPROVED');
      if (failed) {
        throw new ServiceError(
          'not-refundable',
          `the receipt is not cancelled: giving back payment ${failed.refundOf} ended ${failed.state}${failed.text ? ` (${failed.text})` : ''}`,
          { refundId: failed.id },
        );
      }
    }
    this.journal.atomically(() => {
      this.journal.setReceiptState(receiptId, 'cancelled', 'every approved part given back');
      bind(receiptId);
    });
    return this.#publish(receiptId);
  }

  // --- recovery and late payments ----------------------------------------------------------------

  listUnresolved(): Part[] {
    return this.#recovery.listUnresolved();
  }

  /**
   * Resolves unknown outcomes through the terminal: a status query, then an emergency cancel
   * of exactly the same request. Never a new sale. Returns the parts as they are afterwards.
   */
  recover(partId?: string): Promise<Part[]> {
    return this.#recovery.recover(partId);
  }

  /**
   * Starts the background work of a service that has just started: recovery of every part left
   * unresolved (asked again until resolved) and every late-payment watch the journal holds.
   * Returns at once: nothing here waits for the pin pad.
   */
  startBackground(): void {
    // Keys older than their retention are forgotten now and every hour (the clock is the service's own).
    this.keys.prune();
    clearInterval(this.#pruneTimer);
    this.#pruneTimer = setInterval(() => this.keys.prune(), KEY_PRUNE_EVERY_MS);
    this.#pruneTimer.unref();
    this.#listen();
    this.#watches.resumeAll();
    this.#recovery.startBackground();
  }

  /** The pin pad (re)connected: unresolved parts are asked about at once. */
  pinpadConnected(): void {
    this.#listen();
    this.#recovery.kick();
  }

  /** Listens to the pin pad's stray answers from the moment it is connected. */
  #listen(): void {
    try {
      this.#driver();
    } catch {
      // Not connected yet: listened to when it connects.
    }
  }

  /** A cashier who checked the terminal's journal (full report) may settle an unknown outcome by hand. */
  resolveManually(partId: string, decision: 'approved' | 'declined', note: string, rrn?: string, idempotencyKey?: string): Part {
    return this.keys.run(
      'unknown.resolveManually',
      idempotencyKey,
      { paymentId: partId, decision, note, ...(rrn !== undefined ? { rrn } : {}) },
      (refs) => this.journal.getPart(refs[0]!)!,
      (bind) => this.#resolveManually(partId, decision, note, rrn, bind),
    );
  }

  #resolveManually(partId: string, decision: 'approved' | 'declined', note: string, rrn: string | undefined, bind: Bind): Part {
    const part = this.journal.getPart(partId);
    if (!part) throw new ServiceError('not-found', `no payment ${partId}`);
    if (part.state !== 'UNKNOWN') throw new ServiceError('not-unresolved', `payment ${partId} is ${part.state}`);
    const next = this.journal.atomically(() => {
      const decided = this.journal.transition(
        partId,
        decision === 'approved' ? 'APPROVED' : 'DECLINED',
        { ...(rrn ? { rrn } : {}), text: note },
        `resolved-by-cashier`,
        note,
      );
      // A QR the cashier saw unpaid may still be paid later: it is watched all the same (same commit).
      if (decided.state === 'DECLINED' && this.#isQrPayment(decided)) this.#watches.open(decided, 'declined by the cashier');
      bind(partId);
      return decided;
    });
    if (next.state === 'APPROVED' && next.kind === 'refund' && next.refundOf) this.#markRefundedIfWhole(next.refundOf);
    this.#afterMoney(part.receiptId);
    return next;
  }

  /** Late-payment watches of a receipt (open and ended). */
  lateWatches(receiptId: string): LateWatchRow[] {
    return this.#watches.ofReceipt(receiptId);
  }

  /** A cashier ends a late-payment watch; audited with the note. */
  endLateWatch(paymentId: string, note: string, idempotencyKey?: string): LateWatchRow {
    const ended = this.keys.run(
      'lateWatch.end',
      idempotencyKey,
      { paymentId, note },
      () => this.#watches.store.get(paymentId)!,
      (bind) =>
        this.journal.atomically(() => {
          const row = this.#watches.decide(paymentId, note);
          bind(paymentId);
          return row;
        }),
    );
    // The screen showing the receipt learns that no result is coming any more.
    if (this.journal.getReceiptRow(ended.receiptId)) this.#publish(ended.receiptId);
    return ended;
  }

  // --- service functions (settlement, reports, test) ------------------------------------------------

  // Not money: allowed while stopping, and a stop waits for the one at the pin pad.
  testConnection = (options: { operationTimeoutMs?: number } = {}): Promise<ServiceOperationResult> => this.operations.track(this.#functions.test(options));
  settle = (): Promise<SettlementResult> => this.operations.track(this.#functions.settle());
  report = (full: boolean): Promise<ServiceOperationResult> => this.operations.track(this.#functions.report(full));
  slipCopy = (): Promise<ServiceOperationResult> => this.operations.track(this.#functions.slipCopy());

  get busyWith(): string | undefined {
    return this.#lock.owner;
  }

  /** Stops live requests, recovery and watches (the journal keeps them for the next start); resolves when their checks have ended. */
  async stop(): Promise<void> {
    clearInterval(this.#pruneTimer);
    for (const controller of this.#lock.inFlight.values()) controller.abort();
    await Promise.all([this.#recovery.stop(), this.#watches.stop()]);
  }
}
