/**
 * The service slice: the screen behind the PIN runs one terminal operation at a time, locks
 * when left, and recovery of unknown outcomes brings the receipt on screen up to date.
 */
import { describe, expect, it } from 'vitest';
import { KioskError } from '../../electron/contract/errors.js';
import type { LateWatchView, ServiceOperationResult } from '../../electron/contract/types.js';
import { serviceOpLabel, statusMessages } from '../../renderer/src/store.js';
import { ev, part, receipt, rig } from './rig.js';

const OK: ServiceOperationResult = { status: 'approved', text: 'OK', slip: undefined, terminalId: '00322346', model: 'S300' };

describe('service slice', () => {
  it('a wrong PIN says so and stays locked; the right one unlocks', async () => {
    const r = await rig();
    r.api.handlers['service.unlock'] = (input: { pin: string }) => ({ unlocked: input.pin === '2468' });
    expect(await r.store.getState().serviceUnlock('0000')).toBe(false);
    expect(r.store.getState().service).toMatchObject({ unlocked: false, pinError: true });
    expect(await r.store.getState().serviceUnlock('2468')).toBe(true);
    expect(r.store.getState().service).toMatchObject({ unlocked: true, pinError: false });
  });

  it('runs one terminal operation at a time and says which', async () => {
    const r = await rig();
    let done: (result: ServiceOperationResult) => void = () => undefined;
    r.api.handlers['service.settle'] = () => new Promise((resolve) => (done = resolve));
    r.api.handlers['service.test'] = () => OK;
    r.store.setState({ view: 'service' });
    const settling = r.store.getState().serviceRun('settle');
    await r.store.getState().serviceRun('test');
    expect(r.api.called('service.test')).toHaveLength(0);
    expect(statusMessages(r.store.getState())).toEqual([{ key: 'service.running', texts: { op: serviceOpLabel('settle') } }]);
    await r.store.getState().serviceResolve();
    expect(r.api.called('unknown.resolve')).toHaveLength(0);

    done(OK);
    await settling;
    expect(r.store.getState().service.busy).toBeUndefined();
    expect(r.store.getState().service.lastOp).toEqual({ op: 'settle', result: OK });
    await r.store.getState().serviceRun('test');
    expect(r.api.called('service.test')).toHaveLength(1);
  });

  it('leaving the service screen locks it and forgets what it showed', async () => {
    const r = await rig();
    r.api.handlers['service.unlock'] = () => ({ unlocked: true });
    r.api.handlers['service.lock'] = () => ({ unlocked: false });
    r.api.handlers['service.supportBundle'] = () => ({ path: '/tmp/bundle.zip' });
    r.store.getState().setView('service');
    await r.store.getState().serviceUnlock('2468');
    await r.store.getState().serviceBundle();
    expect(r.store.getState().service.bundlePath).toBe('/tmp/bundle.zip');
    r.store.getState().setView('main');
    expect(r.api.called('service.lock')).toHaveLength(1);
    expect(r.store.getState().service).toMatchObject({ unlocked: false, bundlePath: undefined });
  });

  it('recovery of an unknown outcome lists what is left and brings the receipt on screen up to date', async () => {
    const r = await rig({ mode: 'till' });
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().startPayment('card', 15_000);
    const unknown = part({ id: 'P1', state: 'UNKNOWN', amount: 15_000 });
    r.api.emit('payment', ev('P1', 'done', { part: unknown }));
    expect(r.store.getState().payment.status).toBe('unknown');

    const reversed = part({ id: 'P1', state: 'REVERSED', amount: 15_000, updatedAt: '2026-03-10T09:05:00.000Z' });
    r.api.handlers['unknown.resolve'] = () => [reversed];
    r.api.handlers['unknown.list'] = () => [];
    r.api.handlers['receipt.get'] = () => receipt({ parts: [reversed], updatedAt: '2026-03-10T09:00:02.000Z' });
    await r.store.getState().serviceResolve('P1');
    expect(r.api.called('unknown.resolve')).toEqual([{ paymentId: 'P1' }]);
    expect(r.store.getState().service.unknowns).toEqual([]);
    expect(r.store.getState().payment).toMatchObject({ status: 'done', outcome: 'reversed' });
  });

  it('a manual decision is sent with its note, and an RRN only when given', async () => {
    const r = await rig();
    r.api.handlers['unknown.resolveManually'] = () => part({ id: 'P1', state: 'DECLINED' });
    r.api.handlers['unknown.list'] = () => [];
    expect(await r.store.getState().serviceResolveManually({ paymentId: 'P1', decision: 'declined', note: 'slip says declined', rrn: '' })).toBe(true);
    expect(r.api.called('unknown.resolveManually')).toEqual([{ paymentId: 'P1', decision: 'declined', note: 'slip says declined' }]);
  });

  it('ending a late-payment watch sends the note and lists what is left; a refusal is shown and the list kept', async () => {
    const r = await rig();
    const watch = (paymentId: string): LateWatchView => ({
      paymentId,
      receiptId: `R-${paymentId}`,
      receiptShortNumber: 7,
      amount: 30_000,
      reason: 'QR expired',
      deadline: '2026-03-10T09:10:00.000Z',
      state: 'watching',
      detail: undefined,
    });
    let open = [watch('P1'), watch('P2')];
    r.api.handlers['lateWatch.list'] = () => open;
    r.api.handlers['lateWatch.end'] = (input: { paymentId: string; note: string }) => {
      open = open.filter((w) => w.paymentId !== input.paymentId);
      return { ...watch(input.paymentId), state: 'decided', detail: `by the cashier: ${input.note}` };
    };
    await r.store.getState().serviceLateWatches();
    expect(r.store.getState().service.lateWatches?.map((w) => w.paymentId)).toEqual(['P1', 'P2']);

    expect(await r.store.getState().serviceEndLateWatch('P1', 'bank app shows refused')).toBe(true);
    expect(r.api.called('lateWatch.end')).toEqual([{ paymentId: 'P1', note: 'bank app shows refused' }]);
    expect(r.store.getState().service.lateWatches?.map((w) => w.paymentId)).toEqual(['P2']);

    r.api.handlers['lateWatch.end'] = () => {
      throw new KioskError('not-unresolved', 'the late-payment watch of P2 is paid');
    };
    expect(await r.store.getState().serviceEndLateWatch('P2', 'bank app shows refused')).toBe(false);
    expect(r.store.getState().error).toMatchObject({ code: 'not-unresolved' });
    expect(r.store.getState().service.lateWatches?.map((w) => w.paymentId)).toEqual(['P2']);
    expect(r.api.called('lateWatch.list')).toHaveLength(2);
  });
});
