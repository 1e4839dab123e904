/**
 * The session slice: boot, views and the kiosk's idle timer (on a hand-moved clock): back to
 * the start after a while without a touch, never at the till, never with money in flight.
 */
import { describe, expect, it } from 'vitest';
import { errorFromWire, KioskError } from '../../electron/contract/errors.js';
import { createAppStore, toUiError } from '../../renderer/src/store.js';
import { FakeApi, idleOut, rig } from './rig.js';

describe('session slice', () => {
  it('a failed boot keeps the error and is not ready', async () => {
    const api = new FakeApi();
    api.handlers['config.get'] = () => {
      throw new KioskError('bridge-closed', 'no service');
    };
    const store = createAppStore({ api, log: () => undefined });
    await store.getState().init();
    expect(store.getState().ready).toBe(false);
    expect(store.getState().bootError?.code).toBe('bridge-closed');
  });

  it('an error whose code is not in the contract reaches the screen as internal, its code kept for the log', () => {
    expect(toUiError(new KioskError('receipt-closed', 'closed'))).toEqual({ code: 'receipt-closed', message: 'closed' });
    // As the bridge client rebuilds a reply from a newer service with a code this screen does not know.
    const newer = toUiError(errorFromWire({ code: 'from-a-newer-service', message: 'new' }));
    expect(newer).toMatchObject({ code: 'internal', message: 'new', data: { code: 'from-a-newer-service' } });
    expect(toUiError(new Error('odd'))).toEqual({ code: 'internal', message: 'odd' });
  });

  it('an error as the Electron preload passes it (plain data, no class) reaches the screen in one step', () => {
    expect(toUiError({ code: 'pinpad-offline', message: 'no pin pad', data: { port: '/dev/ttyS39' } })).toEqual({
      code: 'pinpad-offline',
      message: 'no pin pad',
      data: { port: '/dev/ttyS39' },
    });
    expect(toUiError({ code: 'from-a-newer-service', message: 'new' })).toMatchObject({ code: 'internal', data: { code: 'from-a-newer-service' } });
    expect(toUiError('garbage')).toEqual({ code: 'internal', message: 'garbage' });
    expect(toUiError(null)).toMatchObject({ code: 'internal' });
  });

  it('the kiosk has no refund view; the till has', async () => {
    const kiosk = await rig();
    kiosk.store.getState().setView('refund');
    expect(kiosk.store.getState().view).toBe('main');
    const till = await rig({ mode: 'till' });
    till.store.getState().setView('refund');
    expect(till.store.getState().view).toBe('refund');
  });

  it('a changed language alone goes back to the configured one when idle', async () => {
    const r = await rig();
    r.store.getState().setLocale('en');
    r.clock.now += 59_000;
    r.store.getState().tick();
    expect(r.store.getState().locale).toBe('en');
    r.clock.now += 2_000;
    idleOut(r); // asks "Нужно ещё время?" first (issue 17)
    expect(r.store.getState().locale).toBe('ru');
  });

  it('a touch restarts the idle time', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    r.clock.now += 50_000;
    r.store.getState().touch();
    r.clock.now += 50_000;
    r.store.getState().tick();
    expect(r.store.getState().cart).toHaveLength(1);
    r.clock.now += 11_000;
    idleOut(r); // asks "Нужно ещё время?" first (issue 17)
    expect(r.store.getState().cart).toHaveLength(0);
  });

  it('the till never resets by itself', async () => {
    const r = await rig({ mode: 'till' });
    r.store.getState().addToCart('coffee');
    r.clock.now += 60 * 60_000;
    r.store.getState().tick();
    expect(r.store.getState().cart).toHaveLength(1);
  });

  it('an idle service screen goes back to the start, locked', async () => {
    const r = await rig();
    r.api.handlers['service.unlock'] = () => ({ unlocked: true });
    r.api.handlers['service.lock'] = () => ({ unlocked: false });
    r.store.getState().setView('service');
    await r.store.getState().serviceUnlock('2468');
    r.clock.now += 61_000;
    r.store.getState().tick();
    expect(r.store.getState().view).toBe('main');
    expect(r.store.getState().service.unlocked).toBe(false);
    expect(r.api.called('service.lock')).toHaveLength(1);
  });

  it('an error on screen is cleared by the idle reset and by hand', async () => {
    const r = await rig();
    r.store.setState({ error: { code: 'internal', message: 'x' } });
    r.store.getState().clearError();
    expect(r.store.getState().error).toBeUndefined();
    r.store.setState({ error: { code: 'internal', message: 'x' } });
    r.clock.now += 61_000;
    idleOut(r); // asks "Нужно ещё время?" first (issue 17)
    expect(r.store.getState().error).toBeUndefined();
  });
});
