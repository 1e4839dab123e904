/**
 * Goods for standalone and demo use: without a POS core, the kiosk needs something to pay
 * for. Prices in kopecks. With the emulator's default scenario, an amount ending in 51
 * kopecks is declined by the bank — the chocolate is there to try a decline.
 */
export interface DemoItem {
  readonly id: string;
  readonly name: { readonly ru: string; readonly en: string };
  readonly price: number;
}

export const DEMO_CATALOGUE: readonly DemoItem[] = [
  { id: 'coffee', name: { ru: 'Кофе с молоком', en: 'White coffee' }, price: 15_000 },
  { id: 'croissant', name: { ru: 'Круассан', en: 'Croissant' }, price: 12_000 },
  { id: 'water', name: { ru: 'Вода 0,5 л', en: 'Water 0.5 l' }, price: 6_900 },
  { id: 'sandwich', name: { ru: 'Сэндвич с курицей', en: 'Chicken sandwich' }, price: 24_900 },
  { id: 'chocolate', name: { ru: 'Шоколад', en: 'Chocolate' }, price: 9_951 },
];

/** A line the cashier adds with a typed amount (till only). */
export const FREE_ITEM_PREFIX = 'free:';

export interface CartLine {
  readonly id: string;
  readonly name: { readonly ru: string; readonly en: string };
  readonly price: number;
  readonly quantity: number;
}

/**
 * A receipt line's name in the screen's language. Receipt lines are journaled in Russian; a
 * line of the demo catalogue (or the till's free amount, `freeName`) is shown in the chosen
 * language, anything else (a POS core's own goods) as written.
 */
export function localLineName(name: string, locale: 'ru' | 'en', freeName: { readonly ru: string; readonly en: string }): string {
  if (name === freeName.ru) return freeName[locale];
  return DEMO_CATALOGUE.find((item) => item.name.ru === name)?.name[locale] ?? name;
}
