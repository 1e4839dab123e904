import { describe, expect, it } from 'vitest';
import { Tag } from '../../../native/inpas/tags.js';
import { errorCode, profileWith, sum, useServiceRigs } from '../rig.js';

const { rig: makeRig } = useServiceRigs();

describe('refunds: same day or a later day', () => {
  it('same day: a void without the card, of exactly that payment', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 100_000 });
    const payment = await rig.pay(receipt.id, 'card', 100_000);
    expect(rig.receipt(receipt.id).state).toBe('paid');

    const plan = rig.service.planRefund(receipt.id, [{ paymentId: payment.id, amount: 40_000 }]);
    expect(plan).toEqual([expect.objectContaining({ paymentId: payment.id, amount: 40_000, how: 'void', method: 'card', needsCard: false })]);

    const sentBefore = rig.received.length;
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 40_000 }]);
    expect(refund).toMatchObject({ kind: 'refund', how: 'void', method: 'card', state: 'APPROVED', refundOf: payment.id, amount: 40_000 });
    expect(refund!.ecrNumber).toBeGreaterThan(payment.ecrNumber!);
    const request = rig.received.slice(sentBefore).find((m) => m.int(Tag.operation) === rig.profile.operations.void);
    expect(request?.text(Tag.rrn)).toBe(payment.rrn);
    expect(request?.int(Tag.amount)).toBe(40_000);
    expect(request?.int(Tag.originalOperation)).toBe(rig.profile.operations.sale);
    expect(rig.requestOps(sentBefore)).toEqual([rig.profile.operations.void]);
    expect(rig.bank.ledger.refunds).toEqual([expect.objectContaining({ kind: 'void', amount: 40_000, ofRrn: payment.rrn })]);
    expect(rig.part(payment.id)).toMatchObject({ state: 'APPROVED', refunded: 40_000 });
    expect(rig.receipt(receipt.id)).toMatchObject({ paid: 60_000, refunded: 40_000 });

    // The rest: the payment is then wholly refunded.
    await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 60_000 }]);
    expect(rig.part(payment.id)).toMatchObject({ state: 'REFUNDED', refunded: 100_000 });
    expect(rig.receipt(receipt.id)).toMatchObject({ paid: 0, refunded: 100_000 });
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 1 }]))).toBe('not-refundable');
  });

  it('a later day by the clock: a refund (card presented again), not a void', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 50_000 });
    const payment = await rig.pay(receipt.id, 'card', 50_000);
    rig.clock.advanceDays(1);
    expect(rig.service.planRefund(receipt.id, [{ paymentId: payment.id, amount: 20_000 }])).toEqual([
      expect.objectContaining({ how: 'refund', method: 'card', needsCard: true }),
    ]);
    const from = rig.received.length;
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 20_000 }]);
    expect(refund).toMatchObject({ how: 'refund', state: 'APPROVED', amount: 20_000 });
    expect(rig.requestOps(from)).toEqual([rig.profile.operations.refund]);
    expect(rig.bank.ledger.refunds).toEqual([expect.objectContaining({ kind: 'refund', amount: 20_000, ofRrn: payment.rrn })]);
    // The refund belongs to the day it was made on.
    expect(refund!.businessDay).not.toBe(payment.businessDay);
  });

  it('a later day by settlement: after the day is closed void is not used, even on the same calendar day', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 50_000 });
    const payment = await rig.pay(receipt.id, 'card', 30_000);
    const settlement = await rig.service.settle();
    expect(settlement.status).toBe('approved');
    expect(rig.part(payment.id).settled).toBe(true);
    expect(rig.bank.day).toBe(2);
    expect(rig.service.planRefund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }])).toEqual([expect.objectContaining({ how: 'refund' })]);
    const from = rig.received.length;
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]);
    expect(refund).toMatchObject({ how: 'refund', state: 'APPROVED' });
    expect(rig.requestOps(from)).not.toContain(rig.profile.operations.void);
    expect(rig.bank.ledger.refunds.map((r) => r.kind)).toEqual(['refund']);

    // A payment taken after the settlement is voidable again that day.
    const later = await rig.pay(receipt.id, 'card', 20_000);
    expect(later.settled).toBe(false);
    const [voided] = await rig.service.refund(receipt.id, [{ paymentId: later.id, amount: 20_000 }]);
    expect(voided).toMatchObject({ how: 'void', state: 'APPROVED' });
  });

  it('a later day by clock and settlement: SBP is given back by a QR refund', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 50_000 });
    const payment = await rig.pay(receipt.id, 'sbp', 50_000);
    await rig.service.settle();
    rig.clock.advanceDays(2);
    const from = rig.received.length;
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 15_000 }]);
    expect(refund).toMatchObject({ how: 'refund', method: 'sbp', state: 'APPROVED' });
    expect(rig.requestOps(from)).toEqual([rig.profile.sbp.refund.operation]);
    const request = rig.received.slice(from).find((m) => m.int(Tag.operation) === rig.profile.sbp.refund.operation)!;
    expect(request.text(Tag.rrn)).toBe(payment.rrn);
  });
});

