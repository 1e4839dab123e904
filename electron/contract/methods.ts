/**
 * The method/event table: invoke methods with their zod input schemas and output types, and
 * event streams with their payload types. Electron IPC and the WebSocket bridge are both
 * generated from it; main validates every input with these schemas.
 */
import { z } from 'zod';
import type { EventNameList, MethodNameList } from './channels.js';
import type {
  AppLifecycle,
  AuditView,
  LatePaymentEvent,
  LateWatchView,
  Part,
  PaymentEvent,
  PinpadHealth,
  PublicConfig,
  Receipt,
  ReconciliationExport,
  RefundPlanItem,
  ServiceOperationResult,
  SettlementResult,
} from './types.js';

/** 100 million roubles: larger is a typo. */
const MAX_KOPECKS = 10_000_000_000;
const kopecks = z.number().int().positive().max(MAX_KOPECKS);
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

/**
 * A client's key for one money-moving call: the same key with the same input gives the first
 * call's result and moves no money again (service/payments/idempotency.ts). Scoped to the method; kept 48 h.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,64}$/;
const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY_PATTERN, '8-64 letters, digits and . _ : -').optional();

const line = z.strictObject({
  name: z.string().min(1).max(200),
  quantity: z.number().positive().max(100_000),
  amount: z.number().int().nonnegative().max(MAX_KOPECKS),
});

const refundItem = z.strictObject({ paymentId: id, amount: kopecks, cash: z.boolean().optional() });

/**
 * Who may call a method, the one table authorization reads (service/access/permissions.ts):
 * - `anyone`: every caller; in kiosk mode the customer screen only for its own receipts (the permission rules);
 * - `staff-at-kiosk`: at a till anyone (the cashier is trusted), at a kiosk only after the service PIN;
 * - `staff`: only after the service PIN, in both modes.
 */
export type MethodAccess = 'anyone' | 'staff-at-kiosk' | 'staff';

/** One method: its input schema, its output type (phantom), and who may call it. */
interface MethodSpec<I extends z.ZodType, O> {
  readonly input: I;
  readonly output: O;
  readonly access: MethodAccess;
}

/** `method<Output>()(inputSchema, access)`: the output type is given, the input type comes from the schema. */
function method<O>() {
  return <I extends z.ZodType>(input: I, access: MethodAccess = 'anyone'): MethodSpec<I, O> => ({ input, output: undefined as unknown as O, access });
}

const none = z.strictObject({});
const refundItems = z.array(refundItem).min(1).max(50);
const refundInput = z.strictObject({ receiptId: id, items: refundItems });

