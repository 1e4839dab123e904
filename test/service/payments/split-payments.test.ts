import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../../electron/service/journal/part-lifecycle.js';
import { errorCode, sum, useServiceRigs, waitFor } from '../rig.js';

const { rig: makeRig } = useServiceRigs();

describe('split payments', () => {
  it('1000.00 paid 300 cash + 500 card + 200 SBP at a till: paid, nothing remaining', async () => {
    const rig = makeRig({ mode: 'till', qrSbp: true });
    const receipts: Receipt[] = [];
    rig.service.on('receipt', (r) => receipts.push(r));
    const receipt = rig.service.openReceipt({ lines: [{ name: 'Товар', quantity: 1, amount: 100_000 }], total: 100_000 });
    expect(receipt).toMatchObject({ state: 'open', remaining: 100_000, paid: 0 });

    const cash = await rig.pay(receipt.id, 'cash', 30_000);
    expect(cash).toMatchObject({ state: 'APPROVED', method: 'cash', ecrNumber: undefined });
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 30_000, remaining: 70_000 });

    const card = await rig.pay(receipt.id, 'card', 50_000);
    expect(card).toMatchObject({ state: 'APPROVED', method: 'card' });
    expect(card.rrn).toBeTruthy();
    expect(card.cardMasked).toMatch(/^\d{6}\*+\d{4}$/);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 80_000, remaining: 20_000 });

    const sbp = await rig.pay(receipt.id, 'sbp', 20_000);
    expect(sbp).toMatchObject({ state: 'APPROVED', method: 'sbp' });
    // The QR shown on the pin pad was recorded with the part.
    expect(sbp.qr?.payload).toMatch(/^https:\/\/qr\.nspk\.ru\//);
    expect(rig.events.some((e) => e.paymentId === sbp.id && e.phase === 'qr')).toBe(true);

    const done = rig.receipt(receipt.id);
    expect(done).toMatchObject({ state: 'paid', paid: 100_000, remaining: 0, refunded: 0, blockedReason: undefined });
    expect(done.parts.map((p) => p.method)).toEqual(['cash', 'card', 'sbp']);
    // The bank saw exactly the card and SBP parts, once each.
    expect(rig.bank.ledger.charges.map((c) => [c.method, c.amount])).toEqual([
      ['card', 50_000],
      ['sbp', 20_000],
    ]);
    // The last published receipt is the paid one.
    expect(receipts.at(-1)).toMatchObject({ id: receipt.id, state: 'paid', remaining: 0 });
    // Closed: no more money in.
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 1 }))).toBe('receipt-closed');
  });

  it('refuses an amount above what is still due', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 10_001 }))).toBe('amount-exceeds-remaining');
    await rig.pay(receipt.id, 'card', 4_000);
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 6_001 }))).toBe('amount-exceeds-remaining');
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'cash', amount: 6_001 }))).toBe('amount-exceeds-remaining');
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 0 }))).toBe('invalid-input');
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 12.5 }))).toBe('invalid-input');
    // Nothing was journaled or sent for the refused ones.
    expect(rig.receipt(receipt.id).parts).toHaveLength(1);
    expect(rig.bank.ledger.charges).toHaveLength(1);
  });

  it('takes cash only at a till', async () => {
    const rig = makeRig({ mode: 'kiosk' });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'cash', amount: 5_000 }))).toBe('cash-only-at-till');
    expect(rig.receipt(receipt.id).parts).toHaveLength(0);
  });

  it('refuses SBP when qrSBP is off, without touching the pin pad', async () => {
    const rig = makeRig({ qrSbp: false });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'sbp', amount: 5_000 }))).toBe('method-disabled');
    expect(rig.receipt(receipt.id).parts).toHaveLength(0);
    expect(rig.received).toHaveLength(0);
    // Card goes straight on.
    expect((await rig.pay(receipt.id, 'card', 5_000)).state).toBe('APPROVED');
  });

  it('a declined part (amount ending in 51 kopecks) leaves the remaining amount as it was', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 100_000 });
    await rig.pay(receipt.id, 'card', 20_000);
    const declined = await rig.pay(receipt.id, 'card', 30_051);
    expect(declined.state).toBe('DECLINED');
    expect(declined.text).toMatch(/ОТКАЗ/);
    expect(declined.responseCode).toBe('51');
    const after = rig.receipt(receipt.id);
    expect(after).toMatchObject({ state: 'open', paid: 20_000, remaining: 80_000, blockedReason: undefined });
    expect(rig.bank.ledger.charges).toHaveLength(1);
    // The 'done' event carried the declined part and the terminal's text.
    expect(rig.events.find((e) => e.paymentId === declined.id && e.phase === 'done')).toMatchObject({ part: { state: 'DECLINED' } });
  });

  it('completes only when exactly covered', async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    await rig.pay(receipt.id, 'card', 3_333);
    expect(rig.receipt(receipt.id).state).toBe('open');
    await rig.pay(receipt.id, 'cash', 6_666);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 9_999, remaining: 1 });
    await rig.pay(receipt.id, 'card', 1);
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 10_000, remaining: 0 });
  });

  it('refuses a second payment while one is in flight (same receipt and another receipt)', async () => {
    const rig = makeRig({ scenario: 'card-removed' });
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const other = rig.service.openReceipt({ lines: [], total: 5_000 });
    const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 5_000 });
    await waitFor(() => rig.events.some((e) => e.paymentId === paymentId && e.phase === 'wait'), 'the terminal to wait for a card');
    expect(rig.service.busyWith).toBeDefined();
    // In progress, not blocked.
    expect(rig.receipt(receipt.id).blockedReason).toBeUndefined();
    expect(rig.service.listUnresolved()).toHaveLength(0);
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'card', amount: 1_000 }))).toBe('pinpad-busy');
    expect(await errorCode(() => rig.service.startPayment({ receiptId: receipt.id, method: 'cash', amount: 1_000 }))).toBe('pinpad-busy');
    expect(await errorCode(() => rig.service.startPayment({ receiptId: other.id, method: 'card', amount: 1_000 }))).toBe('pinpad-busy');
    expect(await errorCode(() => rig.service.testConnection())).toBe('pinpad-busy');
    // Only the first was journaled.
    expect(rig.receipt(receipt.id).parts).toHaveLength(1);
    expect(rig.receipt(other.id).parts).toHaveLength(0);
    rig.service.cancelPayment(paymentId);
    expect((await rig.settled(paymentId)).state).toBe('DECLINED');
    // Free again.
    rig.terminal.options.scenario = 'approve';
    expect((await rig.pay(other.id, 'card', 5_000)).state).toBe('APPROVED');
  });

  it('rejects a receipt whose lines do not add up to its total', async () => {
    const rig = makeRig();
    expect(await errorCode(() => rig.service.openReceipt({ lines: [{ name: 'a', quantity: 1, amount: 100 }], total: 200 }))).toBe('invalid-input');
    expect(await errorCode(() => rig.service.getReceipt('nope'))).toBe('not-found');
  });
});

