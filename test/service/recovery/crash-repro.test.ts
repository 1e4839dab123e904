/**
 * The field reports of lost payments across a crash, as regression tests on the service rig: a
 * late QR payment after the kiosk died, recovery of a SENT SBP part whose QR is paid late, a
 * busy pin pad after restart (its payment is kept, not reversed), and a switched payment
 * recovered as SBP/switched. A "restart" is a new PaymentService on the same journal; the old
 * process's request is written to the line as raw bytes, as a process that died would have.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LatePaymentEvent } from '../../../electron/contract/types.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { LateWatchStore } from '../../../electron/service/journal/late-watch-store.js';
import { PaymentService } from '../../../electron/service/payments/payment-service.js';
import type { Part } from '../../../electron/service/journal/part-lifecycle.js';
import { messageFromRecord } from '../../../electron/service/payments/terminal-records.js';
import { encodeFrame } from '../../../native/inpas/codec.js';
import { sum, useServiceRigs, waitFor, type ServiceRig } from '../rig.js';

const { rig: makeRig } = useServiceRigs();
const restarted: PaymentService[] = [];
afterEach(async () => {
  for (const service of restarted.splice(0)) await service.stop();
});

/** A new service on the rig's journal and pin pad, as after a restart; background work started. */
function restart(rig: ServiceRig, extra: Partial<PaymentService['options']> = {}): PaymentService {
  const service = new PaymentService({ ...rig.service.options, sbpPollMs: 40, recoveryRetryMs: 50, ...extra });
  restarted.push(service);
  service.startBackground();
  return service;
}

function lateEvents(service: PaymentService): LatePaymentEvent[] {
  const events: LatePaymentEvent[] = [];
  service.on('late-payment', (e) => events.push(e));
  return events;
}

/** Journals a part SENT (as the dead process did) and writes exactly its request to the line; no one waits for the answer. */
async function sentByDeadProcess(rig: ServiceRig, receiptId: string, method: 'card' | 'sbp', amount: number): Promise<Part> {
  const part = rig.journal.createPart({ receiptId, kind: 'payment', method, amount, needsEcrNumber: true, businessDay: '2026-03-10' }, (ecr) =>
    rig.driver.buildSale({ amount, ecrNumber: ecr!, method }).toRecord(),
  );
  rig.journal.transition(part.id, 'SENT', {}, 'sending');
  await rig.till.write(encodeFrame(messageFromRecord(rig.journal.partRequest(part.id)!)));
  return part;
}

