import { describe, expect, it } from 'vitest';
import { PaymentService } from '../../../electron/service/payments/payment-service.js';
import { PinpadError } from '../../../native/inpas/errors.js';
import { Message } from '../../../native/inpas/message.js';
import { Tag } from '../../../native/inpas/tags.js';
import { errorCode, sum, useServiceRigs, type ServiceRig } from '../rig.js';

const { rig: makeRig } = useServiceRigs();

/** Operation codes that start a new charge: a recovery must never send one. */
function saleOps(rig: ServiceRig): number[] {
  return [rig.profile.operations.sale, rig.profile.sbp.payment.operation];
}

/** Runs recover() and returns what it returned and the requests the terminal got meanwhile. */
async function recoverWatched(rig: ServiceRig, partId?: string): Promise<{ parts: Awaited<ReturnType<PaymentService['recover']>>; ops: number[] }> {
  const from = rig.received.length;
  const parts = await rig.service.recover(partId);
  const ops = rig.requestOps(from);
  for (const op of ops) expect(saleOps(rig)).not.toContain(op);
  return { parts, ops };
}

describe('recovery of an unknown outcome', () => {
  it.each(['card', 'sbp'] as const)(
    '%s: the answer is lost after the bank charged → UNKNOWN, receipt blocked → status query → APPROVED, charged once',
    async (method) => {
      const rig = makeRig({ faults: { loseResponse: true } });
      const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
      const part = await rig.pay(receipt.id, method, 10_000);
      expect(part.state).toBe('UNKNOWN');
      expect(rig.bank.ledger.charges).toHaveLength(1);
      const blocked = rig.receipt(receipt.id);
      expect(blocked.blockedReason).toContain(part.id);
      expect(blocked).toMatchObject({ state: 'open', paid: 0 });
      expect(rig.service.listUnresolved().map((p) => p.id)).toEqual([part.id]);
      // No money moves on a blocked receipt: not another part, not a refund, not a cancel.
      expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 10_000 }))).toBe('receipt-blocked');
      expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'cash', amount: 100 }))).toBe('receipt-blocked');
      expect(await errorCode(() => rig.service.cancelReceipt(receipt.id))).toBe('receipt-blocked');

      rig.faults.loseResponse = false;
      const { parts, ops } = await recoverWatched(rig);
      expect(ops).toEqual([rig.profile.sbp.paymentStatus.operation]);
      expect(parts).toEqual([expect.objectContaining({ id: part.id, state: 'APPROVED' })]);
      const recovered = rig.part(part.id);
      expect(recovered.rrn).toBe(rig.bank.ledger.charges[0]!.rrn);
      expect(rig.bank.ledger.charges).toHaveLength(1);
      expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 10_000, blockedReason: undefined });
      expect(rig.service.listUnresolved()).toHaveLength(0);
      expect(rig.journal.audit({ partId: part.id }).map((a) => a.event)).toEqual(expect.arrayContaining(['recovery-status', 'recovered-approved']));
      // And it can be given back by the normal rules.
      const [refund] = await rig.service.refund(receipt.id, [{ paymentId: part.id, amount: 10_000 }]);
      expect(refund!.state).toBe('APPROVED');
      expect(sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds)).toBe(0);
    },
  );

  it('silent after ACK (nothing charged) → UNKNOWN → status finds nothing → emergency cancel of the same request → DECLINED', async () => {
    const rig = makeRig({ faults: { silentAfterAck: true } });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = await rig.pay(receipt.id, 'card', 10_000);
    expect(part.state).toBe('UNKNOWN');
    expect(rig.bank.ledger.charges).toHaveLength(0);
    const saleFrame = rig.received.find((m) => m.int(Tag.operation) === rig.profile.operations.sale)!;

    rig.faults.silentAfterAck = false;
    const from = rig.received.length;
    const { parts, ops } = await recoverWatched(rig);
    expect(ops).toEqual([rig.profile.sbp.paymentStatus.operation, rig.profile.operations.emergencyCancel]);
    // The emergency cancel is the sale request unchanged except field 25.
    const cancel = rig.received.slice(from).find((m) => m.int(Tag.operation) === rig.profile.operations.emergencyCancel)!;
    expect({ ...cancel.toRecord(), [Tag.operation]: String(rig.profile.operations.sale) }).toEqual(saleFrame.toRecord());
    expect(parts[0]).toMatchObject({ id: part.id, state: 'DECLINED' });
    expect(rig.bank.ledger.charges).toHaveLength(0);
    expect(rig.bank.ledger.refunds).toHaveLength(0);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 0, remaining: 10_000, blockedReason: undefined });
    // Money may move again.
    expect((await rig.pay(receipt.id, 'card', 10_000)).state).toBe('APPROVED');
  });

  it('the terminal stays silent during recovery too: the part stays UNKNOWN (never a sale), and a later recovery settles it', async () => {
    const rig = makeRig({ faults: { silentAfterAck: true, always: true } });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = await rig.pay(receipt.id, 'sbp', 10_000);
    expect(part.state).toBe('UNKNOWN');
    const first = await recoverWatched(rig);
    expect(first.parts[0]!.state).toBe('UNKNOWN');
    expect(rig.receipt(receipt.id).blockedReason).toBeDefined();
    expect(rig.journal.audit({ partId: part.id }).some((a) => a.event === 'recovery-pending')).toBe(true);
    rig.faults.silentAfterAck = false;
    rig.faults.always = false;
    const second = await recoverWatched(rig, part.id);
    expect(second.parts[0]!.state).toBe('DECLINED');
    expect(rig.bank.ledger.charges).toHaveLength(0);
  });

  it('a part left in INTENT never reached the pin pad → FAILED, and nothing is sent', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const intent = rig.journal.createPart(
      { receiptId: receipt.id, kind: 'payment', method: 'card', amount: 10_000, needsEcrNumber: true, businessDay: '2026-03-10' },
      (ecr) => rig.driver.buildSale({ amount: 10_000, ecrNumber: ecr!, method: 'card' }).toRecord(),
    );
    expect(rig.receipt(receipt.id).blockedReason).toContain(intent.id);
    expect(rig.service.listUnresolved().map((p) => p.id)).toEqual([intent.id]);
    const { parts, ops } = await recoverWatched(rig);
    expect(ops).toEqual([]);
    expect(parts[0]).toMatchObject({ id: intent.id, state: 'FAILED' });
    expect(rig.receipt(receipt.id)).toMatchObject({ blockedReason: undefined, remaining: 10_000 });
    expect(rig.received).toHaveLength(0);
  });

  it('a part left SENT by a crash, nothing reached the terminal → UNKNOWN → emergency cancel → DECLINED', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const sent = rig.journal.createPart(
      { receiptId: receipt.id, kind: 'payment', method: 'sbp', amount: 10_000, needsEcrNumber: true, businessDay: '2026-03-10' },
      (ecr) => rig.driver.buildSale({ amount: 10_000, ecrNumber: ecr!, method: 'sbp' }).toRecord(),
    );
    rig.journal.transition(sent.id, 'SENT');
    const { parts, ops } = await recoverWatched(rig);
    expect(ops).toEqual([rig.profile.sbp.paymentStatus.operation, rig.profile.operations.emergencyCancel]);
    expect(parts[0]).toMatchObject({ id: sent.id, state: 'DECLINED' });
    expect(rig.journal.audit({ partId: sent.id }).map((a) => a.toState)).toEqual(expect.arrayContaining(['UNKNOWN', 'DECLINED']));
    expect(rig.bank.ledger.charges).toHaveLength(0);
  });

  it('a part left SENT by a crash after the terminal charged: a restarted service finds it done, charged once', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const sent = rig.journal.createPart(
      { receiptId: receipt.id, kind: 'payment', method: 'card', amount: 10_000, needsEcrNumber: true, businessDay: '2026-03-10' },
      (ecr) => rig.driver.buildSale({ amount: 10_000, ecrNumber: ecr!, method: 'card' }).toRecord(),
    );
    rig.journal.transition(sent.id, 'SENT');
    // The old process sent exactly the journaled request, and died before it could write the answer.
    const record = rig.journal.partRequest(sent.id)!;
    const answer = await rig.driver.execute(Message.of(Object.fromEntries(Object.entries(record).map(([k, v]) => [Number(k), v]))), {
      operation: 'sale',
      requestedMethod: 'card',
      amount: 10_000,
      ecrNumber: sent.ecrNumber!,
    });
    expect(answer.status).toBe('approved');
    expect(rig.bank.ledger.charges).toHaveLength(1);

    const restarted = new PaymentService({ ...rig.service.options });
    const from = rig.received.length;
    const recovered = await restarted.recover();
    for (const op of rig.requestOps(from)) expect(saleOps(rig)).not.toContain(op);
    expect(recovered).toEqual([expect.objectContaining({ id: sent.id, state: 'APPROVED', rrn: answer.rrn })]);
    expect(rig.bank.ledger.charges).toHaveLength(1);
    expect(restarted.getReceipt(receipt.id)).toMatchObject({ state: 'paid', paid: 10_000 });
    restarted.stop();
  });

  it('an unknown refund is resolved by a refund status query, and the payment is then refunded', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const payment = await rig.pay(receipt.id, 'card', 10_000);
    rig.faults.always = true;
    rig.faults.loseResponse = true;
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]);
    expect(refund!.state).toBe('UNKNOWN');
    expect(rig.bank.ledger.refunds).toHaveLength(1);
    expect(rig.receipt(receipt.id).blockedReason).toContain(refund!.id);
    rig.faults.always = false;
    rig.faults.loseResponse = false;
    const { parts, ops } = await recoverWatched(rig);
    expect(ops).toEqual([rig.profile.sbp.refundStatus.operation]);
    expect(parts[0]).toMatchObject({ id: refund!.id, state: 'APPROVED' });
    expect(rig.part(payment.id)).toMatchObject({ state: 'REFUNDED', refunded: 10_000 });
    expect(rig.bank.ledger.refunds).toHaveLength(1);
  });

  it('with the pin pad away the part stays UNKNOWN; recover(id) of a settled or missing part says so', async () => {
    const rig = makeRig({ faults: { loseResponse: true } });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = await rig.pay(receipt.id, 'card', 10_000);
    const away = new PaymentService({
      ...rig.service.options,
      pinpad: {
        health: rig.service.options.pinpad.health,
        driver: () => {
          throw new PinpadError('link', 'the pin pad is not connected', { delivery: 'none' });
        },
      },
    });
    const from = rig.received.length;
    expect((await away.recover())[0]!.state).toBe('UNKNOWN');
    expect(rig.received.length).toBe(from);
    expect(await errorCode(() => away.startPayment({ receiptId: rig.service.openReceipt({ lines: [], total: 100 }).id, method: 'card', amount: 100 }))).toBe(
      'pinpad-offline',
    );
    away.stop();
    rig.faults.loseResponse = false;
    await rig.service.recover(part.id);
    expect(rig.part(part.id).state).toBe('APPROVED');
    expect(await errorCode(() => rig.service.recover(part.id))).toBe('not-unresolved');
    expect(await errorCode(() => rig.service.recover('no-such'))).toBe('not-found');
  });
});

