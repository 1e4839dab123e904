import { describe, expect, it } from 'vitest';
import { errorCode, useServiceRigs, waitFor } from '../rig.js';

const { rig: makeRig } = useServiceRigs();

describe('cancel from the screen', () => {
  it('while the pin pad waits for a card: the part ends DECLINED with the terminal text, the remaining amount unchanged', async () => {
    const rig = makeRig({ scenario: 'card-removed' });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    await rig.pay(receipt.id, 'cash', 2_000);
    const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 8_000 });
    await waitFor(() => rig.events.some((e) => e.paymentId === paymentId && e.phase === 'screen' && /КАРТУ/.test(e.text ?? '')), 'the card prompt');
    expect(rig.part(paymentId).state).toBe('SENT');

    expect(rig.service.cancelPayment(paymentId)).toEqual({ requested: true });
    expect(rig.events.some((e) => e.paymentId === paymentId && e.phase === 'cancel-requested')).toBe(true);
    const part = await rig.settled(paymentId);
    expect(part.state).toBe('DECLINED');
    // The outcome is what the terminal said, not a guess of the till.
    expect(part.text).toBe('ОПЕРАЦИЯ ПРЕРВАНА');
    expect(rig.events.find((e) => e.paymentId === paymentId && e.phase === 'done')).toMatchObject({ text: 'ОПЕРАЦИЯ ПРЕРВАНА', part: { state: 'DECLINED' } });
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 2_000, remaining: 8_000, blockedReason: undefined });
    expect(rig.bank.ledger.charges).toHaveLength(0);
    expect(rig.journal.audit({ partId: paymentId }).some((a) => a.event === 'cancel-requested')).toBe(true);
    // Nothing left in flight: a cancel of a finished payment asks nothing, and the next payment goes.
    expect(rig.service.cancelPayment(paymentId)).toEqual({ requested: false });
    rig.terminal.options.scenario = 'approve';
    expect((await rig.pay(receipt.id, 'card', 8_000)).state).toBe('APPROVED');
    expect(rig.receipt(receipt.id).state).toBe('paid');
  });

  it('a QR on the screen: cancel ends the SBP part DECLINED and the QR cancelled at the terminal', async () => {
    const rig = makeRig({ scenario: 'qr-expire', sbpPollMs: 10_000 });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method: 'sbp', amount: 10_000 });
    await waitFor(() => rig.events.some((e) => e.paymentId === paymentId && e.phase === 'qr'), 'the QR code');
    rig.service.cancelPayment(paymentId);
    const part = await rig.settled(paymentId);
    expect(part.state).toBe('DECLINED');
    expect(part.qr?.payload).toBeTruthy();
    expect(rig.bank.qr.at(-1)?.state).toBe('cancelled');
    expect(rig.receipt(receipt.id).remaining).toBe(10_000);
    // The QR may still be paid at the bank: the receipt says its watch is open, so a screen never says "not charged" for sure.
    expect(rig.receipt(receipt.id).lateWatches).toEqual([{ paymentId, deadline: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string }]);
  });

  it("emulator scenario cancel-too-late: the card is read at once, a cancel during the bank's work cannot stop the approval", async () => {
    const rig = makeRig({ scenario: 'cancel-too-late' });
    const receipt = rig.service.openReceipt({ lines: [], total: 7_000 });
    const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 7_000 });
    await waitFor(() => rig.events.some((e) => e.paymentId === paymentId && e.phase === 'screen' && /ОБРАБОТКА/.test(e.text ?? '')), 'bank processing');
    expect(rig.part(paymentId).state).toBe('SENT');
    expect(rig.service.cancelPayment(paymentId)).toEqual({ requested: true });
    const part = await rig.settled(paymentId);
    expect(part.state).toBe('APPROVED');
    expect(rig.bank.ledger.charges).toHaveLength(1);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 7_000 });
    expect(rig.receipt(receipt.id).lateWatches).toBeUndefined();
  });

  it('when the terminal has already approved, the cancel comes too late and the part is APPROVED', async () => {
    // The card is read at once; the bank takes a while, and the terminal no longer listens to a cancel.
    const rig = makeRig({ timing: { processingDelayMs: 300 } });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 10_000 });
    await waitFor(() => rig.events.some((e) => e.paymentId === paymentId && e.phase === 'screen' && /ОБРАБОТКА/.test(e.text ?? '')), 'bank processing');
    expect(rig.service.cancelPayment(paymentId)).toEqual({ requested: true });
    const part = await rig.settled(paymentId);
    expect(part.state).toBe('APPROVED');
    expect(part.rrn).toBe(rig.bank.ledger.charges[0]!.rrn);
    expect(rig.bank.ledger.charges).toHaveLength(1);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 10_000, remaining: 0 });
  });

  it('cancel of an unknown payment id is not-found', async () => {
    const rig = makeRig();
    expect(await errorCode(() => rig.service.cancelPayment('no-such-payment'))).toBe('not-found');
  });
});
