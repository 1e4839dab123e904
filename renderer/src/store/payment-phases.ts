/**
 * The payment on screen as a union of its phases, each holding only what it may hold, and the
 * only moves between them. A move that is illegal from the current phase returns undefined;
 * only `forget` (the receipt on screen is replaced or left) is allowed from every phase.
 */
import { UNRESOLVED_STATES, type LatePaymentEvent, type Part, type PartMethod, type PaymentEvent, type PaymentPhase, type Receipt } from '../../../electron/contract/types.js';

/** How a payment ended, as the screen tells it. */
export type Outcome = 'approved' | 'declined' | 'failed' | 'cancelled' | 'unknown' | 'reversed';
type SettledOutcome = Exclude<Outcome, 'unknown'>;

/** What the pin pad last said of a live payment ('starting' until its first event). */
export type Step = Exclude<PaymentPhase, 'done'> | 'starting';

/**
 * Where the customer is at the pin pad, read from what it shows: waiting for the card, asking
 * for the PIN, or waiting for the bank (a cancel cannot stop it any more). Only moves forward.
 */
export type PinpadStage = 'card' | 'pin' | 'processing';
const STAGE_ORDER: readonly PinpadStage[] = ['card', 'pin', 'processing'];

/** The stage a pin-pad text tells, or undefined when it tells none. */
export function stageOfText(text: string | undefined): PinpadStage | undefined {
  if (!text) return undefined;
  const t = text.toUpperCase();
  if (/ОБРАБОТК|ЖДИТЕ ОТВЕТА|СВЯЗЬ С БАНК|ЗАПРОС В БАНК|PROCESSING|AUTHORI[SZ]/.test(t)) return 'processing';
  if (/ПИН|PIN/.test(t)) return 'pin';
  if (/ПРИЛОЖИТЕ|ВСТАВЬТЕ|ПРОВЕДИТЕ|КАРТ|CARD/.test(t)) return 'card';
  return undefined;
}

/** What ended a payment differently from what its first answer said. */
export type Turn = 'cancel-too-late' | 'late-kept' | 'late-reversed';

export interface Qr {
  readonly payload: string | undefined;
  readonly expiresAt: number;
}

/** What every attempt knows from the moment it is sent. */
interface Attempt {
  readonly receiptId: string;
  readonly requestedMethod: PartMethod;
  /** Follows a key-1 switch: a switched card sale is an SBP payment. */
  readonly method: PartMethod;
  readonly amount: number;
  readonly startedAt: number;
}

/** No payment on screen. */
export interface IdlePayment {
  readonly status: 'idle';
}

/** The method dialog is open; the result of the payment before it (if any) stays on screen. */
export interface ChoosingPayment {
  readonly status: 'choosing';
  readonly previous: DonePayment | undefined;
}

/** `payment.start` is on its way; the id is not known yet. */
export interface StartingPayment extends Attempt {
  readonly status: 'starting';
  /** Events of this receipt that came before the payment id was known. */
  readonly early: readonly PaymentEvent[];
  /** Part ids of the receipt when the payment started: a lost start is found among the new ones. */
  readonly knownParts: readonly string[];
}

/** The connection dropped before `payment.start` answered: the service decides; the screen waits. */
export interface LostPayment extends Attempt {
  readonly status: 'lost';
  readonly early: readonly PaymentEvent[];
  readonly knownParts: readonly string[];
}

interface Live extends Attempt {
  readonly id: string;
  readonly step: Step;
  readonly switched: boolean;
  readonly qr: Qr | undefined;
  /** What the pin pad asked the till to show. */
  readonly screenText: string | undefined;
  /** Where the customer is at the pin pad (undefined until its text tells). */
  readonly stage: PinpadStage | undefined;
  /** When that stage began (ms). */
  readonly stageAt: number;
  /** When the pin pad last said anything (ms). */
  readonly heardAt: number;
}

