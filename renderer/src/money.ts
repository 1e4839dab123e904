/**
 * Amounts are integer kopecks everywhere. These helpers only turn them into text and read
 * what a cashier types; they never do arithmetic on floats.
 */
import type { Locale } from './i18n.js';

/** 123456 → "1 234,56 ₽" (ru) or "1,234.56 ₽" (en): the one formatter, from the contract. */
export { formatMoney } from '../../electron/contract/money.js';

/** 12345 → "123,45" / "123.45": the value to prefill an amount field with. */
export function kopecksToInput(kopecks: number, locale: Locale): string {
  const roubles = Math.trunc(kopecks / 100);
  const rest = kopecks % 100;
  return `${roubles}${locale === 'ru' ? ',' : '.'}${String(rest).padStart(2, '0')}`;
}

/**
 * What a cashier typed → kopecks, or undefined when it is not an amount. Accepts "150",
 * "150,5", "150.50", "1 500,00" (spaces as thousands separators). Parsed digit by digit into
 * integers: no floating point.
 */
export function parseRoubles(text: string): number | undefined {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(/₽$/, '');
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const roubles = Number.parseInt(match[1]!, 10);
  const fraction = match[2] === undefined ? 0 : Number.parseInt(match[2].padEnd(2, '0'), 10);
  const kopecks = roubles * 100 + fraction;
  return Number.isSafeInteger(kopecks) ? kopecks : undefined;
}

/** Seconds → "1:05". */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
