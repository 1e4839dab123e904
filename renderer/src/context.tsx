/** React access to the store and the catalogue: one store per app, given by the provider. */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { errorText, t, translate, type Message, type TextKey, type TextParams } from './i18n.js';
import { formatMoney } from './money.js';
import type { AppStore, Store, UiError } from './store.js';

const StoreContext = createContext<AppStore | undefined>(undefined);

export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside StoreProvider');
  return store;
}

/** A slice of the state; re-renders when it changes. */
export function useApp<T>(selector: (s: Store) => T): T {
  return useStore(useAppStore(), selector);
}

/** The actions (stable: they never change after the store is made). */
export function useActions(): Store {
  return useAppStore().getState();
}

export interface Texts {
  (key: TextKey, params?: TextParams): string;
  msg(message: Message): string;
  money(kopecks: number): string;
  error(error: UiError): string;
}

/** Texts in the current language. */
export function useT(): Texts {
  const locale = useApp((s) => s.locale);
  // Staff on a kiosk's service screen read the staff texts (what was refused and why).
  const audience = useApp((s) => (s.mode === 'kiosk' && s.view !== 'service' ? 'customer' : 'cashier'));
  return useMemo(() => {
    const fn = ((key: TextKey, params?: TextParams) => t(locale, key, params)) as Texts;
    fn.msg = (message) => translate(locale, message);
    fn.money = (kopecks) => formatMoney(kopecks, locale);
    fn.error = (error) => errorText(locale, error.code, audience);
    return fn;
  }, [locale, audience]);
}