/** At the pin pad; "Отмена" may be pressed. */
export interface RunningPayment extends Live {
  readonly status: 'running';
}

/** A cancel was requested; the outcome is what the terminal then says. */
interface CancellingPayment extends Live {
  readonly status: 'cancelling';
}

/** The outcome is not known: nothing may pay again until the service resolves it. */
interface UnknownPayment extends Attempt {
  readonly status: 'unknown';
  readonly id: string;
  readonly switched: boolean;
  readonly part: Part | undefined;
}

/** A known outcome. */
export interface DonePayment extends Attempt {
  readonly status: 'done';
  readonly id: string;
  readonly switched: boolean;
  readonly outcome: SettledOutcome;
  readonly part: Part;
  /** The money turned after the first answer: a cancel that came too late, a QR paid after all. */
  readonly turn?: Turn | undefined;
}

export type Payment = IdlePayment | ChoosingPayment | StartingPayment | LostPayment | RunningPayment | CancellingPayment | UnknownPayment | DonePayment;
/** A payment that was sent (every phase but idle and choosing). */
export type SentPayment = Exclude<Payment, IdlePayment | ChoosingPayment>;
export type LivePayment = RunningPayment | CancellingPayment;

export const IDLE: IdlePayment = { status: 'idle' };
const MAX_EARLY_EVENTS = 100;

export interface NewAttempt {
  readonly receiptId: string;
  readonly method: PartMethod;
  readonly amount: number;
  readonly startedAt: number;
  readonly knownParts: readonly string[];
}

// --- reading a payment ------------------------------------------------------------------------------

/** Started and not yet answered (or its start was lost on the way). */
export function isRunning(p: Payment): p is StartingPayment | LostPayment | LivePayment {
  return p.status === 'starting' || p.status === 'lost' || p.status === 'running' || p.status === 'cancelling';
}

/** The payment whose progress or result is on screen (behind the method dialog: the one before). */
export function shownPayment(p: Payment): SentPayment | undefined {
  if (p.status === 'idle') return undefined;
  if (p.status === 'choosing') return p.previous;
  return p;
}

export function idOf(p: Payment): string | undefined {
  const s = shownPayment(p);
  return s === undefined || s.status === 'starting' || s.status === 'lost' ? undefined : s.id;
}

export function outcomeOf(p: Payment): Outcome | undefined {
  const s = shownPayment(p);
  if (s?.status === 'done') return s.outcome;
  if (s?.status === 'unknown') return 'unknown';
  return undefined;
}

/** The pin pad's phase as the progress view tells it ('starting' before the id, 'done' after the outcome). */
export function phaseOf(p: Payment): Step | 'done' | undefined {
  const s = shownPayment(p);
  if (s === undefined) return undefined;
  if (s.status === 'starting' || s.status === 'lost') return 'starting';
  if (s.status === 'running' || s.status === 'cancelling') return s.step;
  return 'done';
}

function outcomeOfPart(part: Part, cancelRequested: boolean): Outcome {
  switch (part.state) {
    case 'APPROVED':
    case 'REFUNDED':
      return 'approved';
    case 'DECLINED':
      return cancelRequested ? 'cancelled' : 'declined';
    case 'FAILED':
      return cancelRequested ? 'cancelled' : 'failed';
    case 'REVERSED':
      return 'reversed';
    default:
      return 'unknown';
  }
}

// --- moves --------------------------------------------------------------------------------------------

/** Opens the method dialog: from nothing, or after a known outcome (never while running or unknown). */
export function choose(p: Payment): ChoosingPayment | undefined {
  if (p.status === 'choosing') return p;
  if (p.status === 'idle') return { status: 'choosing', previous: undefined };
  if (p.status === 'done') return { status: 'choosing', previous: p };
  return undefined;
}

/** Closes the method dialog: back to what was on screen before it. */
export function closeChoice(p: Payment): DonePayment | IdlePayment | undefined {
  if (p.status !== 'choosing') return undefined;
  return p.previous ?? IDLE;
}

