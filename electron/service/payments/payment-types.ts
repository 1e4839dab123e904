/**
 * What the payments share with recovery and the late-payment watches: the service's options and
 * events, and `PaymentBook`, the one interface through which recovery and the watches book what
 * the terminal answered.
 */
import type { CrashHooks } from '../crash-points.js';
import type { AnswerSource } from '../../contract/audit-events.js';
import type { PinpadDriver } from '../../../native/inpas/driver.js';
import type { TerminalProfile } from '../../../native/inpas/profile.js';
import type { PinpadResult } from '../../../native/inpas/result.js';
import type { LatePaymentEvent, PaymentEvent, PinpadHealth } from '../../contract/types.js';
import type { Journal } from '../journal/journal.js';
import type { Part, Receipt } from '../journal/part-lifecycle.js';
import type { TerminalLock } from '../pinpad/terminal-lock.js';

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
  /** `[sbp] reverseLatePayments`: give back an SBP payment that lands after its QR expired or was cancelled (else keep it on the receipt and alert). */
  readonly reverseLatePayments?: boolean;
  /** How often a late-payment watch asks about its QR payment, ms. */
  readonly sbpPollMs?: number;
  /** How long after the QR expired a payment may still land, ms (default: the profile's `latePaymentMarginSeconds`, else 10 min). */
  readonly sbpLateWindowMs?: number;
  /**
   * Cap on one recovery query (status, emergency cancel), ms. A terminal still busy with what a
   * crashed process started keeps sending WAIT frames; a capped query gives up and is asked again.
   */
  readonly recoveryCallMs?: number;
  /**
   * The configured operation timeout, ms: recovery's deadline. A status query that gets no answer
   * (a pin pad busy with the request, with or without WAIT frames, or an answer lost) is asked
   * again until this long after the first such query, before an emergency cancel may be sent.
   */
  readonly operationTimeoutMs?: number;
  /** How often background recovery asks again about parts still unresolved, ms. */
  readonly recoveryRetryMs?: number;
  readonly now?: () => Date;
  /** Where a crash-matrix child kills itself (default: nowhere). */
  readonly crash?: CrashHooks;
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

/**
 * The payments as recovery and the late-payment watches see them (payments/ledger.ts). Every
 * booking that can complete a receipt closes it in the same commit.
 */
export interface PaymentBook {
  readonly options: PaymentServiceOptions;
  /** The crash hooks of this service (options.crash, or none armed). */
  readonly crash: CrashHooks;
  readonly journal: Journal;
  readonly lock: TerminalLock;
  /** The service's clock. */
  now(): Date;
  /** The pin pad's driver; throws while it is away. */
  driver(): PinpadDriver;
  getReceipt(id: string): Receipt;
  /** Books a terminal result for a SENT or UNKNOWN part exactly as a live answer is booked. */
  settle(part: Part, result: PinpadResult, what: AnswerSource): Part;
  /** Marks an open receipt paid when it is now exactly covered (journal only; call inside the commit). */
  closeIfCovered(receiptId: string): void;
  /** Marks a payment REFUNDED once its refunds cover it (journal only). */
  markRefundedIfWhole(paymentId: string): void;
  /** Tells the screens and the POS core what the receipt now is. */
  publish(receiptId: string): void;
  /** The part is (or became, with key 1) an SBP QR payment. */
  isQrPayment(part: Part): boolean;
  /** Leaves a late-payment watch behind a payment whose QR may still be paid (journal; safe inside a commit). */
  watch(part: Part, reason: string): void;
  /** Gives parts back through the terminal (a late payment's reversal). */
  refund(receiptId: string, items: readonly RefundItem[]): Promise<Part[]>;
  emitLate(event: LatePaymentEvent): void;
}
