/** The payment service: receipts, split payments, refunds, recovery of unknown outcomes and late SBP payments, journaled before the pin pad acts. */
import { EventEmitter } from 'node:events';
import type { DriverEvent, OperationOptions, PinpadDriver } from '../../native/inpas/driver.js';
import { PinpadError } from '../../native/inpas/errors.js';
import { Message } from '../../native/inpas/message.js';
import type { TerminalProfile } from '../../native/inpas/profile.js';
import { resultFromError, type PinpadResult, type ResultContext } from '../../native/inpas/result.js';
import type { LatePaymentEvent, PaymentEvent, PinpadHealth, RefundPlanItem, ServiceOperationResult, SettlementResult } from '../contract/types.js';
import { crashPoint } from './crash-points.js';
import { ServiceError } from './errors.js';
import { receiptView, type Journal, type PartOutcome } from './journal.js';
import { UNRESOLVED_STATES, type Part, type PartMethod, type Receipt, type ReceiptLine } from './model.js';
import { beginClosing } from './reconciliation.js';

/** What the service needs of the pin-pad connection. */
export interface PinpadAccess {
  driver(): PinpadDriver;
  readonly health: PinpadHealth;
  noteTerminal?(info: { terminalId?: string | undefined; model?: string | undefined }): void;
}

export interface PaymentServiceOptions {
  readonly journal: Journal;
  readonly pinpad: PinpadAccess;
  readonly profile: TerminalProfile;
  readonly mode: 'kiosk' | 'till';
  /** `qrSBP`: QR payments allowed. */
  readonly qrSbp: boolean;
  /** Reverse an SBP payment that arrives after its QR expired or was cancelled (else keep it and report it). */
  readonly reverseLatePayments?: boolean;
  /** How often to ask about a QR payment that may still arrive, ms. */
  readonly sbpPollMs?: number;
  /** How long to keep asking, ms. */
  readonly sbpLateWindowMs?: number;
  /**
   * Cap on one recovery query (status, emergency cancel), ms. A terminal still busy with what a
   * crashed process started keeps sending WAIT frames; a capped query gives up and is asked again
   * later instead of holding the pin pad for a whole operation timeout.
   */
  readonly recoveryCallMs?: number;
  readonly now?: () => Date;
}

export interface ServiceEvents {
  payment: [PaymentEvent];
  receipt: [Receipt];
  'late-payment': [LatePaymentEvent];
}

export interface RefundItem {
  readonly paymentId: string;
  readonly amount: number;
  /** Give this part back in cash (till only): the offer when the bank will not refund a switched payment. */
  readonly cash?: boolean;
}

