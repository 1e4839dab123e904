/**
 * The cart slice: the goods are fixed once a receipt exists, a receipt is cancelled only when
 * no payment runs, and leaving a receipt never walks away from money still owed.
 */
import { describe, expect, it } from 'vitest';
import { KioskError } from '../../electron/contract/errors.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../../electron/contract/methods.js';
import { cartTotal } from '../../renderer/src/store.js';
import { ev, part, receipt, rig } from './rig.js';

const A_KEY = expect.stringMatching(IDEMPOTENCY_KEY_PATTERN);

describe('cart slice', () => {
  it('adds and removes goods by the line, only before a receipt is opened', async () => {
    const r = await rig({ mode: 'till' });
    const s = () => r.store.getState();
    s().addToCart('coffee');
    s().addToCart('coffee');
    s().addToCart('no-such-item');
    expect(s().cart).toHaveLength(1);
    expect(s().cart[0]?.quantity).toBe(2);
    s().removeFromCart('coffee');
    expect(s().cart[0]?.quantity).toBe(1);
    await s().openReceipt();
    expect(s().receipt?.id).toBe('R1');
    const before = s().cart;
    s().addToCart('coffee');
    s().removeFromCart('coffee');
    s().addFreeAmount(500);
    expect(s().cart).toBe(before);
  });

  it('takes a free amount only as a positive whole number of kopecks', async () => {
    const r = await rig({ mode: 'till' });
    const s = () => r.store.getState();
    for (const bad of [0, -100, 10.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) s().addFreeAmount(bad);
    expect(s().cart).toHaveLength(0);
    s().addFreeAmount(12_345);
    s().addFreeAmount(100);
    expect(s().cart.map((l) => l.id)).toEqual(['free:1', 'free:2']);
    expect(cartTotal(s().cart)).toBe(12_445);
  });

  it('opens one receipt for the cart, with its lines in Russian and its total', async () => {
    const r = await rig({ mode: 'till', locale: 'en' });
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().openReceipt();
    const calls = r.api.called('receipt.open') as { lines: { name: string; amount: number }[]; total: number }[];
    expect(calls).toHaveLength(1);
    expect(calls[0]!.lines[0]!.name).toMatch(/[а-я]/u);
    expect(calls[0]!.total).toBe(calls[0]!.lines.reduce((sum, l) => sum + l.amount, 0));
    expect(r.store.getState().ownReceipt).toBe(true);
  });

  it('refuses to cancel the receipt while a payment runs', async () => {
    const r = await rig({ mode: 'till' });
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().startPayment('card', 5_000);
    r.store.getState().requestCancelReceipt();
    expect(r.store.getState().confirmCancel).toBe(false);
    await r.store.getState().confirmCancelReceipt();
    expect(r.api.called('receipt.cancel')).toHaveLength(0);
  });

  it('kiosk: an unpaid receipt of its own is closed at once; a partly paid one asks first', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    r.store.getState().requestCancelReceipt();
    await Promise.resolve();
    expect(r.api.called('receipt.cancel')).toEqual([{ receiptId: 'R1', idempotencyKey: A_KEY }]);

    const paid = part({ id: 'P0', state: 'APPROVED', amount: 5_000 });
    const q = await rig({}, receipt({ paid: 5_000, parts: [paid] }));
    await q.store.getState().loadReceipt('R1');
    q.store.getState().requestCancelReceipt();
    expect(q.store.getState().confirmCancel).toBe(true);
    expect(q.api.called('receipt.cancel')).toHaveLength(0);
    q.store.getState().abortCancelReceipt();
    expect(q.store.getState().confirmCancel).toBe(false);
  });

  it('a cancel the service refuses shows its error and reloads the receipt', async () => {
    const paid = part({ id: 'P0', state: 'APPROVED', amount: 5_000 });
    const r = await rig({ mode: 'till' }, receipt({ paid: 5_000, parts: [paid] }));
    await r.store.getState().loadReceipt('R1');
    r.api.handlers['receipt.cancel'] = () => {
      throw new KioskError('receipt-blocked', 'an outcome is unknown');
    };
    await r.store.getState().confirmCancelReceipt();
    expect(r.store.getState().error?.code).toBe('receipt-blocked');
    expect(r.store.getState().cancellingReceipt).toBe(false);
    expect(r.api.called('receipt.get')).toHaveLength(2);
  });

  it('a cancel whose answer was lost is confirmed again with the same key; after an answer the next one has a new key', async () => {
    const paid = part({ id: 'P0', state: 'APPROVED', amount: 5_000 });
    const r = await rig({ mode: 'till' }, receipt({ paid: 5_000, parts: [paid] }));
    await r.store.getState().loadReceipt('R1');
    const answers: Array<() => unknown> = [
      () => {
        throw new KioskError('bridge-closed', 'the connection to the service was lost');
      },
      () => {
        throw new KioskError('receipt-blocked', 'an outcome is unknown');
      },
      () => {
        throw new KioskError('bridge-closed', 'the connection to the service was lost');
      },
      () => receipt({ state: 'cancelled', paid: 5_000, refunded: 5_000, remaining: 0 }),
    ];
    r.api.handlers['receipt.cancel'] = () => answers.shift()!();
    await r.store.getState().confirmCancelReceipt(); // lost
    await r.store.getState().confirmCancelReceipt(); // the same cancel again: answered (refused)
    await r.store.getState().confirmCancelReceipt(); // a new cancel, lost
    await r.store.getState().confirmCancelReceipt(true); // another action: cash for what the bank will not refund
    const sent = r.api.called('receipt.cancel') as Array<{ idempotencyKey: string; cashForUnrefundable?: boolean }>;
    expect(sent).toHaveLength(4);
    for (const input of sent) expect(input.idempotencyKey).toMatch(IDEMPOTENCY_KEY_PATTERN);
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
    expect(sent[2]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
    expect(sent[3]).toMatchObject({ cashForUnrefundable: true });
    expect(sent[3]!.idempotencyKey).not.toBe(sent[2]!.idempotencyKey);
    expect(r.store.getState().receipt?.state).toBe('cancelled');
  });

  it('loads a receipt handed over elsewhere, skipping a closed one after a reload', async () => {
    const r = await rig({}, receipt({ state: 'paid', paid: 15_000 }));
    await r.store.getState().loadReceipt('R1', { onlyOpen: true });
    expect(r.store.getState().receipt).toBeUndefined();
    await r.store.getState().loadReceipt('R1');
    expect(r.store.getState().receipt?.state).toBe('paid');
    expect(r.store.getState().ownReceipt).toBe(false);
  });

  it('"Готово" never leaves a partly paid receipt or a running payment; a closed one it leaves', async () => {
    const r = await rig({ mode: 'till' });
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().startPayment('card', 5_000);
    r.store.getState().finish();
    expect(r.store.getState().receipt?.id).toBe('R1');

    const approved = part({ id: 'P1', state: 'APPROVED', amount: 5_000, updatedAt: '2026-03-10T09:00:05.000Z' });
    r.api.emit('payment', ev('P1', 'done', { part: approved }));
    r.api.emit('receipt', receipt({ paid: 5_000, parts: [approved] }));
    r.store.getState().finish();
    expect(r.store.getState().receipt?.remaining).toBe(10_000);

    const rest = part({ id: 'P2', state: 'APPROVED', amount: 10_000, updatedAt: '2026-03-10T09:00:09.000Z' });
    r.api.emit('receipt', receipt({ paid: 15_000, state: 'paid', parts: [approved, rest], updatedAt: '2026-03-10T09:00:09.000Z' }));
    r.store.getState().finish();
    expect(r.store.getState().receipt).toBeUndefined();
    expect(r.store.getState().payment.status).toBe('idle');
    expect(r.store.getState().cart).toHaveLength(0);
  });
});
