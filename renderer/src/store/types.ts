/** The whole store's shape: the state and actions of every slice, put together. */
import type { StoreApi } from 'zustand/vanilla';
import type { CartActions, CartState } from './cart.js';
import type { EventsActions, EventsState } from './events.js';
import type { PaymentActions, PaymentState } from './payment.js';
import type { RefundActions, RefundSliceState } from './refund.js';
import type { ServiceActions, ServiceSliceState } from './service.js';
import type { SessionActions, SessionState } from './session.js';

export type AppState = SessionState & EventsState & CartState & PaymentState & RefundSliceState & ServiceSliceState;
type AppActions = SessionActions & EventsActions & CartActions & PaymentActions & RefundActions & ServiceActions;
export type Store = AppState & AppActions;
export type AppStore = StoreApi<Store>;
