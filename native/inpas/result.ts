/** What a pin-pad operation ended with: the driver's answer (or error) read into one result, card data masked. */
import { maskPan, scrubText } from './card-data.js';
import { PinpadError, type ErrorJSON } from './errors.js';
import type { Message } from './message.js';
import type { SbpState, TerminalProfile } from './profile.js';
import { Tag, TxnStatus } from './tags.js';

export const OPERATIONS = [
  'test',
  'sale',
  'void',
  'refund',
  'emergency-cancel',
  'status',
  'refund-status',
  'settle',
  'report',
  'full-report',
  'slip-copy',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

/**
 * - approved: the terminal says it was done (field 39 = 1, 2 "done with conditions" or 17 "completed offline")
 * - declined: the terminal gave a final answer that it was not done
 * - failed:   the terminal cannot have acted (port missing, nothing written, every try NAKed)
 * - unknown:  a request may have reached the terminal and no final answer came
 */
export type ResultStatus = 'approved' | 'declined' | 'failed' | 'unknown';
export type PaymentMethod = 'card' | 'sbp';

/**
 * Field 39 values that say the operation was done (public DualConnector enum). 1 is the plain
 * success; 2 and 17 are done too: the money moved (or will, when an offline approval is
 * uploaded), so reading them as declined would lose a payment the customer made.
 */
export const DONE_STATUSES: ReadonlySet<number> = new Set([TxnStatus.APPROVED, TxnStatus.APPROVED_WITH_CONDITIONS, TxnStatus.OFFLINE]);

/** Why a done answer is not the plain success, for the journal and the cashier; undefined for 39 = 1 or no 39. */
export function doneCondition(transactionStatus: number | undefined): string | undefined {
  if (transactionStatus === TxnStatus.APPROVED_WITH_CONDITIONS) return 'the terminal says done with conditions (39=2)';
  if (transactionStatus === TxnStatus.OFFLINE) return 'the terminal says completed offline (39=17): the bank gets it when the terminal uploads';
  return undefined;
}

export interface Slip {
  /** Customer copy (or the report text). */
  readonly customer?: string;
  readonly cashier?: string;
  readonly cardType?: string;
}

/** Fields copied into `raw`: none of them can carry card data. */
export const RAW_ALLOWED_TAGS: readonly number[] = [
  Tag.amount,
  Tag.currency,
  Tag.hostDateTime,
  Tag.entryMode,
  Tag.authCode,
  Tag.rrn,
  Tag.responseCode,
  Tag.resultText,
  Tag.commServerTxnId,
  Tag.operation,
  Tag.ecrNumber,
  Tag.terminalId,
  Tag.merchantId,
  Tag.status,
  Tag.hostTxnId,
  Tag.serialNumber,
  Tag.commandResult,
  Tag.model,
  Tag.applicationSetting,
  Tag.osVersion,
  Tag.hostTerminalId,
  Tag.bankName,
  Tag.connectorStatus,
  Tag.tillCompletionStatus,
  Tag.slipNumber,
];

export interface PinpadResult {
  readonly status: ResultStatus;
  readonly operation: OperationName;
  /** Kopecks. */
  readonly amount: number | undefined;
  readonly method: PaymentMethod | undefined;
  readonly rrn: string | undefined;
  readonly authCode: string | undefined;
  readonly responseCode: string | undefined;
  readonly text: string | undefined;
  readonly cardMasked: string | undefined;
  readonly ecrNumber: number | undefined;
  readonly terminalId: string | undefined;
  readonly slip: Slip | undefined;
  /** Field 39 as sent. */
  readonly transactionStatus: number | undefined;
  /** A card sale that the customer turned into an SBP payment with key 1. */
  readonly switchedToSbp: boolean;
  /** For status queries: the state of the QR payment or refund. */
  readonly sbpState: SbpState | undefined;
  /** For payment status queries: how the payment found was made, when the profile's marker says (`statusSbpMarker`). */
  readonly foundMethod: PaymentMethod | undefined;
  readonly model: string | undefined;
  readonly serialNumber: string | undefined;
  readonly hostDateTime: string | undefined;
  /** Field 105, where the terminal sends it. */
  readonly bankName: string | undefined;
  /** Field 104: the terminal id at the bank's host, where the terminal sends it. */
  readonly hostTerminalId: string | undefined;
  /** Field 108: the receipt (slip) number the terminal printed, where it sends it. */
  readonly slipNumber: string | undefined;
  /** Why there is no terminal answer (failed / unknown). */
  readonly error: ErrorJSON | undefined;
  /** Allow-listed response fields as text, by tag. */
  readonly raw: Readonly<Record<string, string>>;
}

const SLIP_MARKER = /0x([0-9A-F]{2})\^\^/g;

/** Splits field 90 into copies by its markers; `~` separates lines. */
export function parseSlip(text: string | undefined): Slip | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const segments: Array<{ marker: string | undefined; body: string }> = [];
  let last = 0;
  let marker: string | undefined;
  for (const match of text.matchAll(SLIP_MARKER)) {
    segments.push({ marker, body: text.slice(last, match.index) });
    marker = match[1];
    last = match.index + match[0].length;
  }
  segments.push({ marker, body: text.slice(last) });
  const lines = (body: string): string => scrubText(body.split('~').join('\n')).replace(/\n+$/, '');
  const slip: { customer?: string; cashier?: string; cardType?: string } = {};
  for (const { marker: m, body } of segments) {
    if (m === 'DD') break;
    const content = lines(body);
    if (content.trim() === '') continue;
    if (m === 'DA') slip.cashier = slip.cashier ? `${slip.cashier}\n${content}` : content;
    else if (m === 'DE') slip.cardType = content.trim();
    else slip.customer = slip.customer ? `${slip.customer}\n${content}` : content;
  }
  return Object.keys(slip).length > 0 ? slip : undefined;
}

