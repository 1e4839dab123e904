import { describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../native/inpas/driver.js';
import { ledgerNet, sum, TERMINAL_ID, useRigs } from '../rig.js';

const rig = useRigs();

/** "220070******1234": digits only in the first 6 and the last 4 places. */
function expectMasked(cardMasked: string | undefined): void {
  expect(cardMasked).toBeDefined();
  expect(cardMasked).toMatch(/^\d{0,6}\*+\d{0,4}$/);
  expect(cardMasked!.replace(/\D/g, '').length).toBeLessThanOrEqual(10);
}

describe('every operation over a real pseudo-terminal', () => {
  it('connection test returns the model and the terminal id', async () => {
    const r = await rig();
    const result = await r.driver.test();
    expect(result.status).toBe('approved');
    expect(result.operation).toBe('test');
    expect(result.model).toBe('PAX S300');
    expect(result.terminalId).toBe(TERMINAL_ID);
    expect(result.serialNumber).toBeTruthy();
    expect(result.method).toBeUndefined();
  });

  it('connection test with an empty terminal id tells the real id', async () => {
    const r = await rig({ driver: { terminalId: '' } });
    const result = await r.driver.test();
    expect(result.status).toBe('approved');
    expect(result.terminalId).toBe(TERMINAL_ID);
  });

  it('card sale approved: masked card, slip split into customer and cashier copies, one charge', async () => {
    const r = await rig();
    const result = await r.driver.sale({ amount: 10000, ecrNumber: 1, method: 'card' }, { onEvent: r.onEvent });
    expect(result.status).toBe('approved');
    expect(result.transactionStatus).toBe(1);
    expect(result.responseCode).toBe('00');
    expect(result.method).toBe('card');
    expect(result.switchedToSbp).toBe(false);
    expect(result.amount).toBe(10000);
    expect(result.ecrNumber).toBe(1);
    expect(result.rrn).toMatch(/^\d{12}$/);
    expect(result.authCode).toMatch(/^\d{6}$/);
    expectMasked(result.cardMasked);
    expect(result.slip?.customer).toContain('ОПЛАТА');
    expect(result.slip?.customer).toContain('СУММА: 100.00 RUB');
    expect(result.slip?.cashier).toContain('КОПИЯ КАССИРА');
    expect(result.slip?.customer).not.toContain('КОПИЯ КАССИРА');
    expect(result.slip?.cardType).toBe('МИР');
    expect(r.events.some((e) => e.type === 'wait')).toBe(true);
    expect(r.events.some((e) => e.type === 'qr' || e.type === 'method-switched')).toBe(false);
    expect(r.ledger.charges).toEqual([expect.objectContaining({ ecrNumber: 1, amount: 10000, method: 'card', rrn: result.rrn })]);
  });

  it('an amount ending in 51 kopecks is declined by the bank, nothing charged', async () => {
    const r = await rig();
    const result = await r.driver.sale({ amount: 10051, ecrNumber: 2, method: 'card' });
    expect(result.status).toBe('declined');
    expect(result.transactionStatus).toBe(16);
    expect(result.responseCode).toBe('51');
    expect(result.text).toContain('НЕДОСТАТОЧНО СРЕДСТВ');
    expect(r.ledger.charges).toHaveLength(0);
  });

  it("'decline' scenario declines a card sale", async () => {
    const r = await rig({ scenario: 'decline' });
    const result = await r.driver.sale({ amount: 10000, ecrNumber: 3, method: 'card' });
    expect(result.status).toBe('declined');
    expect(result.text).toContain('ОТКЛОНЕНА');
    expect(r.ledger.charges).toHaveLength(0);
  });

  it('SBP QR sale: a qr event with an NSPK payload and expiry, method sbp', async () => {
    const r = await rig();
    const before = Date.now();
    const result = await r.driver.sale({ amount: 25000, ecrNumber: 4, method: 'sbp' }, { onEvent: r.onEvent });
    expect(result.status).toBe('approved');
    expect(result.method).toBe('sbp');
    expect(result.switchedToSbp).toBe(false);
    expect(result.cardMasked).toBeUndefined();
    const qr = r.events.filter((e): e is Extract<DriverEvent, { type: 'qr' }> => e.type === 'qr');
    expect(qr).toHaveLength(1);
    expect(qr[0]!.payload).toMatch(/^https:\/\/qr\.nspk\.ru\/\w+/);
    expect(qr[0]!.payload).toContain('sum=25000');
    // FAST_TIMING gives a 120 s QR lifetime.
    expect(qr[0]!.expiresAt).toBeGreaterThan(before + 60_000);
    expect(r.events.some((e) => e.type === 'method-switched')).toBe(false);
    expect(r.ledger.charges).toEqual([expect.objectContaining({ ecrNumber: 4, amount: 25000, method: 'sbp', switched: false })]);
  });

  it('same-day void of a card sale is recorded as a void', async () => {
    const r = await rig();
    const sale = await r.driver.sale({ amount: 5000, ecrNumber: 10, method: 'card' });
    expect(sale.status).toBe('approved');
    const voided = await r.driver.void({ amount: 5000, ecrNumber: 11, rrn: sale.rrn!, authCode: sale.authCode!, method: 'card' });
    expect(voided.status).toBe('approved');
    expect(voided.operation).toBe('void');
    expect(voided.amount).toBe(5000);
    expect(voided.slip?.customer).toContain('ОТМЕНА');
    expect(r.ledger.refunds).toEqual([expect.objectContaining({ kind: 'void', ofRrn: sale.rrn, amount: 5000, ecrNumber: 11 })]);
    expect(ledgerNet(r.ledger)).toBe(0);
  });

  it('after settlement a void is declined and a refund (op 29) works', async () => {
    const r = await rig();
    const sale = await r.driver.sale({ amount: 7000, ecrNumber: 20, method: 'card' });
    expect(sale.status).toBe('approved');
    const settled = await r.driver.settle(21);
    expect(settled.status).toBe('approved');
    const voided = await r.driver.void({ amount: 7000, ecrNumber: 22, rrn: sale.rrn!, authCode: sale.authCode!, method: 'card' });
    expect(voided.status).toBe('declined');
    expect(voided.text).toContain('ИСПОЛЬЗУЙТЕ ВОЗВРАТ');
    expect(r.ledger.refunds).toHaveLength(0);

    const refund = await r.driver.refund({ amount: 7000, ecrNumber: 23, rrn: sale.rrn!, authCode: sale.authCode!, method: 'card' });
    expect(refund.status).toBe('approved');
    expect(refund.operation).toBe('refund');
    expect(refund.rrn).toMatch(/^\d{12}$/);
    expect(refund.rrn).not.toBe(sale.rrn);
    expectMasked(refund.cardMasked);
    expect(r.ledger.refunds).toEqual([expect.objectContaining({ kind: 'refund', ofRrn: sale.rrn, amount: 7000, ecrNumber: 23 })]);
    expect(ledgerNet(r.ledger)).toBe(0);
  });

  it('QR refund of an SBP payment, then the refund status', async () => {
    const r = await rig();
    const sale = await r.driver.sale({ amount: 30000, ecrNumber: 30, method: 'sbp' });
    expect(sale.status).toBe('approved');
    const refund = await r.driver.refund({ amount: 10000, ecrNumber: 31, rrn: sale.rrn!, authCode: sale.authCode!, method: 'sbp' });
    expect(refund.status).toBe('approved');
    expect(refund.method).toBe('sbp');
    expect(refund.text).toContain('ВОЗВРАТ СБП ВЫПОЛНЕН');
    expect(r.ledger.refunds).toEqual([expect.objectContaining({ kind: 'refund', ofRrn: sale.rrn, amount: 10000 })]);

    const byEcr = await r.driver.status({ ofEcrNumber: 31, refund: true });
    expect(byEcr.operation).toBe('refund-status');
    expect(byEcr.sbpState).toBe('done');
    expect(byEcr.rrn).toBe(refund.rrn);
    expect(byEcr.amount).toBe(10000);

    const byRrn = await r.driver.status({ rrn: refund.rrn!, refund: true });
    expect(byRrn.sbpState).toBe('done');

    const missing = await r.driver.status({ ofEcrNumber: 999, refund: true });
    expect(missing.sbpState).toBe('not-found');
    expect(ledgerNet(r.ledger)).toBe(20000);
  });

  it('status of an SBP payment by till number and by RRN', async () => {
    const r = await rig();
    const sale = await r.driver.sale({ amount: 12345, ecrNumber: 40, method: 'sbp' });
    expect(sale.status).toBe('approved');

    const byEcr = await r.driver.status({ ofEcrNumber: 40, refund: false });
    expect(byEcr.operation).toBe('status');
    expect(byEcr.status).toBe('approved');
    expect(byEcr.sbpState).toBe('done');
    expect(byEcr.rrn).toBe(sale.rrn);
    expect(byEcr.amount).toBe(12345);

    const byRrn = await r.driver.status({ rrn: sale.rrn!, refund: false });
    expect(byRrn.sbpState).toBe('done');
    expect(byRrn.rrn).toBe(sale.rrn);

    const unknownPayment = await r.driver.status({ ofEcrNumber: 41, refund: false });
    expect(unknownPayment.sbpState).toBe('not-found');
    expect(r.ledger.charges).toHaveLength(1);
  });

  it('settlement closes the day with the totals', async () => {
    const r = await rig();
    expect((await r.driver.sale({ amount: 10000, ecrNumber: 50, method: 'card' })).status).toBe('approved');
    expect((await r.driver.sale({ amount: 2050, ecrNumber: 51, method: 'sbp' })).status).toBe('approved');
    const settled = await r.driver.settle(52);
    expect(settled.status).toBe('approved');
    expect(settled.operation).toBe('settle');
    expect(settled.text).toBe('ИТОГИ СОВПАЛИ');
    expect(settled.slip?.customer).toContain('СВЕРКА ИТОГОВ');
    expect(settled.slip?.customer).toContain('ОПЕРАЦИЙ: 2');
    expect(settled.slip?.customer).toContain('ИТОГО: 120.50 RUB');
    expect(r.ledger.settlements).toEqual([expect.objectContaining({ day: 1, count: 2, total: 12050 })]);
    expect(r.host.bank.day).toBe(2);
  });

  it('short report', async () => {
    const r = await rig();
    expect((await r.driver.sale({ amount: 10000, ecrNumber: 60, method: 'card' })).status).toBe('approved');
    const report = await r.driver.userCommand('report');
    expect(report.status).toBe('approved');
    expect(report.operation).toBe('report');
    expect(report.slip?.customer).toContain('КРАТКИЙ ОТЧЕТ');
    expect(report.slip?.customer).toContain('ОПЕРАЦИЙ: 1');
    expect(report.slip?.customer).toContain('ИТОГО: 100.00 RUB');
  });

  it('full report arrives in several SOH packets and is whole', async () => {
    const r = await rig({ packetSize: 64 });
    const sales = [];
    for (let i = 0; i < 5; i++) {
      const sale = await r.driver.sale({ amount: 1000 * (i + 1), ecrNumber: 70 + i, method: i % 2 === 0 ? 'card' : 'sbp' });
      expect(sale.status).toBe('approved');
      sales.push(sale);
    }
    const before = r.trace.filter((line) => /^RX packet/.test(line)).length;
    const report = await r.driver.userCommand('full-report');
    expect(report.status).toBe('approved');
    const packets = r.trace.slice().filter((line) => /^RX packet/.test(line)).length - before;
    expect(packets).toBeGreaterThan(3);
    expect(r.trace.some((line) => /^RX packet #0 \(last\)/.test(line))).toBe(true);

    const text = report.slip?.customer ?? '';
    const lines = text.split('\n');
    expect(lines[0]).toBe('ПОЛНЫЙ ОТЧЕТ (ЖУРНАЛ)');
    expect(lines[1]).toBe(`ТЕРМИНАЛ ${TERMINAL_ID}`);
    expect(lines).toHaveLength(2 + sales.length);
    sales.forEach((sale, i) => {
      const kind = i % 2 === 0 ? 'КАРТА' : 'СБП ';
      expect(lines[2 + i]).toBe(`${kind} N${70 + i} RRN ${sale.rrn} ${i + 1}0.00`);
    });
  });

  it('slip copy repeats the last slip', async () => {
    const r = await rig();
    const sale = await r.driver.sale({ amount: 4200, ecrNumber: 80, method: 'card' });
    expect(sale.status).toBe('approved');
    const copy = await r.driver.userCommand('slip-copy');
    expect(copy.status).toBe('approved');
    expect(copy.operation).toBe('slip-copy');
    expect(copy.slip?.customer?.split('\n')[0]).toBe('КОПИЯ');
    expect(copy.slip?.customer).toContain(`RRN: ${sale.rrn}`);
    expect(copy.slip?.customer).toContain('СУММА: 42.00 RUB');
    expect(r.ledger.charges).toHaveLength(1);
  });

  it('emergency cancel of the last request after a lost response reverses the charge', async () => {
    const r = await rig({ faults: { loseResponse: true }, driver: { responseTimeoutMs: 1000 } });
    const sale = await r.driver.sale({ amount: 9900, ecrNumber: 90, method: 'card' });
    expect(sale.status).toBe('unknown');
    expect(sale.error?.code).toBe('timeout');
    expect(r.ledger.charges).toHaveLength(1);

    const last = r.driver.lastRequest!;
    expect(last.int(26)).toBe(90);
    expect(last.int(25)).toBe(1);
    const cancel = await r.driver.emergencyCancel(last);
    expect(cancel.status).toBe('approved');
    expect(cancel.operation).toBe('emergency-cancel');
    expect(cancel.amount).toBe(9900);
    expect(cancel.ecrNumber).toBe(90);
    expect(r.ledger.refunds).toEqual([expect.objectContaining({ kind: 'emergency-cancel', ofRrn: r.ledger.charges[0]!.rrn, amount: 9900 })]);
    expect(sum(r.ledger.charges) - sum(r.ledger.refunds)).toBe(0);
    // The emergency cancel is not itself the "last request".
    expect(r.driver.lastRequest).toBe(last);
  });
});
