/**
 * A cashier ends a late-payment watch through the contract's handlers: the watch is listed with
 * its receipt, ends audited with the cashier's note, and is not resumed after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LatePaymentEvent, PublicConfig } from '../../../electron/contract/types.js';
import type { CallContext } from '../../../electron/contract/methods.js';
import { createHandlers } from '../../../electron/service/handlers.js';
import { PaymentService } from '../../../electron/service/payments/payment-service.js';
import { Tag } from '../../../native/inpas/tags.js';
import { errorCode, useServiceRigs, waitFor, type ServiceRig } from '../rig.js';

const { rig: makeRig } = useServiceRigs();
const restarted: PaymentService[] = [];
afterEach(async () => {
  for (const service of restarted.splice(0)) await service.stop();
});

function handlersOf(rig: ServiceRig, service: PaymentService) {
  return createHandlers({
    service,
    journal: rig.journal,
    health: () => {
      throw new Error('not used');
    },
    lifecycle: () => {
      throw new Error('not used');
    },
    publicConfig: () => ({ mode: 'till' }) as PublicConfig,
    checkPin: () => Promise.resolve(false),
    writeSupportBundle: () => Promise.reject(new Error('not used')),
    exportReconciliation: () => Promise.reject(new Error('not used')),
    quit: () => undefined,
  });
}

const cashier: CallContext = { unlocked: false, caller: 'till window' };

describe('a cashier ends a late-payment watch', () => {
  it('listed, ended with an audited note, not resumed after a restart', async () => {
    const rig = makeRig({ scenario: 'qr-late-pay', timing: { qrLifetimeMs: 150, qrPayDelayMs: 400 }, sbpPollMs: 60_000 });
    const ended = rig.service.openReceipt({ lines: [], total: 30_000 });
    const kept = rig.service.openReceipt({ lines: [], total: 12_000 });
    const endedPart = await rig.pay(ended.id, 'sbp', 30_000);
    const keptPart = await rig.pay(kept.id, 'sbp', 12_000);
    expect([endedPart.state, keptPart.state]).toEqual(['DECLINED', 'DECLINED']);

    const handlers = handlersOf(rig, rig.service);
    const listed = await handlers['lateWatch.list']({}, cashier);
    expect(listed).toEqual([
      expect.objectContaining({ paymentId: endedPart.id, receiptId: ended.id, amount: 30_000, state: 'watching' }),
      expect.objectContaining({ paymentId: keptPart.id, receiptId: kept.id, amount: 12_000, state: 'watching' }),
    ]);
    expect(listed[0]!.receiptShortNumber).toBe(rig.service.getReceipt(ended.id).shortNumber);
    expect(listed[0]!.reason).not.toBe('');
    expect(Date.parse(listed[0]!.deadline)).toBeGreaterThan(rig.clock.now().getTime());

    const note = 'the customer showed the bank refused it';
    const result = await handlers['lateWatch.end']({ paymentId: endedPart.id, note }, cashier);
    expect(result).toMatchObject({ paymentId: endedPart.id, state: 'decided' });
    expect(result.detail).toContain(note);
    const audit = rig.journal.audit({ partId: endedPart.id, limit: 100 });
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'late-watch-decided', detail: expect.stringContaining(note) })]));
    expect((await handlers['lateWatch.list']({}, cashier)).map((w) => w.paymentId)).toEqual([keptPart.id]);
    // An ended watch stays ended.
    expect(await errorCode(() => handlers['lateWatch.end']({ paymentId: endedPart.id, note }, cashier))).toBe('not-unresolved');
    expect(await errorCode(() => handlers['lateWatch.end']({ paymentId: 'no-such-part', note }, cashier))).toBe('not-found');

    // The kiosk restarts after both late payments landed at the bank.
    await rig.service.stop();
    await waitFor(() => rig.bank.ledger.charges.length === 2, 'both late payments at the bank', 10_000);
    const from = rig.received.length;
    const service = new PaymentService({ ...rig.service.options, sbpPollMs: 40, recoveryRetryMs: 50 });
    restarted.push(service);
    const late: LatePaymentEvent[] = [];
    service.on('late-payment', (e) => late.push(e));
    service.startBackground();
    // The watch left open finds its payment; the ended one is never asked about.
    await waitFor(() => late.length === 1, 'the open watch to find its late payment', 10_000);
    expect(late[0]).toMatchObject({ paymentId: keptPart.id, amount: 12_000 });
    const byEcr = rig.profile.sbp.paymentStatus.byEcrField;
    const statusOp = rig.profile.sbp.paymentStatus.operation;
    const asked = rig.received.slice(from).filter((m) => m.int(Tag.operation) === statusOp);
    expect(asked.map((m) => m.int(byEcr))).toContain(keptPart.ecrNumber);
    expect(asked.map((m) => m.int(byEcr))).not.toContain(endedPart.ecrNumber);
    expect(service.lateWatches(ended.id)).toEqual([expect.objectContaining({ partId: endedPart.id, state: 'decided' })]);
    expect(service.getReceipt(ended.id).paid).toBe(0);
    expect(late.some((e) => e.paymentId === endedPart.id)).toBe(false);
  });
});
