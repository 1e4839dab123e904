/** The contract's methods, implemented by the service. No electron import: both bindings use this. */
import { ServiceError } from '../contract/errors.js';
import type { EventName, Handlers } from '../contract/methods.js';
import type { AppLifecycle, PinpadHealth, PublicConfig, ReconciliationExport } from '../contract/types.js';
import type { Journal } from './journal/journal.js';
import { lateWatchView, openLateWatches } from './recovery/late-watch-view.js';
import type { PaymentService } from './payments/payment-service.js';
import { authorize, noteOwnReceipt, type PermissionDeps } from './access/permissions.js';

export interface HandlerDeps {
  readonly service: PaymentService;
  readonly journal: Journal;
  health(): PinpadHealth;
  /** Running or stopping (drain): see AppLifecycle. */
  lifecycle(): AppLifecycle;
  publicConfig(): PublicConfig;
  /**
   * True when the PIN matches the configured service PIN; throws `pin-locked` after too many
   * wrong ones. Checked off the event loop; `caller` and `purpose` go to the audit trail.
   */
  checkPin(pin: string, caller: string, purpose: string): Promise<boolean>;
  /** The bundle's path on this machine, and its copy on a removable drive when one is mounted. */
  writeSupportBundle(): Promise<{ path: string; removable?: string }>;
  /** Writes a business day's reconciliations as CSV and JSON. */
  exportReconciliation(day: string | undefined): Promise<ReconciliationExport>;
  /** Ends the app (Electron) or the browser-mode process. */
  quit(): void;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { service } = deps;
  const handlers: Handlers = {
    'receipt.open': (input, ctx) => {
      const receipt = service.openReceipt({
        ...(input.id !== undefined ? { id: input.id } : {}),
        lines: input.lines,
        total: input.total,
        posPrints: input.posPrints ?? false,
      });
      noteOwnReceipt(ctx, receipt.id);
      return receipt;
    },
    'receipt.get': (input) => service.getReceipt(input.receiptId),
    'receipt.printed': (input) => service.markPrinted(input.receiptId),
    'receipt.search': (input) => service.searchReceipts(input.text, input.limit),
    'receipt.cancel': (input) =>
      service.cancelReceipt(input.receiptId, { cashForUnrefundable: input.cashForUnrefundable ?? false, idempotencyKey: input.idempotencyKey }),
    'payment.start': (input) => service.startPayment(input),
    'payment.cancel': (input) => service.cancelPayment(input.paymentId),
    'refund.plan': (input) => service.planRefund(input.receiptId, input.items),
    'refund.start': (input) => service.refund(input.receiptId, input.items, { idempotencyKey: input.idempotencyKey }),
    'unknown.list': () => service.listUnresolved(),
    'unknown.resolve': (input) => service.recover(input.paymentId),
    'unknown.resolveManually': (input) => service.resolveManually(input.paymentId, input.decision, input.note, input.rrn, input.idempotencyKey),
    'lateWatch.list': () => openLateWatches(deps.journal),
    'lateWatch.end': (input) => lateWatchView(deps.journal, service.endLateWatch(input.paymentId, input.note, input.idempotencyKey)),
    'service.unlock': async (input, ctx) => {
      ctx.unlocked = false;
      ctx.unlocked = await deps.checkPin(input.pin, ctx.caller, 'service.unlock');
      return { unlocked: ctx.unlocked };
    },
    'service.lock': (_input, ctx) => {
      ctx.unlocked = false;
      return { unlocked: false };
    },
    'service.test': () => service.testConnection(),
    'service.settle': () => service.settle(),
    'service.reconciliationExport': (input) => deps.exportReconciliation(input.day),
    'service.report': (input) => service.report(input.full),
    'service.slipCopy': () => service.slipCopy(),
    'service.journal': (input) => {
      const receiptId = input.receipt !== undefined ? deps.journal.findReceiptId(input.receipt) : input.receiptId;
      // A receipt that is not there has no entries (the screen says so), not the whole journal.
      if (input.receipt !== undefined && receiptId === undefined) return [];
      return deps.journal.audit({
        ...(receiptId ? { receiptId } : {}),
        ...(input.paymentId ? { partId: input.paymentId } : {}),
        limit: input.limit ?? 200,
      });
    },
    'service.supportBundle': () => deps.writeSupportBundle(),
    'app.quit': async (input, ctx) => {
      if (!(await deps.checkPin(input.pin, ctx.caller, 'app.quit'))) throw new ServiceError('forbidden', 'wrong service PIN');
      setTimeout(() => deps.quit(), 50);
      return { quitting: true };
    },
    'app.lifecycle': () => deps.lifecycle(),
    'config.get': () => deps.publicConfig(),
    'pinpad.health': () => deps.health(),
  };
  // Every method passes the permission check of the mode first.
  const permissionDeps: PermissionDeps = {
    journal: deps.journal,
    mode: () => deps.publicConfig().mode,
    repeatsEarlierCall: (method, input) => service.keys.repeats(method, input),
  };
  const guarded = {} as Record<string, (input: never, ctx: Parameters<Handlers['config.get']>[1]) => unknown>;
  for (const [name, handler] of Object.entries(handlers) as Array<[keyof Handlers, (input: unknown, ctx: Parameters<Handlers['config.get']>[1]) => unknown]>) {
    guarded[name] = (input, ctx) => {
      authorize(name, input as Record<string, unknown>, ctx, permissionDeps);
      return handler(input, ctx);
    };
  }
  return guarded as unknown as Handlers;
}

/** Where a binding's events come from: the service, the pin pad's health and the app's lifecycle. */
export interface EventSources {
  readonly service: PaymentService;
  onHealth(listener: (h: PinpadHealth) => void): () => void;
  onLifecycle(listener: (l: AppLifecycle) => void): () => void;
}

/** Forwards the service's events to a binding; returns the unsubscribe. */
export function subscribeServiceEvents(sources: EventSources, emit: (name: EventName, payload: unknown) => void): () => void {
  const { service } = sources;
  const onPayment = (payload: unknown): void => emit('payment', payload);
  const onReceipt = (payload: unknown): void => emit('receipt', payload);
  const onLate = (payload: unknown): void => emit('late-payment', payload);
  service.on('payment', onPayment);
  service.on('receipt', onReceipt);
  service.on('late-payment', onLate);
  const offHealth = sources.onHealth((health) => emit('pinpad', health));
  const offLifecycle = sources.onLifecycle((lifecycle) => emit('lifecycle', lifecycle));
  return () => {
    service.off('payment', onPayment);
    service.off('receipt', onReceipt);
    service.off('late-payment', onLate);
    offHealth();
    offLifecycle();
  };
}
