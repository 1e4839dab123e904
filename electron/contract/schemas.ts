/**
 * Zod schemas of what the service answers and sends: every method's output and every event's
 * payload. The bridge protocol's JSON Schema documents (docs/bridge/, `npm run docs:bridge`) are
 * generated from them and from the input schemas in methods.ts. The TypeScript types in types.ts
 * stay the source the code uses; the check at the end of this file fails the build when a type
 * and its schema say different things (a field missing, added, or of another type).
 */
import { z } from 'zod';
import type { EventName, EventPayloads, MethodName, MethodOutput } from './methods.js';
import { PART_STATES } from './types.js';

const text = z.string();
const kopecks = z.number().int().describe('kopecks (1 rouble = 100)');
const isoTime = z.string().describe('ISO 8601 time');
const partMethod = z.enum(['card', 'sbp', 'cash']);
const refundHow = z.enum(['void', 'refund', 'cash']);

const receiptLine = z.object({ name: text, quantity: z.number(), amount: kopecks.describe('kopecks for the whole line') });
const qr = z.object({
  payload: text.optional().describe('the QR text (an SBP link), when the terminal sent it'),
  expiresAt: z.number().describe('ms since the epoch'),
});

const partSlip = z
  .object({
    customer: text.optional().describe("the customer's copy, lines separated by \\n"),
    cashier: text.optional().describe("the cashier's copy, lines separated by \\n"),
    cardType: text.optional().describe('the card scheme the terminal named'),
  })
  .describe('the slip texts as the terminal sent them; card numbers are masked to first 6 / last 4');

