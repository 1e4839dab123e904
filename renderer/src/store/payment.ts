/**
 * The payment slice: the method dialog, starting, cancelling and checking a payment, and the
 * guards on what the screen may offer. After an unknown outcome nothing offers to pay again.
 */
import type { PartMethod } from '../../../electron/contract/types.js';
import { appClosing } from './lifecycle.js';
import type { Kit } from './kit.js';
import {
  abandon,
  adopt,
  applyEvent,
  begin,
  choose,
  closeChoice,
  IDLE,
  idOf,
  isRunning,
  lose,
  outcomeOf,
  phaseOf,
  reconcile,
  shownPayment,
  type LivePayment,
  type LostPayment,
  type Outcome,
  type Payment,
  type Qr,
  type StartingPayment,
  type Step,
} from './payment-phases.js';
import { firstUnresolvedPart, hasOpenWatch, hasUnresolvedParts } from './receipts.js';
import type { AppState } from './types.js';
import { toUiError } from './ui-error.js';

export interface PaymentState {
  readonly payment: Payment;
  readonly checkingStatus: boolean;
}

export interface PaymentActions {
  /** Kiosk: opens the receipt if needed, then the method dialog (or card at once without QR). */
  checkout(): Promise<void>;
  chooseMethod(method: 'card' | 'sbp'): Promise<void>;
  closeMethodDialog(): void;
  startPayment(method: PartMethod, amount?: number): Promise<boolean>;
  retry(): Promise<void>;
  otherMethod(): void;
  cancelPayment(): Promise<void>;
  checkStatus(paymentId?: string): Promise<void>;
}

// --- selectors ----------------------------------------------------------------------------------------

/** A payment is running: started and not yet answered (or its start was lost on the way). */
export function paymentRunning(s: AppState): boolean {
  return isRunning(s.payment);
}

/** The id of the payment on screen, once `payment.start` has answered. */
export function paymentId(s: AppState): string | undefined {
  return idOf(s.payment);
}

/** The outcome of the payment on screen, or undefined while it runs (or when there is none). */
export function paymentOutcome(s: AppState): Outcome | undefined {
  return outcomeOf(s.payment);
}

/** The pin pad's phase of the payment on screen. */
export function paymentPhase(s: AppState): Step | 'done' | undefined {
  return phaseOf(s.payment);
}

/** The QR of a running SBP payment. */
export function paymentQr(s: AppState): Qr | undefined {
  const p = s.payment;
  return p.status === 'running' || p.status === 'cancelling' ? p.qr : undefined;
}

/** The payment while it runs (for the progress view), or undefined. */
export function runningPayment(s: AppState): StartingPayment | LostPayment | LivePayment | undefined {
  return isRunning(s.payment) ? s.payment : undefined;
}

/** The pin pad is past the point where a cancel can stop it (it waits for the bank). */
export function cancelTooLate(s: AppState): boolean {
  const p = s.payment;
  return p.status === 'running' && p.stage === 'processing';
}

/** The payment whose progress or result is on screen. */
export function shownPaymentOf(s: AppState): ReturnType<typeof shownPayment> {
  return shownPayment(s.payment);
}

export function methodOpen(s: AppState): boolean {
  return s.payment.status === 'choosing';
}

/**
 * Money may be moving or is owed: the kiosk must not walk away from it. True while a payment
 * or refund runs, after an unknown outcome, while the receipt is blocked, and while a receipt
 * is partly paid (the amount still due stays on screen until covered or given back).
 */
export function moneyInFlight(s: AppState): boolean {
  if (paymentRunning(s) || s.payment.status === 'unknown') return true;
  if (s.cancellingReceipt || s.refund.running || s.checkingStatus) return true;
  const r = s.receipt;
  if (r && (r.blockedReason !== undefined || hasUnresolvedParts(r))) return true;
  if (r && r.state === 'open' && r.paid > 0) return true;
  // A QR of this receipt may still be paid at the bank: its result may yet come.
  if (hasOpenWatch(r)) return true;
  return false;
}

type PaymentRefusal =
  | 'not-ready'
  | 'offline'
  | 'no-receipt'
  | 'receipt-closed'
  | 'receipt-blocked'
  | 'in-flight'
  | 'unknown-outcome'
  | 'busy'
  | 'amount'
  | 'amount-exceeds-remaining'
  | 'method-disabled'
  | 'cash-only-at-till'
  | 'stopping';

