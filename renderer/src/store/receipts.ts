/**
 * What the screen relies on about a receipt: whether a part still waits for its outcome, and
 * which of two views of the same receipt is the newer one.
 */
import { UNRESOLVED_STATES, type Part, type Receipt } from '../../../electron/contract/types.js';

export function hasUnresolvedParts(receipt: Receipt | undefined): boolean {
  return receipt !== undefined && receipt.parts.some((p) => UNRESOLVED_STATES.has(p.state));
}

/** A QR payment of the receipt may still be paid at the bank (an open late-payment watch). */
export function hasOpenWatch(receipt: Receipt | undefined, paymentId?: string): boolean {
  const watches = receipt?.lateWatches ?? [];
  return paymentId === undefined ? watches.length > 0 : watches.some((w) => w.paymentId === paymentId);
}

/** The first part of a receipt still waiting for its outcome. */
export function firstUnresolvedPart(receipt: Receipt | undefined): Part | undefined {
  return receipt?.parts.find((p) => UNRESOLVED_STATES.has(p.state));
}

/** How fresh a receipt view is: the latest change of the receipt or any of its parts. */
function freshness(r: Receipt): string {
  let latest = r.updatedAt;
  for (const p of r.parts) if (p.updatedAt > latest) latest = p.updatedAt;
  return `${latest}#${String(r.parts.length).padStart(6, '0')}`;
}

/** An older view never replaces a newer one. */
export function isNotOlder(incoming: Receipt, current: Receipt | undefined): boolean {
  return current === undefined || freshness(incoming) >= freshness(current);
}
