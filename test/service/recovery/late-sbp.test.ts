/** SBP payments that arrive after their QR expired: noticed, journaled, reversed when configured. */
import { describe, expect, it } from 'vitest';
import type { LatePaymentEvent } from '../../../electron/contract/types.js';
import { sum, useServiceRigs, waitFor, type ServiceRig } from '../rig.js';

const { rig: makeRig } = useServiceRigs();

function lateEvents(rig: ServiceRig): LatePaymentEvent[] {
  const events: LatePaymentEvent[] = [];
  rig.service.on('late-payment', (e) => events.push(e));
  return events;
}

/** Starts a payment, retrying while the late-payment watcher has the pin pad for a moment. */
async function payWhenFree(rig: ServiceRig, receiptId: string, method: 'card' | 'sbp', amount: number): Promise<string> {
  for (;;) {
    try {
      return rig.service.startPayment({ receiptId, method, amount }).paymentId;
    } catch (error) {
      if ((error as { code?: string }).code !== 'pinpad-busy') throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

describe('late SBP payments', () => {
  it.each([0, 200])('a QR that expired and is paid at the bank %i ms later is caught: a late part APPROVED', async (payDelay) => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 150, qrPayDelayMs: payDelay }, sbpPollMs: 50, sbpLateWindowMs: 5_000 });
    const late = lateEvents(rig);
    const receipt = rig.service.openReceipt({ lines: [], total: 25_000 });
    const original = await rig.pay(receipt.id, 'sbp', 25_000);
    expect(original.state).toBe('DECLINED');
    expect(original.text).toMatch(/QR/);
    expect(rig.receipt(receipt.id).remaining).toBe(25_000);

    await waitFor(() => late.length > 0, 'the late payment to be found', 5_000);
    expect(late).toHaveLength(1);
    const event = late[0]!;
    expect(event).toMatchObject({ receiptId: receipt.id, paymentId: original.id, amount: 25_000, reversed: false });
    const latePart = rig.part(event.latePartId);
    expect(latePart).toMatchObject({ kind: 'payment', method: 'sbp', state: 'APPROVED', amount: 25_000, receiptId: receipt.id });
    expect(latePart.rrn).toBe(rig.bank.ledger.charges[0]!.rrn);
    expect(rig.bank.ledger.charges).toHaveLength(1);
    // The original stays what the terminal said; the money is on the books through the late part.
    expect(rig.part(original.id).state).toBe('DECLINED');
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 25_000, remaining: 0 });
    // Only status queries were sent after the sale; never a second sale.
    const ops = rig.requestOps();
    expect(ops[0]).toBe(rig.profile.sbp.payment.operation);
    expect(ops.slice(1).every((op) => op === rig.profile.sbp.paymentStatus.operation)).toBe(true);
    // The late part can be given back by the normal rules.
    await waitFor(() => rig.service.busyWith === undefined, 'the pin pad to be free');
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: latePart.id, amount: 25_000 }]);
    expect(refund!.state).toBe('APPROVED');
  });

  it('with reverseLatePayments the late payment is given back and the ledger nets to zero', async () => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 150, qrPayDelayMs: 100 }, sbpPollMs: 50, reverseLatePayments: true });
    const late = lateEvents(rig);
    const receipt = rig.service.openReceipt({ lines: [], total: 25_000 });
    const original = await rig.pay(receipt.id, 'sbp', 25_000);
    expect(original.state).toBe('DECLINED');
    await waitFor(() => late.length > 0, 'the late payment to be found', 5_000);
    expect(late[0]).toMatchObject({ paymentId: original.id, amount: 25_000, reversed: true });
    expect(rig.part(late[0]!.latePartId)).toMatchObject({ state: 'REFUNDED', refunded: 25_000 });
    expect(rig.bank.ledger.charges).toHaveLength(1);
    expect(rig.bank.ledger.refunds).toHaveLength(1);
    expect(sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds)).toBe(0);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 0, remaining: 25_000, blockedReason: undefined });
  });

  it('a late payment for a receipt the customer has meanwhile paid another way is given back (no double charge)', async () => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 150, qrPayDelayMs: 400 }, sbpPollMs: 50 });
    const late = lateEvents(rig);
    const receipt = rig.service.openReceipt({ lines: [], total: 25_000 });
    const original = await rig.pay(receipt.id, 'sbp', 25_000);
    expect(original.state).toBe('DECLINED');
    // The customer pays by card at once.
    rig.terminal.options.scenario = 'approve';
    const card = await rig.settled(await payWhenFree(rig, receipt.id, 'card', 25_000));
    expect(card.state).toBe('APPROVED');
    expect(rig.receipt(receipt.id).state).toBe('paid');
    await waitFor(() => late.length > 0, 'the late payment to be found', 5_000);
    expect(late[0]).toMatchObject({ amount: 25_000, reversed: true });
    const charged = sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds);
    expect(charged).toBe(25_000);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 25_000 });
  });

  it('a QR that is never paid is watched only within the late window', async () => {
    const rig = makeRig({ scenario: 'qr-expire', timing: { qrLifetimeMs: 100 }, sbpPollMs: 30, sbpLateWindowMs: 200 });
    const late = lateEvents(rig);
    const receipt = rig.service.openReceipt({ lines: [], total: 25_000 });
    const original = await rig.pay(receipt.id, 'sbp', 25_000);
    expect(original.state).toBe('DECLINED');
    const statusOp = rig.profile.sbp.paymentStatus.operation;
    await waitFor(() => rig.requestOps().includes(statusOp), 'a status query');
    // Past the window (the service's clock): the number of status queries stops growing.
    rig.clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const count = rig.requestOps().filter((op) => op === statusOp).length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rig.requestOps().filter((op) => op === statusOp).length).toBe(count);
    expect(late).toHaveLength(0);
    expect(rig.bank.ledger.charges).toHaveLength(0);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', remaining: 25_000 });
  });
});

describe('late SBP watcher robustness', () => {
  it('keeps watching when the driver is briefly busy with someone else, and still catches the payment', async () => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 150, qrPayDelayMs: 300 }, sbpPollMs: 30 });
    const late = lateEvents(rig);
    const receipt = rig.service.openReceipt({ lines: [], total: 25_000 });
    const original = await rig.pay(receipt.id, 'sbp', 25_000);
    expect(original.state).toBe('DECLINED');
    // A technician's request holds the session (the terminal does not answer it) for a while.
    rig.faults.silentAfterAck = true;
    rig.faults.always = true;
    const other = rig.driver.test();
    expect((await other).status).toBe('unknown');
    rig.faults.silentAfterAck = false;
    rig.faults.always = false;
    await waitFor(() => late.length > 0, 'the late payment to be found', 5_000);
    expect(late[0]).toMatchObject({ paymentId: original.id, amount: 25_000, reversed: false });
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 25_000 });
  });
});
