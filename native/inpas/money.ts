/**
 * The one money formatter: integer kopecks to text by integer arithmetic, for the screen,
 * the command line and the emulator's slips. Pure (no Node, no DOM) so every side can use it.
 */

/** 'ru' "1 234,56 ₽" and 'en' "1,234.56 ₽" for people on screen; 'plain' "1234.56 ₽" for terminals and slips. */
export type MoneyStyle = 'ru' | 'en' | 'plain';

const groupers: Partial<Record<'ru' | 'en', Intl.NumberFormat>> = {};

function grouper(locale: 'ru' | 'en'): Intl.NumberFormat {
  return (groupers[locale] ??= new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 0, useGrouping: true }));
}

/**
 * Kopecks → text. 'ru'/'en' group the roubles, write a minus sign "−" and put "₽" after a
 * no-break space; 'plain' writes "-1234.56 ₽" with ASCII only. `symbol: false` leaves out " ₽".
 */
export function formatMoney(kopecks: number, style: MoneyStyle = 'plain', options: { readonly symbol?: boolean } = {}): string {
  const abs = Math.abs(Math.trunc(kopecks));
  const roubles = Math.trunc(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  const symbol = options.symbol ?? true;
  if (style === 'plain') return `${kopecks < 0 ? '-' : ''}${roubles}.${rest}${symbol ? ' ₽' : ''}`;
  const mark = style === 'ru' ? ',' : '.';
  return `${kopecks < 0 ? '−' : ''}${grouper(style).format(roubles)}${mark}${rest}${symbol ? '\u00a0₽' : ''}`;
}
