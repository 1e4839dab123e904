/**
 * The events slice: the contract's events (payment, receipt, pin pad, late payment) and the
 * connection to the service. An event for another payment or an older receipt is dropped.
 */
import type { KioskApi } from '../../../electron/contract/methods.js';
import type { AppLifecycle, LatePaymentEvent, PaymentEvent, PinpadHealth, Receipt } from '../../../electron/contract/types.js';
import type { Kit } from './kit.js';
import { findLostPayment } from './payment.js';
import { applyEvent, hold, idOf, lateArrived } from './payment-phases.js';
import { isNotOlder } from './receipts.js';
import { patchRefund } from './refund.js';
import type { AppStore, Store } from './types.js';
import { toUiError } from './ui-error.js';

export interface EventsState {
  /** The connection to the service (always true in Electron). */
  readonly bridgeUp: boolean;
  readonly health: PinpadHealth | undefined;
  /** Running or stopping (the till is closing: no new payments); undefined until the service said. */
  readonly lifecycle: AppLifecycle | undefined;
  /** Events dropped as stale or foreign (diagnostics and tests). */
  readonly droppedEvents: number;
}

export interface EventsActions {
  setBridge(up: boolean): void;
  resync(): Promise<void>;
  onPaymentEvent(event: PaymentEvent): void;
  onReceiptEvent(receipt: Receipt): void;
  onPinpadEvent(health: PinpadHealth): void;
  /** Reads the pin pad's health again (its last answer is kept quietly by the service, not sent as events). */
  refreshHealth(): Promise<void>;
  onLifecycleEvent(lifecycle: AppLifecycle): void;
  /** Asks the service whether it is stopping (at start and after a reconnect); a service without the method is taken as running. */
  readLifecycle(): Promise<void>;
  onLatePayment(event: LatePaymentEvent): void;
}

export function createEventsSlice(kit: Kit): EventsState & EventsActions {
  const { api, set, get, log } = kit;
  const dropOne = (): void => set({ droppedEvents: get().droppedEvents + 1 });
  return {
    bridgeUp: !kit.bridged,
    health: undefined,
    lifecycle: undefined,
    droppedEvents: 0,

    setBridge(up) {
      const was = get().bridgeUp;
      set({ bridgeUp: up });
      if (up && !was && get().ready) void get().resync();
    },

    async resync() {
      try {
        const [config, health] = await Promise.all([api.invoke('config.get', {}), api.invoke('pinpad.health', {})]);
        set({ config, mode: config.mode, health, ready: true, bootError: undefined });
        void get().readLifecycle();
        const r = get().receipt;
        if (r) kit.setReceipt(await api.invoke('receipt.get', { receiptId: r.id }), true);
        findLostPayment(kit);
        const f = get().refund;
        if (f.receipt) patchRefund(kit, { receipt: await api.invoke('receipt.get', { receiptId: f.receipt.id }) });
      } catch (error) {
        log('resync failed', toUiError(error));
      }
    },

    onPaymentEvent(event) {
      const s = get();
      const p = s.payment;
      // payment.start has not answered yet: hold the event until we know the id.
      const held = hold(p, event);
      if (held) {
        set({ payment: held });
        return;
      }
      if (idOf(p) === event.paymentId) {
        // Its own event; after the outcome it changes nothing (the receipt reconciles later changes).
        const next = applyEvent(p, event, kit.now());
        if (next) set({ payment: next });
        return;
      }
      const f = s.refund;
      if (f.running && f.receipt?.id === event.receiptId) {
        patchRefund(kit, {
          progress: {
            paymentId: event.paymentId,
            phase: event.phase,
            text: event.text ?? (f.progress?.paymentId === event.paymentId ? f.progress.text : undefined),
          },
        });
        return;
      }
      dropOne();
    },

    onReceiptEvent(receipt) {
      const s = get();
      let used = false;
      if (s.receipt?.id === receipt.id) {
        kit.setReceipt(receipt);
        used = true;
      }
      const f = get().refund;
      if (f.receipt?.id === receipt.id && isNotOlder(receipt, f.receipt)) {
        patchRefund(kit, { receipt });
        used = true;
      }
      if (f.results?.some((r) => r.id === receipt.id)) {
        patchRefund(kit, { results: f.results.map((r) => (r.id === receipt.id && isNotOlder(receipt, r) ? receipt : r)) });
        used = true;
      }
      if (!used) dropOne();
    },

    onPinpadEvent(health) {
      set({ health });
    },

    async refreshHealth() {
      try {
        set({ health: await api.invoke('pinpad.health', {}) });
      } catch (error) {
        log('pinpad.health failed', toUiError(error));
      }
    },

    onLifecycleEvent(lifecycle) {
      set({ lifecycle });
    },

    async readLifecycle() {
      try {
        set({ lifecycle: await api.invoke('app.lifecycle', {}) });
      } catch (error) {
        log('lifecycle not read', toUiError(error));
      }
    },

    onLatePayment(event) {
      const s = get();
      if (s.mode === 'kiosk' && s.receipt?.id !== event.receiptId) return;
      // The payment on screen was paid after all: its result is the new truth, not a note under the old one.
      const late = s.receipt?.id === event.receiptId ? lateArrived(s.payment, event, s.receipt.parts.find((x) => x.id === event.latePartId)) : undefined;
      if (late) {
        set({ payment: late, notice: undefined });
        // The receipt as it is now (paid, or the late money given back).
        void api
          .invoke('receipt.get', { receiptId: event.receiptId })
          .then((receipt) => kit.setReceipt(receipt))
          .catch((error: unknown) => log('receipt not reloaded after a late payment', toUiError(error)));
        return;
      }
      set({ notice: { key: event.reversed ? 'late.reversed' : 'late.kept', money: { amount: event.amount } } });
    },
  };
}

/** Subscribes the store to the contract's events; returns the unsubscribe. */
export function bindEvents(store: AppStore, api: KioskApi): () => void {
  const s = (): Store => store.getState();
  const offs = [
    api.on('payment', (event) => s().onPaymentEvent(event)),
    api.on('receipt', (receipt) => s().onReceiptEvent(receipt)),
    api.on('pinpad', (health) => s().onPinpadEvent(health)),
    api.on('late-payment', (event) => s().onLatePayment(event)),
    api.on('lifecycle', (lifecycle) => s().onLifecycleEvent(lifecycle)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
