/**
 * The payment slice: every move between the payment's phases is allowed only from the phases
 * that may make it, and the slice's actions refuse what the phase forbids.
 */
import { describe, expect, it } from 'vitest';
import { KioskError } from '../../electron/contract/errors.js';
import type { Part } from '../../electron/contract/types.js';
import {
  abandon,
  adopt,
  applyEvent,
  begin,
  choose,
  closeChoice,
  forget,
  hold,
  IDLE,
  lose,
  reconcile,
  type NewAttempt,
  type Payment,
} from '../../renderer/src/store/payment-phases.js';
import { methodOpen, paymentId, paymentOutcome, paymentPhase, paymentRunning, statusMessages } from '../../renderer/src/store.js';
import { ev, part, receipt, rig, type Rig } from './rig.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../../electron/contract/methods.js';

/** Every payment.start of the screen carries a key of the contract's form. */
const A_KEY = expect.stringMatching(IDEMPOTENCY_KEY_PATTERN);

const ATTEMPT: NewAttempt = { receiptId: 'R1', method: 'card', amount: 15_000, startedAt: 1, knownParts: [] };

const starting = begin(IDLE, ATTEMPT)!;
const lost = lose(starting)!;
const running = adopt(starting, 'P1')!;
const cancelling = applyEvent(running, ev('P1', 'cancel-requested'))!;
const declined = applyEvent(running, ev('P1', 'done', { part: part({ id: 'P1', state: 'DECLINED' }) }))!;
const unknown = applyEvent(running, ev('P1', 'done', { part: part({ id: 'P1', state: 'UNKNOWN' }) }))!;
const choosing = choose(IDLE)!;
const choosingAfterDecline = choose(declined)!;

const PHASES: Readonly<Record<Payment['status'], Payment>> = { idle: IDLE, choosing, starting, lost, running, cancelling, unknown, done: declined };

/** The phases from which `move` is allowed (returns a payment), in the order of PHASES. */
function allowedFrom(move: (p: Payment) => Payment | undefined): string[] {
  return Object.entries(PHASES)
    .filter(([, p]) => move(p) !== undefined)
    .map(([status]) => status);
}