describe('resolving by hand', () => {
  it('a cashier who checked the terminal journal settles an UNKNOWN part; only UNKNOWN parts', async () => {
    const rig = makeRig({ faults: { loseResponse: true, always: true } });
    const receipt = rig.service.openReceipt({ lines: [], total: 20_000 });
    const a = await rig.pay(receipt.id, 'card', 10_000);
    expect(a.state).toBe('UNKNOWN');
    const resolved = rig.service.resolveManually(a.id, 'approved', 'full report shows it', '000000100001');
    expect(resolved).toMatchObject({ state: 'APPROVED', rrn: '000000100001', text: 'full report shows it' });
    expect(rig.journal.audit({ partId: a.id })[0]).toMatchObject({ event: 'resolved-by-cashier', fromState: 'UNKNOWN', toState: 'APPROVED' });
    expect(rig.receipt(receipt.id)).toMatchObject({ paid: 10_000, remaining: 10_000, blockedReason: undefined });

    const b = await rig.pay(receipt.id, 'card', 10_000);
    expect(b.state).toBe('UNKNOWN');
    expect(rig.service.resolveManually(b.id, 'declined', 'not in the terminal journal').state).toBe('DECLINED');
    expect(rig.receipt(receipt.id)).toMatchObject({ paid: 10_000, remaining: 10_000, blockedReason: undefined });

    expect(await errorCode(() => rig.service.resolveManually(a.id, 'declined', 'again'))).toBe('not-unresolved');
    expect(await errorCode(() => rig.service.resolveManually('no-such', 'approved', 'x'))).toBe('not-found');
  });

  it('a refund settled by hand as approved marks the payment refunded', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const payment = await rig.pay(receipt.id, 'card', 10_000);
    rig.faults.always = true;
    rig.faults.loseResponse = true;
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]);
    expect(refund!.state).toBe('UNKNOWN');
    rig.service.resolveManually(refund!.id, 'approved', 'the slip was printed');
    expect(rig.part(payment.id)).toMatchObject({ state: 'REFUNDED', refunded: 10_000 });
    expect(rig.receipt(receipt.id)).toMatchObject({ paid: 0, refunded: 10_000, blockedReason: undefined });
  });
});

