import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containsCardData } from '../../native/inpas/card-data.js';
import { hashPin } from '../../electron/service/config/config.js';
import type { Receipt } from '../../electron/service/journal/part-lifecycle.js';
import { startRig, type Rig } from './rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

function tillConfig(extra = ''): string {
  const path = join(tmpdir(), `kiosk-till-${process.pid}-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, `mode = "till"\n[service]\npinHash = "${hashPin('2468')}"\n${extra}`);
  return path;
}

/** Kiosk mode with a service PIN: the list of unknown outcomes and recovery of every payment are staff tasks there. */
function kioskConfig(): string {
  const path = join(tmpdir(), `kiosk-kiosk-${process.pid}-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, `mode = "kiosk"\n[service]\npinHash = "${hashPin('2468')}"\n`);
  return path;
}

async function open(r: Rig, total: number): Promise<Receipt> {
  return r.client.invoke('receipt.open', { lines: [{ name: 'Товар', quantity: 1, amount: total }], total });
}

describe('payments through the WebSocket bridge, with the emulator on a pseudo-terminal', () => {
  it('kiosk card payment: intent → progress → approved, receipt paid', async () => {
    rig = await startRig();
    const receipt = await open(rig, 12_345);
    const { paymentId } = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 12_345 });
    const done = await rig.waitFor('payment', (e) => e.paymentId === paymentId && e.phase === 'done');
    expect(done.part).toMatchObject({ state: 'APPROVED', method: 'card', amount: 12_345 });
    expect(done.part?.cardMasked).toMatch(/^\d{6}\*+\d{4}$/);
    const paid = await rig.waitFor('receipt', (r) => r.id === receipt.id && r.state === 'paid');
    expect(paid.remaining).toBe(0);
    expect(rig.events.some((e) => e.name === 'payment' && (e.payload as { phase: string }).phase === 'screen')).toBe(true);
    expect(rig.web.app.emulator!.bank.ledger.charges).toHaveLength(1);
  });

  it('QR payment: the QR payload and expiry reach the UI; the card switched to QR with key 1 is an SBP payment', async () => {
    rig = await startRig();
    const receipt = await open(rig, 5000);
    const qr = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'sbp', amount: 2000 });
    const shown = await rig.waitFor('payment', (e) => e.paymentId === qr.paymentId && e.phase === 'qr');
    expect(shown.qr?.payload).toMatch(/^https:\/\/qr\.nspk\.ru\//);
    expect(shown.qr!.expiresAt).toBeGreaterThan(Date.now());
    await rig.waitFor('payment', (e) => e.paymentId === qr.paymentId && e.phase === 'done' && e.part?.state === 'APPROVED');

    rig.web.app.emulator!.terminal.options.scenario = 'switch-to-qr';
    const card = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 3000 });
    await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'method-switched');
    const done = await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'done');
    expect(done.part).toMatchObject({ state: 'APPROVED', method: 'sbp', switchedToSbp: true });
    await rig.waitFor('receipt', (r) => r.id === receipt.id && r.state === 'paid');
  });

  it('decline leaves the amount due; then QR pays it', async () => {
    rig = await startRig();
    const receipt = await open(rig, 10_051);
    const card = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 10_051 });
    const declined = await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'done');
    expect(declined.part?.state).toBe('DECLINED');
    expect((await rig.client.invoke('receipt.get', { receiptId: receipt.id })).remaining).toBe(10_051);
    const qr = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'sbp', amount: 10_051 });
    await rig.waitFor('payment', (e) => e.paymentId === qr.paymentId && e.phase === 'done' && e.part?.state === 'APPROVED');
    await rig.waitFor('receipt', (r) => r.id === receipt.id && r.state === 'paid');
  });

  it('till split payment (cash + card + SBP), same-day void, then the refund rules', async () => {
    rig = await startRig({ configPath: tillConfig() });
    const receipt = await open(rig, 100_000);
    await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'cash', amount: 30_000 });
    const card = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 50_000 });
    await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'done');
    const partial = await rig.client.invoke('receipt.get', { receiptId: receipt.id });
    expect(partial).toMatchObject({ state: 'open', paid: 80_000, remaining: 20_000 });
    const qr = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'sbp', amount: 20_000 });
    await rig.waitFor('payment', (e) => e.paymentId === qr.paymentId && e.phase === 'done');
    await rig.waitFor('receipt', (r) => r.id === receipt.id && r.state === 'paid');

    const plan = await rig.client.invoke('refund.plan', { receiptId: receipt.id, items: [{ paymentId: card.paymentId, amount: 10_000 }] });
    expect(plan).toEqual([expect.objectContaining({ how: 'void', needsCard: false })]);
    const refunds = await rig.client.invoke('refund.start', { receiptId: receipt.id, items: [{ paymentId: card.paymentId, amount: 10_000 }] });
    expect(refunds[0]).toMatchObject({ state: 'APPROVED', how: 'void', amount: 10_000 });
    expect(await rig.client.invokeRaw('refund.start', { receiptId: receipt.id, items: [{ paymentId: card.paymentId, amount: 40_001 }] })).toMatchObject({
      ok: false,
      error: { code: 'refund-exceeds-paid' },
    });

    // After settlement the same payment is refunded with the card, not voided.
    expect(await rig.client.invoke('service.unlock', { pin: '2468' })).toEqual({ unlocked: true });
    expect((await rig.client.invoke('service.settle', {})).status).toBe('approved');
    const later = await rig.client.invoke('refund.plan', { receiptId: receipt.id, items: [{ paymentId: card.paymentId, amount: 5_000 }] });
    expect(later[0]).toMatchObject({ how: 'refund', needsCard: true });
    const cancelled = await rig.client.invoke('receipt.cancel', { receiptId: receipt.id });
    expect(cancelled.state).toBe('cancelled');
    const ledger = rig.web.app.emulator!.bank.ledger;
    const net = ledger.charges.reduce((s, c) => s + c.amount, 0) - ledger.refunds.reduce((s, r) => s + r.amount, 0);
    expect(net).toBe(0);
    const journal = await rig.client.invoke('service.journal', { receiptId: receipt.id });
    expect(journal.some((entry) => entry.event === 'receipt-cancelled')).toBe(true);
  });

  it('the bank rules: partial same-day QR refund unsupported → "next day" code, nothing sent', async () => {
    rig = await startRig({ configPath: tillConfig(), emulatorArgs: ['--fast', '--no-partial-qr-refund'] });
    // The service follows the profile's bank flags; this bank (profile copy) does not cancel part of a QR payment the same day.
    (rig.web.app.service.options.profile.bank as { partialSameDayQrRefund: boolean }).partialSameDayQrRefund = false;
    const receipt = await open(rig, 9_000);
    const qr = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'sbp', amount: 9_000 });
    await rig.waitFor('payment', (e) => e.paymentId === qr.paymentId && e.phase === 'done');
    const before = rig.web.app.emulator!.bank.ledger.refunds.length;
    const result = await rig.client.invokeRaw('refund.start', { receiptId: receipt.id, items: [{ paymentId: qr.paymentId, amount: 1_000 }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'sbp-partial-same-day' } });
    expect(rig.web.app.emulator!.bank.ledger.refunds.length).toBe(before);
    // The whole amount the same day is fine.
    const whole = await rig.client.invoke('refund.start', { receiptId: receipt.id, items: [{ paymentId: qr.paymentId, amount: 9_000 }] });
    expect(whole[0]).toMatchObject({ state: 'APPROVED', how: 'void' });
  });

  it('an unknown outcome blocks the receipt, then recovery resolves it without a second charge', async () => {
    rig = await startRig({ configPath: kioskConfig() });
    const faults = rig.web.app.emulator!.terminal.options.faults;
    faults.loseResponse = true;
    faults.always = true;
    const receipt = await open(rig, 7_000);
    const card = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 7_000 });
    const unknown = await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'done', 20_000);
    expect(unknown.part?.state).toBe('UNKNOWN');
    const blocked = await rig.client.invoke('receipt.get', { receiptId: receipt.id });
    expect(blocked.blockedReason).toBeDefined();
    expect(await rig.client.invokeRaw('payment.start', { receiptId: receipt.id, method: 'card', amount: 7_000 })).toMatchObject({
      ok: false,
      error: { code: 'receipt-blocked' },
    });
    expect(await rig.client.invoke('service.unlock', { pin: '2468' })).toEqual({ unlocked: true });
    expect((await rig.client.invoke('unknown.list', {})).map((p) => p.id)).toEqual([card.paymentId]);

    faults.loseResponse = false;
    const resolved = await rig.client.invoke('unknown.resolve', { paymentId: card.paymentId });
    expect(resolved[0]).toMatchObject({ id: card.paymentId, state: 'APPROVED' });
    await rig.waitFor('receipt', (r) => r.id === receipt.id && r.state === 'paid');
    expect(rig.web.app.emulator!.bank.ledger.charges).toHaveLength(1);
    expect(await rig.client.invoke('unknown.list', {})).toEqual([]);
  }, 40_000);

  it('unplugging the pin pad while idle: reconnecting, then connected; a payment works again', async () => {
    rig = await startRig();
    const emulator = rig.web.app.emulator!;
    await emulator.unplug();
    await rig.waitFor('pinpad', (h) => h.state === 'reconnecting');
    const receipt = await open(rig, 1_000);
    expect(await rig.client.invokeRaw('payment.start', { receiptId: receipt.id, method: 'card', amount: 1_000 })).toMatchObject({
      ok: false,
      error: { code: 'pinpad-offline' },
    });
    await emulator.replug();
    await rig.waitFor('pinpad', (h) => h.state === 'connected');
    const card = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 1_000 });
    await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'done' && e.part?.state === 'APPROVED');
  }, 30_000);

  it('unplugging mid-transaction ends unknown (not declined); after the replug recovery settles it', async () => {
    rig = await startRig({ configPath: kioskConfig() });
    const emulator = rig.web.app.emulator!;
    emulator.terminal.options.faults.unplugAfterAck = true;
    emulator.terminal.options.faults.always = true;
    const receipt = await open(rig, 2_500);
    const card = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 2_500 });
    const done = await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'done', 20_000);
    expect(done.part?.state).toBe('UNKNOWN');
    emulator.terminal.options.faults.unplugAfterAck = false;
    await emulator.replug();
    await rig.waitFor('pinpad', (h) => h.state === 'connected');
    expect(await rig.client.invoke('service.unlock', { pin: '2468' })).toEqual({ unlocked: true });
    const resolved = await rig.client.invoke('unknown.resolve', {});
    expect(resolved[0]?.state === 'APPROVED' || resolved[0]?.state === 'DECLINED' || resolved[0]?.state === 'REVERSED').toBe(true);
    const ledger = emulator.bank.ledger;
    const net = ledger.charges.reduce((s, c) => s + c.amount, 0) - ledger.refunds.reduce((s, r) => s + r.amount, 0);
    expect(net).toBe(resolved[0]!.state === 'APPROVED' ? 2_500 : 0);
  }, 40_000);

  it('no card data in the journal, the logs or the events', async () => {
    rig = await startRig({ emulatorArgs: ['--fast', '--full-pan'] });
    const receipt = await open(rig, 4_200);
    const card = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 4_200 });
    await rig.waitFor('payment', (e) => e.paymentId === card.paymentId && e.phase === 'done');
    expect(containsCardData(JSON.stringify(rig.events))).toBe(false);
    const dump = JSON.stringify(rig.web.app.journal.db.prepare('SELECT * FROM parts').all()) + JSON.stringify(rig.web.app.journal.audit({ limit: 1000 }));
    expect(containsCardData(dump)).toBe(false);
  });
});
