/** The pin-pad driver: typed operations (sale, void, refund, SBP, settlement, reports) built on a session, with amounts in kopecks. */
import { asPinpadError, PinpadError } from './errors.js';
import { Message, type FieldInput, type FieldValue } from './message.js';
import { profileFields, type TerminalProfile } from './profile.js';
import { resultFromError, resultFromResponse, type PaymentMethod, type PinpadResult, type ResultContext } from './result.js';
import type { Session, SessionEvent } from './session.js';
import { Tag } from './tags.js';

export const MAX_ECR_NUMBER = 999_999;
/** 99 999 999 999.99 RUB is far beyond any till; amounts above are typos. */
export const MAX_AMOUNT_KOPECKS = 9_999_999_999_999;

export type DriverEvent =
  | SessionEvent
  /** The pin pad shows a QR code; `payload` is its content when the profile says where to find it. */
  | { readonly type: 'qr'; readonly payload: string | undefined; readonly expiresAt: number }
  /** The customer pressed key 1: the card sale became an SBP QR payment. */
  | { readonly type: 'method-switched'; readonly method: 'sbp' };

export interface OperationOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: DriverEvent) => void;
  /** Overrides the driver's whole-operation timeout, ms. */
  readonly operationTimeoutMs?: number;
  /** After a cancel (the signal) is sent, how long to wait for the terminal's answer, ms (default: the response timeout). */
  readonly abortGraceMs?: number;
}

export interface DriverOptions {
  readonly session: Session;
  readonly profile: TerminalProfile;
  /** Field 27; empty asks the terminal to tell its id in a connection test. */
  readonly terminalId?: string;
  /** Field 4, numeric ISO 4217; 643 is the rouble. */
  readonly currency?: string;
  readonly responseTimeoutMs?: number;
  readonly operationTimeoutMs?: number;
  readonly settlementTimeoutMs?: number;
  readonly now?: () => Date;
}

export interface SaleRequest {
  readonly amount: number;
  readonly ecrNumber: number;
  readonly method: PaymentMethod;
}
export interface VoidRequest {
  readonly amount: number;
  readonly ecrNumber: number;
  readonly rrn: string;
  readonly authCode?: string;
  /** Method of the payment being voided: decides field 34 (the original operation). */
  readonly method?: PaymentMethod;
}
export interface RefundRequest {
  readonly amount: number;
  readonly ecrNumber: number;
  readonly rrn: string;
  readonly authCode?: string;
  readonly method: PaymentMethod;
}
export interface StatusRequest {
  /** The till number (field 26) of the payment or refund asked about. */
  readonly ofEcrNumber?: number;
  readonly rrn?: string;
  readonly refund: boolean;
}

export function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT_KOPECKS) {
    throw new PinpadError('usage', `amount must be a whole number of kopecks above 0, got ${String(amount)}`);
  }
}

export function checkEcrNumber(ecr: number): void {
  if (!Number.isSafeInteger(ecr) || ecr < 0 || ecr > MAX_ECR_NUMBER) {
    throw new PinpadError('usage', `till transaction number must be 0..${MAX_ECR_NUMBER}, got ${String(ecr)}`);
  }
}

