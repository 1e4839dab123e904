/**
 * The UI store's guards, without a DOM: a fake contract (calls recorded, events pushed by
 * the test) and a hand-moved clock.
 */
import { describe, expect, it } from 'vitest';
import { KioskError, SERVICE_ERROR_CODES } from '../../electron/contract/errors.js';
import { ERROR_CODES_COVERED, errorText, t, translate } from '../../renderer/src/i18n.js';
import { formatMoney, parseRoubles } from '../../renderer/src/money.js';
import { kioskActions, methodOpen, moneyInFlight, paymentId, paymentOutcome, paymentPhase, paymentQr, refundStartAllowed, statusMessages } from '../../renderer/src/store.js';
import { ev, idleOut, part, receipt, rig, type Rig } from './rig.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../../electron/contract/methods.js';

/** Every payment.start of the screen carries a key of the contract's form. */
const A_KEY = expect.stringMatching(IDEMPOTENCY_KEY_PATTERN);

/** Kiosk: goods in the cart, receipt opened, card payment P1 started. */
async function cardPaymentRunning(r: Rig): Promise<void> {
  r.store.getState().addToCart('coffee');
  await r.store.getState().checkout();
  await r.store.getState().chooseMethod('card');
  expect(paymentId(r.store.getState())).toBe('P1');
}