describe('payment phases', () => {
  it('builds each phase with only what it may hold', () => {
    expect(starting).toMatchObject({ status: 'starting', early: [], knownParts: [] });
    expect(lost.status).toBe('lost');
    expect(running).toMatchObject({ status: 'running', id: 'P1', step: 'starting', switched: false });
    expect(cancelling).toMatchObject({ status: 'cancelling', step: 'cancel-requested' });
    expect(declined).toMatchObject({ status: 'done', outcome: 'declined' });
    expect(unknown).toMatchObject({ status: 'unknown', id: 'P1' });
    expect(choosingAfterDecline).toEqual({ status: 'choosing', previous: declined });
  });

  it('sends a payment only from idle, the method dialog or a known outcome', () => {
    expect(allowedFrom((p) => begin(p, ATTEMPT))).toEqual(['idle', 'choosing', 'done']);
  });

  it('opens the method dialog only when nothing runs and no outcome is unknown', () => {
    expect(allowedFrom(choose)).toEqual(['idle', 'choosing', 'done']);
    expect(choose(choosing)).toBe(choosing);
  });

  it('closes the method dialog back to what it covered', () => {
    expect(allowedFrom(closeChoice)).toEqual(['choosing']);
    expect(closeChoice(choosing)).toBe(IDLE);
    expect(closeChoice(choosingAfterDecline)).toBe(declined);
  });

  it('takes an id only while it is not known, and loses or abandons only an unanswered start', () => {
    expect(allowedFrom((p) => adopt(p, 'P2'))).toEqual(['starting', 'lost']);
    expect(allowedFrom(lose)).toEqual(['starting']);
    expect(allowedFrom(abandon)).toEqual(['starting', 'lost']);
    expect(adopt(lost, 'P7')).toMatchObject({ status: 'running', id: 'P7', amount: 15_000 });
  });

  it('holds early events of its own receipt only before the id is known, at most 100', () => {
    const early = ev('P1', 'intent');
    expect(allowedFrom((p) => hold(p, early))).toEqual(['starting', 'lost']);
    expect(hold(starting, { ...early, receiptId: 'R2' })).toBeUndefined();
    let p: Payment = starting;
    for (let i = 0; i < 120; i += 1) p = hold(p, early)!;
    expect(p.status === 'starting' && p.early.length).toBe(100);
  });

  it('takes events only while live and only its own', () => {
    expect(allowedFrom((p) => applyEvent(p, ev('P1', 'wait')))).toEqual(['running', 'cancelling']);
    expect(applyEvent(running, ev('P2', 'wait'))).toBeUndefined();
    expect(applyEvent(declined, ev('P1', 'done', { part: part({ id: 'P1', state: 'APPROVED' }) }))).toBeUndefined();
  });

  it('follows the pin pad: screen text, a key-1 switch, QR, cancel', () => {
    expect(applyEvent(running, ev('P1', 'screen', { text: 'ВСТАВЬТЕ КАРТУ' }))).toMatchObject({ step: 'screen', screenText: 'ВСТАВЬТЕ КАРТУ' });
    expect(applyEvent(running, ev('P1', 'method-switched'))).toMatchObject({ status: 'running', method: 'sbp', switched: true });
    const qr = { payload: 'https://qr.nspk.ru/X', expiresAt: 5 };
    expect(applyEvent(running, ev('P1', 'qr', { qr }))).toMatchObject({ step: 'qr', qr, method: 'sbp', switched: true, requestedMethod: 'card' });
    const sbp = adopt(begin(IDLE, { ...ATTEMPT, method: 'sbp' })!, 'P1')!;
    expect(applyEvent(sbp, ev('P1', 'qr', { qr }))).toMatchObject({ method: 'sbp', switched: false });
    // Once cancelling, it stays cancelling until the outcome.
    expect(applyEvent(cancelling, ev('P1', 'wait'))).toMatchObject({ status: 'cancelling', step: 'wait' });
  });

  it('reads the outcome from the part, a refusal after a cancel as cancelled', () => {
    const done = (p: Payment, state: 'APPROVED' | 'DECLINED' | 'FAILED' | 'REVERSED' | 'UNKNOWN') =>
      applyEvent(p, ev('P1', 'done', { part: part({ id: 'P1', state }) }));
    expect(done(running, 'APPROVED')).toMatchObject({ status: 'done', outcome: 'approved' });
    expect(done(running, 'FAILED')).toMatchObject({ status: 'done', outcome: 'failed' });
    expect(done(running, 'REVERSED')).toMatchObject({ status: 'done', outcome: 'reversed' });
    expect(done(cancelling, 'FAILED')).toMatchObject({ status: 'done', outcome: 'cancelled' });
    expect(done(cancelling, 'DECLINED')).toMatchObject({ status: 'done', outcome: 'cancelled' });
    expect(done(cancelling, 'APPROVED')).toMatchObject({ status: 'done', outcome: 'approved' });
    expect(done(running, 'UNKNOWN')).toMatchObject({ status: 'unknown', part: { state: 'UNKNOWN' } });
    expect(applyEvent(running, ev('P1', 'done'))).toEqual(expect.objectContaining({ status: 'unknown', part: undefined }));
    const switched = applyEvent(running, ev('P1', 'done', { part: part({ id: 'P1', state: 'APPROVED', method: 'sbp', switchedToSbp: true }) }));
    expect(switched).toMatchObject({ method: 'sbp', switched: true });
  });

  it('follows the receipt: a settled part ends a live or unknown payment; nothing else moves', () => {
    const withPart = (state: 'SENT' | 'APPROVED' | 'UNKNOWN' | 'REVERSED') => receipt({ parts: [part({ id: 'P1', state })] });
    expect(reconcile(running, withPart('SENT'))).toBe(running);
    expect(reconcile(running, withPart('APPROVED'))).toMatchObject({ status: 'done', outcome: 'approved' });
    expect(reconcile(running, withPart('UNKNOWN'))).toMatchObject({ status: 'unknown' });
    expect(reconcile(cancelling, receipt({ parts: [part({ id: 'P1', state: 'FAILED' })] }))).toMatchObject({ outcome: 'cancelled' });
    expect(reconcile(unknown, withPart('UNKNOWN'))).toBe(unknown);
    // A cancel asked before the outcome was lost does not make a resolved refusal "cancelled".
    expect(reconcile(unknown, receipt({ parts: [part({ id: 'P1', state: 'DECLINED' })] }))).toMatchObject({ status: 'done', outcome: 'declined' });
    expect(reconcile(unknown, withPart('REVERSED'))).toMatchObject({ status: 'done', outcome: 'reversed' });
    expect(reconcile(declined, withPart('REVERSED'))).toBe(declined);
    expect(reconcile(starting, withPart('APPROVED'))).toBe(starting);
    expect(reconcile(running, receipt({ id: 'R2', parts: [part({ id: 'P1', state: 'APPROVED' })] }))).toBe(running);
  });

  it('forgets the payment when the receipt is left, keeping an open dialog open', () => {
    expect(forget(running)).toBe(IDLE);
    expect(forget(choosingAfterDecline)).toEqual({ status: 'choosing', previous: undefined });
  });
});

