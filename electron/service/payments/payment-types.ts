/**
 * What the payment service shares between its parts (sales, refunds, recovery, late-payment
 * watches): its options, events and result types, and the small helpers that turn terminal
 * results into journal outcomes.
 */
import type { OperationOptions, PinpadDriver } from '../../../native/inpas/driver.js';
import { PinpadError } from '../../../native/inpas/errors.js';
import { Message } from '../../../native/inpas/message.js';
import type { TerminalProfile } from '../../../native/inpas/profile.js';
import { resultFromError, type PinpadResult, type ResultContext } from '../../../native/inpas/result.js';
import type { LatePaymentEvent, PaymentEvent, PinpadHealth } from '../../contract/types.js';
import type { Journal, PartOutcome } from '../journal/journal.js';
import type { Part, Receipt } from '../journal/part-lifecycle.js';

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

export function localDay(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

export function outcomeOf(result: PinpadResult): PartOutcome {
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
export function requestRecord(message: Message): Record<string, string> {
  return message.toRecord();
}

export function messageFromRecord(record: Record<string, string>): Message {
  const input: Record<number, string> = {};
  for (const [tag, value] of Object.entries(record)) input[Number(tag)] = value;
  return Message.of(input);
}

/** The result context of a part's own request (what a live answer to it is read with). */
export function partContext(profile: TerminalProfile, part: Part, request: Message): ResultContext {
  const op = request.int(25);
  const operation = part.kind === 'payment' ? 'sale' : op === profile.operations.void ? 'void' : 'refund';
  return {
    operation,
    requestedMethod: part.method === 'sbp' ? 'sbp' : 'card',
    amount: part.amount,
    ...(part.ecrNumber !== undefined ? { ecrNumber: part.ecrNumber } : {}),
  };
}

/**
 * Runs a journaled money request. The driver turns every terminal or link outcome into a result
 * but throws when it refuses to start (session busy, bad arguments): then nothing was sent, and
 * the part must end FAILED rather than stay SENT behind an unhandled rejection. Anything else
 * thrown is treated as "may have been sent" (UNKNOWN, resolved by recovery).
 */
export async function runGuarded(driver: PinpadDriver, request: Message, ctx: ResultContext, options: OperationOptions): Promise<PinpadResult> {
  try {
    return await driver.execute(request, ctx, options);
  } catch (error) {
    const pe =
      error instanceof PinpadError ? error : new PinpadError('protocol', error instanceof Error ? error.message : String(error), { delivery: 'maybe' });
    return resultFromError(pe, ctx);
  }
}