describe('renderer store', () => {
  it('drops an event of another payment and follows its own', async () => {
    const r = await rig();
    await cardPaymentRunning(r);
    const dropped = r.store.getState().droppedEvents;

    r.api.emit('payment', ev('P0', 'done', { part: part({ id: 'P0', state: 'APPROVED' }) }));
    expect(paymentOutcome(r.store.getState())).toBeUndefined();
    expect(r.store.getState().droppedEvents).toBe(dropped + 1);

    r.api.emit('payment', ev('P1', 'wait'));
    expect(paymentPhase(r.store.getState())).toBe('wait');
    expect(statusMessages(r.store.getState())[0]?.key).toBe('progress.card');
    expect(kioskActions(r.store.getState()).has('cancel-payment')).toBe(true);

    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'APPROVED', amount: 15_000 }) }));
    expect(paymentOutcome(r.store.getState())).toBe('approved');
    // A late duplicate after the outcome changes nothing.
    r.api.emit('payment', ev('P1', 'wait'));
    expect(paymentPhase(r.store.getState())).toBe('done');
  });

  it('holds events that arrive before payment.start answers, replays its own, drops the rest', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    // The service emits intent/sent (and, here, the outcome) before its answer crosses the wire.
    r.api.handlers['payment.start'] = () => {
      r.api.emit('payment', ev('P9', 'intent'));
      r.api.emit('payment', ev('P8', 'done', { part: part({ id: 'P8', state: 'DECLINED' }) }));
      r.api.emit('payment', ev('P9', 'done', { part: part({ id: 'P9', state: 'APPROVED', amount: 15_000 }) }));
      return { paymentId: 'P9' };
    };
    await r.store.getState().chooseMethod('card');
    const s = r.store.getState();
    expect(paymentId(s)).toBe('P9');
    expect(paymentOutcome(s)).toBe('approved');
    expect(s.droppedEvents).toBeGreaterThanOrEqual(1);
  });

  it('follows a key-1 switch to QR at once', async () => {
    const r = await rig();
    await cardPaymentRunning(r);
    r.api.emit('payment', ev('P1', 'method-switched'));
    expect(r.store.getState().payment).toMatchObject({ method: 'sbp', switched: true });
    expect(statusMessages(r.store.getState())[0]?.key).toBe('progress.qr');
    r.api.emit('payment', ev('P1', 'qr', { qr: { payload: 'https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K', expiresAt: 2_000_000 } }));
    expect(paymentQr(r.store.getState())?.payload).toContain('qr.nspk.ru');
  });

  it('after an unknown outcome offers no way to pay again, until the service resolves it', async () => {
    const r = await rig();
    await cardPaymentRunning(r);
    const unknown = part({ id: 'P1', state: 'UNKNOWN', amount: 15_000 });
    r.api.emit('payment', ev('P1', 'done', { part: unknown }));
    r.api.emit('receipt', receipt({ parts: [unknown], blockedReason: 'the outcome of payment P1 is not known yet', updatedAt: '2026-03-10T09:00:02.000Z' }));

    const s = r.store.getState();
    expect(paymentOutcome(s)).toBe('unknown');
    expect(kioskActions(s).size).toBe(0); // no retry, no pay, no other method, no cancel
    expect(translate('ru', statusMessages(s)[0]!)).toContain('Не оплачивайте повторно');

    const starts = r.api.called('payment.start').length;
    await r.store.getState().retry();
    await r.store.getState().checkout();
    r.store.getState().otherMethod();
    expect(await r.store.getState().startPayment('card', 15_000)).toBe(false);
    expect(r.api.called('payment.start')).toHaveLength(starts);
    expect(methodOpen(r.store.getState())).toBe(false);

    // Recovery: the terminal cancelled the same transaction; the screen follows the receipt.
    const reversed = part({ id: 'P1', state: 'REVERSED', amount: 15_000, updatedAt: '2026-03-10T09:05:00.000Z' });
    r.api.emit('receipt', receipt({ parts: [reversed], updatedAt: '2026-03-10T09:00:02.000Z' }));
    expect(paymentOutcome(r.store.getState())).toBe('reversed');
    expect(kioskActions(r.store.getState()).has('retry')).toBe(true);
  });

  it('a decline offers try again and another method; the status says "Оплата не прошла" and a category, not the bank\'s words', async () => {
    const r = await rig();
    await cardPaymentRunning(r);
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'DECLINED', text: 'ОТКАЗ. НЕДОСТАТОЧНО СРЕДСТВ', responseCode: '51' }) }));
    const s = r.store.getState();
    const said = statusMessages(s).map((m) => translate('ru', m));
    expect(said).toEqual(['Оплата не прошла. Деньги не списаны', 'Банк не одобрил оплату']);
    expect([...kioskActions(s)].sort()).toEqual(['cancel-purchase', 'other-method', 'retry']);
    await r.store.getState().retry();
    expect(r.api.called('payment.start').at(-1)).toEqual({ receiptId: 'R1', method: 'card', amount: 15_000, idempotencyKey: A_KEY });
    // "Try again" is a new payment: it carries a new key (the same key would get the declined one back).
    const keys = r.api.called('payment.start').map((input) => (input as { idempotencyKey: string }).idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a cancel pressed on the screen reads as cancelled, not as a decline', async () => {
    const r = await rig();
    await cardPaymentRunning(r);
    await r.store.getState().cancelPayment();
    expect(r.api.called('payment.cancel')).toEqual([{ paymentId: 'P1' }]);
    r.api.emit('payment', ev('P1', 'cancel-requested'));
    expect(kioskActions(r.store.getState()).has('cancel-payment')).toBe(false);
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'FAILED' }) }));
    expect(paymentOutcome(r.store.getState())).toBe('cancelled');
  });

  it('updates the amount still due from receipt events, ignoring older and foreign receipts', async () => {
    const r = await rig();
    await cardPaymentRunning(r);
    const approved = part({ id: 'P1', state: 'APPROVED', amount: 10_000, updatedAt: '2026-03-10T09:00:05.000Z' });
    r.api.emit('payment', ev('P1', 'done', { part: approved }));
    r.api.emit('receipt', receipt({ paid: 10_000, parts: [approved] }));
    expect(r.store.getState().receipt?.remaining).toBe(5_000);
    const status = statusMessages(r.store.getState()).map((m) => translate('ru', m));
    expect(status.join(' ')).toContain('Оплачено');
    expect(status.join(' ')).toContain('Осталось оплатить 50,00');

    // An older view of the same receipt (before the payment) must not bring the old amount back.
    r.api.emit('receipt', receipt({ parts: [part({ id: 'P1', state: 'SENT' })] }));
    expect(r.store.getState().receipt?.remaining).toBe(5_000);
    // Another receipt is not ours.
    r.api.emit('receipt', receipt({ id: 'R2', paid: 0, updatedAt: '2026-03-10T10:00:00.000Z' }));
    expect(r.store.getState().receipt?.id).toBe('R1');
    // Partly paid: "Оплатить" pays the rest.
    expect(kioskActions(r.store.getState()).has('pay')).toBe(true);
  });

  it('idle timeout goes back to the start, but never while money is in flight or partly paid', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    r.clock.now += 61_000;
    idleOut(r); // asks "Нужно ещё время?" first (issue 17)
    expect(r.store.getState().cart).toHaveLength(0); // nothing in flight: reset

    await cardPaymentRunning(r);
    r.clock.now += 10 * 60_000;
    r.store.getState().tick();
    expect(moneyInFlight(r.store.getState())).toBe(true);
    expect(paymentId(r.store.getState())).toBe('P1'); // still there

    // Partly paid: still not.
    const approved = part({ id: 'P1', state: 'APPROVED', amount: 10_000, updatedAt: '2026-03-10T09:00:05.000Z' });
    r.api.emit('payment', ev('P1', 'done', { part: approved }));
    r.api.emit('receipt', receipt({ paid: 10_000, parts: [approved] }));
    r.clock.now += 10 * 60_000;
    r.store.getState().tick();
    expect(r.store.getState().receipt?.remaining).toBe(5_000);

    // Paid in full: back to the start after the short "done" time.
    const second = part({ id: 'P2', state: 'APPROVED', amount: 5_000, updatedAt: '2026-03-10T09:00:09.000Z' });
    r.api.emit('receipt', receipt({ paid: 15_000, state: 'paid', parts: [approved, second], updatedAt: '2026-03-10T09:00:09.000Z' }));
    r.store.getState().touch();
    r.clock.now += 11_000;
    idleOut(r);
    expect(r.store.getState().receipt).toBeUndefined();
  });

  it('idle timeout is held after an unknown outcome', async () => {
    const r = await rig();
    await cardPaymentRunning(r);
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'UNKNOWN' }) }));
    r.clock.now += 60 * 60_000;
    r.store.getState().tick();
    expect(paymentOutcome(r.store.getState())).toBe('unknown');
  });

  it('idle reset closes an unpaid receipt quietly', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    expect(methodOpen(r.store.getState())).toBe(true);
    r.clock.now += 61_000;
    idleOut(r);
    expect(r.store.getState().receipt).toBeUndefined();
    expect(methodOpen(r.store.getState())).toBe(false);
    expect(r.api.called('receipt.cancel')).toEqual([{ receiptId: 'R1', idempotencyKey: A_KEY }]);
  });

  it('skips the method dialog when qrSBP is off: card starts at once', async () => {
    const r = await rig({ qrSbp: false });
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    expect(methodOpen(r.store.getState())).toBe(false);
    expect(r.api.called('payment.start')).toEqual([{ receiptId: 'R1', method: 'card', amount: 15_000, idempotencyKey: A_KEY }]);
    // And a decline offers no "another method" (there is none).
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'DECLINED' }) }));
    expect(kioskActions(r.store.getState()).has('other-method')).toBe(false);
  });

  it('shows the method dialog when qrSBP is on, and pays by the chosen method', async () => {
    const r = await rig({ qrSbp: true });
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    expect(methodOpen(r.store.getState())).toBe(true);
    expect(r.api.called('payment.start')).toHaveLength(0);
    await r.store.getState().chooseMethod('sbp');
    expect(r.api.called('payment.start')).toEqual([{ receiptId: 'R1', method: 'sbp', amount: 15_000, idempotencyKey: A_KEY }]);
  });

  it('a start lost with the connection blocks a second charge, then finds the payment it made', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    r.api.handlers['payment.start'] = () => {
      throw new KioskError('bridge-closed', 'the connection to the service was lost');
    };
    await r.store.getState().chooseMethod('card');
    expect(r.store.getState().payment.status === 'lost').toBe(true);
    expect(kioskActions(r.store.getState()).size).toBe(0);
    expect(await r.store.getState().startPayment('card', 15_000)).toBe(false);

    const made = part({ id: 'P7', state: 'APPROVED', amount: 15_000, updatedAt: '2026-03-10T09:00:07.000Z' });
    r.api.handlers['receipt.get'] = () => receipt({ paid: 15_000, state: 'paid', parts: [made], updatedAt: '2026-03-10T09:00:07.000Z' });
    r.store.getState().setBridge(false);
    r.store.getState().setBridge(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const found = r.store.getState();
    expect({ id: paymentId(found), outcome: paymentOutcome(found), lost: found.payment.status === 'lost' }).toMatchObject({ id: 'P7', outcome: 'approved', lost: false });
  });

  it('sends a refund only after its plan was shown for exactly those items', async () => {
    const paid = part({ id: 'S1', method: 'sbp', state: 'APPROVED', amount: 15_000 });
    const r = await rig({ mode: 'till' }, receipt({ paid: 15_000, state: 'paid', parts: [paid] }));
    r.api.handlers['refund.plan'] = (input: { items: { amount: number }[] }) => {
      if (input.items[0]!.amount < 15_000) throw new KioskError('sbp-partial-same-day', 'not today', { paymentId: 'S1' });
      return [{ paymentId: 'S1', amount: 15_000, how: 'void', method: 'sbp', reason: 'same day', needsCard: false }];
    };
    r.api.handlers['refund.start'] = () => [part({ id: 'V1', kind: 'refund', state: 'APPROVED', amount: 15_000 })];
    await r.store.getState().refundChoose('R1');
    r.store.getState().refundDraft('S1', { include: true, amountText: '50,00' });

    await r.store.getState().refundStart();
    expect(r.api.called('refund.start')).toHaveLength(0); // no plan shown yet

    await r.store.getState().refundPlan();
    const plan = r.store.getState().refund.plan!;
    expect(plan.rows[0]).toMatchObject({ ok: false, error: { code: 'sbp-partial-same-day' } });
    expect(refundStartAllowed(r.store.getState())).toBe(false);

    r.store.getState().refundDraft('S1', { amountText: '150' });
    expect(r.store.getState().refund.plan).toBeUndefined(); // a changed selection needs the rules again
    await r.store.getState().refundPlan();
    expect(refundStartAllowed(r.store.getState())).toBe(true);
    await r.store.getState().refundStart();
    expect(r.api.called('refund.start')).toEqual([{ receiptId: 'R1', items: [{ paymentId: 'S1', amount: 15_000 }], idempotencyKey: A_KEY }]);
    expect(translate('ru', statusMessages({ ...r.store.getState(), view: 'refund' })[0]!)).toContain('Возврат выполнен');
  });

  it('offers a switched payment back in cash when the bank will not refund it', async () => {
    const paid = part({ id: 'S2', method: 'sbp', switchedToSbp: true, state: 'APPROVED', amount: 15_000 });
    const r = await rig({ mode: 'till' }, receipt({ paid: 15_000, state: 'paid', parts: [paid] }));
    r.api.handlers['refund.plan'] = (input: { items: { cash?: boolean; amount: number }[] }) => {
      if (!input.items[0]!.cash) throw new KioskError('switched-refund-cash', 'refund it in cash');
      return [{ paymentId: 'S2', amount: 15_000, how: 'cash', method: 'cash', reason: 'refund in cash instead', needsCard: false }];
    };
    await r.store.getState().refundChoose('R1');
    r.store.getState().refundDraft('S2', { include: true });
    await r.store.getState().refundPlan();
    expect(r.store.getState().refund.plan?.rows[0]).toMatchObject({ ok: false, error: { code: 'switched-refund-cash' } });
    await r.store.getState().refundOfferCash('S2');
    expect(r.store.getState().refund.plan?.rows[0]).toMatchObject({ ok: true, item: { how: 'cash' } });
    expect(r.api.called('refund.plan').at(-1)).toEqual({ receiptId: 'R1', items: [{ paymentId: 'S2', amount: 15_000, cash: true }] });
  });
});