export const METHODS = {
  /** `posPrints`: the POS core prints the receipt and its slips (default false); it confirms with `receipt.printed`. */
  'receipt.open': method<Receipt>()(z.strictObject({ id: id.optional(), lines: z.array(line).max(500), total: kopecks, posPrints: z.boolean().optional() })),
  'receipt.get': method<Receipt>()(z.strictObject({ receiptId: id })),
  'receipt.search': method<Receipt[]>()(z.strictObject({ text: z.string().max(100).optional(), limit: z.number().int().min(1).max(200).optional() }), 'staff-at-kiosk'),
  /** The POS core printed the receipt (idempotent): the kiosk may now tell the customer to take it. */
  'receipt.printed': method<Receipt>()(z.strictObject({ receiptId: id })),
  'receipt.cancel': method<Receipt>()(z.strictObject({ receiptId: id, cashForUnrefundable: z.boolean().optional(), idempotencyKey })),
  'payment.start': method<{ paymentId: string }>()(
    z.strictObject({ receiptId: id, method: z.enum(['card', 'sbp', 'cash']), amount: kopecks, idempotencyKey }),
  ),
  'payment.cancel': method<{ requested: boolean }>()(z.strictObject({ paymentId: id })),
  'refund.plan': method<RefundPlanItem[]>()(refundInput, 'staff-at-kiosk'),
  'refund.start': method<Part[]>()(z.strictObject({ receiptId: id, items: refundItems, idempotencyKey }), 'staff-at-kiosk'),
  'unknown.list': method<Part[]>()(none, 'staff-at-kiosk'),
  'unknown.resolve': method<Part[]>()(z.strictObject({ paymentId: id.optional() })),
  'unknown.resolveManually': method<Part>()(
    z.strictObject({
      paymentId: id,
      decision: z.enum(['approved', 'declined']),
      note: z.string().min(3).max(500),
      rrn: z
        .string()
        .regex(/^[0-9A-Za-z]{1,12}$/)
        .optional(),
      idempotencyKey,
    }),
    'staff',
  ),
  /** Open late-payment watches (QR parts that may still be paid). */
  'lateWatch.list': method<LateWatchView[]>()(none, 'staff-at-kiosk'),
  /** A cashier ends a watch; the note goes to the audit trail. */
  'lateWatch.end': method<LateWatchView>()(z.strictObject({ paymentId: id, note: z.string().trim().min(3).max(200), idempotencyKey }), 'staff-at-kiosk'),
  'service.unlock': method<{ unlocked: boolean }>()(z.strictObject({ pin: z.string().min(1).max(32) })),
  'service.lock': method<{ unlocked: boolean }>()(none),
  'service.test': method<ServiceOperationResult>()(none, 'staff'),
  'service.settle': method<SettlementResult>()(none, 'staff'),
  /** Writes the reconciliations of a business day (default: the last one closed) as CSV and JSON files. */
  'service.reconciliationExport': method<ReconciliationExport>()(
    z.strictObject({
      day: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
        .optional(),
    }),
    'staff',
  ),
  'service.report': method<ServiceOperationResult>()(z.strictObject({ full: z.boolean() }), 'staff'),
  'service.slipCopy': method<ServiceOperationResult>()(none, 'staff'),
  'service.journal': method<AuditView[]>()(
    z.strictObject({
      receiptId: id.optional(),
      /** What staff type or read: "3", "Чек № 3" (the newest receipt with that number) or a receipt id. */
      receipt: z.string().trim().min(1).max(64).optional(),
      paymentId: id.optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    'staff',
  ),
  /** `removable`: the copy on a removable drive, when one is mounted. */
  'service.supportBundle': method<{ path: string; removable?: string }>()(none, 'staff'),
  /** Quitting a kiosk needs the service PIN. */
  'app.quit': method<{ quitting: boolean }>()(z.strictObject({ pin: z.string().min(1).max(32) })),
  /** Running, or stopping (finishing what is at the pin pad; no new money): the `lifecycle` event tells changes. */
  'app.lifecycle': method<AppLifecycle>()(none),
  'config.get': method<PublicConfig>()(none),
  'pinpad.health': method<PinpadHealth>()(none),
} as const;

export type MethodName = keyof typeof METHODS;

// The preload's name list (channels.ts) and this table must agree, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesAgree: Same<MethodName, MethodNameList> = true;
const eventsAgree: Same<EventName, EventNameList> = true;
void namesAgree;
void eventsAgree;
export type MethodInput<M extends MethodName> = z.input<(typeof METHODS)[M]['input']>;
export type MethodOutput<M extends MethodName> = (typeof METHODS)[M]['output'];

/** Per window / per bridge client, on the main side. */
export interface CallContext {
  /** The service PIN was entered on this client. */
  unlocked: boolean;
  /** Who is calling, for logs: "window 1", "bridge 127.0.0.1:53422". */
  readonly caller: string;
  /** Receipts this caller opened or paid (kiosk mode: what a customer screen may see; service/access/permissions.ts). */
  ownReceipts?: Set<string>;
}

/** A method's input after its schema parsed it. */
export type ParsedInput<M extends MethodName> = z.output<(typeof METHODS)[M]['input']>;

/** What the main side implements: one handler per method. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export interface EventPayloads {
  payment: PaymentEvent;
  receipt: Receipt;
  pinpad: PinpadHealth;
  'late-payment': LatePaymentEvent;
  lifecycle: AppLifecycle;
}
export type EventName = keyof EventPayloads;

/** The API the renderer sees as `window.kiosk` (Electron) or through the bridge client (browser). */
export interface KioskApi {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}