describe('when the driver refuses to start an operation', () => {
  it('a sale the session would not send (busy with a request of someone else) ends FAILED, not stuck in SENT', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    // Someone else holds the session (a technician's test over the same connection).
    const other = rig.driver.test();
    const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 10_000 });
    const part = await rig.settled(paymentId);
    expect(part.state).toBe('FAILED');
    expect(part.text).toMatch(/busy/);
    expect((await other).status).toBe('approved');
    expect(rig.requestOps()).toEqual([rig.profile.operations.testConnection]);
    expect(rig.bank.ledger.charges).toHaveLength(0);
    expect(rig.receipt(receipt.id)).toMatchObject({ remaining: 10_000, blockedReason: undefined });
    // The next try goes through.
    expect((await rig.pay(receipt.id, 'card', 10_000)).state).toBe('APPROVED');
  });

  it('a refund the session would not send ends FAILED and the payment stays refundable', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const payment = await rig.pay(receipt.id, 'card', 10_000);
    const other = rig.driver.test();
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]);
    expect(refund!.state).toBe('FAILED');
    await other;
    expect(rig.receipt(receipt.id).blockedReason).toBeUndefined();
    expect(rig.bank.ledger.refunds).toHaveLength(0);
    const [again] = await rig.service.refund(receipt.id, [{ paymentId: payment.id, amount: 10_000 }]);
    expect(again!.state).toBe('APPROVED');
  });
});

