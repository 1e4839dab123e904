/**
 * The session slice: boot, language, which view is up, the error and notice shown, and the
 * kiosk's idle timer (back to the start after a while, never with money in flight).
 */
import type { PublicConfig } from '../../../electron/contract/types.js';
import type { Locale, Message } from '../i18n.js';
import type { Kit } from './kit.js';
import { moneyInFlight } from './payment.js';
import { toUiError, type UiError } from './ui-error.js';

type Mode = 'kiosk' | 'till';
export type View = 'main' | 'refund' | 'service';

export interface SessionState {
  readonly ready: boolean;
  readonly bootError: UiError | undefined;
  readonly config: PublicConfig | undefined;
  readonly mode: Mode;
  readonly locale: Locale;
  readonly view: View;
  readonly error: UiError | undefined;
  readonly notice: Message | undefined;
  readonly lastActivity: number;
  /** Kiosk: "Нужно ещё время?" is asked until then (ms); the screen is cleared when it runs out. */
  readonly idleAskUntil: number | undefined;
}

export interface SessionActions {
  init(): Promise<void>;
  setLocale(locale: Locale): void;
  setView(view: View): void;
  touch(): void;
  tick(): void;
  clearError(): void;
  clearNotice(): void;
  /** "Нужно ещё время?" answered "Да": the customer stays where they were. */
  moreTime(): void;
  /** "Нужно ещё время?" answered "Нет": back to the start, when nothing holds the screen. */
  noMoreTime(): void;
}

export function createSessionSlice(kit: Kit): SessionState & SessionActions {
  const { api, now, set, get } = kit;
  return {
    ready: false,
    bootError: undefined,
    config: undefined,
    mode: 'kiosk',
    locale: 'ru',
    view: 'main',
    error: undefined,
    notice: undefined,
    lastActivity: now(),
    idleAskUntil: undefined,

    async init() {
      try {
        const [config, health] = await Promise.all([api.invoke('config.get', {}), api.invoke('pinpad.health', {})]);
        set({ config, mode: config.mode, locale: config.locale, health, ready: true, bootError: undefined, lastActivity: now() });
        void get().readLifecycle();
      } catch (error) {
        set({ bootError: toUiError(error) });
      }
    },

    setLocale(locale) {
      set({ locale, lastActivity: now() });
    },

    setView(view) {
      const s = get();
      if (view === s.view) return;
      if (s.mode === 'kiosk' && view === 'refund') return;
      if (s.view === 'service' && s.service.unlocked) void get().serviceLock();
      set({ view, error: undefined, lastActivity: now() });
    },

    touch() {
      const t = now();
      // The question "Нужно ещё время?" stays until answered (its own buttons answer it).
      if (t - get().lastActivity > 250) set({ lastActivity: t });
    },

    moreTime() {
      set({ idleAskUntil: undefined, lastActivity: now() });
    },

    noMoreTime() {
      const s = get();
      set({ idleAskUntil: undefined });
      if (!moneyInFlight(s)) kit.resetToStart();
      else set({ lastActivity: now() });
    },

    tick() {
      const s = get();
      if (s.mode !== 'kiosk' || !s.ready) return;
      const idle = now() - s.lastActivity;
      if (s.view === 'service') {
        if (idle >= kit.idleMs) {
          get().setView('main');
          set({ lastActivity: now() });
        }
        return;
      }
      const something =
        s.cart.length > 0 || s.receipt !== undefined || s.payment.status !== 'idle' || s.error !== undefined || s.locale !== (s.config?.locale ?? s.locale);
      // Money on the receipt (approved, at the pin pad, or a QR that may still be paid): never cleared.
      if (!something || moneyInFlight(s)) {
        if (s.idleAskUntil !== undefined) set({ idleAskUntil: undefined });
        return;
      }
      const finished = s.receipt !== undefined && s.receipt.state !== 'open';
      if (idle < (finished ? kit.doneMs : kit.idleMs)) return;
      // Ask first; clear only when nobody answered.
      if (s.idleAskUntil === undefined) set({ idleAskUntil: now() + kit.askMs });
      else if (now() >= s.idleAskUntil) kit.resetToStart();
    },

    clearError() {
      set({ error: undefined });
    },

    clearNotice() {
      set({ notice: undefined });
    },
  };
}
