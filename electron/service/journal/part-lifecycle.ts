/**
 * The lifecycle of a payment part in the main process (its shape is the contract's `Part`).
 * Amounts are integer kopecks everywhere. No electron import: the service runs in plain Node as well.
 */

import type { PartState } from '../../contract/types.js';

// The shapes are the contract's; the service's modules read them from here.
export type { Part, PartKind, PartMethod, PartState, QrInfo, Receipt, ReceiptLine, ReceiptState, RefundHow } from '../../contract/types.js';
export { PART_STATES, UNRESOLVED_STATES } from '../../contract/types.js';

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
