/** The terminal profile: the wire facts that are not public (SBP forms, status values), validated from JSON. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PinpadError } from './errors.js';

const tag = z.number().int().min(0).max(255);
const opCode = z.number().int().min(0).max(255);
/** Extra request fields: tag (as a JSON key) → text value. */
const extraFields = z.record(z.string().regex(/^(?:\d|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])$/, 'field tags are 0..255'), z.string()).default({});

/**
 * What the till does with a status answer: pending (no final result yet: ask again), done (the
 * money moved), rejected (it did not), expired (ended at the pin pad unpaid; may still be paid
 * late), not-found, reversed (emergency-cancelled). The profile maps field 39 values onto them.
 */
export const SBP_STATES = ['pending', 'done', 'rejected', 'expired', 'not-found', 'reversed'] as const;
export type SbpState = (typeof SBP_STATES)[number];

const statusQuery = z.strictObject({
  operation: opCode,
  fields: extraFields,
  /** The field that carries the till number (26) of the transaction being queried. */
  byEcrField: tag,
  /** The field that carries the RRN of the transaction being queried. */
  byRrnField: tag,
});

export const ProfileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  operations: z.strictObject({
    sale: opCode,
    void: opCode,
    refund: opCode,
    emergencyCancel: opCode,
    settlement: opCode,
    testConnection: opCode,
    userCommand: opCode,
    wait: opCode,
  }),
  userCommands: z.strictObject({
    shortReport: z.number().int().min(0),
    fullReport: z.number().int().min(0),
    slipCopy: z.number().int().min(0),
  }),
  /** How the till asks the terminal to stop waiting for a card: send EOT. */
  abort: z.enum(['eot']),
  sbp: z.strictObject({
    payment: z.strictObject({ operation: opCode, fields: extraFields }),
    refund: z.strictObject({
      operation: opCode,
      fields: extraFields,
      /** Which ids of the original payment a QR refund carries. */
      carries: z.array(z.enum(['rrn', 'authCode'])).min(1),
    }),
    paymentStatus: statusQuery,
    refundStatus: statusQuery,
    /** Field 39 of a status response → state of the QR payment or refund (codes as the public DualConnector enums). */
    statusValues: z.record(z.string().regex(/^\d{1,3}$/), z.enum(SBP_STATES)),
    /** In a sale's final response: this field with this value means the customer switched to QR (key 1). */
    switchMarker: z.strictObject({ field: tag, value: z.string().min(1) }),
    /** Field with the QR payload (an NSPK link), in WAIT or final frames; optional. */
    qrPayloadField: tag.optional(),
    /** Field with the seconds the QR stays valid, next to the payload; optional. */
    qrExpiryField: tag.optional(),
    /** QR lifetime when the terminal does not say. */
    qrLifetimeSeconds: z.number().int().min(10).max(3600),
    /**
     * In a payment status answer: this field with this value means the payment found was made by
     * SBP QR (also one a card sale was switched to with key 1); optional.
     */
    statusSbpMarker: z.strictObject({ field: tag, value: z.string().min(1) }).optional(),
    /** How long after a QR expired its payment may still land at the bank, seconds (a late-payment watch lasts this long). */
    latePaymentMarginSeconds: z.number().int().min(0).max(86_400).optional(),
  }),
  /** How the terminal reports its totals when it closes the day (settlement); optional. */
  settlement: z
    .strictObject({
      /** Field of the settlement answer with the totals, `card=N/kop;sbp=N/kop;void=N/kop;refund=N/kop`; absent = the slip only. */
      totalsField: tag.optional(),
      /** Where the terminal counts a card sale the customer switched to QR with key 1. */
      switchedCountedAs: z.enum(['sbp', 'card']),
      /** Labels of the per-kind lines `<label>: <count> / <roubles> RUB` in the settlement slip. */
      slipLabels: z.strictObject({
        cardSales: z.string().min(1).max(60),
        sbpSales: z.string().min(1).max(60),
        voids: z.string().min(1).max(60),
        refunds: z.string().min(1).max(60),
      }),
    })
    .optional(),
  /** What this bank's setup supports. */
  bank: z.strictObject({
    /** Same-day partial refund of a QR payment. */
    partialSameDayQrRefund: z.boolean(),
    /** Refund of a payment that the customer switched from card to QR with key 1. */
    refundSwitchedPayment: z.boolean(),
  }),
});

export type TerminalProfile = z.infer<typeof ProfileSchema>;

export const DEFAULT_PROFILE_PATH = fileURLToPath(new URL('./profiles/default.json', import.meta.url));

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates profile data; the error names the source and every wrong key. */
export function parseProfile(data: unknown, source = 'profile'): TerminalProfile {
  const parsed = ProfileSchema.safeParse(data);
  if (!parsed.success) {
    throw new PinpadError('config', `${source}: ${describeIssues(parsed.error)}`, { data: { source } });
  }
  const profile = parsed.data;
  const sbpOps = [profile.sbp.payment.operation, profile.sbp.refund.operation, profile.sbp.paymentStatus.operation, profile.sbp.refundStatus.operation];
  if (new Set(sbpOps).size !== sbpOps.length) {
    throw new PinpadError('config', `${source}: sbp operations must have distinct codes (${sbpOps.join(', ')})`, { data: { source } });
  }
  return profile;
}

export function loadProfile(path: string = DEFAULT_PROFILE_PATH): TerminalProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PinpadError('config', `cannot read terminal profile ${path}: ${(error as Error).message}`, { data: { source: path }, cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PinpadError('config', `${path}: not valid JSON: ${(error as Error).message}`, { data: { source: path }, cause: error });
  }
  return parseProfile(data, path);
}

/** Extra fields from the profile as a message input. */
export function profileFields(fields: Readonly<Record<string, string>>): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [key, value] of Object.entries(fields)) out[Number(key)] = value;
  return out;
}
