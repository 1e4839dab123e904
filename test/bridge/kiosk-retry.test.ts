/**
 * Kiosk mode: a customer screen that lost its connection gets a new one without its receipts. Its
 * retry of a money call with the same idempotency key and the same input (receipt.open: the same id,
 * lines and total) is the first call's answer, moves no money, and gives the receipt back to the new
 * connection. Another key, other input, or a receipt id alone grant nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import { hashPin } from '../../electron/service/config/config.js';
import { nodeSocket, startRig, TOKEN, type Rig } from './rig.js';

describe('kiosk mode: a reconnected screen retries with its key', () => {
  let rig: Rig;
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-retry-'));
  const clients: BridgeClient[] = [];

  /** A new bridge connection: what a screen or POS core gets after a reconnect. */
  async function connect(): Promise<BridgeClient> {
    const client = new BridgeClient({ url: rig.web.bridge.wsUrl, token: TOKEN, createSocket: (url) => nodeSocket(url) as never });
    await client.connect();
    clients.push(client);
    return client;
  }

  const ledger = (): { charges: unknown[]; refunds: unknown[] } => rig.web.app.emulator!.bank.ledger;

  beforeAll(async () => {
    const configPath = join(dir, 'config.toml');
    writeFileSync(configPath, `mode = "kiosk"\n[service]\npinHash = "${hashPin('8642')}"\n`);
    rig = await startRig({ configPath });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await rig.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('payment.start: the same key and input after a reconnect is the same payment, charged once, and the receipt is the new connection’s', async () => {
    const lines = [{ name: 'Хлеб', quantity: 1, amount: 9_000 }];
    const first = await connect();
    const receipt = await first.invoke('receipt.open', { id: 'POS-K-0001', lines, total: 9_000 });
    const pay = { receiptId: receipt.id, method: 'card', amount: 9_000, idempotencyKey: 'screen:pay:0001' } as const;
    const { paymentId } = await first.invoke('payment.start', pay);
    await rig.waitFor('payment', (e) => e.paymentId === paymentId && e.phase === 'done' && e.part?.state === 'APPROVED', 60_000);
    const charges = ledger().charges.length;
    first.close();

    const again = await connect();
    // A receipt id alone gives nothing: the receipt is paid and was another connection's.
    expect(await again.invokeRaw('receipt.get', { receiptId: receipt.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Another key with the same input, or the key with other input, is no proof either.
    expect(await again.invokeRaw('payment.start', { ...pay, idempotencyKey: 'screen:pay:9999' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await again.invokeRaw('payment.start', { ...pay, amount: 4_500 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await again.invokeRaw('receipt.get', { receiptId: receipt.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    expect(await again.invoke('payment.start', pay)).toEqual({ paymentId });
    expect(ledger().charges).toHaveLength(charges);
    expect(await again.invoke('receipt.get', { receiptId: receipt.id })).toMatchObject({ id: receipt.id, state: 'paid', paid: 9_000 });
    // Now the receipt is its own, the key with other input is the conflict it is anywhere else.
    expect(await again.invokeRaw('payment.start', { ...pay, amount: 4_500 })).toMatchObject({ ok: false, error: { code: 'idempotency-conflict' } });

    // Another screen with its own key on that receipt gets nothing.
    const stranger = await connect();
    expect(await stranger.invokeRaw('payment.start', { ...pay, idempotencyKey: 'stranger:0001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await stranger.invokeRaw('receipt.get', { receiptId: receipt.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ledger().charges).toHaveLength(charges);
  }, 90_000);

  it('receipt.open: the same id, lines and total after a reconnect give the paid receipt back; other lines do not', async () => {
    const lines = [{ name: 'Сыр', quantity: 2, amount: 6_000 }];
    const first = await connect();
    const receipt = await first.invoke('receipt.open', { id: 'POS-K-0002', lines, total: 6_000 });
    const { paymentId } = await first.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 6_000, idempotencyKey: 'screen:pay:0002' });
    await rig.waitFor('payment', (e) => e.paymentId === paymentId && e.phase === 'done' && e.part?.state === 'APPROVED', 60_000);
    first.close();

    const stranger = await connect();
    const otherLines = [{ name: 'Сыр', quantity: 1, amount: 6_000 }];
    expect(await stranger.invokeRaw('receipt.open', { id: receipt.id, lines: otherLines, total: 6_000 })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await stranger.invokeRaw('receipt.get', { receiptId: receipt.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const again = await connect();
    expect(await again.invoke('receipt.open', { id: receipt.id, lines, total: 6_000 })).toMatchObject({ id: receipt.id, state: 'paid' });
    expect(await again.invoke('receipt.get', { receiptId: receipt.id })).toMatchObject({ id: receipt.id, paid: 6_000 });
    expect(await stranger.invokeRaw('receipt.get', { receiptId: receipt.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  }, 90_000);

  it('receipt.cancel: the same key and input after a reconnect answer the cancelled receipt and give back nothing more', async () => {
    const first = await connect();
    const receipt = await first.invoke('receipt.open', { lines: [{ name: 'Кофе', quantity: 1, amount: 30_000 }], total: 30_000 });
    const { paymentId } = await first.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 10_000, idempotencyKey: 'screen:pay:0003' });
    await rig.waitFor('payment', (e) => e.paymentId === paymentId && e.phase === 'done' && e.part?.state === 'APPROVED', 60_000);
    const cancel = { receiptId: receipt.id, idempotencyKey: 'screen:cancel:0003' };
    expect(await first.invoke('receipt.cancel', cancel)).toMatchObject({ state: 'cancelled' });
    const refunds = ledger().refunds.length;
    first.close();

    const again = await connect();
    expect(await again.invokeRaw('receipt.cancel', { ...cancel, idempotencyKey: 'screen:cancel:9999' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await again.invokeRaw('receipt.cancel', { ...cancel, cashForUnrefundable: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await again.invokeRaw('receipt.get', { receiptId: receipt.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    expect(await again.invoke('receipt.cancel', { ...cancel, cashForUnrefundable: false })).toMatchObject({ id: receipt.id, state: 'cancelled' });
    expect(ledger().refunds).toHaveLength(refunds);
    expect(await again.invoke('receipt.get', { receiptId: receipt.id })).toMatchObject({ id: receipt.id, state: 'cancelled' });
  }, 90_000);
});
