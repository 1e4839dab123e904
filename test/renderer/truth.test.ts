/**
 * The payment screen follows the money (issue 17): the pin pad's stage and the point after which
 * a cancel cannot stop it; a cancel that came too late, a QR paid after all and an open
 * late-payment watch as full results; "Нужно ещё время?" before the screen is cleared; a
 * payment still at the pin pad shown again after a reload.
 */
import { describe, expect, it } from 'vitest';
import { cancelTooLate, kioskActions, moneyInFlight, paymentId, paymentOutcome, statusMessages } from '../../renderer/src/store.js';
import { stageOfText } from '../../renderer/src/store/payment-phases.js';
import { ASK_MS, ev, idleOut, part, receipt, rig, type Rig } from './rig.js';

async function paying(r: Rig, method: 'card' | 'sbp' = 'card'): Promise<void> {
  r.store.getState().addToCart('coffee');
  await r.store.getState().checkout();
  await r.store.getState().chooseMethod(method);
  expect(paymentId(r.store.getState())).toBe('P1');
}

const keys = (r: Rig): string[] => statusMessages(r.store.getState()).map((m) => m.key);

describe('the pin pad stage on screen', () => {
  it('reads card, PIN and processing from what the pin pad shows, and never goes back', () => {
    expect(stageOfText('ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ')).toBe('card');
    expect(stageOfText('ВВЕДИТЕ ПИН-КОД НА ПИН-ПАДЕ')).toBe('pin');
    expect(stageOfText('ОБРАБОТКА. ЖДИТЕ ОТВЕТА БАНКА')).toBe('processing');
    expect(stageOfText('ОТСКАНИРУЙТЕ QR-КОД')).toBeUndefined();
    expect(stageOfText(undefined)).toBeUndefined();
  });

  it('once the bank is asked, "Отмена" is no longer offered and a cancel sends nothing', async () => {
    const r = await rig();
    await paying(r);
    r.api.emit('payment', ev('P1', 'screen', { text: 'ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ' }));
    expect(kioskActions(r.store.getState()).has('cancel-payment')).toBe(true);
    r.api.emit('payment', ev('P1', 'screen', { text: 'ВВЕДИТЕ ПИН-КОД НА ПИН-ПАДЕ' }));
    expect(keys(r)).toEqual(['truth.pin']);
    r.clock.now += 2_000;
    r.api.emit('payment', ev('P1', 'screen', { text: 'ОБРАБОТКА. ЖДИТЕ ОТВЕТА БАНКА' }));
    const p = r.store.getState().payment;
    expect(p).toMatchObject({ status: 'running', stage: 'processing', stageAt: r.clock.now });
    expect(cancelTooLate(r.store.getState())).toBe(true);
    expect(kioskActions(r.store.getState()).has('cancel-payment')).toBe(false);
    expect(keys(r)).toEqual(['truth.processing', 'truth.cancelImpossible']);
    // A card text repeated later does not take the stage back.
    r.api.emit('payment', ev('P1', 'screen', { text: 'ПРИЛОЖИТЕ КАРТУ' }));
    expect(r.store.getState().payment).toMatchObject({ stage: 'processing' });
    await r.store.getState().cancelPayment();
    expect(r.api.called('payment.cancel')).toHaveLength(0);
  });

  it('a cancel the bank overtook ends as "Отменить не удалось: банк уже провёл оплату", paid', async () => {
    const r = await rig();
    await paying(r);
    await r.store.getState().cancelPayment();
    expect(r.api.called('payment.cancel')).toEqual([{ paymentId: 'P1' }]);
    r.api.emit('payment', ev('P1', 'cancel-requested'));
    const approved = part({ id: 'P1', state: 'APPROVED', amount: 15_000, updatedAt: '2026-03-10T09:00:05.000Z' });
    r.api.emit('payment', ev('P1', 'done', { part: approved }));
    r.api.emit('receipt', receipt({ state: 'paid', paid: 15_000, remaining: 0, parts: [approved], updatedAt: '2026-03-10T09:00:05.000Z' }));
    expect(r.store.getState().payment).toMatchObject({ status: 'done', outcome: 'approved', turn: 'cancel-too-late' });
    expect(keys(r)).toEqual(['truth.cancelTooLate', 'result.approved', 'result.paidInFull']);
  });
});

