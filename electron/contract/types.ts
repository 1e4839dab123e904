/**
 * The data that crosses the boundary: receipts, parts, events, pin-pad health, refund plans and
 * service results. The service implements these shapes; the renderer and the bridge read them.
 */

import type { ResultStatus } from '../../native/inpas/result.js';
import type { SettlementTotals, Total, TotalKind } from '../../native/inpas/settlement-totals.js';

export const PART_STATES = ['INTENT', 'SENT', 'APPROVED', 'DECLINED', 'FAILED', 'UNKNOWN', 'REVERSED', 'REFUNDED'] as const;
export type PartState = (typeof PART_STATES)[number];

/** States in which the terminal may hold money we do not know about. */
export const UNRESOLVED_STATES: ReadonlySet<PartState> = new Set(['INTENT', 'SENT', 'UNKNOWN']);

export type PartMethod = 'card' | 'sbp' | 'cash';
/** A payment takes money; a refund (void, refund, cash refund) gives it back. */
export type PartKind = 'payment' | 'refund';
/** How a refund is done at the terminal. */
export type RefundHow = 'void' | 'refund' | 'cash';

export type ReceiptState =
  /** Money still due. */
  | 'open'
  /** Exactly covered. */
  | 'paid'
  /** Cancelled: every approved part was given back. */
  | 'cancelled';

export interface ReceiptLine {
  readonly name: string;
  readonly quantity: number;
  /** Kopecks for the whole line. */
  readonly amount: number;
}

