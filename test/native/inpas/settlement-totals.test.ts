import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../native/inpas/profile.js';
import { parseSlip } from '../../../native/inpas/result.js';
import {
  formatTotalsField,
  formatTotalsSlipLines,
  parseTotalsField,
  parseTotalsSlip,
  terminalTotals,
  type SettlementTotals,
} from '../../../native/inpas/settlement-totals.js';
import { settlementFields } from '../../../native/emulator/settlement-slip.js';
import { Bank } from '../../../native/emulator/bank.js';
import { reconciliationCsv } from '../../../electron/service/closing/reconciliation-export.js';
import type { Reconciliation } from '../../../electron/service/closing/reconciliation.js';

const PROFILE = loadProfile();
const SETTLEMENT = PROFILE.settlement!;
const LABELS = SETTLEMENT.slipLabels;

const total = fc.record({ count: fc.integer({ min: 0, max: 999_999_999 }), amount: fc.integer({ min: 0, max: 9_999_999_999_999 }) });
const totals: fc.Arbitrary<SettlementTotals> = fc.record({ cardSales: total, sbpSales: total, voids: total, refunds: total });

const SAMPLE: SettlementTotals = {
  cardSales: { count: 3, amount: 30_050 },
  sbpSales: { count: 2, amount: 15_000 },
  voids: { count: 1, amount: 5_000 },
  refunds: { count: 0, amount: 0 },
};

describe('settlement totals: the field and the slip', () => {
  it('the field round-trips any totals; the slip round-trips them through the slip parser', () => {
    fc.assert(
      fc.property(totals, (t) => {
        expect(parseTotalsField(formatTotalsField(t))).toEqual(t);
        const slip = parseSlip(`0xDF^^СВЕРКА ИТОГОВ~${formatTotalsSlipLines(t, LABELS).join('~')}~ИТОГО~0xDD^^`);
        expect(parseTotalsSlip(slip?.customer, LABELS)).toEqual(t);
      }),
    );
    expect(formatTotalsField(SAMPLE)).toBe('card=3/30050;sbp=2/15000;void=1/5000;refund=0/0');
    expect(formatTotalsSlipLines(SAMPLE, LABELS)[0]).toBe('ОПЛАТА КАРТОЙ: 3 / 300.50 RUB');
  });

  it('a field that is incomplete, repeated or malformed is refused, never half-read', () => {
    for (const bad of [
      '',
      'card=3/30050;sbp=2/15000;void=1/5000',
      'card=3/30050;card=3/30050;sbp=2/15000;void=1/5000;refund=0/0',
      'card=3/300.50;sbp=2/15000;void=1/5000;refund=0/0',
      'card=-3/30050;sbp=2/15000;void=1/5000;refund=0/0',
      'cash=1/1;card=3/30050;sbp=2/15000;void=1/5000;refund=0/0',
      'card=3/99999999999999;sbp=2/15000;void=1/5000;refund=0/0',
      `${'x'.repeat(600)}`,
    ]) {
      expect(parseTotalsField(bad), bad).toBeUndefined();
    }
    expect(parseTotalsField(' card = 3 / 30050 ; sbp=2/15000;void=1/5000;refund=0/0 ')).toEqual(SAMPLE);
  });

  it('slip lines: comma or point, "руб."/₽, any case; a missing or doubled line gives nothing', () => {
    const lines = ['оплата картой: 3 / 300,50 РУБ.', 'ОПЛАТА СБП:2/150.00', 'ОТМЕНА: 1 / 50.00 ₽', 'ВОЗВРАТ: 0 / 0.00 RUB'];
    expect(parseTotalsSlip(lines.join('\n'), LABELS)).toEqual(SAMPLE);
    expect(parseTotalsSlip(lines.slice(1).join('\n'), LABELS)).toBeUndefined();
    expect(parseTotalsSlip([...lines, 'ОТМЕНА: 2 / 60.00 RUB'].join('\n'), LABELS)).toBeUndefined();
  });

  it('parsing never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        parseTotalsField(text);
        parseTotalsSlip(text, LABELS);
        terminalTotals({ raw: { '98': text }, slip: { customer: text } }, SETTLEMENT);
      }),
    );
  });

  it('the field wins; the slip is read when the field is absent or broken; neither → undefined', () => {
    const fields = settlementFields('00322346', { count: 6, total: 45_050, totals: SAMPLE }, SETTLEMENT);
    const slip = parseSlip(String(fields[90]));
    expect(String(fields[SETTLEMENT.totalsField!])).toBe(formatTotalsField(SAMPLE));
    expect(slip?.customer).toContain('ОПЕРАЦИЙ: 6');
    expect(terminalTotals({ raw: { '98': formatTotalsField(SAMPLE) }, slip: undefined }, SETTLEMENT)).toEqual({ totals: SAMPLE, source: 'fields' });
    expect(terminalTotals({ raw: { '98': 'garbage' }, slip }, SETTLEMENT)).toEqual({ totals: SAMPLE, source: 'slip' });
    expect(terminalTotals({ raw: {}, slip: { customer: 'СВЕРКА ИТОГОВ\nИТОГИ СОВПАЛИ' } }, SETTLEMENT)).toBeUndefined();
    expect(terminalTotals({ raw: { '98': formatTotalsField(SAMPLE) }, slip }, undefined)).toBeUndefined();
  });
});