describe('lost payments across a crash (field reports)', () => {
  it('qr-late-pay: the QR expired (DECLINED), the kiosk died, the payment landed; after restart the journaled watch finds it', async () => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 150, qrPayDelayMs: 400 }, sbpPollMs: 60_000 });
    const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
    const original = await rig.pay(receipt.id, 'sbp', 30_000);
    expect(original.state).toBe('DECLINED');
    // The watch is in the journal, not only in memory.
    expect(rig.service.lateWatches(receipt.id)).toEqual([expect.objectContaining({ partId: original.id, state: 'watching' })]);
    // The process dies before its first check (poll 60 s); the payment lands meanwhile.
    await rig.service.stop();
    await waitFor(() => rig.bank.ledger.charges.length === 1, 'the late payment at the bank', 5000);

    const service = restart(rig);
    const late = lateEvents(service);
    await waitFor(() => late.length === 1, 'the late payment found after restart', 10_000);
    expect(late[0]).toMatchObject({ paymentId: original.id, amount: 30_000, reversed: false });
    expect(rig.part(late[0]!.latePartId)).toMatchObject({ state: 'APPROVED', method: 'sbp', rrn: rig.bank.ledger.charges[0]!.rrn });
    expect(service.getReceipt(receipt.id)).toMatchObject({ state: 'paid', paid: 30_000 });
    expect(service.lateWatches(receipt.id)[0]).toMatchObject({ state: 'paid', latePartId: late[0]!.latePartId });
    // Never a second sale.
    expect(rig.requestOps().filter((op) => op === rig.profile.sbp.payment.operation)).toHaveLength(1);
  });

  it('recovery of a SENT SBP part: status "expired", cancel "not found" → DECLINED, and the watch it leaves catches the late payment', async () => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 100, qrPayDelayMs: 600 } });
    const receipt = rig.service.openReceipt({ lines: [], total: 20_000 });
    const part = await sentByDeadProcess(rig, receipt.id, 'sbp', 20_000);
    // The QR expires on the pin pad while the kiosk is down; its final answer reaches no one.
    await waitFor(() => rig.log.some((l) => l.includes('QR code expired')), 'the QR to expire', 5000);
    await rig.service.stop();
    await new Promise((r) => setTimeout(r, 50));
    const service = new PaymentService({ ...rig.service.options, sbpPollMs: 40 });
    restarted.push(service);
    const late = lateEvents(service);
    const [after] = await service.recover(part.id);
    // The expired answer may have come in as the request's own answer, or recovery decided it.
    expect(after!.state).toBe('DECLINED');
    expect(service.lateWatches(receipt.id)).toEqual([expect.objectContaining({ partId: part.id })]);
    await waitFor(() => late.length === 1, 'the late payment to be found', 10_000);
    expect(rig.bank.ledger.charges).toHaveLength(1);
    expect(rig.part(late[0]!.latePartId)).toMatchObject({ state: 'APPROVED', amount: 20_000, rrn: rig.bank.ledger.charges[0]!.rrn });
    expect(service.getReceipt(receipt.id)).toMatchObject({ state: 'paid', paid: 20_000 });
  });

  it('chaos seed 1401869694: a kill between the decline of a QR and its watch cannot leave the decline alone; the late payment is still found', async () => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 100, qrPayDelayMs: 600 } });
    const receipt = rig.service.openReceipt({ lines: [], total: 20_000 });
    await rig.service.stop();
    const part = await sentByDeadProcess(rig, receipt.id, 'sbp', 20_000);
    // The process dies right after it journals the decline and before the watch: here the watch's
    // write throws once, which stops the code at the same place a SIGKILL would.
    const open = LateWatchStore.prototype.open;
    let killedAt: string | undefined;
    LateWatchStore.prototype.open = function (this: LateWatchStore, ...args: Parameters<LateWatchStore['open']>) {
      if (killedAt === undefined) {
        killedAt = rig.part(part.id).state;
        throw new Error('killed between the decline and its watch');
      }
      return open.apply(this, args);
    };
    // Never, at any moment, a declined QR that nothing watches.
    const orphans: string[] = [];
    const sampler = setInterval(() => {
      const now = rig.part(part.id);
      if ((now.state === 'DECLINED' || now.state === 'REVERSED') && !rig.journal.db.prepare('SELECT 1 FROM late_watches WHERE part_id = ?').get(part.id))
        orphans.push(now.state);
    }, 2);
    try {
      const service = restart(rig, { recoveryCallMs: 300, operationTimeoutMs: 60_000 });
      const late = lateEvents(service);
      await waitFor(() => killedAt !== undefined, 'the decline to be journaled', 10_000);
      // Inside the commit the part was already declined; the failed watch took the decline back with it.
      expect(killedAt).toBe('DECLINED');
      expect(rig.part(part.id).state).not.toBe('DECLINED');
      await waitFor(() => late.length === 1, 'the late payment to be found', 15_000);
      expect(rig.part(part.id).state).toBe('DECLINED');
      expect(rig.part(late[0]!.latePartId)).toMatchObject({ state: 'APPROVED', amount: 20_000, rrn: rig.bank.ledger.charges[0]!.rrn });
      expect(service.getReceipt(receipt.id)).toMatchObject({ state: 'paid', paid: 20_000 });
      expect(rig.bank.ledger.charges).toHaveLength(1);
      expect(orphans).toEqual([]);
    } finally {
      clearInterval(sampler);
      LateWatchStore.prototype.open = open;
    }
  });

  it('an approval and its receipt becoming paid are one commit: a kill between them cannot leave a covered receipt open', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 7_500 });
    // The receipt's "paid" write fails once, exactly where a kill after the approval's own write would stop the code.
    const setState = Journal.prototype.setReceiptState;
    let approvedInside: string | undefined;
    Journal.prototype.setReceiptState = function (this: Journal, ...args: Parameters<Journal['setReceiptState']>) {
      if (approvedInside === undefined && args[1] === 'paid') {
        approvedInside = this.partsOf(args[0])[0]?.state;
        throw new Error('killed between the approval and the receipt');
      }
      return setState.apply(this, args);
    };
    try {
      rig.service.startBackground();
      const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 7_500 });
      await waitFor(() => approvedInside !== undefined, 'the approval to be journaled', 10_000);
      expect(approvedInside).toBe('APPROVED');
      // The approval went back with the failed write: the part is still SENT, never "approved" on an open receipt.
      expect(rig.part(paymentId).state).toBe('SENT');
      expect(rig.journal.audit({ partId: paymentId }).map((a) => a.event)).toContain('journal-write-failed');
      // Recovery then settles it through the pin pad, as after a crash; the books match the bank.
      await waitFor(() => !['SENT', 'UNKNOWN'].includes(rig.part(paymentId).state), 'recovery to settle the sale', 15_000);
      const after = rig.part(paymentId);
      const view = rig.service.getReceipt(receipt.id);
      expect(after.state === 'APPROVED' && view.state === 'open').toBe(false);
      expect(view.paid).toBe(sum(rig.bank.ledger.charges) - sum(rig.bank.ledger.refunds));
    } finally {
      Journal.prototype.setReceiptState = setState;
    }
  });

  it('busy pin pad after restart: WAIT frames, no status answer → recovery waits, no emergency cancel; the payment the customer finished is kept', async () => {
    const rig = makeRig({ timing: { cardDelayMs: 1500, waitIntervalMs: 50 } });
    const receipt = rig.service.openReceipt({ lines: [], total: 15_000 });
    await rig.service.stop();
    const part = await sentByDeadProcess(rig, receipt.id, 'card', 15_000);
    const service = new PaymentService({ ...rig.service.options, recoveryCallMs: 300, operationTimeoutMs: 60_000, recoveryRetryMs: 50 });
    restarted.push(service);
    service.startBackground();
    await waitFor(() => rig.part(part.id).state === 'APPROVED', 'the pin pad’s own answer to be recorded', 10_000);
    expect(rig.journal.audit({ partId: part.id }).map((a) => a.event)).toEqual(expect.arrayContaining(['recovery-waiting', 'late-answer']));
    expect(rig.requestOps()).not.toContain(rig.profile.operations.emergencyCancel);
    expect(rig.bank.ledger.charges).toHaveLength(1);
    expect(rig.bank.ledger.refunds).toHaveLength(0);
    expect(rig.part(part.id)).toMatchObject({ method: 'card', rrn: rig.bank.ledger.charges[0]!.rrn });
    expect(service.getReceipt(receipt.id)).toMatchObject({ state: 'paid', paid: 15_000, blockedReason: undefined });
  });

  it.each([
    ['sbp', 'killed on the QR'],
    ['card', 'killed while the bank answers'],
  ] as const)(
    'issue 16: %s, %s, the final answer lost, the first status asked while the pin pad is busy → asked again once free: APPROVED, charged once, never given back',
    async (method, _when) => {
      // WAIT frames far apart (a real pin pad sends them about once a second): the status query
      // reaches the pin pad after its last WAIT and before its final answer, and is ignored.
      const timing = method === 'sbp' ? { qrPayDelayMs: 600, waitIntervalMs: 10_000 } : { cardDelayMs: 0, processingDelayMs: 600, waitIntervalMs: 10_000 };
      const rig = makeRig({ timing, faults: { loseResponse: true }, responseTimeoutMs: 2500 });
      const statusOp = rig.profile.sbp.paymentStatus.operation;
      const receipt = rig.service.openReceipt({ lines: [], total: 25_000 });
      await rig.service.stop();
      const part = await sentByDeadProcess(rig, receipt.id, method, 25_000);
      await waitFor(() => rig.log.some((l) => l.startsWith('request: operation')), 'the pin pad to take the sale', 5000);
      // The restarted service asks at once; its status query gets nothing and times out (2.5 s) well after the sale ended.
      const service = restart(rig, { recoveryCallMs: 5000, operationTimeoutMs: 20_000 });
      await waitFor(() => !['SENT', 'UNKNOWN'].includes(rig.part(part.id).state), 'recovery to settle the part', 15_000);
      expect(rig.log).toContain(`busy: request ${statusOp} ignored`);
      expect(rig.log).toContain('fault: the final answer is lost');
      expect(rig.part(part.id)).toMatchObject({ state: 'APPROVED', method, amount: 25_000, rrn: rig.bank.ledger.charges[0]!.rrn });
      expect(rig.bank.ledger.charges).toHaveLength(1);
      expect(rig.bank.ledger.refunds).toEqual([]);
      expect(rig.requestOps()).not.toContain(rig.profile.operations.emergencyCancel);
      // Asked at least twice: once while busy (ignored), again once the pin pad was free.
      expect(rig.requestOps().filter((op) => op === statusOp).length).toBeGreaterThanOrEqual(2);
      expect(service.getReceipt(receipt.id)).toMatchObject({ state: 'paid', paid: 25_000 });
    },
  );

  it.each(['status query', 'late answer'] as const)('a switched payment recovered by %s is SBP and switched, as a live answer makes it', async (path) => {
    // Status query: the answer was lost while the kiosk was down. Late answer: the customer is still paying when it is back.
    const rig = makeRig({
      scenario: 'switch-to-qr',
      ...(path === 'status query' ? { faults: { loseResponse: true } } : { timing: { cardDelayMs: 300, qrPayDelayMs: 400 } }),
    });
    const receipt = rig.service.openReceipt({ lines: [], total: 12_000 });
    await rig.service.stop();
    const part = await sentByDeadProcess(rig, receipt.id, 'card', 12_000);
    if (path === 'status query') await waitFor(() => rig.bank.ledger.charges.length === 1, 'the switched payment at the bank', 5000);
    const service = restart(rig, { recoveryCallMs: 200, operationTimeoutMs: 60_000 });
    await waitFor(() => rig.part(part.id).state === 'APPROVED', 'the part to be recovered', 10_000);
    expect(rig.part(part.id)).toMatchObject({ method: 'sbp', switchedToSbp: true, amount: 12_000 });
    expect(rig.bank.ledger.charges[0]).toMatchObject({ method: 'sbp', switched: true });
    const events = rig.journal.audit({ partId: part.id }).map((a) => a.event);
    expect(events).toContain(path === 'status query' ? 'recovered-approved' : 'late-answer');
    // The refund rules then apply to a switched QR payment.
    expect(service.planRefund(receipt.id, [{ paymentId: part.id, amount: 12_000 }])[0]).toMatchObject({ method: 'sbp' });
    expect(sum(rig.bank.ledger.refunds)).toBe(0);
  });
});