/** One step of a random cashier session. */
type Step =
  | { readonly kind: 'pay'; readonly method: 'card' | 'sbp' | 'cash'; readonly fraction: number; readonly decline: boolean }
  | { readonly kind: 'refund'; readonly pick: number; readonly fraction: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      method: fc.constantFrom('card' as const, 'sbp' as const, 'cash' as const),
      fraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
      decline: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), fraction: fc.double({ min: 0, max: 1.2, noNaN: true }) }) },
);

describe('split payments, property', () => {
  it(
    'for any sequence of parts, approvals, declines and refunds: Σ approved − Σ refunded ≤ total, and the receipt closes only at exactly its total',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 500_000 }), fc.array(stepArb, { minLength: 1, maxLength: 10 }), async (total, steps) => {
          const rig = makeRig({ mode: 'till', qrSbp: true });
          try {
            const receipt = rig.service.openReceipt({ lines: [], total });
            let refundedAfterClose = false;
            for (const step of steps) {
              const before = rig.receipt(receipt.id);
              if (step.kind === 'pay') {
                let amount = Math.max(1, Math.round(before.remaining * step.fraction));
                // Declines: card sales for amounts ending in 51 kopecks (never for SBP/cash: the emulator approves those).
                if (step.method === 'card' && step.decline) amount = Math.floor(amount / 100) * 100 + 51;
                try {
                  const part = await rig.pay(receipt.id, step.method, amount);
                  expect(['APPROVED', 'DECLINED']).toContain(part.state);
                  if (part.state === 'DECLINED') expect(amount % 100).toBe(51);
                } catch (error) {
                  const code = (error as { code?: string }).code;
                  if (before.state !== 'open') expect(code).toBe('receipt-closed');
                  else expect(code).toBe('amount-exceeds-remaining');
                  expect(amount).toBeGreaterThan(before.remaining);
                }
              } else {
                const refundable = before.parts.filter((p) => p.kind === 'payment' && p.state === 'APPROVED' && p.amount > p.refunded);
                if (refundable.length === 0) continue;
                const target = refundable[step.pick % refundable.length]!;
                const left = target.amount - target.refunded;
                const amount = Math.max(1, Math.round(left * step.fraction));
                try {
                  const done = await rig.service.refund(receipt.id, [{ paymentId: target.id, amount }]);
                  expect(done).toHaveLength(1);
                  expect(done[0]!.state).toBe('APPROVED');
                  if (before.state === 'paid') refundedAfterClose = true;
                } catch (error) {
                  expect((error as { code?: string }).code).toBe('refund-exceeds-paid');
                  expect(amount).toBeGreaterThan(left);
                }
              }
              const now = rig.receipt(receipt.id);
              const parts = now.parts;
              const approvedIn = sum(parts.filter((p) => p.kind === 'payment' && (p.state === 'APPROVED' || p.state === 'REFUNDED')));
              const refundedOut = sum(parts.filter((p) => p.kind === 'refund' && p.state === 'APPROVED'));
              expect(now.paid).toBe(approvedIn - refundedOut);
              expect(approvedIn - refundedOut).toBeLessThanOrEqual(total);
              expect(approvedIn - refundedOut).toBeGreaterThanOrEqual(0);
              // No payment is ever refunded beyond itself.
              for (const p of parts.filter((x) => x.kind === 'payment')) expect(p.refunded).toBeLessThanOrEqual(p.amount);
              // Closed only at exactly the total; an open receipt always has money due.
              if (before.state === 'open' && now.state === 'paid') expect(now.paid).toBe(total);
              if (now.state === 'open') {
                expect(now.paid).toBeLessThan(total);
                expect(now.remaining).toBe(total - now.paid);
              }
              if (!refundedAfterClose) expect(now.state === 'paid').toBe(now.paid === total);
              expect(now.blockedReason).toBeUndefined();
              // The bank agrees with the journal (cash never reaches it).
              const bankIn = sum(rig.bank.ledger.charges);
              const bankOut = sum(rig.bank.ledger.refunds);
              const cardSbp = parts.filter((p) => p.method !== 'cash');
              expect(bankIn).toBe(sum(cardSbp.filter((p) => p.kind === 'payment' && (p.state === 'APPROVED' || p.state === 'REFUNDED'))));
              expect(bankOut).toBe(sum(cardSbp.filter((p) => p.kind === 'refund' && p.state === 'APPROVED')));
            }
          } finally {
            await rig.close();
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe('what the terminal approved is what counts', () => {
  it('a partial approval (less than asked) is recorded as the amount approved; the rest stays due', async () => {
    const rig = makeRig();
    rig.scriptTerminal((request) => ({
      39: '1',
      15: '00',
      19: 'ОДОБРЕНО ЧАСТИЧНО',
      0: String((request.int(0) ?? 0) - 3_000),
      14: '000000777777',
      13: '123456',
    }));
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = await rig.pay(receipt.id, 'card', 10_000);
    expect(part).toMatchObject({ state: 'APPROVED', amount: 7_000, rrn: '000000777777' });
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'open', paid: 7_000, remaining: 3_000 });
    expect(rig.journal.audit({ partId: part.id }).some((a) => /7000/.test(a.detail ?? ''))).toBe(true);
  });

  it('an approval that names no amount counts the amount asked', async () => {
    const rig = makeRig();
    rig.scriptTerminal(() => ({ 39: '1', 15: '00', 19: 'ОДОБРЕНО', 14: '000000777778' }));
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    const part = await rig.pay(receipt.id, 'card', 10_000);
    expect(part).toMatchObject({ state: 'APPROVED', amount: 10_000 });
    expect(rig.receipt(receipt.id).state).toBe('paid');
  });

  it('an open receipt id given again returns the same receipt; another total is an idempotency conflict', async () => {
    const rig = makeRig();
    const first = rig.service.openReceipt({ id: 'R-1', lines: [], total: 10_000 });
    await rig.pay(first.id, 'cash', 1_000);
    expect(rig.service.openReceipt({ id: 'R-1', lines: [], total: 10_000 })).toMatchObject({ id: 'R-1', paid: 1_000 });
    expect(await errorCode(() => rig.service.openReceipt({ id: 'R-1', lines: [], total: 20_000 }))).toBe('idempotency-conflict');
  });
});
