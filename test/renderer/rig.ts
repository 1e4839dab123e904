/**
 * The renderer store's test rig: a fake contract (calls recorded, events pushed by the test),
 * receipt and part fixtures, and a booted store on a hand-moved clock.
 */
import { KioskError } from '../../electron/contract/errors.js';
import type { EventName, EventPayloads, KioskApi, MethodInput, MethodName, MethodOutput } from '../../electron/contract/methods.js';
import type { Part, PaymentEvent, PinpadHealth, PublicConfig, Receipt } from '../../electron/contract/types.js';
import { bindEvents, createAppStore, type AppStore } from '../../renderer/src/store.js';

type Handler = (input: never) => unknown;

/** A fake contract: calls recorded, answers from `handlers`, events pushed by the test. */
export class FakeApi implements KioskApi {
  readonly calls: { method: MethodName; input: unknown }[] = [];
  readonly handlers: Partial<Record<MethodName, Handler>> = {};
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>();

  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input });
    const handler = this.handlers[method];
    if (!handler) return Promise.reject(new KioskError('unknown-method', `fake has no ${method}`));
    try {
      return Promise.resolve(handler(input as never) as MethodOutput<M>);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    this.#listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload as never);
  }

  called(method: MethodName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input);
  }
}

const CONFIG: PublicConfig = {
  mode: 'kiosk',
  locale: 'ru',
  qrSbp: true,
  emulator: true,
  pinpadTarget: '/dev/ttyS39',
  terminalId: '00322346',
  currencyCodeNumeric: 643,
  timeoutSeconds: 120,
  servicePinSet: true,
  bank: { partialSameDayQrRefund: true, refundSwitchedPayment: true },
  profileName: 'inpas-smartsale',
};

export const HEALTH: PinpadHealth = {
  state: 'connected',
  emulator: true,
  target: '/dev/ttyS39',
  terminalId: '00322346',
  model: 'S300',
  problem: undefined,
  since: '2026-03-10T09:00:00.000Z',
};

export function part(overrides: Partial<Part> & { id: string }): Part {
  return {
    receiptId: 'R1',
    kind: 'payment',
    method: 'card',
    how: undefined,
    refundOf: undefined,
    amount: 10_000,
    state: 'SENT',
    ecrNumber: 1,
    rrn: undefined,
    authCode: undefined,
    responseCode: undefined,
    text: undefined,
    cardMasked: undefined,
    terminalId: undefined,
    switchedToSbp: false,
    refunded: 0,
    businessDay: '2026-03-10',
    settled: false,
    slip: undefined,
    qr: undefined,
    createdAt: '2026-03-10T09:00:01.000Z',
    updatedAt: '2026-03-10T09:00:01.000Z',
    ...overrides,
  };
}

export function receipt(overrides: Partial<Receipt> = {}): Receipt {
  const total = overrides.total ?? 15_000;
  const paid = overrides.paid ?? 0;
  return {
    id: 'R1',
    lines: [{ name: 'Кофе с молоком', quantity: 1, amount: total }],
    total,
    state: 'open',
    paid,
    remaining: total - paid,
    refunded: 0,
    parts: [],
    blockedReason: undefined,
    posPrints: false,
    printed: false,
    createdAt: '2026-03-10T09:00:00.000Z',
    updatedAt: '2026-03-10T09:00:00.000Z',
    ...overrides,
  };
}

export interface Rig {
  api: FakeApi;
  store: AppStore;
  clock: { now: number };
}

/** How long "Нужно ещё время?" waits in the rig. */
export const ASK_MS = 15_000;

/**
 * The idle time is up: the tick asks "Нужно ещё время?" first (nothing is cleared yet), and
 * nobody answers within ASK_MS. Throws when the question was not asked.
 */
export function idleOut(r: Rig): void {
  r.store.getState().tick();
  if (r.store.getState().idleAskUntil === undefined) throw new Error('the idle kiosk did not ask "Нужно ещё время?"');
  r.clock.now += ASK_MS;
  r.store.getState().tick();
}

/** A store on the fake contract with a hand-moved clock, booted (config and pin-pad health read). */
export async function rig(config: Partial<PublicConfig> = {}, open: Receipt = receipt(), options: { bridged?: boolean } = {}): Promise<Rig> {
  const api = new FakeApi();
  const clock = { now: 1_000_000 };
  api.handlers['config.get'] = () => ({ ...CONFIG, ...config });
  api.handlers['pinpad.health'] = () => HEALTH;
  api.handlers['receipt.open'] = () => open;
  api.handlers['receipt.get'] = () => open;
  api.handlers['receipt.cancel'] = () => ({ ...open, state: 'cancelled', remaining: 0 });
  let n = 0;
  api.handlers['payment.start'] = () => ({ paymentId: `P${++n}` });
  api.handlers['payment.cancel'] = () => ({ requested: true });
  const store = createAppStore({ api, now: () => clock.now, idleMs: 60_000, doneMs: 10_000, askMs: ASK_MS, log: () => undefined, ...options });
  bindEvents(store, api);
  await store.getState().init();
  return { api, store, clock };
}

export const ev = (paymentId: string, phase: PaymentEvent['phase'], extra: Partial<PaymentEvent> = {}): PaymentEvent => ({
  paymentId,
  receiptId: 'R1',
  phase,
  ...extra,
});
