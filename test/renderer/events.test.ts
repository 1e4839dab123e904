/**
 * The events slice: what the contract pushes is taken only when it is for what is on screen
 * and not older than it; a reconnect reads the state again.
 */
import { describe, expect, it } from 'vitest';
import { paymentOutcome, paymentPhase } from '../../renderer/src/store.js';
import { ev, HEALTH, part, receipt, rig } from './rig.js';

describe('events slice', () => {
  it('counts a receipt event for no receipt on screen as dropped', async () => {
    const r = await rig();
    r.api.emit('receipt', receipt({ id: 'R9' }));
    expect(r.store.getState().droppedEvents).toBe(1);
    expect(r.store.getState().receipt).toBeUndefined();
  });

  it('an older view of the receipt is dropped; a newer part makes the view newer', async () => {
    const r = await rig();
    await r.store.getState().loadReceipt('R1');
    const newer = receipt({ parts: [part({ id: 'P1', state: 'SENT', updatedAt: '2026-03-10T09:00:03.000Z' })] });
    r.api.emit('receipt', newer);
    expect(r.store.getState().receipt).toBe(newer);
    r.api.emit('receipt', receipt());
    expect(r.store.getState().receipt).toBe(newer);
    expect(r.store.getState().droppedEvents).toBe(1);
  });

  it('a payment event with no payment on screen and no refund running is dropped', async () => {
    const r = await rig();
    r.api.emit('payment', ev('P1', 'wait'));
    expect(r.store.getState().droppedEvents).toBe(1);
    expect(r.store.getState().payment.status).toBe('idle');
  });

  it('events held before the id is known: its own replayed, others counted as dropped', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    r.api.handlers['payment.start'] = () => {
      r.api.emit('payment', ev('P5', 'wait'));
      r.api.emit('payment', ev('P4', 'wait'));
      r.api.emit('payment', { ...ev('P6', 'wait'), receiptId: 'R2' });
      return { paymentId: 'P5' };
    };
    await r.store.getState().chooseMethod('card');
    expect(paymentPhase(r.store.getState())).toBe('wait');
    expect(r.store.getState().droppedEvents).toBe(2); // P4 after the replay, P6 (another receipt) at once
  });

  it('the receipt ends a payment whose "done" event was missed', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().checkout();
    await r.store.getState().chooseMethod('card');
    const approved = part({ id: 'P1', state: 'APPROVED', amount: 15_000, updatedAt: '2026-03-10T09:00:05.000Z' });
    r.api.emit('receipt', receipt({ paid: 15_000, state: 'paid', parts: [approved] }));
    expect(paymentOutcome(r.store.getState())).toBe('approved');
  });

  it('a late QR payment is told on the kiosk only for its own receipt, at the till always', async () => {
    const late = { receiptId: 'R7', paymentId: 'S1', latePartId: 'S1L', amount: 5_000, reversed: true };
    const kiosk = await rig();
    kiosk.api.emit('late-payment', late);
    expect(kiosk.store.getState().notice).toBeUndefined();
    const till = await rig({ mode: 'till' });
    till.api.emit('late-payment', late);
    expect(till.store.getState().notice).toEqual({ key: 'late.reversed', money: { amount: 5_000 } });
    till.store.getState().clearNotice();
    expect(till.store.getState().notice).toBeUndefined();
  });

  it('follows the pin pad; a reconnect reads config, health and the receipt again, once', async () => {
    const r = await rig({}, receipt(), { bridged: true });
    expect(r.store.getState().bridgeUp).toBe(false);
    const away = { ...HEALTH, state: 'reconnecting' as const };
    r.api.emit('pinpad', away);
    expect(r.store.getState().health).toBe(away);

    await r.store.getState().loadReceipt('R1');
    const reads = r.api.called('config.get').length;
    r.store.getState().setBridge(true);
    r.store.getState().setBridge(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(r.api.called('config.get')).toHaveLength(reads + 1);
    expect(r.store.getState().health).toEqual(HEALTH);
    expect(r.api.called('receipt.get')).toHaveLength(2);
  });
});
