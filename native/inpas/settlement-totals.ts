/**
 * Settlement totals (count and sum per kind) as a terminal reports them when it closes the day:
 * in a profile-named field, else in the settlement slip. Formatting (for the emulator) and parsing.
 */
import type { Slip } from './result.js';
import type { TerminalProfile } from './profile.js';

export const TOTAL_KINDS = ['cardSales', 'sbpSales', 'voids', 'refunds'] as const;
export type TotalKind = (typeof TOTAL_KINDS)[number];

export interface Total {
  readonly count: number;
  /** Kopecks. */
  readonly amount: number;
}

export type SettlementTotals = Readonly<Record<TotalKind, Total>>;

export type SettlementProfile = NonNullable<TerminalProfile['settlement']>;

/** Short names of the kinds in the totals field. */
const FIELD_KEYS: Readonly<Record<TotalKind, string>> = { cardSales: 'card', sbpSales: 'sbp', voids: 'void', refunds: 'refund' };

export function emptyTotals(): Record<TotalKind, Total> {
  return { cardSales: { count: 0, amount: 0 }, sbpSales: { count: 0, amount: 0 }, voids: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 } };
}

/** `card=3/30000;sbp=2/15000;void=1/5000;refund=0/0` (counts; kopecks). */
export function formatTotalsField(totals: SettlementTotals): string {
  return TOTAL_KINDS.map((kind) => `${FIELD_KEYS[kind]}=${totals[kind].count}/${totals[kind].amount}`).join(';');
}

const MAX_COUNT = 999_999_999;
const MAX_AMOUNT = 9_999_999_999_999;

function total(count: string, amount: number): Total | undefined {
  const c = Number(count);
  return Number.isSafeInteger(c) && c <= MAX_COUNT && Number.isSafeInteger(amount) && amount <= MAX_AMOUNT ? { count: c, amount } : undefined;
}

/** Parses the totals field; undefined unless every kind is there exactly once and well formed. */
export function parseTotalsField(text: string | undefined): SettlementTotals | undefined {
  if (text === undefined || text.length > 500) return undefined;
  const out: Partial<Record<TotalKind, Total>> = {};
  for (const item of text.trim().split(';')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d{1,9})\s*\/\s*(\d{1,13})\s*$/.exec(item);
    if (!match) return undefined;
    const kind = TOTAL_KINDS.find((k) => FIELD_KEYS[k] === match[1]);
    const value = total(match[2]!, Number(match[3]));
    if (!kind || !value || out[kind]) return undefined;
    out[kind] = value;
  }
  return TOTAL_KINDS.every((k) => out[k] !== undefined) ? (out as SettlementTotals) : undefined;
}

function rub(kopecks: number): string {
  return `${Math.floor(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`;
}

/** Slip lines `<label>: <count> / <roubles.kopecks> RUB`, one per kind, with the profile's labels. */
export function formatTotalsSlipLines(totals: SettlementTotals, labels: SettlementProfile['slipLabels']): string[] {
  return TOTAL_KINDS.map((kind) => `${labels[kind]}: ${totals[kind].count} / ${rub(totals[kind].amount)} RUB`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds the per-kind lines in slip text (lines separated by newlines or `~`); undefined unless every kind is there once. */
export function parseTotalsSlip(text: string | undefined, labels: SettlementProfile['slipLabels']): SettlementTotals | undefined {
  if (text === undefined || text.length > 100_000) return undefined;
  const lines = text.split(/[\n~]/).map((l) => l.trim());
  const out: Partial<Record<TotalKind, Total>> = {};
  for (const kind of TOTAL_KINDS) {
    const pattern = new RegExp(`^${escapeRegExp(labels[kind].trim())}\\s*:\\s*(\\d{1,9})\\s*/\\s*(\\d{1,11})[.,](\\d{2})(?:\\s*(?:RUB|РУБ\\.?|₽))?$`, 'i');
    const found = lines.map((line) => pattern.exec(line)).filter((m): m is RegExpExecArray => m !== null);
    if (found.length !== 1) return undefined;
    const m = found[0]!;
    const value = total(m[1]!, Number(m[2]) * 100 + Number(m[3]));
    if (!value) return undefined;
    out[kind] = value;
  }
  return out as SettlementTotals;
}

export type TotalsSource = 'fields' | 'slip';

/**
 * The terminal's totals from a settlement answer: the profile's totals field when the answer
 * carries it well formed, else the slip (customer copy, then cashier copy). Undefined when neither does.
 */
export function terminalTotals(
  answer: { readonly raw: Readonly<Record<string, string>>; readonly slip: Slip | undefined },
  settlement: SettlementProfile | undefined,
): { totals: SettlementTotals; source: TotalsSource } | undefined {
  if (!settlement) return undefined;
  if (settlement.totalsField !== undefined) {
    const fromField = parseTotalsField(answer.raw[String(settlement.totalsField)]);
    if (fromField) return { totals: fromField, source: 'fields' };
  }
  for (const copy of [answer.slip?.customer, answer.slip?.cashier]) {
    const fromSlip = parseTotalsSlip(copy, settlement.slipLabels);
    if (fromSlip) return { totals: fromSlip, source: 'slip' };
  }
  return undefined;
}