describe('refunds: what the bank supports', () => {
  it('SBP partial on the same day with partialSameDayQrRefund = false: a clear error and nothing sent to the pin pad', async () => {
    const rig = makeRig({ profile: profileWith({ partialSameDayQrRefund: false }), quirks: { noPartialSameDayQrRefund: true } });
    const receipt = rig.service.openReceipt({ lines: [], total: 50_000 });
    const payment = await rig.pay(receipt.id, 'sbp', 50_000);
    const from = rig.received.length;
    const partsBefore = rig.receipt(receipt.id).parts.length;
    expect(await errorCode(() => rig.service.planRefund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]))).toBe('sbp-partial-same-day');
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]))).toBe('sbp-partial-same-day');
    expect(rig.received.length).toBe(from);
    expect(rig.receipt(receipt.id).parts.length).toBe(partsBefore);
    expect(rig.bank.ledger.refunds).toHaveLength(0);

    // The whole amount the same day is not partial: a void works.
    const plan = rig.service.planRefund(receipt.id, [{ paymentId: payment.id, amount: 50_000 }]);
    expect(plan[0]!.how).toBe('void');

    // The next day (the bank's day closed by settlement) the partial refund goes through.
    rig.clock.advanceDays(1);
    await rig.service.settle();
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]);
    expect(refund).toMatchObject({ how: 'refund', method: 'sbp', state: 'APPROVED' });
  });

  it('the default profile (partialSameDayQrRefund = true) voids part of an SBP payment the same day', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 50_000 });
    const payment = await rig.pay(receipt.id, 'sbp', 50_000);
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]);
    expect(refund).toMatchObject({ how: 'void', method: 'sbp', state: 'APPROVED' });
    const request = rig.received.findLast((m) => m.int(Tag.operation) === rig.profile.operations.void)!;
    expect(request.int(Tag.originalOperation)).toBe(rig.profile.sbp.payment.operation);
  });

  it('a payment switched to QR with key 1, refundSwitchedPayment = false: offered in cash, and cash works at a till', async () => {
    const rig = makeRig({ mode: 'till', scenario: 'switch-to-qr', profile: profileWith({ refundSwitchedPayment: false }), quirks: { noSwitchedRefund: true } });
    const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
    const payment = await rig.pay(receipt.id, 'card', 30_000);
    // A switched payment is an SBP payment in every record.
    expect(payment).toMatchObject({ state: 'APPROVED', method: 'sbp', switchedToSbp: true });
    expect(rig.events.some((e) => e.paymentId === payment.id && e.phase === 'method-switched')).toBe(true);
    expect(rig.bank.ledger.charges).toEqual([expect.objectContaining({ method: 'sbp', switched: true, amount: 30_000 })]);

    const from = rig.received.length;
    let thrown: unknown;
    try {
      await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 30_000 }]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'switched-refund-cash', data: { paymentId: payment.id, amount: 30_000 } });
    expect(rig.received.length).toBe(from);

    expect(rig.service.planRefund(receipt.id, [{ paymentId: payment.id, amount: 30_000, cash: true }])).toEqual([
      expect.objectContaining({ how: 'cash', method: 'cash', needsCard: false }),
    ]);
    const [cash] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 30_000, cash: true }]);
    expect(cash).toMatchObject({ kind: 'refund', how: 'cash', method: 'cash', state: 'APPROVED', refundOf: payment.id });
    expect(rig.received.length).toBe(from);
    expect(rig.part(payment.id).state).toBe('REFUNDED');
    expect(rig.receipt(receipt.id)).toMatchObject({ paid: 0, refunded: 30_000 });
  });

  it('a switched payment cannot be given back in cash at a kiosk', async () => {
    const rig = makeRig({ mode: 'kiosk', scenario: 'switch-to-qr', profile: profileWith({ refundSwitchedPayment: false }) });
    const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
    const payment = await rig.pay(receipt.id, 'card', 30_000);
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 30_000 }]))).toBe('switched-refund-cash');
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 30_000, cash: true }]))).toBe('cash-only-at-till');
    expect(rig.part(payment.id).refunded).toBe(0);
  });

  it('a switched payment is refunded through the pin pad when the bank allows it', async () => {
    const rig = makeRig({ scenario: 'switch-to-qr' });
    const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
    const payment = await rig.pay(receipt.id, 'card', 30_000);
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 30_000 }]);
    expect(refund).toMatchObject({ method: 'sbp', how: 'void', state: 'APPROVED' });
    expect(sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds)).toBe(0);
  });
});