export interface ResultContext {
  readonly operation: OperationName;
  readonly requestedMethod?: PaymentMethod;
  readonly amount?: number;
  readonly ecrNumber?: number;
  readonly terminalId?: string;
}

function isSwitched(profile: TerminalProfile, response: Message): boolean {
  const { field, value } = profile.sbp.switchMarker;
  return response.text(field)?.trim() === value;
}

/** A text field trimmed and scrubbed of anything card-like; undefined when absent or blank. */
function optionalText(response: Message, tag: number): string | undefined {
  const value = response.text(tag)?.trim();
  return value ? scrubText(value) : undefined;
}

/** The typed result of a final response. */
export function resultFromResponse(profile: TerminalProfile, response: Message, ctx: ResultContext): PinpadResult {
  const statusField = response.int(Tag.status);
  const text = response.text(Tag.resultText)?.trim();
  let status: ResultStatus;
  if (statusField !== undefined && DONE_STATUSES.has(statusField)) status = 'approved';
  else if (statusField === undefined && response.has(Tag.commandResult)) status = response.int(Tag.commandResult) === 0 ? 'approved' : 'declined';
  else if (statusField === TxnStatus.NOT_PERFORMED && (ctx.operation === 'void' || ctx.operation === 'emergency-cancel') && /^ОДОБРЕНО/i.test(text ?? '')) {
    // A known terminal quirk: a void that worked can come back with 39=0 and
    // "ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА". Treating it as declined makes tills cancel forever.
    status = 'approved';
  } else status = 'declined';

  const switched = ctx.operation === 'sale' && ctx.requestedMethod !== 'sbp' && isSwitched(profile, response);
  let sbpState: SbpState | undefined;
  let foundMethod: PaymentMethod | undefined;
  if (ctx.operation === 'status' || ctx.operation === 'refund-status') {
    sbpState = statusField === undefined ? undefined : profile.sbp.statusValues[String(statusField)];
    const marker = profile.sbp.statusSbpMarker;
    const value = marker === undefined ? undefined : response.text(marker.field)?.trim();
    if (ctx.operation === 'status' && value !== undefined && value !== '') foundMethod = value === marker!.value ? 'sbp' : 'card';
  }
  const raw: Record<string, string> = {};
  for (const tag of RAW_ALLOWED_TAGS) {
    const value = response.text(tag);
    if (value !== undefined) raw[String(tag)] = scrubText(value);
  }
  // The settlement totals field the profile names (counts and sums: no card data).
  const totalsField = profile.settlement?.totalsField;
  if (ctx.operation === 'settle' && totalsField !== undefined) {
    const value = response.text(totalsField);
    if (value !== undefined) raw[String(totalsField)] = scrubText(value);
  }
  const card = response.text(Tag.cardNumber);
  const amount = response.int(Tag.amount) ?? ctx.amount;
  const money =
    ctx.operation === 'sale' || ctx.operation === 'void' || ctx.operation === 'refund' || ctx.operation === 'status' || ctx.operation === 'refund-status';
  return {
    status,
    operation: ctx.operation,
    amount,
    method: money ? (switched || ctx.requestedMethod === 'sbp' ? 'sbp' : (ctx.requestedMethod ?? 'card')) : undefined,
    rrn: response.text(Tag.rrn)?.trim() || undefined,
    authCode: response.text(Tag.authCode)?.trim() || undefined,
    responseCode: response.text(Tag.responseCode)?.trim() || undefined,
    text: text === undefined ? undefined : scrubText(text),
    cardMasked: card ? maskPan(card.trim()) : undefined,
    ecrNumber: response.int(Tag.ecrNumber) ?? ctx.ecrNumber,
    terminalId: response.text(Tag.terminalId)?.trim() || ctx.terminalId,
    slip: parseSlip(response.text(Tag.slip)),
    transactionStatus: statusField,
    switchedToSbp: switched,
    sbpState,
    foundMethod,
    model: response.text(Tag.model)?.trim() || undefined,
    serialNumber: response.text(Tag.serialNumber)?.trim() || undefined,
    hostDateTime: response.text(Tag.hostDateTime)?.trim() || undefined,
    bankName: optionalText(response, Tag.bankName),
    hostTerminalId: optionalText(response, Tag.hostTerminalId),
    slipNumber: optionalText(response, Tag.slipNumber),
    error: undefined,
    raw,
  };
}

/** The result when no final answer came: failed if the terminal cannot have acted, unknown otherwise. */
export function resultFromError(error: PinpadError, ctx: ResultContext): PinpadResult {
  const status: ResultStatus = error.delivery === 'none' ? 'failed' : 'unknown';
  return {
    status,
    operation: ctx.operation,
    amount: ctx.amount,
    method: ctx.requestedMethod,
    rrn: undefined,
    authCode: undefined,
    responseCode: undefined,
    text: error.message,
    cardMasked: undefined,
    ecrNumber: ctx.ecrNumber,
    terminalId: ctx.terminalId,
    slip: undefined,
    transactionStatus: undefined,
    switchedToSbp: false,
    sbpState: undefined,
    foundMethod: undefined,
    model: undefined,
    serialNumber: undefined,
    hostDateTime: undefined,
    bankName: undefined,
    hostTerminalId: undefined,
    slipNumber: undefined,
    error: error.toJSON(),
    raw: {},
  };
}

export { PinpadError };