/** Why a payment may not be started now, or undefined when it may. */
function paymentRefusal(s: AppState, method: PartMethod, amount: number): PaymentRefusal | undefined {
  if (!s.config) return 'not-ready';
  if (!s.bridgeUp) return 'offline';
  if (appClosing(s)) return 'stopping';
  const r = s.receipt;
  if (!r) return 'no-receipt';
  if (r.state !== 'open') return 'receipt-closed';
  if (paymentRunning(s)) return 'in-flight';
  if (s.payment.status === 'unknown') return 'unknown-outcome';
  if (r.blockedReason !== undefined || hasUnresolvedParts(r)) return 'receipt-blocked';
  if (s.cancellingReceipt || s.refund.running || s.checkingStatus || s.opening) return 'busy';
  if (!Number.isSafeInteger(amount) || amount <= 0) return 'amount';
  if (amount > r.remaining) return 'amount-exceeds-remaining';
  if (method === 'sbp' && !s.config.qrSbp) return 'method-disabled';
  if (method === 'cash' && s.mode !== 'till') return 'cash-only-at-till';
  return undefined;
}

export type KioskAction = 'pay' | 'retry' | 'other-method' | 'cancel-payment' | 'cancel-purchase' | 'done';

/** What the kiosk screen offers now. After an unknown outcome: nothing (staff only). */
export function kioskActions(s: AppState): ReadonlySet<KioskAction> {
  const actions = new Set<KioskAction>();
  if (!s.ready || s.cancellingReceipt || s.opening) return actions;
  const p = shownPayment(s.payment);
  if (p && isRunning(p)) {
    // Only while the pin pad can still stop; once it waits for the bank the screen says so instead.
    if (p.status === 'running' && p.stage !== 'processing') actions.add('cancel-payment');
    return actions;
  }
  if (p?.status === 'unknown') return actions;
  const r = s.receipt;
  // The till is closing: nothing that moves money is offered; a finished receipt may still be left.
  if (appClosing(s)) {
    if (r && r.state !== 'open') actions.add('done');
    return actions;
  }
  if (!r) {
    if (s.cart.length > 0) actions.add('pay');
    return actions;
  }
  if (r.blockedReason !== undefined || hasUnresolvedParts(r)) return actions;
  if (r.state !== 'open') {
    actions.add('done');
    return actions;
  }
  if (p?.status === 'done' && p.outcome !== 'approved') {
    if (paymentRefusal(s, p.method, r.remaining) === undefined) actions.add('retry');
    if (s.config?.qrSbp) actions.add('other-method');
  } else if (r.remaining > 0) {
    actions.add('pay');
  }
  actions.add('cancel-purchase');
  return actions;
}

// --- moves that more than this slice makes -----------------------------------------------------------

/** `payment.start` answered (or a lost start was found): replay the events held for it, then follow the receipt. */
function adoptPaymentId(kit: Kit, id: string): void {
  const p = kit.get().payment;
  const running = adopt(p, id, kit.now());
  if (!running || (p.status !== 'starting' && p.status !== 'lost')) return;
  let next: Payment = running;
  let dropped = 0;
  for (const event of p.early) {
    const applied: Payment | undefined = event.paymentId === id ? applyEvent(next, event, kit.now()) : undefined;
    if (applied) next = applied;
    else if (event.paymentId !== id) dropped += 1;
  }
  const s = kit.get();
  kit.set({ payment: reconcile(next, s.receipt), droppedEvents: s.droppedEvents + dropped });
}

/** After a lost `payment.start`: did it reach the service? A new payment part of this receipt says so. */
export function findLostPayment(kit: Kit): void {
  const { payment: p, receipt: r } = kit.get();
  if (p.status !== 'lost' || !r || r.id !== p.receiptId) return;
  const fresh = r.parts.filter((x) => x.kind === 'payment' && !p.knownParts.includes(x.id));
  const found = fresh[fresh.length - 1];
  if (found) adoptPaymentId(kit, found.id);
  else kit.set({ payment: abandon(p) }); // it never reached the service: nothing was charged
}

// --- the slice -------------------------------------------------------------------------------------------

