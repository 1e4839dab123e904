/**
 * The payment service: receipts, sales and refunds of split payments, and the service functions.
 * Decides everything about money; the UI only sends intents. The ledger books the terminal's
 * answers (ledger.ts); refunds, recovery, late-payment watches and the pin-pad lock live in their
 * own modules.
 */
import { EventEmitter } from 'node:events';
import type { PinpadDriver } from '../../../native/inpas/driver.js';
import { ServiceError } from '../../contract/errors.js';
import type { RefundPlanItem, ServiceOperationResult, SettlementResult } from '../../contract/types.js';
import { TerminalFunctions } from '../closing/terminal-functions.js';
import type { LateWatchRow } from '../journal/late-watch-store.js';
import type { Journal } from '../journal/journal.js';
import type { Part, PartMethod, Receipt, ReceiptLine } from '../journal/part-lifecycle.js';
import type { OperationTracker } from '../lifecycle/drain.js';
import { cancelKeyInput, IdempotentCalls, KEY_PRUNE_EVERY_MS, paymentKeyInput, sameReceiptInput, type Bind } from './idempotency.js';
import { Ledger } from './ledger.js';
import type { PaymentServiceOptions, RefundItem, ServiceEvents } from './payment-types.js';
import { messageFromRecord, requestRecord } from './terminal-records.js';

export type * from './payment-types.js';

/**
 * Receipts, split payments, refunds and recovery. Every money operation is journaled before its
 * bytes are written, and an unknown outcome is resolved through the terminal — never by a new sale.
 */
export class PaymentService extends EventEmitter<ServiceEvents> {
  readonly options: PaymentServiceOptions;
  readonly journal: Journal;
  /** Operations at the pin pad started by a customer or a cashier; a stop waits for them (lifecycle/drain.ts). */
  readonly operations: OperationTracker;
  /** Clients' idempotency keys (idempotency.ts): a retried money call moves no money again. */
  readonly keys: IdempotentCalls;
  readonly #ledger: Ledger;
  readonly #functions: TerminalFunctions;
  #pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: PaymentServiceOptions) {
    super();
    this.options = options;
    this.journal = options.journal;
    this.#ledger = new Ledger(options, this);
    this.operations = this.#ledger.operations;
    this.keys = new IdempotentCalls(options.journal, () => this.#ledger.now());
    this.#functions = new TerminalFunctions(this.#ledger);
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
    return this.#ledger.publish(this.journal.createReceipt(input));
  }

  /** The POS core printed the receipt; a repeated confirmation changes nothing and answers the same. */
  markPrinted(receiptId: string): Receipt {
    if (!this.journal.hasReceipt(receiptId)) throw new ServiceError('not-found', `no receipt ${receiptId}`);
    return this.journal.markPrinted(receiptId) ? this.#ledger.publish(receiptId) : this.getReceipt(receiptId);
  }

  getReceipt(id: string): Receipt {
    return this.#ledger.getReceipt(id);
  }

  searchReceipts(text: string | undefined, limit?: number): Receipt[] {
    return this.journal.searchReceipts({ ...(text !== undefined ? { text } : {}), ...(limit !== undefined ? { limit } : {}) }).map((id) => this.getReceipt(id));
  }