export interface QrInfo {
  readonly payload: string | undefined;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

/** A part's slip: the customer's and the cashier's copies, lines separated by "\n", and the card scheme the terminal named. */
export interface PartSlip {
  readonly customer?: string | undefined;
  readonly cashier?: string | undefined;
  readonly cardType?: string | undefined;
}

export interface Part {
  readonly id: string;
  readonly receiptId: string;
  readonly kind: PartKind;
  readonly method: PartMethod;
  /** For refunds: how it is done. */
  readonly how: RefundHow | undefined;
  /** For refunds: the payment part it gives money back for. */
  readonly refundOf: string | undefined;
  readonly amount: number;
  readonly state: PartState;
  /** Till transaction number (field 26); never reused. Cash parts have none. */
  readonly ecrNumber: number | undefined;
  readonly rrn: string | undefined;
  readonly authCode: string | undefined;
  readonly responseCode: string | undefined;
  readonly text: string | undefined;
  readonly cardMasked: string | undefined;
  readonly terminalId: string | undefined;
  /** The customer switched this card sale to SBP with key 1. */
  readonly switchedToSbp: boolean;
  /** How much of this payment has been given back (approved refunds). */
  readonly refunded: number;
  /** Local business day (YYYY-MM-DD) on which it was approved; decides void vs refund. */
  readonly businessDay: string;
  /** A settlement has happened since this payment: a void no longer works. */
  readonly settled: boolean;
  /** The slip texts as the terminal sent them (card numbers masked to first 6 / last 4), for the POS core to print. */
  readonly slip: PartSlip | undefined;
  readonly qr: QrInfo | undefined;
  /** The receipt (slip) number the terminal printed (field 108), where it sends one. */
  readonly slipNumber?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Receipt {
  /** Internal key (UUID); never shown to a customer or cashier. */
  readonly id: string;
  /** What a cashier reads out: the receipt's number within its day. */
  readonly shortNumber?: number | undefined;
  readonly lines: readonly ReceiptLine[];
  readonly total: number;
  readonly state: ReceiptState;
  /** Σ approved payments − Σ approved refunds. */
  readonly paid: number;
  /** total − paid, while open. */
  readonly remaining: number;
  readonly refunded: number;
  readonly parts: readonly Part[];
  /** Why no money operation is accepted now (an unresolved part), or undefined. */
  readonly blockedReason: string | undefined;
  /** The POS core said at `receipt.open` that it prints the receipt (with the parts' slips). */
  readonly posPrints: boolean;
  /** The POS core confirmed with `receipt.printed` that the receipt is printed. */
  readonly printed: boolean;
  /**
   * QR payments of this receipt that may still be paid at the bank (an open late-payment watch):
   * until they end, the screen says a result is still possible and never walks away from the receipt.
   */
  readonly lateWatches?: readonly { readonly paymentId: string; readonly deadline: string }[] | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type PaymentPhase = 'intent' | 'sent' | 'wait' | 'screen' | 'qr' | 'method-switched' | 'cancel-requested' | 'done';

export interface PaymentEvent {
  readonly paymentId: string;
  readonly receiptId: string;
  readonly phase: PaymentPhase;
  readonly text?: string;
  readonly qr?: { readonly payload: string | undefined; readonly expiresAt: number };
  readonly part?: Part;
}

export interface LatePaymentEvent {
  readonly receiptId: string;
  readonly paymentId: string;
  readonly latePartId: string;
  readonly amount: number;
  readonly reversed: boolean;
}

/** A late-payment watch as the service screen shows it. */
export interface LateWatchView {
  readonly paymentId: string;
  readonly receiptId: string;
  readonly receiptShortNumber: number | undefined;
  readonly amount: number;
  /** Why it is watched: declined, expired, reversed by recovery, cancelled by the customer. */
  readonly reason: string;
  /** ISO time after which a final "not paid" ends the watch. */
  readonly deadline: string;
  /** `watching` may be ended by a cashier; `reversing` is giving a late payment back. */
  readonly state: 'watching' | 'reversing' | 'paid' | 'not-paid' | 'decided';
  readonly detail: string | undefined;
}

export interface RefundPlanItem {
  readonly paymentId: string;
  readonly amount: number;
  readonly how: RefundHow;
  readonly method: PartMethod;
  /** Why this way (shown to the cashier). */
  readonly reason: string;
  readonly needsCard: boolean;
}

/** How a pin-pad operation ended, as the driver reports it (declared with the driver's result). */
export type OperationStatus = ResultStatus;

export interface ServiceOperationResult {
  readonly status: OperationStatus;
  readonly text: string | undefined;
  readonly slip: { readonly customer?: string; readonly cashier?: string; readonly cardType?: string } | undefined;
  readonly terminalId: string | undefined;
  readonly model: string | undefined;
  /** Fields 105 and 104, where the terminal sends them. */
  readonly bankName?: string | undefined;
  readonly hostTerminalId?: string | undefined;
}

/** 'wrong-terminal-id': connected, but the pin pad answered with another terminal id than configured; money is refused. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'wrong-terminal-id' | 'stopped';

export interface PinpadHealth {
  readonly state: ConnectionState;
  /** The built-in emulator stands in for a pin pad. */
  readonly emulator: boolean;
  readonly target: string;
  readonly terminalId: string | undefined;
  readonly model: string | undefined;
  /** Why it is not connected, or not answering, in words. */
  readonly problem: string | undefined;
  readonly since: string;
  /** ISO time of the last byte the pin pad sent (an ACK, a WAIT, an answer); undefined before its first. */
  readonly lastAnswerAt?: string | undefined;
  /** False while a request has had nothing back for a few seconds: the port is open but the pin pad is silent. */
  readonly answering?: boolean | undefined;
}

/**
 * Whether the app takes money. `stopping`: a stop (SIGTERM, quit, window closed) has begun; what is
 * at the pin pad is being finished and journaled, and a new payment, refund or receipt
 * cancellation gets the error `stopping`. Screens say "the till is closing" and offer no payment.
 */
export type LifecycleState = 'running' | 'stopping';

export interface AppLifecycle {
  readonly state: LifecycleState;
  /** Why it is stopping (e.g. "SIGTERM", "quit"); undefined while running. */
  readonly reason: string | undefined;
  /** ISO time of the last change. */
  readonly since: string;
}

export interface AuditView {
  readonly at: string;
  readonly receiptId: string | null;
  readonly partId: string | null;
  readonly fromState: string | null;
  readonly toState: string | null;
  readonly event: string;
  readonly detail: string | null;
  /** The receipt's short number of its day ("Чек № 3"). */
  readonly receiptNumber: number | null;
  /** Kopecks: the payment's amount, or for a receipt event its total. */
  readonly amount: number | null;
}

export interface PublicConfig {
  readonly mode: 'kiosk' | 'till';
  readonly locale: 'ru' | 'en';
  readonly qrSbp: boolean;
  readonly emulator: boolean;
  readonly pinpadTarget: string;
  readonly terminalId: string;
  readonly currencyCodeNumeric: number;
  readonly timeoutSeconds: number;
  readonly servicePinSet: boolean;
  readonly bank: { readonly partialSameDayQrRefund: boolean; readonly refundSwitchedPayment: boolean };
  readonly profileName: string;
}

// --- close of day ----------------------------------------------------------------------------

/** The totals a settlement compares (card sales, SBP sales, voids, refunds): declared where the terminal's report is read. */
export type { SettlementTotals, Total, TotalKind } from '../../native/inpas/settlement-totals.js';

/** Why the journal and the terminal may disagree. */
export type ExplanationReason = 'unknown' | 'manual' | 'late-payment' | 'outside-app';

export interface Explanation {
  readonly reason: ExplanationReason;
  /** The journal part it is about (none for an operation made outside the app). */
  readonly partId?: string;
  readonly receiptId?: string;
  readonly count: number;
  /** Kopecks. */
  readonly amount: number;
  readonly text: string;
}

export interface ReconciliationDifference {
  readonly kind: TotalKind;
  readonly terminal: Total;
  readonly journal: Total;
  readonly explainedBy: readonly Explanation[];
}

export interface Reconciliation {
  /** Row in the journal. */
  readonly id: number;
  readonly matched: boolean;
  /** Local date (YYYY-MM-DD) of the day closed. */
  readonly businessDay: string;
  readonly settledAt: string;
  readonly terminalId: string | undefined;
  /** Where the terminal's totals were read: its fields, its slip, or nowhere. */
  readonly source: 'fields' | 'slip' | null;
  readonly terminal: SettlementTotals | null;
  readonly journal: SettlementTotals;
  readonly differences: readonly ReconciliationDifference[];
  /** Set when the terminal's answer carried no totals to compare with. */
  readonly problem: string | undefined;
}

/** What `service.settle` returns: the terminal's answer and, when it closed the day, the reconciliation. */
export interface SettlementResult extends ServiceOperationResult {
  readonly reconciliation: Reconciliation | undefined;
}

/** Where `service.reconciliationExport` wrote a day's reconciliations. */
export interface ReconciliationExport {
  readonly day: string;
  readonly reconciliations: number;
  readonly csvPath: string;
  readonly jsonPath: string;
  /** The copies on a removable drive (CSV, JSON), when one is mounted. */
  readonly removable?: readonly string[];
}
