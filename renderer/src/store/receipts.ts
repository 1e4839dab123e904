/**
 * What the screen relies on about a receipt: which part states are still unresolved, and which
 * of two views of the same receipt is the newer one. The one place the renderer keeps such facts.
 */
import type { Part, PartState, Receipt } from '../../../electron/service/model.js';

/** Part states whose money outcome is not known yet (the service's UNRESOLVED_STATES). */
export const UNRESOLVED: ReadonlySet<PartState> = new Set(['INTENT', 'SENT', 'UNKNOWN']);

export function hasUnresolvedParts(receipt: Receipt | undefined): boolean {
  return receipt !== undefined && receipt.parts.some((p) => UNRESOLVED.has(p.state));
}

/** The first part of a receipt still waiting for its outcome. */
export function firstUnresolvedPart(receipt: Receipt | undefined): Part | undefined {
  return receipt?.parts.find((p) => UNRESOLVED.has(p.state));
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
