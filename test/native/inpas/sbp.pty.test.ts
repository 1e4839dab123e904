import { describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../native/inpas/driver.js';
import { ledgerNet, useRigs, waitFor } from '../rig.js';

const rig = useRigs();

describe('SBP QR payments and the bank quirks around them', () => {
  it('key 1 during a card sale: method-switched event, result is an SBP payment', async () => {
    const r = await rig({ scenario: 'switch-to-qr' });
    const result = await r.driver.sale({ amount: 15000, ecrNumber: 1, method: 'card' }, { onEvent: r.onEvent });
    expect(result.status).toBe('approved');
    expect(result.switchedToSbp).toBe(true);
    expect(result.method).toBe('sbp');
    expect(result.cardMasked).toBeUndefined();
    const switched = r.events.filter((e) => e.type === 'method-switched');
    expect(switched).toEqual([{ type: 'method-switched', method: 'sbp' }]);
    const qr = r.events.find((e): e is Extract<DriverEvent, { type: 'qr' }> => e.type === 'qr');
    expect(qr?.payload).toMatch(/^https:\/\/qr\.nspk\.ru\//);
    // The switch is reported before the QR appears.
    expect(r.events.findIndex((e) => e.type === 'method-switched')).toBeLessThan(r.events.findIndex((e) => e.type === 'qr'));
    expect(r.ledger.charges).toEqual([expect.objectContaining({ ecrNumber: 1, method: 'sbp', switched: true, amount: 15000 })]);
  });

  it('a switched payment cannot be refunded by QR when the bank refuses: refund in cash', async () => {
    const r = await rig({ scenario: 'switch-to-qr', quirks: { noSwitchedRefund: true } });
    const sale = await r.driver.sale({ amount: 15000, ecrNumber: 2, method: 'card' });
    expect(sale.status).toBe('approved');
    expect(sale.switchedToSbp).toBe(true);
    const refund = await r.driver.refund({ amount: 15000, ecrNumber: 3, rrn: sale.rrn!, authCode: sale.authCode!, method: 'sbp' });
    expect(refund.status).toBe('declined');
    expect(refund.text).toMatch(/НАЛИЧНЫМИ/);
    expect(r.ledger.refunds).toHaveLength(0);
  });

  it('without the quirk a switched payment is refunded by QR', async () => {
    const r = await rig({ scenario: 'switch-to-qr' });
    const sale = await r.driver.sale({ amount: 15000, ecrNumber: 4, method: 'card' });
    expect(sale.switchedToSbp).toBe(true);
    const refund = await r.driver.refund({ amount: 15000, ecrNumber: 5, rrn: sale.rrn!, authCode: sale.authCode!, method: 'sbp' });
    expect(refund.status).toBe('approved');
    expect(ledgerNet(r.ledger)).toBe(0);
  });

  it('noPartialSameDayQrRefund: a partial same-day void of a QR payment is declined, a full one approved', async () => {
    const r = await rig({ quirks: { noPartialSameDayQrRefund: true } });
    const sale = await r.driver.sale({ amount: 20000, ecrNumber: 10, method: 'sbp' });
    expect(sale.status).toBe('approved');
    const partial = await r.driver.void({ amount: 5000, ecrNumber: 11, rrn: sale.rrn!, authCode: sale.authCode!, method: 'sbp' });
    expect(partial.status).toBe('declined');
    expect(partial.text).toContain('ЧАСТИЧНЫЙ ВОЗВРАТ СБП');
    expect(r.ledger.refunds).toHaveLength(0);
    const full = await r.driver.void({ amount: 20000, ecrNumber: 12, rrn: sale.rrn!, authCode: sale.authCode!, method: 'sbp' });
    expect(full.status).toBe('approved');
    expect(r.ledger.refunds).toEqual([expect.objectContaining({ kind: 'void', amount: 20000, ofRrn: sale.rrn })]);
    expect(ledgerNet(r.ledger)).toBe(0);
  });

  it('voidNoTemplate: 39=0 with "ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА" is an approved void', async () => {
    const r = await rig({ quirks: { voidNoTemplate: true } });
    const sale = await r.driver.sale({ amount: 3000, ecrNumber: 20, method: 'card' });
    expect(sale.status).toBe('approved');
    const voided = await r.driver.void({ amount: 3000, ecrNumber: 21, rrn: sale.rrn!, authCode: sale.authCode!, method: 'card' });
    expect(voided.transactionStatus).toBe(0);
    expect(voided.text).toBe('ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА');
    expect(voided.status).toBe('approved');
    expect(r.ledger.refunds).toEqual([expect.objectContaining({ kind: 'void', amount: 3000 })]);
    // A second void of the same payment is refused: the first one really happened.
    const again = await r.driver.void({ amount: 3000, ecrNumber: 22, rrn: sale.rrn!, authCode: sale.authCode!, method: 'card' });
    expect(again.status).toBe('declined');
    expect(r.ledger.refunds).toHaveLength(1);
  });

  it('qr-expire: an unpaid QR expires, the sale is declined and nothing is charged', async () => {
    const r = await rig({ scenario: 'qr-expire', timing: { qrLifetimeMs: 300, waitIntervalMs: 50 } });
    const result = await r.driver.sale({ amount: 8000, ecrNumber: 30, method: 'sbp' }, { onEvent: r.onEvent });
    expect(result.status).toBe('declined');
    expect(result.text).toContain('ИСТЕКЛО');
    expect(r.events.some((e) => e.type === 'qr')).toBe(true);
    expect(r.ledger.charges).toHaveLength(0);
    const status = await r.driver.status({ ofEcrNumber: 30, refund: false });
    expect(status.sbpState).toBe('expired');
    expect(r.ledger.charges).toHaveLength(0);
  });

  it('qr-late-pay: declined at the terminal, then a status query finds the payment done', async () => {
    const r = await rig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 300, waitIntervalMs: 50 } });
    const result = await r.driver.sale({ amount: 8100, ecrNumber: 40, method: 'sbp' });
    expect(result.status).toBe('declined');
    await waitFor(() => r.ledger.charges.length > 0, 'the late QR payment at the bank', 2000);
    const status = await r.driver.status({ ofEcrNumber: 40, refund: false });
    expect(status.status).toBe('approved');
    expect(status.sbpState).toBe('done');
    expect(status.amount).toBe(8100);
    expect(r.ledger.charges).toEqual([expect.objectContaining({ ecrNumber: 40, amount: 8100, method: 'sbp' })]);
    expect(status.rrn).toBe(r.ledger.charges[0]!.rrn);
  });

  it('scenario can change between transactions', async () => {
    const r = await rig();
    const card = await r.driver.sale({ amount: 1000, ecrNumber: 50, method: 'card' });
    expect(card.switchedToSbp).toBe(false);
    r.host.terminal.options.scenario = 'switch-to-qr';
    const switched = await r.driver.sale({ amount: 1000, ecrNumber: 51, method: 'card' });
    expect(switched.switchedToSbp).toBe(true);
    r.host.terminal.options.scenario = 'decline';
    const declined = await r.driver.sale({ amount: 1000, ecrNumber: 52, method: 'card' });
    expect(declined.status).toBe('declined');
    expect(r.ledger.charges.map((c) => [c.ecrNumber, c.method])).toEqual([
      [50, 'card'],
      [51, 'sbp'],
    ]);
  });
});