/** Sends a payment: only when none is running and no outcome is unknown. */
export function begin(p: Payment, attempt: NewAttempt): StartingPayment | undefined {
  if (p.status !== 'idle' && p.status !== 'choosing' && p.status !== 'done') return undefined;
  const { knownParts, ...rest } = attempt;
  return { status: 'starting', ...rest, requestedMethod: attempt.method, early: [], knownParts };
}

/** `payment.start` answered (or the lost start was found): the payment has its id. */
export function adopt(p: Payment, id: string, at?: number): RunningPayment | undefined {
  if (p.status !== 'starting' && p.status !== 'lost') return undefined;
  const { receiptId, requestedMethod, method, amount, startedAt } = p;
  return {
    status: 'running',
    receiptId,
    requestedMethod,
    method,
    amount,
    startedAt,
    id,
    step: 'starting',
    switched: false,
    qr: undefined,
    screenText: undefined,
    stage: undefined,
    stageAt: at ?? startedAt,
    heardAt: at ?? startedAt,
  };
}

/**
 * After a reload of the screen: a payment of the receipt that is still at the pin pad (or whose
 * outcome is not known) is shown as it stands, and its further events are taken.
 */
export function resume(p: Payment, receipt: Receipt, at: number): RunningPayment | UnknownPayment | undefined {
  if (p.status !== 'idle' && p.status !== 'choosing') return undefined;
  const part = [...receipt.parts].reverse().find((x) => x.kind === 'payment' && UNRESOLVED_STATES.has(x.state));
  if (!part) return undefined;
  const base = {
    receiptId: receipt.id,
    requestedMethod: part.switchedToSbp ? ('card' as const) : part.method,
    method: part.method,
    amount: part.amount,
    startedAt: Date.parse(part.createdAt) || at,
    id: part.id,
    switched: part.switchedToSbp,
  };
  if (part.state === 'UNKNOWN') return { status: 'unknown', ...base, part };
  const qr = part.qr && part.qr.expiresAt > at ? part.qr : undefined;
  return {
    status: 'running',
    ...base,
    method: qr ? 'sbp' : part.method,
    step: part.state === 'INTENT' ? 'intent' : 'sent',
    qr,
    screenText: undefined,
    stage: undefined,
    stageAt: at,
    heardAt: at,
  };
}

/** The connection dropped before `payment.start` answered. */
export function lose(p: Payment): LostPayment | undefined {
  if (p.status !== 'starting') return undefined;
  return { ...p, status: 'lost' };
}

/** The start was refused, or the lost start never reached the service: nothing was charged. */
export function abandon(p: Payment): IdlePayment | undefined {
  return p.status === 'starting' || p.status === 'lost' ? IDLE : undefined;
}

/** The receipt on screen is replaced or left: its payment is forgotten; an open method dialog stays open. */
export function forget(p: Payment): IdlePayment | ChoosingPayment {
  return p.status === 'choosing' ? { status: 'choosing', previous: undefined } : IDLE;
}

/** Holds an event of this receipt until the payment id is known. */
export function hold(p: Payment, event: PaymentEvent): StartingPayment | LostPayment | undefined {
  if ((p.status !== 'starting' && p.status !== 'lost') || p.receiptId !== event.receiptId) return undefined;
  if (p.early.length >= MAX_EARLY_EVENTS) return p;
  return { ...p, early: [...p.early, event] };
}