  // --- payments ------------------------------------------------------------------------------

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
    const ledger = this.#ledger;
    const receipt = this.getReceipt(input.receiptId);
    if (receipt.state !== 'open') throw new ServiceError('receipt-closed', `receipt ${receipt.id} is ${receipt.state}`, { state: receipt.state });
    ledger.checkMoneyAllowed(receipt);
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
      throw new ServiceError('invalid-input', 'the amount must be a whole number of kopecks above 0');
    if (input.amount > receipt.remaining) {
      throw new ServiceError('amount-exceeds-remaining', `${input.amount} kopecks is more than the ${receipt.remaining} still due`, {
        remaining: receipt.remaining,
      });
    }
    if (input.method === 'sbp' && !this.options.qrSbp) throw new ServiceError('method-disabled', 'QR payments (qrSBP) are switched off');
    if (input.method === 'cash') return this.#takeCash(receipt, input.amount, bind);
    const driver = ledger.driverOrThrow();
    const owner = `payment of receipt ${receipt.id}`;
    ledger.lock.claim(owner);
    let part: Part;
    try {
      this.#ledger.crash.point('before-journal');
      part = ledger.created(bind, () =>
        this.journal.createPart(
          { receiptId: receipt.id, kind: 'payment', method: input.method, amount: input.amount, needsEcrNumber: true, businessDay: ledger.today() },
          (ecr) => requestRecord(driver.buildSale({ amount: input.amount, ecrNumber: ecr!, method: input.method === 'sbp' ? 'sbp' : 'card' })),
        ),
      );
    } catch (error) {
      ledger.lock.release(owner);
      throw error;
    }
    const controller = new AbortController();
    ledger.lock.inFlight.set(part.id, controller);
    this.emit('payment', { paymentId: part.id, receiptId: receipt.id, phase: 'intent', part });
    let notRecorded = false;
    const sale = this.#runSale(part, driver, controller)
      .catch((error: unknown) => {
        notRecorded = true;
        this.#saleNotRecorded(part, error);
      })
      .finally(() => {
        ledger.lock.inFlight.delete(part.id);
        ledger.lock.release(owner);
        ledger.publish(receipt.id);
        // A sale whose answer could not be journaled is still SENT: recovery asks the pin pad, as after a crash.
        if (notRecorded) ledger.recovery.kick();
      });
    void this.operations.track(sale);
    return { paymentId: part.id };
  }

  /** Cash at a till: taken at once, and the receipt closed in the same commit when it is covered. */
  #takeCash(receipt: Receipt, amount: number, bind: Bind): { paymentId: string } {
    const ledger = this.#ledger;
    if (this.options.mode !== 'till') throw new ServiceError('cash-only-at-till', 'cash is taken only at a till');
    const part = ledger.created(bind, () =>
      this.journal.createPart({ receiptId: receipt.id, kind: 'payment', method: 'cash', amount, needsEcrNumber: false, businessDay: ledger.today() }),
    );
    const done = this.journal.atomically(() => {
      const taken = this.journal.transition(part.id, 'APPROVED', { text: 'cash' }, 'cash-taken');
      ledger.closeIfCovered(receipt.id);
      return taken;
    });
    this.emit('payment', { paymentId: part.id, receiptId: receipt.id, phase: 'done', part: done });
    ledger.publish(receipt.id);
    return { paymentId: part.id };
  }

  async #runSale(part: Part, driver: PinpadDriver, controller: AbortController): Promise<void> {
    const request = messageFromRecord(this.journal.partRequest(part.id)!);
    this.#ledger.crash.point('after-journal');
    // Journal before send: SENT is committed before the first byte is written.
    this.journal.transition(part.id, 'SENT', {}, 'sending');
    this.#ledger.crash.point('before-send');
    const result = await driver.execute(
      request,
      { operation: 'sale', requestedMethod: part.method === 'sbp' ? 'sbp' : 'card', amount: part.amount, ecrNumber: part.ecrNumber! },
      { signal: controller.signal, onEvent: (event) => this.#ledger.relay(part, event) },
    );
    this.#ledger.crash.point('after-response');
    this.#ledger.settle(part, result, 'sale');
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

  /** Cancel from the screen: asks the terminal to stop; the outcome is what the terminal then says. */
  cancelPayment(paymentId: string): { requested: boolean } {
    const controller = this.#ledger.lock.inFlight.get(paymentId);
    const part = this.journal.getPart(paymentId);
    if (!part) throw new ServiceError('not-found', `no payment ${paymentId}`);
    if (!controller) return { requested: false };
    this.journal.note(paymentId, 'cancel-requested', 'cancel pressed on the screen');
    this.emit('payment', { paymentId, receiptId: part.receiptId, phase: 'cancel-requested' });
    controller.abort();
    return { requested: true };
  }

  // --- refunds and cancellation ------------------------------------------------------------------

  /** How each item would be given back, by the bank's rules; throws with a clear code when it cannot. */
  planRefund(receiptId: string, items: readonly RefundItem[]): RefundPlanItem[] {
    return this.#ledger.refunds.plan(receiptId, items);
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
        return this.operations.track(this.#ledger.refunds.run(receiptId, items, bind));
      },
    );
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
        return this.operations.track(this.#ledger.refunds.cancelReceipt(receiptId, { cashForUnrefundable }, bind));
      },
    );
  }

  // --- recovery and late payments ----------------------------------------------------------------

  listUnresolved(): Part[] {
    return this.#ledger.recovery.listUnresolved();
  }

  /**
   * Resolves unknown outcomes through the terminal: a status query, then an emergency cancel
   * of exactly the same request. Never a new sale. Returns the parts as they are afterwards.
   */
  recover(partId?: string): Promise<Part[]> {
    return this.#ledger.recovery.recover(partId);
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
    this.#ledger.watches.resumeAll();
    this.#ledger.recovery.startBackground();
  }

  /** The pin pad (re)connected: unresolved parts are asked about at once. */
  pinpadConnected(): void {
    this.#listen();
    this.#ledger.recovery.kick();
  }

  /** Listens to the pin pad's stray answers from the moment it is connected. */
  #listen(): void {
    try {
      this.#ledger.driver();
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
    const ledger = this.#ledger;
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
      if (decided.state === 'APPROVED') {
        if (decided.kind === 'payment') ledger.closeIfCovered(decided.receiptId);
        else if (decided.refundOf) ledger.markRefundedIfWhole(decided.refundOf);
      }
      // A QR the cashier saw unpaid may still be paid later: it is watched all the same (same commit).
      if (decided.state === 'DECLINED' && ledger.isQrPayment(decided)) ledger.watch(decided, 'declined by the cashier');
      bind(partId);
      return decided;
    });
    ledger.publish(part.receiptId);
    return next;
  }

  /** Late-payment watches of a receipt (open and ended). */
  lateWatches(receiptId: string): LateWatchRow[] {
    return this.#ledger.watches.ofReceipt(receiptId);
  }

  /** A cashier ends a late-payment watch; audited with the note. */
  endLateWatch(paymentId: string, note: string, idempotencyKey?: string): LateWatchRow {
    const watches = this.#ledger.watches;
    const ended = this.keys.run(
      'lateWatch.end',
      idempotencyKey,
      { paymentId, note },
      () => watches.store.get(paymentId)!,
      (bind) =>
        this.journal.atomically(() => {
          const row = watches.decide(paymentId, note);
          bind(paymentId);
          return row;
        }),
    );
    // The screen showing the receipt learns that no result is coming any more.
    if (this.journal.getReceiptRow(ended.receiptId)) this.#ledger.publish(ended.receiptId);
    return ended;
  }

  // --- the terminal's own functions (settlement, reports, test) ---------------------------------------

  // Not money: allowed while stopping, and a stop waits for the one at the pin pad.
  testConnection = (options: { operationTimeoutMs?: number } = {}): Promise<ServiceOperationResult> => this.operations.track(this.#functions.test(options));
  settle = (): Promise<SettlementResult> => this.operations.track(this.#functions.settle());
  report = (full: boolean): Promise<ServiceOperationResult> => this.operations.track(this.#functions.report(full));
  slipCopy = (): Promise<ServiceOperationResult> => this.operations.track(this.#functions.slipCopy());

  get busyWith(): string | undefined {
    return this.#ledger.lock.owner;
  }

  /** Stops live requests, recovery and watches (the journal keeps them for the next start); resolves when their checks have ended. */
  async stop(): Promise<void> {
    clearInterval(this.#pruneTimer);
    for (const controller of this.#ledger.lock.inFlight.values()) controller.abort();
    await Promise.all([this.#ledger.recovery.stop(), this.#ledger.watches.stop()]);
  }
}
