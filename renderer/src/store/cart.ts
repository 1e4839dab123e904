/**
 * The cart slice: the goods chosen, the receipt opened for them (or handed over by a POS
 * core), its cancel, and leaving it when done. The receipt is fixed once payment begins.
 */
import type { Receipt } from '../../../electron/contract/types.js';
import { FREE_ITEM_PREFIX, type CartLine } from '../demo-catalogue.js';
import { actionKeys } from './action-key.js';
import type { Kit } from './kit.js';
import { moneyInFlight, paymentRunning } from './payment.js';
import { closeChoice, forget, resume } from './payment-phases.js';
import { hasUnresolvedParts } from './receipts.js';
import { toUiError } from './ui-error.js';

export interface CartState {
  readonly cart: readonly CartLine[];
  readonly opening: boolean;
  readonly receipt: Receipt | undefined;
  /** The receipt was opened here from the cart (not by a POS core): an unpaid one may be closed quietly. */
  readonly ownReceipt: boolean;
  readonly confirmCancel: boolean;
  readonly cancellingReceipt: boolean;
}

export interface CartActions {
  addToCart(itemId: string): void;
  addFreeAmount(kopecks: number): void;
  removeFromCart(lineId: string): void;
  /** Shows a receipt opened elsewhere (a POS core) or before a reload; `onlyOpen` skips a closed one. */
  loadReceipt(receiptId: string, options?: { onlyOpen?: boolean }): Promise<void>;
  /** Till: opens a receipt for the cart. */
  openReceipt(): Promise<Receipt | undefined>;
  requestCancelReceipt(): void;
  abortCancelReceipt(): void;
  confirmCancelReceipt(cashForUnrefundable?: boolean): Promise<void>;
  /** Kiosk: back to the start screen. Till: ready for a new receipt. */
  finish(): void;
}

export function cartTotal(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.price * line.quantity, 0);
}

export function createCartSlice(kit: Kit): CartState & CartActions {
  const { api, now, set, get, log } = kit;
  /** Closes the method dialog if it is open (back to what it covered). */
  const withoutDialog = () => ({ payment: closeChoice(get().payment) ?? get().payment });
  const cancelKeys = actionKeys(kit.newKey);

  return {
    cart: [],
    opening: false,
    receipt: undefined,
    ownReceipt: false,
    confirmCancel: false,
    cancellingReceipt: false,

    addToCart(itemId) {
      const s = get();
      if (s.receipt) return; // the receipt is fixed once payment begins
      const item = kit.catalogue.find((i) => i.id === itemId);
      if (!item) return;
      const existing = s.cart.find((l) => l.id === itemId);
      set({
        cart: existing
          ? s.cart.map((l) => (l.id === itemId ? { ...l, quantity: l.quantity + 1 } : l))
          : [...s.cart, { id: item.id, name: item.name, price: item.price, quantity: 1 }],
        lastActivity: now(),
      });
    },

    addFreeAmount(kopecks) {
      const s = get();
      if (s.receipt || !Number.isSafeInteger(kopecks) || kopecks <= 0) return;
      const id = `${FREE_ITEM_PREFIX}${s.cart.filter((l) => l.id.startsWith(FREE_ITEM_PREFIX)).length + 1}`;
      set({ cart: [...s.cart, { id, name: { ru: 'Товар по свободной цене', en: 'Item at a free price' }, price: kopecks, quantity: 1 }] });
    },

    removeFromCart(lineId) {
      const s = get();
      if (s.receipt) return;
      set({
        cart: s.cart.flatMap((l) => (l.id !== lineId ? [l] : l.quantity > 1 ? [{ ...l, quantity: l.quantity - 1 }] : [])),
        lastActivity: now(),
      });
    },

    async loadReceipt(receiptId, loadOptions) {
      try {
        const receipt = await api.invoke('receipt.get', { receiptId });
        if (loadOptions?.onlyOpen && receipt.state !== 'open') return;
        const idle = forget(get().payment);
        // A payment of it still at the pin pad (after a reload of the screen) is shown as it stands.
        set({ receipt, ownReceipt: false, payment: resume(idle, receipt, now()) ?? idle, cart: [] });
      } catch (error) {
        if (loadOptions?.onlyOpen) log('the receipt from before the reload is gone', toUiError(error));
        else kit.fail(error);
      }
    },

    async openReceipt() {
      const s = get();
      if (s.receipt || s.opening || s.cart.length === 0) return s.receipt;
      set({ opening: true, error: undefined });
      try {
        // Receipt lines are written in Russian, whatever the screen language.
        const lines = s.cart.map((l) => ({ name: l.name.ru, quantity: l.quantity, amount: l.price * l.quantity }));
        const receipt = await api.invoke('receipt.open', { lines, total: cartTotal(s.cart) });
        set({ receipt, ownReceipt: true, payment: forget(get().payment) });
        return receipt;
      } catch (error) {
        kit.fail(error);
        return undefined;
      } finally {
        set({ opening: false });
      }
    },

    requestCancelReceipt() {
      const s = get();
      if (!s.receipt || s.receipt.state !== 'open' || paymentRunning(s) || s.cancellingReceipt) return;
      if (s.mode === 'kiosk' && kit.disposable(s.receipt)) {
        // Nothing to give back: close it at once.
        void get().confirmCancelReceipt();
        return;
      }
      set({ confirmCancel: true, ...withoutDialog(), lastActivity: now() });
    },

    abortCancelReceipt() {
      set({ confirmCancel: false, lastActivity: now() });
    },

    async confirmCancelReceipt(cashForUnrefundable = false) {
      const s = get();
      const r = s.receipt;
      if (!r || r.state !== 'open' || paymentRunning(s) || s.cancellingReceipt) return;
      set({ cancellingReceipt: true, confirmCancel: false, ...withoutDialog(), error: undefined });
      // Confirming the same cancel again after a lost answer sends the same key: the service gives its result, not a second refund.
      const action = { receiptId: r.id, ...(cashForUnrefundable ? { cashForUnrefundable: true } : {}) };
      try {
        const receipt = await api.invoke('receipt.cancel', { ...action, idempotencyKey: cancelKeys.keyFor(action) });
        cancelKeys.settle(action);
        kit.setReceipt(receipt, true);
        set({ payment: forget(get().payment) });
        if (s.mode === 'kiosk' && receipt.refunded === 0 && !receipt.parts.some((p) => p.kind === 'refund')) {
          // Nothing was paid: the purchase is gone, and so is its cart — back to the start.
          kit.resetToStart();
        }
      } catch (error) {
        cancelKeys.settle(action, error);
        kit.fail(error);
        try {
          kit.setReceipt(await api.invoke('receipt.get', { receiptId: r.id }));
        } catch (again) {
          log('could not reload the receipt', toUiError(again));
        }
      } finally {
        set({ cancellingReceipt: false, lastActivity: now() });
      }
    },

    finish() {
      const s = get();
      if (moneyInFlight(s) && !(s.receipt && s.receipt.state !== 'open' && !hasUnresolvedParts(s.receipt))) return;
      if (s.mode === 'kiosk') {
        kit.resetToStart();
        return;
      }
      if (kit.disposable(s.receipt)) kit.quietCancel(s.receipt.id);
      set({ cart: [], receipt: undefined, payment: forget(get().payment), confirmCancel: false, error: undefined, notice: undefined });
    },
  };
}
