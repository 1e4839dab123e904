/**
 * What every slice of the store is made with: the side effects (the contract, the clock, the
 * log) as parameters, and the few moves that touch more than one slice.
 */
import type { KioskApi } from '../../../electron/contract/methods.js';
import type { Receipt } from '../../../electron/contract/types.js';
import { DEMO_CATALOGUE, type DemoItem } from '../demo-catalogue.js';
import { IDLE, reconcile } from './payment-phases.js';
import { hasUnresolvedParts, isNotOlder } from './receipts.js';
import { INITIAL_REFUND } from './refund.js';
import type { AppState, Store } from './types.js';
import { toUiError, type UiError } from './ui-error.js';

export interface StoreOptions {
  readonly api: KioskApi;
  readonly now?: () => number;
  /** Kiosk: back to the start screen after this long without a touch (never with money in flight). */
  readonly idleMs?: number;
  /** Kiosk: after a finished (paid or cancelled) receipt, back to the start this much sooner. */
  readonly doneMs?: number;
  /** Kiosk: how long "Нужно ещё время?" waits for an answer before the screen is cleared. */
  readonly askMs?: number;
  readonly catalogue?: readonly DemoItem[];
  /** Browser mode: the bridge connection is tracked (starts down until it says up). */
  readonly bridged?: boolean;
  readonly log?: (message: string, detail?: unknown) => void;
  /** A fresh idempotency key for one money request (default: a random UUID). */
  readonly newKey?: () => string;
}

const DEFAULT_IDLE_MS = 90_000;
const DEFAULT_DONE_MS = 20_000;
const DEFAULT_ASK_MS = 15_000;

export interface Kit {
  readonly api: KioskApi;
  readonly now: () => number;
  readonly log: (message: string, detail?: unknown) => void;
  /** A fresh idempotency key: made before a money request is sent, so a retry of that request can carry it. */
  readonly newKey: () => string;
  readonly idleMs: number;
  readonly doneMs: number;
  readonly askMs: number;
  readonly catalogue: readonly DemoItem[];
  readonly bridged: boolean;
  readonly set: (change: Partial<AppState>) => void;
  readonly get: () => Store;
  /** Shows an error that came back from a call, and returns it. */
  fail(error: unknown): UiError;
  /** Takes a newer view of the current receipt (any view with `force`), and lets the payment follow it. */
  setReceipt(receipt: Receipt, force?: boolean): void;
  /** Closes an unpaid receipt in the background. */
  quietCancel(receiptId: string): void;
  /** An open receipt opened here with nothing paid and nothing pending: it can be dropped without asking. */
  disposable(r: Receipt | undefined): r is Receipt;
  /** Kiosk: back to the start screen (an unpaid receipt is closed, the service screen locked). */
  resetToStart(): void;
}

export function makeKit(options: StoreOptions, set: (change: Partial<AppState>) => void, get: () => Store): Kit {
  const api = options.api;
  const now = options.now ?? (() => Date.now());
  const log = options.log ?? ((message: string, detail?: unknown) => console.warn(`[ui] ${message}`, detail ?? ''));

  const newKey = options.newKey ?? (() => globalThis.crypto.randomUUID());

  // Nothing was paid on the receipt, and the call is not retried: a new key each time.
  const quietCancel = (receiptId: string): void => {
    void api
      .invoke('receipt.cancel', { receiptId, idempotencyKey: newKey() })
      .catch((error: unknown) => log('could not close an unpaid receipt', toUiError(error)));
  };
  const disposable = (r: Receipt | undefined): r is Receipt =>
    r !== undefined && get().ownReceipt && r.state === 'open' && r.paid === 0 && !hasUnresolvedParts(r) && r.blockedReason === undefined;

  return {
    api,
    now,
    log,
    newKey,
    idleMs: options.idleMs ?? DEFAULT_IDLE_MS,
    doneMs: options.doneMs ?? DEFAULT_DONE_MS,
    askMs: options.askMs ?? DEFAULT_ASK_MS,
    catalogue: options.catalogue ?? DEMO_CATALOGUE,
    bridged: options.bridged === true,
    set,
    get,
    fail(error) {
      const e = toUiError(error);
      set({ error: e });
      return e;
    },
    setReceipt(receipt, force = false) {
      if (!force && !isNotOlder(receipt, get().receipt)) {
        set({ droppedEvents: get().droppedEvents + 1 });
        return;
      }
      set({ receipt, payment: reconcile(get().payment, receipt) });
    },
    quietCancel,
    disposable,
    resetToStart() {
      const s = get();
      if (disposable(s.receipt)) quietCancel(s.receipt.id);
      if (s.service.unlocked) void get().serviceLock();
      set({
        cart: [],
        receipt: undefined,
        payment: IDLE,
        confirmCancel: false,
        error: undefined,
        notice: undefined,
        view: 'main',
        locale: s.config?.locale ?? s.locale,
        lastActivity: now(),
        idleAskUntil: undefined,
        refund: INITIAL_REFUND,
      });
    },
  };
}