describe('refunds never exceed what was paid', () => {
  it('one item, two items for the same payment, and what is left after an earlier refund', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 100_000 });
    const card = await rig.pay(receipt.id, 'card', 60_000);
    const sbp = await rig.pay(receipt.id, 'sbp', 40_000);

    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: card.id, amount: 60_001 }]))).toBe('refund-exceeds-paid');
    expect(
      await errorCode(() =>
        rig.service.refund(receipt.id, [
          { paymentId: card.id, amount: 30_000 },
          { paymentId: card.id, amount: 30_001 },
        ]),
      ),
    ).toBe('refund-exceeds-paid');
    expect(
      await errorCode(() =>
        rig.service.refund(receipt.id, [
          { paymentId: sbp.id, amount: 10_000 },
          { paymentId: card.id, amount: 50_000 },
          { paymentId: sbp.id, amount: 30_001 },
        ]),
      ),
    ).toBe('refund-exceeds-paid');
    // Nothing was done for any refused plan.
    expect(rig.bank.ledger.refunds).toHaveLength(0);
    expect(rig.receipt(receipt.id).parts.filter((p) => p.kind === 'refund')).toHaveLength(0);

    await rig.service.refund(receipt.id, [{ paymentId: card.id, amount: 25_000 }]);
    let thrown: unknown;
    try {
      await rig.service.refund(receipt.id, [{ paymentId: card.id, amount: 35_001 }]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'refund-exceeds-paid', data: { paymentId: card.id, left: 35_000 } });
    // Exactly what is left is fine, in two items.
    const done = await rig.service.refund(receipt.id, [
      { paymentId: card.id, amount: 20_000 },
      { paymentId: card.id, amount: 15_000 },
    ]);
    expect(done.map((p) => p.state)).toEqual(['APPROVED', 'APPROVED']);
    expect(rig.part(card.id)).toMatchObject({ state: 'REFUNDED', refunded: 60_000 });
    expect(rig.receipt(receipt.id)).toMatchObject({ paid: 40_000, refunded: 60_000 });
  });

  it('only approved payments of this receipt can be refunded', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 100_000 });
    const other = rig.service.openReceipt({ lines: [], total: 100_000 });
    const declined = await rig.pay(receipt.id, 'card', 10_051);
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: declined.id, amount: 100 }]))).toBe('not-refundable');
    const approved = await rig.pay(receipt.id, 'card', 10_000);
    expect(await errorCode(() => rig.service.refund(other.id, [{ paymentId: approved.id, amount: 100 }]))).toBe('not-refundable');
    expect(await errorCode(() => rig.service.refund(receipt.id, []))).toBe('invalid-input');
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: approved.id, amount: 0 }]))).toBe('invalid-input');
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: 'nope', amount: 1 }]))).toBe('not-found');
  });
});

