/**
 * The money model of the main process. Amounts are integer kopecks everywhere.
 * No electron import here: the service runs in plain Node as well.
 */

export const PART_STATES = ['INTENT', 'SENT', 'APPROVED', 'DECLINED', 'FAILED', 'UNKNOWN', 'REVERSED', 'REFUNDED'] as const;
export type PartState = (typeof PART_STATES)[number];

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
  readonly slip: { readonly customer?: string; readonly cashier?: string } | undefined;
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
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Lifecycle of a part. Anything else is a bug and throws. */
const TRANSITIONS: Readonly<Record<PartState, readonly PartState[]>> = {
  INTENT: ['SENT', 'FAILED', 'APPROVED'],
  SENT: ['APPROVED', 'DECLINED', 'FAILED', 'UNKNOWN'],
  UNKNOWN: ['APPROVED', 'DECLINED', 'REVERSED', 'UNKNOWN'],
  APPROVED: ['REVERSED', 'REFUNDED'],
  DECLINED: [],
  FAILED: [],
  REVERSED: [],
  REFUNDED: [],
};

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly partId: string,
    readonly from: PartState,
    readonly to: PartState,
  ) {
    super(`payment ${partId}: ${from} → ${to} is not allowed`);
  }
}

export function canTransition(from: PartState, to: PartState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(partId: string, from: PartState, to: PartState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(partId, from, to);
}

/** States in which the terminal may hold money we do not know about. */
export const UNRESOLVED_STATES: ReadonlySet<PartState> = new Set(['INTENT', 'SENT', 'UNKNOWN']);