/** Kiosk: goods in the cart, receipt opened, the method dialog open. */
async function atMethodDialog(r: Rig): Promise<void> {
  r.store.getState().addToCart('coffee');
  await r.store.getState().checkout();
}

describe('payment slice', () => {
  it('chooses a method only from the open dialog', async () => {
    const r = await rig();
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().chooseMethod('card');
    expect(r.api.called('payment.start')).toHaveLength(0);
    await r.store.getState().checkout();
    await r.store.getState().chooseMethod('card');
    expect(r.api.called('payment.start')).toEqual([{ receiptId: 'R1', method: 'card', amount: 15_000, idempotencyKey: A_KEY }]);
    expect(methodOpen(r.store.getState())).toBe(false);
  });

  it('sends "Отмена" only for a running payment with its id, once', async () => {
    const r = await rig();
    await atMethodDialog(r);
    let answer: (v: { paymentId: string }) => void = () => undefined;
    r.api.handlers['payment.start'] = () => new Promise((resolve) => (answer = resolve));
    const started = r.store.getState().chooseMethod('card');
    expect(r.store.getState().payment.status).toBe('starting');
    await r.store.getState().cancelPayment();
    expect(r.api.called('payment.cancel')).toHaveLength(0); // no id yet

    answer({ paymentId: 'P1' });
    await started;
    await r.store.getState().cancelPayment();
    expect(r.api.called('payment.cancel')).toEqual([{ paymentId: 'P1' }]);
    r.api.emit('payment', ev('P1', 'cancel-requested'));
    await r.store.getState().cancelPayment();
    expect(r.api.called('payment.cancel')).toHaveLength(1);
    expect(statusMessages(r.store.getState())[0]?.key).toBe('progress.cancelling');
  });

  it('a refused start leaves no payment; a lost one keeps the screen waiting', async () => {
    const r = await rig();
    await atMethodDialog(r);
    r.api.handlers['payment.start'] = () => {
      throw new KioskError('pinpad-busy', 'busy');
    };
    expect(await r.store.getState().startPayment('card')).toBe(false);
    expect(r.store.getState().payment.status).toBe('idle');
    expect(r.store.getState().error?.code).toBe('pinpad-busy');

    r.api.handlers['payment.start'] = () => {
      throw new KioskError('bridge-closed', 'lost');
    };
    await r.store.getState().startPayment('card');
    expect(r.store.getState().payment.status).toBe('lost');
    expect(paymentRunning(r.store.getState())).toBe(true);
    expect(statusMessages(r.store.getState())[0]?.key).toBe('progress.lost');
    expect(paymentPhase(r.store.getState())).toBe('starting');
  });

  it('a lost start that never reached the service is dropped on reconnect: nothing was charged', async () => {
    const r = await rig({}, receipt(), { bridged: true });
    r.store.getState().setBridge(true);
    await atMethodDialog(r);
    r.api.handlers['payment.start'] = () => {
      throw new KioskError('bridge-closed', 'lost');
    };
    await r.store.getState().chooseMethod('card');
    expect(r.store.getState().payment.status).toBe('lost');
    r.store.getState().setBridge(false);
    r.store.getState().setBridge(true);
    await r.store.getState().resync();
    expect(r.store.getState().payment.status).toBe('idle');
    expect(r.store.getState().receipt?.remaining).toBe(15_000);
  });

  it('"Другой способ" reopens the dialog after a decline; closing it shows the decline again', async () => {
    const r = await rig();
    await atMethodDialog(r);
    await r.store.getState().chooseMethod('card');
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'DECLINED' }) }));
    r.store.getState().otherMethod();
    expect(methodOpen(r.store.getState())).toBe(true);
    // The decline stays on screen behind the dialog.
    expect(paymentOutcome(r.store.getState())).toBe('declined');
    expect(paymentId(r.store.getState())).toBe('P1');
    // The receipt was opened here and nothing is paid: closing the dialog goes back to the goods.
    r.store.getState().closeMethodDialog();
    expect(r.store.getState().payment.status).toBe('idle');
    expect(r.store.getState().receipt).toBeUndefined();
    expect(r.api.called('receipt.cancel')).toEqual([{ receiptId: 'R1', idempotencyKey: A_KEY }]);
  });

  it('closing the dialog over a partly paid receipt keeps the receipt and the result', async () => {
    const approved = part({ id: 'P0', state: 'APPROVED', amount: 5_000 });
    const r = await rig({}, receipt({ paid: 5_000, parts: [approved] }));
    await r.store.getState().loadReceipt('R1');
    await r.store.getState().checkout();
    expect(methodOpen(r.store.getState())).toBe(true);
    r.store.getState().closeMethodDialog();
    expect(r.store.getState().payment.status).toBe('idle');
    expect(r.store.getState().receipt?.remaining).toBe(10_000);
    expect(r.api.called('receipt.cancel')).toHaveLength(0);
  });

  it('"Другой способ" is refused while a payment runs and after an unknown outcome', async () => {
    const r = await rig();
    await atMethodDialog(r);
    await r.store.getState().chooseMethod('card');
    r.store.getState().otherMethod();
    expect(methodOpen(r.store.getState())).toBe(false);
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'UNKNOWN' }) }));
    r.store.getState().otherMethod();
    expect(methodOpen(r.store.getState())).toBe(false);
    expect(r.store.getState().payment.status).toBe('unknown');
  });

  it('till: a retry pays the same part again, never more than is due', async () => {
    const r = await rig({ mode: 'till' });
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().startPayment('card', 6_000);
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'DECLINED', amount: 6_000 }) }));
    await r.store.getState().retry();
    expect(r.api.called('payment.start').at(-1)).toEqual({ receiptId: 'R1', method: 'card', amount: 6_000, idempotencyKey: A_KEY });
  });

  it('checks a status once at a time, for the payment on screen', async () => {
    const r = await rig({ mode: 'till' });
    r.store.getState().addToCart('coffee');
    await r.store.getState().openReceipt();
    await r.store.getState().startPayment('card', 15_000);
    r.api.emit('payment', ev('P1', 'done', { part: part({ id: 'P1', state: 'UNKNOWN' }) }));
    let answer: (v: Part[]) => void = () => undefined;
    r.api.handlers['unknown.resolve'] = () => new Promise((resolve) => (answer = resolve));
    const first = r.store.getState().checkStatus();
    await r.store.getState().checkStatus();
    expect(r.api.called('unknown.resolve')).toEqual([{ paymentId: 'P1' }]);
    expect(r.store.getState().checkingStatus).toBe(true);
    answer([]);
    await first;
    expect(r.store.getState().checkingStatus).toBe(false);
  });
});
