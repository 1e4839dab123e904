/** Idempotency keys in the service: retention and pruning by the injected clock, a restart on the same journal, refusals that store nothing. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_RETENTION_MS } from '../../../electron/service/payments/idempotency.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { Clock, errorCode, useServiceRigs } from '../rig.js';

const { rig: makeRig, tempDir } = useServiceRigs();
const HOUR = 60 * 60 * 1000;

describe('idempotency keys in the service', () => {
  it('a key is kept 48 hours; after that (pruned or not) it is a new key', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
    const input = { receiptId: receipt.id, method: 'card' as const, amount: 10_000, idempotencyKey: 'kept-48-hours' };
    const first = rig.service.startPayment(input);
    await rig.settled(first.paymentId);

    rig.clock.advance(KEY_RETENTION_MS - HOUR);
    expect(rig.service.keys.prune()).toBe(0);
    expect(rig.service.startPayment(input)).toEqual(first);
    expect(rig.bank.ledger.charges).toHaveLength(1);

    // Expired but not pruned yet: a new key all the same.
    rig.clock.advance(2 * HOUR);
    const second = rig.service.startPayment(input);
    expect(second.paymentId).not.toBe(first.paymentId);
    await rig.settled(second.paymentId);
    expect(rig.bank.ledger.charges).toHaveLength(2);
    expect(rig.service.startPayment(input)).toEqual(second);

    // Pruning at start (startBackground) and periodically drops keys older than the retention, by the service's clock.
    rig.clock.advance(KEY_RETENTION_MS + HOUR);
    rig.service.startBackground();
    expect(rig.journal.db.prepare('SELECT COUNT(*) AS n FROM idempotency_keys').get()).toEqual({ n: 0 });
  });

  it('a call refused before money moved stores no key: the same key with corrected input is a new call', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
    expect(
      await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 40_000, idempotencyKey: 'first-was-refused' })),
    ).toBe('amount-exceeds-remaining');
    const ok = rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 30_000, idempotencyKey: 'first-was-refused' });
    expect((await rig.settled(ok.paymentId)).state).toBe('APPROVED');
    // Now the key is taken; the receipt is paid, yet the retry is answered, not refused as receipt-closed.
    expect(rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 30_000, idempotencyKey: 'first-was-refused' })).toEqual(ok);
  });

  it('the key is checked in the service, so a direct call with a key of the wrong form is invalid input', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 1_000, idempotencyKey: 'bad key' }))).toBe(
      'invalid-input',
    );
    expect(rig.journal.partsOf(receipt.id)).toHaveLength(0);
  });

  it('a new service on the same journal answers the key with the same paymentId and charges nothing', async () => {
    const path = join(tempDir(), 'journal.sqlite');
    const clock = new Clock();
    const journal1 = new Journal(path, { now: clock.now });
    const one = makeRig({ journal: journal1, clock });
    const receipt = one.service.openReceipt({ lines: [], total: 30_000 });
    const input = { receiptId: receipt.id, method: 'card' as const, amount: 10_000, idempotencyKey: 'survives-restart' };
    const first = one.service.startPayment(input);
    await one.settled(first.paymentId);
    await one.close();
    journal1.close();

    const journal2 = new Journal(path, { now: clock.now });
    try {
      const two = makeRig({ journal: journal2, clock });
      expect(two.service.startPayment(input)).toEqual(first);
      expect(two.bank.ledger.charges).toHaveLength(0);
      expect(two.journal.partsOf(receipt.id)).toHaveLength(1);
      await two.close();
    } finally {
      journal2.close();
    }
  });

  it('unknown.resolveManually with a key: a retry returns the decided part; other input is a conflict', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = rig.journal.createPart({
      receiptId: receipt.id,
      kind: 'payment',
      method: 'card',
      amount: 10_000,
      needsEcrNumber: true,
      businessDay: '2026-03-10',
    });
    rig.journal.transition(part.id, 'SENT');
    rig.journal.transition(part.id, 'UNKNOWN');
    const decided = rig.service.resolveManually(part.id, 'approved', 'seen in the full report', '123456', 'resolve-0001');
    expect(decided).toMatchObject({ id: part.id, state: 'APPROVED' });
    expect(rig.service.resolveManually(part.id, 'approved', 'seen in the full report', '123456', 'resolve-0001')).toMatchObject({
      id: part.id,
      state: 'APPROVED',
    });
    expect(await errorCode(() => rig.service.resolveManually(part.id, 'declined', 'seen in the full report', undefined, 'resolve-0001'))).toBe(
      'idempotency-conflict',
    );
    expect(await errorCode(() => rig.service.resolveManually(part.id, 'approved', 'seen in the full report', '123456'))).toBe('not-unresolved');
    expect(rig.journal.audit({ partId: part.id }).filter((a) => a.event === 'resolved-by-cashier')).toHaveLength(1);
  });
});
