/** The contract's methods, implemented by the service. No electron import: both bindings use this. */
import { ServiceError } from '../contract/errors.js';
import type { EventName, Handlers } from '../contract/methods.js';
import type { PinpadHealth, PublicConfig } from '../contract/types.js';
import type { Journal } from './journal.js';
import type { PaymentService } from './payment-service.js';

export interface HandlerDeps {
  readonly service: PaymentService;
  readonly journal: Journal;
  health(): PinpadHealth;
  publicConfig(): PublicConfig;
  /** True when the PIN matches the configured service PIN. */
  verifyPin(pin: string): boolean;
  writeSupportBundle(): Promise<string>;
  /** Ends the app (Electron) or the browser-mode process. */
  quit(): void;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { service } = deps;
  return {
    'receipt.open': (input) => service.openReceipt({ ...(input.id !== undefined ? { id: input.id } : {}), lines: input.lines, total: input.total }),
    'receipt.get': (input) => service.getReceipt(input.receiptId),
    'receipt.search': (input) => service.searchReceipts(input.text, input.limit),
    'receipt.cancel': (input) => service.cancelReceipt(input.receiptId, { cashForUnrefundable: input.cashForUnrefundable ?? false }),
    'payment.start': (input) => service.startPayment(input),
    'payment.cancel': (input) => service.cancelPayment(input.paymentId),
    'refund.plan': (input) => service.planRefund(input.receiptId, input.items),
    'refund.start': (input) => service.refund(input.receiptId, input.items),
    'unknown.list': () => service.listUnresolved(),
    'unknown.resolve': (input) => service.recover(input.paymentId),
    'unknown.resolveManually': (input) => service.resolveManually(input.paymentId, input.decision, input.note, input.rrn),
    'service.unlock': (input, ctx) => {
      ctx.unlocked = deps.verifyPin(input.pin);
      return { unlocked: ctx.unlocked };
    },
    'service.lock': (_input, ctx) => {
      ctx.unlocked = false;
      return { unlocked: false };
    },
    'service.test': () => service.testConnection(),
    'service.settle': () => service.settle(),
    'service.report': (input) => service.report(input.full),
    'service.slipCopy': () => service.slipCopy(),
    'service.journal': (input) =>
      deps.journal.audit({
        ...(input.receiptId ? { receiptId: input.receiptId } : {}),
        ...(input.paymentId ? { partId: input.paymentId } : {}),
        limit: input.limit ?? 200,
      }),
    'service.supportBundle': async () => ({ path: await deps.writeSupportBundle() }),
    'app.quit': (input) => {
      if (!deps.verifyPin(input.pin)) throw new ServiceError('forbidden', 'wrong service PIN');
      setTimeout(() => deps.quit(), 50);
      return { quitting: true };
    },
    'config.get': () => deps.publicConfig(),
    'pinpad.health': () => deps.health(),
  };
}

/** Forwards the service's events to a binding; returns the unsubscribe. */
export function subscribeServiceEvents(
  service: PaymentService,
  onHealth: (listener: (h: PinpadHealth) => void) => () => void,
  emit: (name: EventName, payload: unknown) => void,
): () => void {
  const onPayment = (payload: unknown): void => emit('payment', payload);
  const onReceipt = (payload: unknown): void => emit('receipt', payload);
  const onLate = (payload: unknown): void => emit('late-payment', payload);
  service.on('payment', onPayment);
  service.on('receipt', onReceipt);
  service.on('late-payment', onLate);
  const offHealth = onHealth((health) => emit('pinpad', health));
  return () => {
    service.off('payment', onPayment);
    service.off('receipt', onReceipt);
    service.off('late-payment', onLate);
    offHealth();
  };
}
