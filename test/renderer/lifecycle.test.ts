/** The till is closing: the store learns it (event, method at boot, a `stopping` answer), offers no payment and starts none. */
import { describe, expect, it } from 'vitest';
import { KioskError } from '../../electron/contract/errors.js';
import { appClosing, kioskActions } from '../../renderer/src/store.js';
import { receipt, rig } from './rig.js';

const STOPPING = { state: 'stopping', reason: 'SIGTERM', since: '2026-03-10T09:00:05.000Z' } as const;

describe('the till is closing', () => {
  it('the lifecycle event closes the door: nothing offered, payment.start never called', async () => {
    const r = await rig({ mode: 'kiosk' }, receipt());
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    expect(kioskActions(r.store.getState()).has('pay')).toBe(true);
    r.api.emit('lifecycle', STOPPING);
    expect(appClosing(r.store.getState())).toBe(true);
    expect([...kioskActions(r.store.getState())]).toEqual([]);
    expect(await r.store.getState().startPayment('card', 15_000)).toBe(false);
    expect(r.api.called('payment.start')).toEqual([]);
  });

  it('read at boot from app.lifecycle (a reloaded page during a drain knows it); a service without the method counts as running', async () => {
    const r = await rig();
    expect(r.store.getState().lifecycle).toBeUndefined();
    expect(appClosing(r.store.getState())).toBe(false);
    r.api.handlers['app.lifecycle'] = () => STOPPING;
    await r.store.getState().readLifecycle();
    expect(r.store.getState().lifecycle).toEqual(STOPPING);
    expect(appClosing(r.store.getState())).toBe(true);
  });

  it('a `stopping` answer to payment.start closes the door too', async () => {
    const r = await rig({ mode: 'till' }, receipt());
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    r.api.handlers['payment.start'] = () => {
      throw new KioskError('stopping', 'the app is stopping');
    };
    await r.store.getState().startPayment('card', 15_000);
    expect(r.store.getState().error?.code).toBe('stopping');
    expect(appClosing(r.store.getState())).toBe(true);
  });
});
