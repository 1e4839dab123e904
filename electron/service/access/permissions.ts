/**
 * Who may call what, decided in the service (not in the UI). At a till the cashier is trusted.
 * In kiosk mode a caller without an unlocked service session is the customer screen: it may open
 * a receipt, pay it, see it and confirm it printed (its own receipts, and the one open for payment), and cancel its
 * own open purchase; refunds, search, the unknown-outcome list, manual decisions and
 * ending a late-payment watch need staff.
 *
 * A screen's own receipts live with its connection, so a screen that reconnects has none. Its retry
 * of an earlier call — payment.start or receipt.cancel with the same idempotency key and the same
 * input, receipt.open with the same id, lines and total — proves it is the one who asked: the call
 * is allowed (the service answers the first call's result) and the receipt is its own again. A key
 * alone, other input, or a receipt id alone proves nothing.
 */
import { ServiceError } from '../../contract/errors.js';
import { METHODS, type CallContext, type MethodName } from '../../contract/methods.js';
import type { Journal } from '../journal/journal.js';

export interface PermissionDeps {
  readonly journal: Pick<Journal, 'getReceiptRow' | 'getPart'>;
  mode(): 'kiosk' | 'till';
  /** True when the parsed input repeats an earlier call with its key and the same input (IdempotentCalls.repeats). */
  repeatsEarlierCall(method: MethodName, input: Record<string, unknown>): boolean;
}

/**
 * How many of its most recent receipts a customer screen keeps sight of. A window or a bridge
 * client lives for weeks; without a bound its list grew by one receipt per purchase for as long.
 */
export const OWN_RECEIPTS_KEPT = 100;

function ownReceipts(ctx: CallContext): Set<string> {
  ctx.ownReceipts ??= new Set();
  return ctx.ownReceipts;
}

/** Makes a receipt the caller's most recent own one; the oldest beyond OWN_RECEIPTS_KEPT is forgotten. */
function rememberOwn(ctx: CallContext, receiptId: string): void {
  const own = ownReceipts(ctx);
  own.delete(receiptId);
  own.add(receiptId);
  for (const oldest of own) {
    if (own.size <= OWN_RECEIPTS_KEPT) break;
    own.delete(oldest);
  }
}

function forbidden(message: string): ServiceError {
  return new ServiceError('forbidden', message);
}

/**
 * The one authorization of a call, after its input parsed: the method table's `access`, then
 * the kiosk's own-receipt rules. Throws `forbidden` when the caller may not make this call;
 * records receipts it may see from now on.
 */
export function authorize(method: MethodName, input: Record<string, unknown>, ctx: CallContext, deps: PermissionDeps): void {
  if (ctx.unlocked) return;
  const access = METHODS[method].access;
  if (access === 'staff') throw forbidden(`${method} needs the service PIN`);
  if (deps.mode() !== 'kiosk') return;
  if (access === 'staff-at-kiosk') throw forbidden(`${method} needs the service PIN in kiosk mode`);
  const own = ownReceipts(ctx);
  /** The customer's own receipt, or the one open for payment (it becomes theirs). */
  const receiptAllowed = (receiptId: string, openOnly: boolean): void => {
    const row = deps.journal.getReceiptRow(receiptId);
    // An unknown id: the service answers not-found, which tells nothing.
    if (!row) return;
    if (row.state === 'open') {
      rememberOwn(ctx, receiptId);
      return;
    }
    if (!openOnly && own.has(receiptId)) return;
    throw forbidden(`receipt ${receiptId} is not open and not this screen's: staff only`);
  };
  /** A retry of this caller's earlier call: the receipt it names is its own again. */
  const repeated = (receiptId: string): boolean => {
    if (!deps.repeatsEarlierCall(method, input)) return false;
    rememberOwn(ctx, receiptId);
    return true;
  };
  const partAllowed = (paymentId: string): void => {
    const part = deps.journal.getPart(paymentId);
    if (part && !own.has(part.receiptId)) throw forbidden(`payment ${paymentId} belongs to another screen's receipt: staff only`);
  };
  switch (method) {
    case 'receipt.open':
      if (typeof input.id === 'string' && !repeated(input.id)) receiptAllowed(input.id, false);
      return;
    case 'receipt.get':
    case 'receipt.printed':
      receiptAllowed(String(input.receiptId), false);
      return;
    case 'payment.start':
      if (!repeated(String(input.receiptId))) receiptAllowed(String(input.receiptId), false);
      return;
    case 'receipt.cancel': {
      // Cancelling a purchase gives the customer's own money back: their own receipt, while it is open.
      const id = String(input.receiptId);
      if (repeated(id)) return;
      if (deps.journal.getReceiptRow(id) && !own.has(id)) throw forbidden(`receipt ${id} is not this screen's: staff only`);
      receiptAllowed(id, true);
      return;
    }
    case 'payment.cancel':
      partAllowed(String(input.paymentId));
      return;
    case 'unknown.resolve':
      if (typeof input.paymentId !== 'string') throw forbidden('unknown.resolve of every payment needs the service PIN in kiosk mode');
      partAllowed(input.paymentId);
      return;
    default:
      return;
  }
}

/** After a call: a receipt the caller opened is its own. */
export function noteOwnReceipt(ctx: CallContext, receiptId: string): void {
  rememberOwn(ctx, receiptId);
}