export function createPaymentSlice(kit: Kit): PaymentState & PaymentActions {
  const { api, now, set, get, log, newKey } = kit;
  return {
    payment: IDLE,
    checkingStatus: false,

    async checkout() {
      set({ lastActivity: now() });
      const receipt = get().receipt ?? (await get().openReceipt());
      if (!receipt) return;
      const s = get();
      const r = s.receipt!;
      if (paymentRefusal(s, 'card', r.remaining) !== undefined) return;
      if (s.config?.qrSbp) {
        const choosing = choose(s.payment);
        if (choosing) set({ payment: choosing, error: undefined, confirmCancel: false });
        return;
      }
      // QR is off: no dialog, card at once.
      await get().startPayment('card', r.remaining);
    },

    async chooseMethod(method) {
      const s = get();
      const back = closeChoice(s.payment);
      if (!back || !s.receipt) return;
      set({ payment: back, lastActivity: now() });
      await get().startPayment(method, s.receipt.remaining);
    },

    closeMethodDialog() {
      const back = closeChoice(get().payment);
      if (back) set({ payment: back });
      set({ lastActivity: now() });
      const s = get();
      // Nothing paid yet: back to the goods; the empty receipt is closed.
      if (s.mode === 'kiosk' && kit.disposable(s.receipt) && !paymentRunning(s)) {
        kit.quietCancel(s.receipt.id);
        set({ receipt: undefined, payment: IDLE });
      }
    },

    async startPayment(method, amount) {
      const s = get();
      const r = s.receipt;
      const sum = amount ?? r?.remaining ?? 0;
      const refusal = paymentRefusal(s, method, sum);
      const starting =
        r && refusal === undefined
          ? begin(s.payment, { receiptId: r.id, method, amount: sum, startedAt: now(), knownParts: r.parts.map((x) => x.id) })
          : undefined;
      if (!r || !starting) {
        log('payment not started', refusal);
        return false;
      }
      set({ payment: starting, confirmCancel: false, error: undefined, notice: undefined, lastActivity: now() });
      // The key is made before the request: should the request be sent again, the service answers with the same payment.
      const idempotencyKey = newKey();
      try {
        const { paymentId } = await api.invoke('payment.start', { receiptId: r.id, method, amount: sum, idempotencyKey });
        adoptPaymentId(kit, paymentId);
        return true;
      } catch (error) {
        const e = toUiError(error);
        if (e.code === 'bridge-closed') {
          // The request may have reached the service: wait for it to tell us, never start another.
          const lost = lose(get().payment);
          set({ ...(lost ? { payment: lost } : {}), error: e });
          return false;
        }
        set({ payment: abandon(get().payment) ?? get().payment, error: e });
        return false;
      }
    },

    async retry() {
      const s = get();
      if (!kioskActions(s).has('retry') && s.mode === 'kiosk') return;
      const p = shownPayment(s.payment);
      if (!p || !s.receipt) return;
      await get().startPayment(p.method, s.mode === 'kiosk' ? s.receipt.remaining : Math.min(p.amount, s.receipt.remaining));
    },

    otherMethod() {
      const s = get();
      if (!s.config?.qrSbp) return;
      const choosing = choose(s.payment);
      if (choosing) set({ payment: choosing, lastActivity: now() });
    },

    async cancelPayment() {
      const p = get().payment;
      set({ lastActivity: now() });
      if (p.status === 'running') {
        // Past the point of no return the pin pad cannot stop: nothing is sent, the screen says so.
        if (p.stage === 'processing') return;
        try {
          // The outcome is what the terminal then says; the screen waits for it.
          await api.invoke('payment.cancel', { paymentId: p.id });
        } catch (error) {
          kit.fail(error);
        }
        return;
      }
      const f = get().refund;
      if (f.running && f.progress) {
        try {
          await api.invoke('payment.cancel', { paymentId: f.progress.paymentId });
        } catch (error) {
          kit.fail(error);
        }
      }
    },

    async checkStatus(paymentIdToCheck) {
      const s = get();
      const id = paymentIdToCheck ?? idOf(s.payment) ?? firstUnresolvedPart(s.receipt)?.id;
      if (!id || s.checkingStatus) return;
      set({ checkingStatus: true, error: undefined });
      try {
        await api.invoke('unknown.resolve', { paymentId: id });
        const r = get().receipt;
        if (r) kit.setReceipt(await api.invoke('receipt.get', { receiptId: r.id }));
      } catch (error) {
        kit.fail(error);
      } finally {
        set({ checkingStatus: false });
      }
    },
  };
}