describe('the emulated bank: totals of the day from its ledger', () => {
  it('sales by method, voids and refunds of the day; a reversed sale counts nowhere; a switched sale where the profile says', () => {
    const bank = new Bank({ terminalId: '00322346', rrnSeed: 1 });
    const card = bank.charge({ ecrNumber: 1, amount: 10_000, method: 'card', switched: false });
    bank.charge({ ecrNumber: 2, amount: 4_000, method: 'sbp', switched: true });
    const reversed = bank.charge({ ecrNumber: 3, amount: 999, method: 'card', switched: false });
    bank.refund(reversed, 999, 3, 'emergency-cancel');
    bank.refund(card, 2_500, 4, 'void');
    expect(bank.totals()).toEqual({
      cardSales: { count: 1, amount: 10_000 },
      sbpSales: { count: 1, amount: 4_000 },
      voids: { count: 1, amount: 2_500 },
      refunds: { count: 0, amount: 0 },
    });
    expect(bank.totals(1, 'card').cardSales).toEqual({ count: 2, amount: 14_000 });
    const closed = bank.settle();
    expect(closed.totals).toEqual(bank.ledger.settlements[0]!.totals);
    // The next day: a refund of yesterday's sale counts today, the sale does not.
    bank.refund(card, 1_000, 5, 'refund');
    expect(bank.totals()).toEqual({
      cardSales: { count: 0, amount: 0 },
      sbpSales: { count: 0, amount: 0 },
      voids: { count: 0, amount: 0 },
      refunds: { count: 1, amount: 1_000 },
    });
  });
});

describe('the CSV export', () => {
  it('one row per kind and per explanation; cells a spreadsheet would run as formulas are defused', () => {
    const rec: Reconciliation = {
      id: 1,
      matched: false,
      businessDay: '2026-03-10',
      settledAt: '2026-03-10T18:00:00.000Z',
      terminalId: '00322346',
      source: 'fields',
      terminal: SAMPLE,
      journal: { ...SAMPLE, cardSales: { count: 2, amount: 20_000 } },
      differences: [
        {
          kind: 'cardSales',
          terminal: SAMPLE.cardSales,
          journal: { count: 2, amount: 20_000 },
          explainedBy: [{ reason: 'outside-app', count: 1, amount: 10_050, text: '=HYPERLINK("x"), made "outside"' }],
        },
      ],
      problem: undefined,
    };
    const rows = reconciliationCsv([rec]).trimEnd().split('\r\n');
    expect(rows).toHaveLength(1 + 4 + 1);
    expect(rows[1]).toBe('2026-03-10T18:00:00.000Z,2026-03-10,cardSales,3,30050,2,20000,differs,,,,,,');
    expect(rows[2]).toBe('2026-03-10T18:00:00.000Z,2026-03-10,cardSales,,,,,explanation,outside-app,,,1,10050,"\'=HYPERLINK(""x""), made ""outside"""');
    expect(rows[3]).toContain(',sbpSales,2,15000,2,15000,matches,');
  });
});
