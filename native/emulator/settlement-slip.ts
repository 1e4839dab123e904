/** The emulated terminal's settlement answer: the day's totals in the profile's field and in the slip text. */
import type { FieldInput } from '../inpas/message.js';
import { formatTotalsField, formatTotalsSlipLines, type SettlementProfile, type SettlementTotals } from '../inpas/settlement-totals.js';
import { Tag } from '../inpas/tags.js';

function rub(kopecks: number): string {
  return `${Math.floor(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`;
}

/** Fields 90 (slip) and, when the profile names one, the totals field of a settlement answer. */
export function settlementFields(
  terminalId: string,
  closed: { readonly count: number; readonly total: number; readonly totals: SettlementTotals },
  settlement: SettlementProfile | undefined,
): FieldInput {
  const lines = [
    'СВЕРКА ИТОГОВ',
    `ТЕРМИНАЛ ${terminalId}`,
    ...(settlement ? formatTotalsSlipLines(closed.totals, settlement.slipLabels) : []),
    `ОПЕРАЦИЙ: ${closed.count}`,
    `ИТОГО: ${rub(closed.total)} RUB`,
    'ИТОГИ СОВПАЛИ',
  ];
  return {
    [Tag.slip]: `0xDF^^${lines.join('~')}~0xDD^^`,
    ...(settlement?.totalsField !== undefined ? { [settlement.totalsField]: formatTotalsField(closed.totals) } : {}),
  };
}