describe('a QR that may still be paid', () => {
  const declinedQr = part({ id: 'P1', method: 'sbp', state: 'DECLINED', updatedAt: '2026-03-10T09:00:05.000Z' });
  const watched = receipt({
    parts: [declinedQr],
    updatedAt: '2026-03-10T09:00:05.000Z',
    lateWatches: [{ paymentId: 'P1', deadline: '2026-03-10T09:10:05.000Z' }],
  });

  it('says it is checking instead of "not charged", and the idle kiosk neither asks nor clears', async () => {
    const r = await rig();
    await paying(r, 'sbp');
    r.api.emit('payment', ev('P1', 'done', { part: declinedQr }));
    expect(keys(r)).toEqual(['result.declined', 'result.reason.not-done']);
    r.api.emit('receipt', watched);
    expect(keys(r)).toEqual(['truth.watching']);
    expect(moneyInFlight(r.store.getState())).toBe(true);
    r.clock.now += 60 * 60_000;
    r.store.getState().tick();
    expect(r.store.getState().idleAskUntil).toBeUndefined();
    expect(r.store.getState().receipt?.id).toBe('R1');
    // The watch ended with nothing paid: now it may say so, and the idle kiosk may ask again.
    r.api.emit('receipt', { ...watched, lateWatches: undefined, updatedAt: '2026-03-10T09:20:00.000Z' });
    expect(keys(r)).toEqual(['result.declined', 'result.reason.not-done']);
    expect(moneyInFlight(r.store.getState())).toBe(false);
  });

  it('the late payment becomes the result: "Оплата пришла — покупка оплачена"', async () => {
    const r = await rig();
    await paying(r, 'sbp');
    r.api.emit('payment', ev('P1', 'done', { part: declinedQr }));
    r.api.emit('receipt', watched);
    const late = part({ id: 'L1', method: 'sbp', state: 'APPROVED', amount: 15_000, updatedAt: '2026-03-10T09:01:00.000Z' });
    const paid = receipt({ state: 'paid', paid: 15_000, remaining: 0, parts: [declinedQr, late], updatedAt: '2026-03-10T09:01:00.000Z' });
    r.api.handlers['receipt.get'] = () => paid;
    r.api.emit('late-payment', { receiptId: 'R1', paymentId: 'P1', latePartId: 'L1', amount: 15_000, reversed: false });
    expect(r.store.getState().payment).toMatchObject({ status: 'done', outcome: 'approved', turn: 'late-kept' });
    expect(r.store.getState().notice).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(r.store.getState().receipt?.state).toBe('paid');
    expect(keys(r)).toEqual(['truth.latePaid']);
    expect(paymentOutcome(r.store.getState())).toBe('approved');
    expect([...kioskActions(r.store.getState())]).toEqual(['done']);
  });

  it('a late payment given back is said as such', async () => {
    const r = await rig();
    await paying(r, 'sbp');
    r.api.emit('payment', ev('P1', 'done', { part: declinedQr }));
    r.api.emit('late-payment', { receiptId: 'R1', paymentId: 'P1', latePartId: 'L1', amount: 15_000, reversed: true });
    expect(keys(r)).toEqual(['truth.lateReversed']);
  });
});

describe('cancel and idle', () => {
  it('"Отменить покупку" with nothing paid empties the cart and goes back to the start', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    r.store.getState().closeMethodDialog();
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().confirmCancelReceipt();
    expect(r.store.getState().receipt).toBeUndefined();
    expect(r.store.getState().cart).toEqual([]);
  });

  it('an idle kiosk asks "Нужно ещё время?"; a touch keeps everything', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    r.clock.now += 61_000;
    r.store.getState().tick();
    expect(r.store.getState().idleAskUntil).toBe(r.clock.now + ASK_MS);
    expect(r.store.getState().cart).toHaveLength(1);
    r.clock.now += ASK_MS - 1_000;
    r.store.getState().tick();
    expect(r.store.getState().cart).toHaveLength(1);
    r.store.getState().moreTime();
    expect(r.store.getState().idleAskUntil).toBeUndefined();
    r.clock.now += 30_000;
    r.store.getState().tick();
    expect(r.store.getState().cart).toHaveLength(1);
    r.clock.now += 31_000;
    idleOut(r);
    expect(r.store.getState().cart).toEqual([]);
  });

  it('a payment at the pin pad never lets the idle kiosk ask or clear', async () => {
    const r = await rig();
    await paying(r);
    r.clock.now += 60 * 60_000;
    r.store.getState().tick();
    expect(r.store.getState().idleAskUntil).toBeUndefined();
    expect(paymentId(r.store.getState())).toBe('P1');
  });
});

describe('after a reload of the screen', () => {
  it('a payment still at the pin pad is shown as it stands and takes its events', async () => {
    const sent = part({ id: 'P9', state: 'SENT', amount: 15_000 });
    const r = await rig({}, receipt({ parts: [sent] }));
    await r.store.getState().loadReceipt('R1', { onlyOpen: true });
    expect(r.store.getState().payment).toMatchObject({ status: 'running', id: 'P9', step: 'sent', amount: 15_000 });
    expect(kioskActions(r.store.getState()).has('cancel-payment')).toBe(true);
    r.api.emit('payment', ev('P9', 'screen', { text: 'ОБРАБОТКА. ЖДИТЕ ОТВЕТА БАНКА' }));
    expect(keys(r)).toEqual(['truth.processing', 'truth.cancelImpossible']);
    const approved = part({ id: 'P9', state: 'APPROVED', amount: 15_000, updatedAt: '2026-03-10T09:00:05.000Z' });
    r.api.emit('payment', ev('P9', 'done', { part: approved }));
    expect(paymentOutcome(r.store.getState())).toBe('approved');
  });

  it('a payment whose outcome is unknown stays unknown (nothing offers to pay again)', async () => {
    const r = await rig({}, receipt({ parts: [part({ id: 'P9', state: 'UNKNOWN' })], blockedReason: 'unknown' }));
    await r.store.getState().loadReceipt('R1', { onlyOpen: true });
    expect(paymentOutcome(r.store.getState())).toBe('unknown');
    expect(kioskActions(r.store.getState()).size).toBe(0);
  });
});