const part = z
  .object({
    id: text,
    receiptId: text,
    kind: z.enum(['payment', 'refund']),
    method: partMethod,
    how: refundHow.optional().describe('for refunds: how it is done'),
    refundOf: text.optional().describe('for refunds: the payment part it gives money back for'),
    amount: kopecks,
    state: z.enum(PART_STATES),
    ecrNumber: z.number().int().optional().describe('till transaction number; never reused; cash parts have none'),
    rrn: text.optional(),
    authCode: text.optional(),
    responseCode: text.optional(),
    text: text.optional().describe("the terminal's answer text"),
    cardMasked: text.optional().describe('first 6 / last 4 digits of the card'),
    terminalId: text.optional(),
    switchedToSbp: z.boolean().describe('the customer switched this card sale to SBP on the pin pad'),
    refunded: kopecks.describe('how much of this payment has been given back'),
    businessDay: text.describe('local day (YYYY-MM-DD) it was approved on'),
    settled: z.boolean().describe('a settlement has happened since this payment'),
    slip: partSlip.optional(),
    qr: qr.optional(),
    slipNumber: text.optional().describe('the slip number the terminal printed'),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .describe('one payment or refund of a receipt');

const receipt = z
  .object({
    id: text,
    shortNumber: z.number().int().optional().describe("the receipt's number within its day, for people"),
    lines: z.array(receiptLine),
    total: kopecks,
    state: z.enum(['open', 'paid', 'cancelled']),
    paid: kopecks.describe('approved payments minus approved refunds'),
    remaining: kopecks.describe('still due while open'),
    refunded: kopecks,
    parts: z.array(part),
    blockedReason: text.optional().describe('why no money operation is accepted now (an unresolved part)'),
    posPrints: z.boolean().describe('the POS core said at receipt.open that it prints the receipt'),
    printed: z.boolean().describe('the POS core confirmed printing with receipt.printed'),
    lateWatches: z
      .array(z.object({ paymentId: text, deadline: isoTime }))
      .optional()
      .describe('QR parts that may still be paid at the bank (open late-payment watches); absent when none'),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .describe('a receipt with its parts');

const refundPlanItem = z.object({ paymentId: text, amount: kopecks, how: refundHow, method: partMethod, reason: text, needsCard: z.boolean() });

const lateWatchView = z.object({
  paymentId: text,
  receiptId: text,
  receiptShortNumber: z.number().int().optional(),
  amount: kopecks,
  reason: text,
  deadline: isoTime,
  state: z.enum(['watching', 'reversing', 'paid', 'not-paid', 'decided']),
  detail: text.optional(),
});

const serviceOperationResult = z.object({
  status: z.enum(['approved', 'declined', 'failed', 'unknown']),
  text: text.optional(),
  slip: partSlip.optional(),
  terminalId: text.optional(),
  model: text.optional(),
  bankName: text.optional(),
  hostTerminalId: text.optional(),
});

const total = z.object({ count: z.number().int(), amount: kopecks });
const totalKind = z.enum(['cardSales', 'sbpSales', 'voids', 'refunds']);
const settlementTotals = z.object({ cardSales: total, sbpSales: total, voids: total, refunds: total });
const explanation = z.object({
  reason: z.enum(['unknown', 'manual', 'late-payment', 'outside-app']),
  partId: text.optional(),
  receiptId: text.optional(),
  count: z.number().int(),
  amount: kopecks,
  text,
});
const reconciliation = z.object({
  id: z.number().int(),
  matched: z.boolean(),
  businessDay: text,
  settledAt: isoTime,
  terminalId: text.optional(),
  source: z.enum(['fields', 'slip']).nullable(),
  terminal: settlementTotals.nullable(),
  journal: settlementTotals,
  differences: z.array(z.object({ kind: totalKind, terminal: total, journal: total, explainedBy: z.array(explanation) })),
  problem: text.optional(),
});

const pinpadHealth = z.object({
  state: z.enum(['connecting', 'connected', 'reconnecting', 'wrong-terminal-id', 'stopped']),
  emulator: z.boolean(),
  target: text,
  terminalId: text.optional(),
  model: text.optional(),
  problem: text.optional(),
  since: isoTime,
  lastAnswerAt: isoTime.optional(),
  answering: z.boolean().optional(),
});

const auditView = z.object({
  at: isoTime,
  receiptId: text.nullable(),
  partId: text.nullable(),
  fromState: text.nullable(),
  toState: text.nullable(),
  event: text,
  detail: text.nullable(),
  receiptNumber: z.number().int().nullable().describe("the receipt's short number of its day"),
  amount: kopecks.nullable().describe("the payment's amount, or for a receipt event its total"),
});

const publicConfig = z.object({
  mode: z.enum(['kiosk', 'till']),
  locale: z.enum(['ru', 'en']),
  qrSbp: z.boolean(),
  emulator: z.boolean(),
  pinpadTarget: text,
  terminalId: text,
  currencyCodeNumeric: z.number().int(),
  timeoutSeconds: z.number(),
  servicePinSet: z.boolean(),
  bank: z.object({ partialSameDayQrRefund: z.boolean(), refundSwitchedPayment: z.boolean() }),
  profileName: text,
});

const paymentEvent = z.object({
  paymentId: text,
  receiptId: text,
  phase: z.enum(['intent', 'sent', 'wait', 'screen', 'qr', 'method-switched', 'cancel-requested', 'done']),
  text: text.optional().describe("the pin pad's screen text"),
  qr: qr.optional(),
  part: part.optional().describe('the part as it ended (phase done)'),
});

const appLifecycle = z.object({
  state: z.enum(['running', 'stopping']).describe('stopping: new money is refused with `stopping`; what is at the pin pad finishes'),
  reason: text.optional().describe('why it is stopping (e.g. "SIGTERM", "quit")'),
  since: isoTime,
});

const latePaymentEvent = z.object({ receiptId: text, paymentId: text, latePartId: text, amount: kopecks, reversed: z.boolean() });

/** What each method answers (its `value` in a `result` frame). */
export const OUTPUT_SCHEMAS = {
  'receipt.open': receipt,
  'receipt.get': receipt,
  'receipt.search': z.array(receipt),
  'receipt.cancel': receipt,
  'receipt.printed': receipt,
  'payment.start': z.object({ paymentId: text }),
  'payment.cancel': z.object({ requested: z.boolean() }),
  'refund.plan': z.array(refundPlanItem),
  'refund.start': z.array(part),
  'unknown.list': z.array(part),
  'unknown.resolve': z.array(part),
  'unknown.resolveManually': part,
  'lateWatch.list': z.array(lateWatchView),
  'lateWatch.end': lateWatchView,
  'service.unlock': z.object({ unlocked: z.boolean() }),
  'service.lock': z.object({ unlocked: z.boolean() }),
  'service.test': serviceOperationResult,
  'service.settle': serviceOperationResult.extend({ reconciliation: reconciliation.optional() }),
  'service.reconciliationExport': z.object({
    day: text,
    reconciliations: z.number().int(),
    csvPath: text,
    jsonPath: text,
    removable: z.array(text).optional().describe('the copies on a removable drive, when one is mounted'),
  }),
  'service.report': serviceOperationResult,
  'service.slipCopy': serviceOperationResult,
  'service.journal': z.array(auditView),
  'service.supportBundle': z.object({ path: text, removable: text.optional().describe('the copy on a removable drive, when one is mounted') }),
  'app.quit': z.object({ quitting: z.boolean() }),
  'config.get': publicConfig,
  'pinpad.health': pinpadHealth,
  'app.lifecycle': appLifecycle,
} satisfies Record<MethodName, z.ZodType>;

/** Each event's payload (an `event` frame's `payload`). */
export const EVENT_SCHEMAS = {
  payment: paymentEvent,
  receipt,
  pinpad: pinpadHealth,
  'late-payment': latePaymentEvent,
  lifecycle: appLifecycle,
} satisfies Record<EventName, z.ZodType>;

// --- the types and the schemas say the same -------------------------------------------------

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** A value as it travels in JSON: a field that may be undefined is an optional field; nothing is readonly. */
type Wire<T> = T extends readonly (infer U)[]
  ? Wire<U>[]
  : T extends object
    ? Simplify<
        { -readonly [K in keyof T as undefined extends T[K] ? never : K]-?: Wire<T[K]> } & {
          -readonly [K in keyof T as undefined extends T[K] ? K : never]?: Wire<Exclude<T[K], undefined>>;
        }
      >
    : T;
type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

/** Methods (events) whose schema and type differ; `never` when none does. */
type OutputDrift = { [M in MethodName]: Equal<Wire<z.output<(typeof OUTPUT_SCHEMAS)[M]>>, Wire<MethodOutput<M>>> extends true ? never : M }[MethodName];
type EventDrift = { [E in EventName]: Equal<Wire<z.output<(typeof EVENT_SCHEMAS)[E]>>, Wire<EventPayloads[E]>> extends true ? never : E }[EventName];
// A compile error here names the method or event whose schema above no longer matches its type in types.ts.
const outputsAgree: [OutputDrift] extends [never] ? true : OutputDrift = true;
const eventsAgree: [EventDrift] extends [never] ? true : EventDrift = true;
void outputsAgree;
void eventsAgree;
