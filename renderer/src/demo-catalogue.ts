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