describe('recovery by emergency cancel of a charged payment', () => {
  it('the status answer is lost every time: asked again until the deadline, then the emergency cancel is answered: the charge is given back and the part REVERSED', async () => {
    // Deadline: the operation timeout (0.6 s) after the first status query that got no answer (each takes the 1 s response timeout).
    const rig = makeRig({ faults: { loseResponse: true, always: true }, operationTimeoutMs: 600 });
    const statusOp = rig.profile.sbp.paymentStatus.operation;
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = await rig.pay(receipt.id, 'card', 10_000);
    expect(part.state).toBe('UNKNOWN');
    expect(rig.bank.ledger.charges).toHaveLength(1);
    // The status query's answer is lost; the emergency cancel gets through.
    rig.onReceive.push((message) => {
      if (message.int(Tag.operation) === rig.profile.operations.emergencyCancel) rig.faults.loseResponse = false;
    });
    // Before the deadline a status query with no answer is only asked again later: no cancel.
    const first = await recoverWatched(rig);
    expect(first.ops).toEqual([statusOp]);
    expect(first.parts[0]).toMatchObject({ id: part.id, state: 'UNKNOWN' });
    expect(rig.journal.audit({ partId: part.id }).map((a) => a.event)).toContain('recovery-pending');
    expect(rig.bank.ledger.refunds).toHaveLength(0);
    // Still no answer, now past the deadline (the service's clock): the emergency cancel of the same request.
    rig.clock.advance(1_000);
    const { parts, ops } = await recoverWatched(rig);
    expect(ops).toEqual([statusOp, rig.profile.operations.emergencyCancel]);
    expect(rig.journal.audit({ partId: part.id }).map((a) => a.event)).toContain('recovery-deadline');
    expect(parts[0]).toMatchObject({ id: part.id, state: 'REVERSED' });
    expect(rig.bank.ledger.refunds).toEqual([expect.objectContaining({ kind: 'emergency-cancel', amount: 10_000, ofRrn: rig.bank.ledger.charges[0]!.rrn })]);
    expect(sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds)).toBe(0);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 0, remaining: 10_000, refunded: 0, blockedReason: undefined });
    // A reversed payment cannot be refunded again.
    expect(await errorCode(() => rig.service.refund(receipt.id, [{ paymentId: part.id, amount: 1 }]))).toBe('not-refundable');
  });
});

describe('recovery across a settlement', () => {
  it('a payment unknown at settlement and found approved afterwards is refunded, not voided (the day is closed)', async () => {
    const rig = makeRig({ faults: { loseResponse: true } });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = await rig.pay(receipt.id, 'card', 10_000);
    expect(part.state).toBe('UNKNOWN');
    rig.faults.loseResponse = false;
    expect((await rig.service.settle()).status).toBe('approved');
    expect(rig.bank.day).toBe(2);
    await recoverWatched(rig);
    expect(rig.part(part.id)).toMatchObject({ state: 'APPROVED', settled: true });
    expect(rig.service.planRefund(receipt.id, [{ paymentId: part.id, amount: 10_000 }])[0]!.how).toBe('refund');
    const [refund] = await rig.service.refund(receipt.id, [{ paymentId: part.id, amount: 10_000 }]);
    expect(refund).toMatchObject({ how: 'refund', state: 'APPROVED' });
    expect(sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds)).toBe(0);
  });
});
