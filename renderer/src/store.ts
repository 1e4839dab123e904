/**
 * The UI's state: one zustand store made of slices (session, events, cart, payment, refund,
 * service) fed by the contract's events and the answers to its calls. It decides nothing about
 * money — the service does. What it does decide is what the screen may offer, with guards:
 *
 * - an event for another payment is dropped (stale or foreign);
 * - events that arrive before `payment.start` has answered are held, then replayed for the
 *   payment id it returns (the service emits them before the answer crosses the wire);
 * - an older receipt never replaces a newer one;
 * - the payment is a union of its phases (store/payment-phases.ts): after an unknown outcome
 *   nothing offers to pay again until the service resolves it;
 * - the idle timeout never fires while money may be in flight or is partly paid;
 * - a refund is sent only after its plan (the bank's rules) was shown for exactly those items.
 *
 * Side effects (the API, the clock) are parameters, so tests drive it without a DOM. Screens
 * import the store's selectors and types from here.
 */
import { createStore } from 'zustand/vanilla';
import { createCartSlice } from './store/cart.js';
import { createEventsSlice } from './store/events.js';
import { makeKit, type StoreOptions } from './store/kit.js';
import { createPaymentSlice } from './store/payment.js';
import { createRefundSlice } from './store/refund.js';
import { createServiceSlice } from './store/service.js';
import { createSessionSlice } from './store/session.js';
import type { AppStore, Store } from './store/types.js';

export { cartTotal } from './store/cart.js';
export { bindEvents } from './store/events.js';
export { appClosing } from './store/lifecycle.js';
export {
  cancelTooLate,
  kioskActions,
  methodOpen,
  moneyInFlight,
  paymentId,
  paymentOutcome,
  paymentPhase,
  paymentQr,
  paymentRunning,
  runningPayment,
  type KioskAction,
} from './store/payment.js';
export { hasOpenWatch, hasUnresolvedParts } from './store/receipts.js';
export { shownPaymentOf } from './store/payment.js';
export { moneyBackIfCancelled } from './store/status.js';
export { refundablePayments, refundStartAllowed, selectedRefundItems, type PlanRow } from './store/refund.js';
export { serviceOpLabel, type ServiceOp } from './store/service.js';
export type { View } from './store/session.js';
export { statusMessages } from './store/status.js';
export type { AppState, AppStore, Store } from './store/types.js';
export { toUiError, type UiError } from './store/ui-error.js';

export function createAppStore(options: StoreOptions): AppStore {
  return createStore<Store>()((set, get) => {
    const kit = makeKit(options, set, get);
    return {
      ...createSessionSlice(kit),
      ...createEventsSlice(kit),
      ...createCartSlice(kit),
      ...createPaymentSlice(kit),
      ...createRefundSlice(kit),
      ...createServiceSlice(kit),
    };
  });
}