/** The outcome a part gives a live payment: unknown or done. */
function settle(p: LivePayment | UnknownPayment, part: Part | undefined, cancelRequested: boolean, switched: boolean): UnknownPayment | DonePayment {
  const { receiptId, requestedMethod, amount, startedAt, id } = p;
  const base = { receiptId, requestedMethod, amount, startedAt, id, switched };
  if (!part) return { status: 'unknown', ...base, method: p.method, part: undefined };
  const outcome = outcomeOfPart(part, cancelRequested);
  if (outcome === 'unknown') return { status: 'unknown', ...base, method: part.method, part };
  // The customer asked to cancel, the bank approved anyway: the screen says so, plainly.
  const turn = cancelRequested && outcome === 'approved' ? ('cancel-too-late' as const) : undefined;
  return { status: 'done', ...base, method: part.method, outcome, part, ...(turn ? { turn } : {}) };
}

/**
 * A QR payment that ended unpaid was paid after all (the late-payment watch found it): the
 * screen shows the new truth as the payment's result. Undefined when the event is another payment's.
 */
export function lateArrived(p: Payment, event: LatePaymentEvent, latePart: Part | undefined): DonePayment | undefined {
  const shown = shownPayment(p);
  if (shown?.status !== 'done' || shown.id !== event.paymentId) return undefined;
  const part = latePart ?? { ...shown.part, amount: event.amount };
  return event.reversed
    ? { ...shown, outcome: 'reversed', amount: event.amount, part, turn: 'late-reversed' }
    : { ...shown, outcome: 'approved', amount: event.amount, part, turn: 'late-kept' };
}

/** A new pin-pad text: the stage it tells (never backwards) and since when. */
function heard(p: LivePayment, text: string | undefined, at: number | undefined): Pick<Live, 'stage' | 'stageAt' | 'heardAt'> {
  const when = at ?? p.heardAt;
  const told = stageOfText(text);
  const forward = told !== undefined && (p.stage === undefined || STAGE_ORDER.indexOf(told) > STAGE_ORDER.indexOf(p.stage));
  return forward ? { stage: told, stageAt: when, heardAt: when } : { stage: p.stage, stageAt: p.stageAt, heardAt: when };
}

/**
 * One event of a live payment. Undefined when the payment takes no events (not sent, no id
 * yet, or its outcome is final for the screen — the receipt reconciles later changes) or when
 * the event is another payment's.
 */
export function applyEvent(p: Payment, event: PaymentEvent, at?: number): Payment | undefined {
  if ((p.status !== 'running' && p.status !== 'cancelling') || p.id !== event.paymentId) return undefined;
  switch (event.phase) {
    case 'intent':
    case 'sent':
    case 'wait':
      return { ...p, step: event.phase, ...heard(p, undefined, at) };
    case 'screen':
      return { ...p, step: event.phase, screenText: event.text, ...heard(p, event.text, at) };
    case 'qr':
      return { ...p, step: event.phase, qr: event.qr, ...heard(p, undefined, at), ...(p.requestedMethod === 'card' ? { switched: true, method: 'sbp' as const } : {}) };
    case 'method-switched':
      return { ...p, step: event.phase, switched: true, method: 'sbp', ...heard(p, undefined, at) };
    case 'cancel-requested':
      return { ...p, status: 'cancelling', step: event.phase, ...heard(p, undefined, at) };
    case 'done':
      return settle(p, event.part, p.status === 'cancelling', p.switched || (event.part?.switchedToSbp ?? false));
  }
}

/**
 * The receipt says more than the events did (missed events, recovery): the screen follows it.
 * Returns the payment unchanged when the receipt adds nothing.
 */
export function reconcile(p: Payment, receipt: Receipt | undefined): Payment {
  if ((p.status !== 'running' && p.status !== 'cancelling' && p.status !== 'unknown') || !receipt || receipt.id !== p.receiptId) return p;
  const part = receipt.parts.find((x) => x.id === p.id);
  if (!part) return p;
  if (p.status !== 'unknown') {
    return part.state === 'INTENT' || part.state === 'SENT' ? p : settle(p, part, p.status === 'cancelling', p.switched);
  }
  // Resolved through the terminal (or by a cashier): the screen follows the service.
  return UNRESOLVED_STATES.has(part.state) ? p : settle(p, part, false, p.switched);
}