describe('cancelling a receipt', () => {
  it('gives back every approved part and sets the receipt cancelled', async () => {
    const rig = makeRig({ mode: 'till' });
    const receipt = rig.service.openReceipt({ lines: [], total: 100_000 });
    const cash = await rig.pay(receipt.id, 'cash', 10_000);
    const card = await rig.pay(receipt.id, 'card', 50_000);
    const declined = await rig.pay(receipt.id, 'card', 20_051);
    const sbp = await rig.pay(receipt.id, 'sbp', 30_000);
    await rig.service.refund(receipt.id, [{ paymentId: card.id, amount: 5_000 }]);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 85_000 });

    const from = rig.received.length;
    const cancelled = await rig.service.cancelReceipt(receipt.id);
    expect(cancelled).toMatchObject({ state: 'cancelled', paid: 0, remaining: 0, refunded: 90_000 });
    const refunds = cancelled.parts.filter((p) => p.kind === 'refund');
    expect(refunds.every((p) => p.state === 'APPROVED')).toBe(true);
    // Same day: voids for card and SBP (no card needed), cash back for cash.
    expect(refunds.map((p) => [p.refundOf, p.how, p.amount])).toEqual(
      expect.arrayContaining([
        [card.id, 'void', 5_000],
        [cash.id, 'cash', 10_000],
        [card.id, 'void', 45_000],
        [sbp.id, 'void', 30_000],
      ]),
    );
    expect(rig.requestOps(from)).toEqual([rig.profile.operations.void, rig.profile.operations.void]);
    for (const id of [cash.id, card.id, sbp.id]) expect(rig.part(id).state).toBe('REFUNDED');
    expect(rig.part(declined.id).state).toBe('DECLINED');
    expect(sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds)).toBe(0);
    // Cancelled is final.
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 100 }))).toBe('receipt-closed');
    expect((await rig.service.cancelReceipt(receipt.id)).state).toBe('cancelled');
  });

  it('a paid receipt is cancelled a later day by refunds; a switched part in cash when offered', async () => {
    const rig = makeRig({ mode: 'till', scenario: 'switch-to-qr', profile: profileWith({ refundSwitchedPayment: false }) });
    const receipt = rig.service.openReceipt({ lines: [], total: 70_000 });
    const switched = await rig.pay(receipt.id, 'card', 30_000);
    rig.terminal.options.scenario = 'approve';
    const card = await rig.pay(receipt.id, 'card', 40_000);
    expect(rig.receipt(receipt.id).state).toBe('paid');
    rig.clock.advanceDays(1);
    // Without the cash offer the bank's rule stops it, with nothing given back.
    expect(await errorCode(() => rig.service.cancelReceipt(receipt.id))).toBe('switched-refund-cash');
    expect(rig.bank.ledger.refunds).toHaveLength(0);
    const cancelled = await rig.service.cancelReceipt(receipt.id, { cashForUnrefundable: true });
    expect(cancelled.state).toBe('cancelled');
    const refunds = cancelled.parts.filter((p) => p.kind === 'refund');
    expect(refunds.find((p) => p.refundOf === switched.id)).toMatchObject({ how: 'cash', state: 'APPROVED' });
    expect(refunds.find((p) => p.refundOf === card.id)).toMatchObject({ how: 'refund', state: 'APPROVED' });
  });

  it('an open receipt with nothing paid is simply cancelled', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 100 });
    expect((await rig.service.cancelReceipt(receipt.id)).state).toBe('cancelled');
    expect(rig.received).toHaveLength(0);
  });
});