describe('renderer catalogue and money', () => {
  it('has a customer and a cashier text, ru and en, for every service error code', () => {
    for (const code of SERVICE_ERROR_CODES) {
      expect(ERROR_CODES_COVERED).toContain(code);
      for (const locale of ['ru', 'en'] as const) {
        expect(errorText(locale, code, 'customer').length).toBeGreaterThan(5);
        expect(errorText(locale, code, 'cashier').length).toBeGreaterThan(5);
      }
    }
    expect(errorText('ru', 'no-such-code', 'customer')).toBe(errorText('ru', 'internal', 'customer'));
  });

  it('keeps the stable button names', () => {
    expect(t('ru', 'action.pay')).toBe('Оплатить');
    expect(t('ru', 'action.card')).toBe('Оплата картой');
    expect(t('ru', 'action.sbp')).toBe('Оплата QR СБП');
    expect(t('ru', 'action.cancel')).toBe('Отмена');
    expect(t('ru', 'result.unknown')).toBe('Не оплачивайте повторно — обратитесь к сотруднику');
  });

  it('formats and reads kopecks without floating point', () => {
    expect(formatMoney(123_456, 'ru')).toMatch(/^1\s234,56\s₽$/u);
    expect(formatMoney(5, 'en')).toBe('0.05\u00a0₽');
    expect(parseRoubles('150')).toBe(15_000);
    expect(parseRoubles('150,5')).toBe(15_050);
    expect(parseRoubles('1 500.07')).toBe(150_007);
    expect(parseRoubles('0.1')).toBe(10);
    expect(parseRoubles('1,234')).toBeUndefined();
    expect(parseRoubles('abc')).toBeUndefined();
    expect(parseRoubles('-5')).toBeUndefined();
  });
});