function checkRrn(rrn: string): void {
  if (!/^[0-9A-Za-z]{1,12}$/.test(rrn)) throw new PinpadError('usage', `RRN must be 1–12 letters or digits, got "${rrn}"`);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** YYYYMMDDhhmmss in local time, as field 21 wants. */
export function tillDateTime(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/**
 * The operations of an Inpas pin pad. Builds requests from the terminal profile, runs them
 * through the session, and returns typed results. Terminal outcomes never throw: a missing
 * answer becomes `failed` or `unknown` by how far the request got. Only building a request from
 * wrong arguments throws (before anything runs).
 */
export class PinpadDriver {
  readonly profile: TerminalProfile;
  readonly #session: Session;
  readonly #terminalId: string;
  readonly #currency: string;
  readonly #responseTimeoutMs: number;
  readonly #operationTimeoutMs: number;
  readonly #settlementTimeoutMs: number;
  readonly #now: () => Date;
  #lastRequest: Message | undefined;

  constructor(options: DriverOptions) {
    this.profile = options.profile;
    this.#session = options.session;
    this.#terminalId = options.terminalId ?? '';
    this.#currency = options.currency ?? '643';
    if (!/^\d{3}$/.test(this.#currency)) throw new PinpadError('config', `currency must be a 3-digit numeric code such as 643, got "${this.#currency}"`);
    if (!/^[0-9A-Za-z]{0,16}$/.test(this.#terminalId))
      throw new PinpadError('config', `terminal id must be up to 16 letters or digits, got "${this.#terminalId}"`);
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 45_000;
    this.#operationTimeoutMs = options.operationTimeoutMs ?? 180_000;
    this.#settlementTimeoutMs = options.settlementTimeoutMs ?? 600_000;
    this.#now = options.now ?? (() => new Date());
  }

  get terminalId(): string {
    return this.#terminalId;
  }

  /** The last request sent: what an emergency cancel (53) repeats. */
  get lastRequest(): Message | undefined {
    return this.#lastRequest;
  }

  #base(operation: number, ecrNumber: number | undefined): FieldInput {
    return {
      [Tag.operation]: operation,
      [Tag.ecrNumber]: ecrNumber,
      [Tag.terminalId]: this.#terminalId || undefined,
      [Tag.tillDateTime]: tillDateTime(this.#now()),
    };
  }

  buildTest(): Message {
    return Message.of({ [Tag.operation]: this.profile.operations.testConnection, [Tag.terminalId]: this.#terminalId || undefined });
  }

  buildSale(request: SaleRequest): Message {
    checkAmount(request.amount);
    checkEcrNumber(request.ecrNumber);
    const sbp = request.method === 'sbp';
    return Message.of({
      ...(sbp ? profileFields(this.profile.sbp.payment.fields) : {}),
      ...this.#base(sbp ? this.profile.sbp.payment.operation : this.profile.operations.sale, request.ecrNumber),
      [Tag.amount]: request.amount,
      [Tag.currency]: this.#currency,
    });
  }

  buildVoid(request: VoidRequest): Message {
    checkAmount(request.amount);
    checkEcrNumber(request.ecrNumber);
    checkRrn(request.rrn);
    const original = request.method === 'sbp' ? this.profile.sbp.payment.operation : this.profile.operations.sale;
    return Message.of({
      ...this.#base(this.profile.operations.void, request.ecrNumber),
      [Tag.amount]: request.amount,
      [Tag.currency]: this.#currency,
      [Tag.authCode]: request.authCode,
      [Tag.rrn]: request.rrn,
      [Tag.originalOperation]: original,
    });
  }

  buildRefund(request: RefundRequest): Message {
    checkAmount(request.amount);
    checkEcrNumber(request.ecrNumber);
    checkRrn(request.rrn);
    if (request.method === 'sbp') {
      const spec = this.profile.sbp.refund;
      return Message.of({
        ...profileFields(spec.fields),
        ...this.#base(spec.operation, request.ecrNumber),
        [Tag.amount]: request.amount,
        [Tag.currency]: this.#currency,
        [Tag.rrn]: spec.carries.includes('rrn') ? request.rrn : undefined,
        [Tag.authCode]: spec.carries.includes('authCode') ? request.authCode : undefined,
      });
    }
    return Message.of({
      ...this.#base(this.profile.operations.refund, request.ecrNumber),
      [Tag.amount]: request.amount,
      [Tag.currency]: this.#currency,
      [Tag.authCode]: request.authCode,
      [Tag.rrn]: request.rrn,
    });
  }

  buildStatus(request: StatusRequest, ownEcrNumber?: number): Message {
    const spec = request.refund ? this.profile.sbp.refundStatus : this.profile.sbp.paymentStatus;
    if (request.ofEcrNumber === undefined && request.rrn === undefined)
      throw new PinpadError('usage', 'a status query needs the till number (--ecr) or the RRN (--rrn)');
    if (request.ofEcrNumber !== undefined) checkEcrNumber(request.ofEcrNumber);
    if (request.rrn !== undefined) checkRrn(request.rrn);
    const fields: Record<number, FieldValue | undefined> = {
      ...profileFields(spec.fields),
      ...this.#base(spec.operation, spec.byEcrField === Tag.ecrNumber ? undefined : ownEcrNumber),
    };
    if (request.ofEcrNumber !== undefined) fields[spec.byEcrField] = request.ofEcrNumber;
    if (request.rrn !== undefined) fields[spec.byRrnField] = request.rrn;
    return Message.of(fields);
  }

  buildSettlement(ecrNumber: number): Message {
    checkEcrNumber(ecrNumber);
    return Message.of(this.#base(this.profile.operations.settlement, ecrNumber));
  }

  buildUserCommand(kind: 'report' | 'full-report' | 'slip-copy'): Message {
    const number =
      kind === 'report'
        ? this.profile.userCommands.shortReport
        : kind === 'full-report'
          ? this.profile.userCommands.fullReport
          : this.profile.userCommands.slipCopy;
    return Message.of({ [Tag.operation]: this.profile.operations.userCommand, [Tag.terminalId]: this.#terminalId || undefined, [Tag.commandMode2]: number });
  }

  /** Emergency cancel: the given (last) request resent unchanged except 25 = 53. */
  buildEmergencyCancel(lastRequest: Message): Message {
    return lastRequest.with({ [Tag.operation]: this.profile.operations.emergencyCancel });
  }

  test(options: OperationOptions = {}): Promise<PinpadResult> {
    return this.execute(this.buildTest(), { operation: 'test', terminalId: this.#terminalId || undefined }, options);
  }

  sale(request: SaleRequest, options: OperationOptions = {}): Promise<PinpadResult> {
    return this.execute(
      this.buildSale(request),
      { operation: 'sale', requestedMethod: request.method, amount: request.amount, ecrNumber: request.ecrNumber },
      options,
    );
  }

  void(request: VoidRequest, options: OperationOptions = {}): Promise<PinpadResult> {
    return this.execute(
      this.buildVoid(request),
      { operation: 'void', requestedMethod: request.method ?? 'card', amount: request.amount, ecrNumber: request.ecrNumber },
      options,
    );
  }

  refund(request: RefundRequest, options: OperationOptions = {}): Promise<PinpadResult> {
    return this.execute(
      this.buildRefund(request),
      { operation: 'refund', requestedMethod: request.method, amount: request.amount, ecrNumber: request.ecrNumber },
      options,
    );
  }

  status(request: StatusRequest, options: OperationOptions & { ownEcrNumber?: number } = {}): Promise<PinpadResult> {
    const message = this.buildStatus(request, options.ownEcrNumber);
    return this.execute(message, { operation: request.refund ? 'refund-status' : 'status', requestedMethod: 'sbp', ecrNumber: request.ofEcrNumber }, options);
  }

  settle(ecrNumber: number, options: OperationOptions = {}): Promise<PinpadResult> {
    return this.execute(this.buildSettlement(ecrNumber), { operation: 'settle', ecrNumber }, { operationTimeoutMs: this.#settlementTimeoutMs, ...options });
  }

  userCommand(kind: 'report' | 'full-report' | 'slip-copy', options: OperationOptions = {}): Promise<PinpadResult> {
    return this.execute(this.buildUserCommand(kind), { operation: kind }, { operationTimeoutMs: this.#settlementTimeoutMs, ...options });
  }

  emergencyCancel(lastRequest: Message, options: OperationOptions = {}): Promise<PinpadResult> {
    const amount = lastRequest.int(Tag.amount);
    const ecrNumber = lastRequest.int(Tag.ecrNumber);
    return this.execute(this.buildEmergencyCancel(lastRequest), { operation: 'emergency-cancel', amount, ecrNumber }, options);
  }

  /** Runs a built request. Never throws: every terminal, link or session outcome is a result. */
  async execute(request: Message, ctx: ResultContext, options: OperationOptions = {}): Promise<PinpadResult> {
    const context: ResultContext = { ...ctx, terminalId: ctx.terminalId ?? (this.#terminalId || undefined) };
    const onEvent = options.onEvent;
    let switched = false;
    let qrSeen = false;
    const qrField = this.profile.sbp.qrPayloadField;
    const expiryField = this.profile.sbp.qrExpiryField;
    const onSessionEvent = (event: SessionEvent): void => {
      onEvent?.(event);
      if (event.type !== 'wait') return;
      const payload = qrField === undefined ? undefined : event.message.text(qrField);
      const switchedNow = ctx.operation === 'sale' && ctx.requestedMethod === 'card' && (payload !== undefined || this.#markedSwitched(event.message));
      if (switchedNow && !switched) {
        switched = true;
        onEvent?.({ type: 'method-switched', method: 'sbp' });
      }
      if (payload !== undefined && !qrSeen) {
        qrSeen = true;
        const seconds = (expiryField === undefined ? undefined : event.message.int(expiryField)) ?? this.profile.sbp.qrLifetimeSeconds;
        onEvent?.({ type: 'qr', payload, expiresAt: this.#now().getTime() + seconds * 1000 });
      }
    };
    if (request.int(Tag.operation) !== this.profile.operations.emergencyCancel && request.has(Tag.ecrNumber)) this.#lastRequest = request;
    try {
      const response = await this.#session.transact(request, {
        responseTimeoutMs: this.#responseTimeoutMs,
        operationTimeoutMs: options.operationTimeoutMs ?? this.#operationTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.abortGraceMs !== undefined ? { abortGraceMs: options.abortGraceMs } : {}),
        onEvent: onSessionEvent,
        answerOperations: this.#answerOperations(request),
      });
      return resultFromResponse(this.profile, response, context);
    } catch (error) {
      // The one place that turns a failure into a result. A request that could not start (the
      // session busy, a wrong argument) was never sent: `failed`. Anything unexpected may have
      // been sent: `unknown`, for recovery to resolve through the terminal.
      const pe = asPinpadError(error, 'protocol', 'maybe');
      return resultFromError(pe, context);
    }
  }

  /** Final answers the terminal sent outside the exchange running (the answer to a request sent before). */
  onStrayAnswer(listener: (message: Message) => void): () => void {
    return this.#session.onStrayAnswer(listener);
  }

  /**
   * Whether `answer` is the terminal's final answer to `request`: the same till number (26) and
   * the request's operation (or one it may be answered as: a sale switched to SBP).
   */
  isAnswerTo(request: Message, answer: Message): boolean {
    const ecr = request.int(Tag.ecrNumber);
    if (ecr === undefined || answer.int(Tag.ecrNumber) !== ecr || answer.has(Tag.commandMode2)) return false;
    const op = answer.int(Tag.operation);
    return op !== undefined && (op === request.int(Tag.operation) || this.#answerOperations(request).includes(op));
  }

  /** The typed result of a final answer that came outside its exchange. */
  resultOf(answer: Message, ctx: ResultContext): PinpadResult {
    return resultFromResponse(this.profile, answer, { ...ctx, terminalId: ctx.terminalId ?? (this.#terminalId || undefined) });
  }

  /** A card sale may be answered as the SBP payment the customer switched to; an emergency cancel as the operation it cancels. */
  #answerOperations(request: Message): number[] {
    const op = request.int(Tag.operation);
    const ops: number[] = [];
    const marker = this.profile.sbp.switchMarker;
    if (op === this.profile.operations.sale && marker.field === Tag.operation && /^\d+$/.test(marker.value)) ops.push(Number(marker.value));
    return ops;
  }

  #markedSwitched(message: Message): boolean {
    const { field, value } = this.profile.sbp.switchMarker;
    return field !== Tag.operation && message.text(field)?.trim() === value;
  }
}