function localDay(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

function outcomeOf(result: PinpadResult): PartOutcome {
  return {
    rrn: result.rrn,
    authCode: result.authCode,
    responseCode: result.responseCode,
    text: result.text,
    cardMasked: result.cardMasked,
    terminalId: result.terminalId,
    switchedToSbp: result.switchedToSbp,
    slip: result.slip
      ? { ...(result.slip.customer ? { customer: result.slip.customer } : {}), ...(result.slip.cashier ? { cashier: result.slip.cashier } : {}) }
      : undefined,
    raw: result.raw,
  };
}

/** The request a part sends, as stored in the journal (text fields only: requests carry no card data). */
function requestRecord(message: Message): Record<string, string> {
  return message.toRecord();
}

function messageFromRecord(record: Record<string, string>): Message {
  const input: Record<number, string> = {};
  for (const [tag, value] of Object.entries(record)) input[Number(tag)] = value;
  return Message.of(input);
}

/**
 * Runs a journaled money request. The driver turns every terminal or link outcome into a result
 * but throws when it refuses to start (session busy, bad arguments): then nothing was sent, and
 * the part must end FAILED rather than stay SENT behind an unhandled rejection. Anything else
 * thrown is treated as "may have been sent" (UNKNOWN, resolved by recovery).
 */
async function runGuarded(driver: PinpadDriver, request: Message, ctx: ResultContext, options: OperationOptions): Promise<PinpadResult> {
  try {
    return await driver.execute(request, ctx, options);
  } catch (error) {
    const pe =
      error instanceof PinpadError ? error : new PinpadError('protocol', error instanceof Error ? error.message : String(error), { delivery: 'maybe' });
    return resultFromError(pe, ctx);
  }
}

/**
 * Receipts, split payments, refunds and recovery. Decides everything about money; the UI
 * only sends intents. Every money operation is journaled before its bytes are written, and
 * an unknown outcome is resolved through the terminal — never by a new sale.
 */
export class PaymentService extends EventEmitter<ServiceEvents> {
  readonly options: PaymentServiceOptions;
  readonly journal: Journal;
  readonly #now: () => Date;
  /** The pin pad does one thing at a time. */
  #terminalBusy: string | undefined;
  readonly #inFlight = new Map<string, AbortController>();
  readonly #watchers = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(options: PaymentServiceOptions) {
    super();
    this.options = options;
    this.journal = options.journal;
    this.#now = options.now ?? (() => new Date());
  }

  #today(): string {
    return localDay(this.#now());
  }

  // --- receipts ------------------------------------------------------------------------------

  openReceipt(input: { id?: string; lines: readonly ReceiptLine[]; total: number }): Receipt {
    const linesTotal = input.lines.reduce((sum, line) => sum + line.amount, 0);
    if (input.lines.length > 0 && linesTotal !== input.total) {
      throw new ServiceError('invalid-input', `the lines add up to ${linesTotal} kopecks, the total says ${input.total}`);
    }
    if (input.id !== undefined && this.journal.hasReceipt(input.id)) {
      const existing = this.getReceipt(input.id);
      if (existing.total !== input.total) throw new ServiceError('invalid-input', `receipt ${input.id} already exists with another total`);
      return existing;
    }
    const id = this.journal.createReceipt(input);
    return this.#publish(id);
  }

  getReceipt(id: string): Receipt {
    const receipt = receiptView(this.journal, id);
    if (!receipt) throw new ServiceError('not-found', `no receipt ${id}`);
    return this.#withInFlight(receipt);
  }

  /** A part that is being worked on right now is not "blocked", it is in progress. */
  #withInFlight(receipt: Receipt): Receipt {
    const unresolved = receipt.parts.filter((p) => UNRESOLVED_STATES.has(p.state) && !this.#inFlight.has(p.id));
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
    if (receipt.parts.some((p) => this.#inFlight.has(p.id)))
      throw new ServiceError('pinpad-busy', 'a payment of this receipt is in progress', { receiptId: receipt.id });
    if (receipt.blockedReason) throw new ServiceError('receipt-blocked', receipt.blockedReason, { receiptId: receipt.id });
  }

  #claimTerminal(owner: string): void {
    if (this.#terminalBusy) throw new ServiceError('pinpad-busy', 'the pin pad is busy with another operation', { busyWith: this.#terminalBusy });
    this.#terminalBusy = owner;
  }

  #releaseTerminal(owner: string): void {
    if (this.#terminalBusy === owner) this.#terminalBusy = undefined;
  }

  #driverOrThrow(): PinpadDriver {
    try {
      return this.options.pinpad.driver();
    } catch (error) {
      throw new ServiceError('pinpad-offline', error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Starts paying part of a receipt. Returns once the intent is journaled; progress and the
   * outcome arrive as `payment` and `receipt` events.
   */
  startPayment(input: { receiptId: string; method: PartMethod; amount: number }): { paymentId: string } {
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
      const part = this.journal.createPart({
        receiptId: receipt.id,
        kind: 'payment',
        method: 'cash',
        amount: input.amount,
        needsEcrNumber: false,
        businessDay: this.#today(),
      });
      const done = this.journal.transition(part.id, 'APPROVED', { text: 'cash' }, 'cash-taken');
      this.emit('payment', { paymentId: part.id, receiptId: receipt.id, phase: 'done', part: done });
      this.#afterMoney(receipt.id);
      return { paymentId: part.id };
    }
    const driver = this.#driverOrThrow();
    this.#claimTerminal(`payment of receipt ${receipt.id}`);
    let part: Part;
    try {
      crashPoint('before-journal');
      part = this.journal.createPart(
        { receiptId: receipt.id, kind: 'payment', method: input.method, amount: input.amount, needsEcrNumber: true, businessDay: this.#today() },
        (ecr) => requestRecord(driver.buildSale({ amount: input.amount, ecrNumber: ecr!, method: input.method === 'sbp' ? 'sbp' : 'card' })),
      );
    } catch (error) {
      this.#releaseTerminal(`payment of receipt ${receipt.id}`);
      throw error;
    }
    const controller = new AbortController();
    this.#inFlight.set(part.id, controller);
    this.emit('payment', { paymentId: part.id, receiptId: receipt.id, phase: 'intent', part });
    void this.#runSale(part, driver, controller).finally(() => {
      this.#inFlight.delete(part.id);
      this.#releaseTerminal(`payment of receipt ${receipt.id}`);
      this.#afterMoney(receipt.id);
    });
    return { paymentId: part.id };
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

  /** Records a terminal result for a part that is SENT (or UNKNOWN during recovery). */
  #settleResult(part: Part, result: PinpadResult, what: string): Part {
    const outcome = outcomeOf(result);
    let next: Part;
    if (result.status === 'approved') {
      // A partial approval: the terminal took less than asked. Only what it approved is paid; the rest stays due.
      const partial =
        part.kind === 'payment' && result.amount !== undefined && Number.isSafeInteger(result.amount) && result.amount > 0 && result.amount < part.amount;
      next = this.journal.transition(
        part.id,
        'APPROVED',
        { ...outcome, ...(result.method === 'sbp' && part.method === 'card' ? { method: 'sbp' as const } : {}), ...(partial ? { amount: result.amount } : {}) },
        partial ? `${what}-approved-partially` : `${what}-approved`,
        partial ? `approved ${result.amount} of ${part.amount} kopecks` : undefined,
      );
    } else if (result.status === 'declined') {
      next = this.journal.transition(part.id, 'DECLINED', outcome, `${what}-declined`);
      if (part.kind === 'payment' && (part.method === 'sbp' || result.switchedToSbp) && result.transactionStatus === 53) this.#watchLatePayment(next);
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
    const controller = this.#inFlight.get(paymentId);
    if (!controller) {
      const part = this.journal.getPart(paymentId);
      if (!part) throw new ServiceError('not-found', `no payment ${paymentId}`);
      return { requested: false };
    }
    const part = this.journal.getPart(paymentId)!;
    this.journal.note(paymentId, 'cancel-requested', 'cancel pressed on the screen');
    this.emit('payment', { paymentId, receiptId: part.receiptId, phase: 'cancel-requested' });
    controller.abort();
    return { requested: true };
  }

  #afterMoney(receiptId: string): void {
    const receipt = this.getReceipt(receiptId);
    if (receipt.state === 'open' && receipt.total > 0 && receipt.paid === receipt.total && !receipt.blockedReason) {
      this.journal.setReceiptState(receiptId, 'paid', 'exactly covered');
    }
    this.#publish(receiptId);
  }

  // --- refunds and cancellation ------------------------------------------------------------------

  /** How each item would be given back, by the bank's rules; throws with a clear code when it cannot. */
  planRefund(receiptId: string, items: readonly RefundItem[]): RefundPlanItem[] {
    const receipt = this.getReceipt(receiptId);
    if (items.length === 0) throw new ServiceError('invalid-input', 'choose at least one payment to refund');
    const plan: RefundPlanItem[] = [];
    const asked = new Map<string, number>();
    for (const item of items) {
      const part = receipt.parts.find((p) => p.id === item.paymentId && p.kind === 'payment');
      if (!part) throw new ServiceError('not-found', `payment ${item.paymentId} is not part of receipt ${receiptId}`);
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
      const sameDay = part.businessDay === this.#today() && !part.settled;
      if (part.method === 'cash' || item.cash) {
        if (this.options.mode !== 'till') throw new ServiceError('cash-only-at-till', 'cash is given back only at a till');
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
        throw new ServiceError(
          'not-refundable',
          `payment ${part.id} has no RRN in the journal; refund it from the terminal's journal (full report) or in cash`,
          { paymentId: part.id },
        );
      }
      if (part.switchedToSbp && !this.options.profile.bank.refundSwitchedPayment) {
        throw new ServiceError('switched-refund-cash', 'this bank does not refund a payment switched to QR on the pin pad; refund it in cash', {
          paymentId: part.id,
          amount: item.amount,
        });
      }
      const partial = item.amount + part.refunded < part.amount;
      if (part.method === 'sbp' && sameDay && partial && !this.options.profile.bank.partialSameDayQrRefund) {
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

  /** Refunds chosen parts/amounts, one after another. Returns the refund parts as they ended. */
  async refund(receiptId: string, items: readonly RefundItem[]): Promise<Part[]> {
    const receipt = this.getReceipt(receiptId);
    if (receipt.state === 'open' && receipt.paid === 0) throw new ServiceError('not-refundable', 'nothing has been paid on this receipt');
    this.#checkMoneyAllowed(receipt);
    const plan = this.planRefund(receiptId, items);
    const done: Part[] = [];
    for (const item of plan) done.push(await this.#refundOne(receiptId, item));
    this.#afterMoney(receiptId);
    return done;
  }

  async #refundOne(receiptId: string, item: RefundPlanItem): Promise<Part> {
    const original = this.journal.getPart(item.paymentId)!;
    if (item.how === 'cash') {
      const part = this.journal.createPart({
        receiptId,
        kind: 'refund',
        method: 'cash',
        how: 'cash',
        refundOf: original.id,
        amount: item.amount,
        needsEcrNumber: false,
        businessDay: this.#today(),
      });
      const given = this.journal.transition(part.id, 'APPROVED', { text: 'cash given back' }, 'cash-refund');
      this.#markRefundedIfWhole(original.id);
      return given;
    }
    const driver = this.#driverOrThrow();
    const owner = `refund of receipt ${receiptId}`;
    this.#claimTerminal(owner);
    try {
      const method = item.method === 'sbp' ? 'sbp' : 'card';
      const part = this.journal.createPart(
        {
          receiptId,
          kind: 'refund',
          method: item.method,
          how: item.how,
          refundOf: original.id,
          amount: item.amount,
          needsEcrNumber: true,
          businessDay: this.#today(),
        },
        (ecr) =>
          requestRecord(
            item.how === 'void'
              ? driver.buildVoid({
                  amount: item.amount,
                  ecrNumber: ecr!,
                  rrn: original.rrn ?? '',
                  ...(original.authCode ? { authCode: original.authCode } : {}),
                  method,
                })
              : driver.buildRefund({
                  amount: item.amount,
                  ecrNumber: ecr!,
                  rrn: original.rrn ?? '',
                  ...(original.authCode ? { authCode: original.authCode } : {}),
                  method,
                }),
          ),
      );
      const controller = new AbortController();
      this.#inFlight.set(part.id, controller);
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
        this.#inFlight.delete(part.id);
      }
    } finally {
      this.#releaseTerminal(owner);
    }
  }

  #markRefundedIfWhole(paymentId: string): void {
    const part = this.journal.getPart(paymentId)!;
    if (part.state === 'APPROVED' && part.refunded >= part.amount) this.journal.transition(paymentId, 'REFUNDED', {}, 'fully-refunded');
  }

  /** Gives back every approved part of a receipt by the bank's rules and closes it. */
  async cancelReceipt(receiptId: string, options: { cashForUnrefundable?: boolean } = {}): Promise<Receipt> {
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
      const results = await this.refund(receiptId, items);
      const failed = results.find((p) => p.state !== 'APPROVED');
      if (failed) {
        throw new ServiceError(
          'not-refundable',
          `the receipt is not cancelled: giving back payment ${failed.refundOf} ended ${failed.state}${failed.text ? ` (${failed.text})` : ''}`,
          {
            refundId: failed.id,
          },
        );
      }
    }
    this.journal.setReceiptState(receiptId, 'cancelled', 'every approved part given back');
    return this.#publish(receiptId);
  }

  // --- recovery ------------------------------------------------------------------------------------

  /** Parts whose outcome is not known and that nothing is working on right now. */
  listUnresolved(): Part[] {
    return this.journal.partsInStates(['INTENT', 'SENT', 'UNKNOWN']).filter((p) => !this.#inFlight.has(p.id));
  }

  /**
   * Resolves unknown outcomes through the terminal: a status query, then an emergency cancel
   * of exactly the same request. Never a new sale. Returns the parts as they are afterwards.
   */
  async recover(partId?: string): Promise<Part[]> {
    const parts = partId ? [this.journal.getPart(partId)].filter((p): p is Part => p !== undefined) : this.listUnresolved();
    if (partId && parts.length === 0) throw new ServiceError('not-found', `no payment ${partId}`);
    const out: Part[] = [];
    for (const part of parts) {
      if (!UNRESOLVED_STATES.has(part.state) || this.#inFlight.has(part.id)) {
        if (partId) throw new ServiceError('not-unresolved', `payment ${part.id} is ${this.#inFlight.has(part.id) ? 'in progress' : part.state}`);
        continue;
      }
      out.push(await this.#recoverOne(part));
      this.#afterMoney(part.receiptId);
    }
    return out;
  }

  async #recoverOne(part: Part): Promise<Part> {
    if (part.state === 'INTENT') {
      // SENT is committed before any byte is written, so an INTENT part never reached the pin pad.
      return this.journal.transition(part.id, 'FAILED', { text: 'not sent: the app stopped before sending' }, 'recovered-not-sent');
    }
    let current =
      part.state === 'SENT' ? this.journal.transition(part.id, 'UNKNOWN', {}, 'recovery-started', 'the app stopped while waiting for the answer') : part;
    let d: PinpadDriver;
    try {
      d = this.options.pinpad.driver();
    } catch {
      // The pin pad is away: the part stays UNKNOWN and is tried again later.
      return current;
    }
    const owner = `recovery of ${part.id}`;
    try {
      this.#claimTerminal(owner);
    } catch {
      return current;
    }
    try {
      const status = await d.status({ ofEcrNumber: current.ecrNumber!, refund: current.kind === 'refund' }, { operationTimeoutMs: this.#recoveryCallMs });
      this.journal.note(current.id, 'recovery-status', `${status.status}${status.sbpState ? ` / ${status.sbpState}` : ''}`);
      if (status.status !== 'failed' && status.status !== 'unknown' && status.sbpState === 'done') {
        current = this.journal.transition(
          current.id,
          'APPROVED',
          { ...outcomeOf(status), switchedToSbp: false },
          'recovered-approved',
          'the terminal reports it done',
        );
        if (current.kind === 'refund' && current.refundOf) this.#markRefundedIfWhole(current.refundOf);
        return current;
      }
      if (current.kind === 'payment' && status.status !== 'failed' && status.status !== 'unknown' && status.sbpState === 'reversed') {
        // Charged, then given back by an emergency cancel whose answer we did not record (a crash mid-reversal).
        return this.journal.transition(current.id, 'REVERSED', outcomeOf(status), 'recovered-reversed', 'the terminal reports it cancelled');
      }
      if (current.kind === 'refund') {
        if (status.status !== 'failed' && status.status !== 'unknown' && (status.sbpState === 'not-found' || status.sbpState === 'rejected')) {
          return this.journal.transition(current.id, 'DECLINED', { text: 'the terminal has no such refund' }, 'recovered-declined');
        }
        return current;
      }
      const request = this.journal.partRequest(current.id);
      if (!request) return current;
      const cancel = await d.emergencyCancel(messageFromRecord(request), { operationTimeoutMs: this.#recoveryCallMs });
      crashPoint('during-reversal');
      if (cancel.status === 'approved') {
        return this.journal.transition(
          current.id,
          'REVERSED',
          outcomeOf(cancel),
          'recovered-reversed',
          'emergency cancel of the same request: money given back',
        );
      }
      if (cancel.status === 'declined') {
        return this.journal.transition(current.id, 'DECLINED', outcomeOf(cancel), 'recovered-declined', cancel.text ?? 'nothing to cancel: it was not charged');
      }
      this.journal.note(current.id, 'recovery-pending', cancel.text ?? 'no answer');
      return current;
    } finally {
      this.#releaseTerminal(owner);
    }
  }

  /** A cashier who checked the terminal's journal (full report) may settle an unknown outcome by hand. */
  resolveManually(partId: string, decision: 'approved' | 'declined', note: string, rrn?: string): Part {
    const part = this.journal.getPart(partId);
    if (!part) throw new ServiceError('not-found', `no payment ${partId}`);
    if (part.state !== 'UNKNOWN') throw new ServiceError('not-unresolved', `payment ${partId} is ${part.state}`);
    const next = this.journal.transition(
      partId,
      decision === 'approved' ? 'APPROVED' : 'DECLINED',
      { ...(rrn ? { rrn } : {}), text: note },
      `resolved-by-cashier`,
      note,
    );
    if (next.state === 'APPROVED' && next.kind === 'refund' && next.refundOf) this.#markRefundedIfWhole(next.refundOf);
    this.#afterMoney(part.receiptId);
    return next;
  }

  // --- late SBP payments ------------------------------------------------------------------------

  #watchLatePayment(part: Part): void {
    const poll = this.options.sbpPollMs ?? 5000;
    const until = Date.now() + (this.options.sbpLateWindowMs ?? 10 * 60_000);
    const tick = async (): Promise<void> => {
      this.#watchers.delete(part.id);
      if (this.#stopped || Date.now() > until) return;
      let driver: PinpadDriver | undefined;
      try {
        driver = this.options.pinpad.driver();
        this.#claimTerminal(`late-payment check of ${part.id}`);
      } catch {
        this.#watchers.set(
          part.id,
          setTimeout(() => void tick(), poll),
        );
        return;
      }
      try {
        const status = await driver.status({ ofEcrNumber: part.ecrNumber!, refund: false });
        if (status.sbpState === 'done') {
          await this.#recordLatePayment(part, status);
          return;
        }
        // A QR that expired at the pin pad is exactly what may still be paid late: keep asking until the window ends.
        if (status.sbpState === 'pending' || status.sbpState === 'expired' || status.status === 'unknown' || status.status === 'failed') {
          this.#watchers.set(
            part.id,
            setTimeout(() => void tick(), poll),
          );
        }
      } catch {
        // The driver refused to run the query (busy with someone else's request): ask again later.
        if (!this.#stopped)
          this.#watchers.set(
            part.id,
            setTimeout(() => void tick(), poll),
          );
      } finally {
        this.#releaseTerminal(`late-payment check of ${part.id}`);
      }
    };
    this.#watchers.set(
      part.id,
      setTimeout(() => void tick(), poll),
    );
  }

  async #recordLatePayment(part: Part, status: PinpadResult): Promise<void> {
    const late = this.journal.createPart({
      receiptId: part.receiptId,
      kind: 'payment',
      method: 'sbp',
      amount: status.amount ?? part.amount,
      needsEcrNumber: false,
      businessDay: this.#today(),
    });
    const approved = this.journal.transition(
      late.id,
      'APPROVED',
      { ...outcomeOf(status), text: `late QR payment for till no. ${part.ecrNumber}` },
      'late-payment',
      `paid after the QR for ${part.id} expired or was cancelled`,
    );
    let reversed = false;
    const receipt = this.getReceipt(part.receiptId);
    const overpaid = receipt.paid > receipt.total || receipt.state !== 'open';
    if (this.options.reverseLatePayments || overpaid) {
      this.#releaseTerminal(`late-payment check of ${part.id}`);
      try {
        const refunds = await this.refund(part.receiptId, [{ paymentId: approved.id, amount: approved.amount }]);
        reversed = refunds.every((r) => r.state === 'APPROVED');
      } catch {
        reversed = false;
      }
    }
    this.emit('late-payment', { receiptId: part.receiptId, paymentId: part.id, latePartId: late.id, amount: approved.amount, reversed });
    this.#afterMoney(part.receiptId);
  }

  // --- service functions ----------------------------------------------------------------------------

  async #serviceOp(name: string, run: (driver: PinpadDriver) => Promise<PinpadResult>): Promise<ServiceOperationResult> {
    const driver = this.#driverOrThrow();
    this.#claimTerminal(name);
    try {
      const result = await run(driver);
      if (name === 'connection test' && result.status === 'approved')
        this.options.pinpad.noteTerminal?.({ terminalId: result.terminalId, model: result.model });
      return {
        status: result.status,
        text: result.text,
        slip: result.slip,
        terminalId: result.terminalId,
        model: result.model,
        bankName: result.bankName,
        hostTerminalId: result.hostTerminalId,
      };
    } finally {
      this.#releaseTerminal(name);
    }
  }

  testConnection(options: { operationTimeoutMs?: number } = {}): Promise<ServiceOperationResult> {
    return this.#serviceOp('connection test', (d) =>
      d.test(options.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: options.operationTimeoutMs }),
    );
  }

  /** Settlement, reconciled with the journal's totals for the day it closes (kept in the journal). */
  async settle(): Promise<SettlementResult> {
    const closing = beginClosing(this.journal, this.options.profile, this.#now);
    let answer: PinpadResult | undefined;
    const result = await this.#serviceOp('settlement', async (d) => {
      answer = await d.settle(this.journal.nextEcrNumber());
      if (answer.status === 'approved') this.journal.markSettled();
      return answer;
    });
    return { ...result, reconciliation: answer?.status === 'approved' ? closing.finish(answer) : undefined };
  }

  report(full: boolean): Promise<ServiceOperationResult> {
    return this.#serviceOp(full ? 'full report' : 'short report', (d) => d.userCommand(full ? 'full-report' : 'report'));
  }

  slipCopy(): Promise<ServiceOperationResult> {
    return this.#serviceOp('slip copy', (d) => d.userCommand('slip-copy'));
  }

  get #recoveryCallMs(): number {
    return this.options.recoveryCallMs ?? 30_000;
  }

  get busyWith(): string | undefined {
    return this.#terminalBusy;
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#watchers.values()) clearTimeout(timer);
    this.#watchers.clear();
    for (const controller of this.#inFlight.values()) controller.abort();
  }
}

export { PinpadError };
