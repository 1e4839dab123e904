/**
 * Idempotency keys through the bridge: a POS core that retries a money call with the same key —
 * once it finished, twice at the same moment, after a restart of the service — moves money once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import { hashPin } from '../../electron/service/config/config.js';
import type { Receipt } from '../../electron/service/journal/part-lifecycle.js';
import { startWebMode, type WebMode } from '../../scripts/web.js';
import { nodeSocket, startRig, TOKEN, type Rig } from './rig.js';

let rig: Rig | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tillConfig(): string {
  const path = join(tmpdir(), `kiosk-idem-${process.pid}-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, `mode = "till"\n[service]\npinHash = "${hashPin('2468')}"\n`);
  cleanups.push(() => rmSync(path, { force: true }));
  return path;
}

async function open(client: BridgeClient, total: number, id?: string): Promise<Receipt> {
  return client.invoke('receipt.open', { ...(id ? { id } : {}), lines: [{ name: 'Товар', quantity: 1, amount: total }], total });
}

async function paidCard(r: Rig, total: number, amount: number): Promise<{ receipt: Receipt; paymentId: string }> {
  const receipt = await open(r.client, total);
  const { paymentId } = await r.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount, idempotencyKey: `pay-${receipt.id}` });
  await r.waitFor('payment', (e) => e.paymentId === paymentId && e.phase === 'done' && e.part?.state === 'APPROVED');
  return { receipt, paymentId };
}

describe('payment.start with an idempotency key', () => {
  it('a retry after the payment finished gets the same paymentId; the bank charged once', async () => {
    rig = await startRig();
    const receipt = await open(rig.client, 30_000);
    const input = { receiptId: receipt.id, method: 'card', amount: 10_000, idempotencyKey: 'pos-core:0001' } as const;
    const first = await rig.client.invoke('payment.start', input);
    await rig.waitFor('payment', (e) => e.paymentId === first.paymentId && e.phase === 'done');
    const again = await rig.client.invoke('payment.start', input);
    expect(again).toEqual(first);
    expect(rig.web.app.emulator!.bank.ledger.charges).toHaveLength(1);
    expect(await rig.client.invoke('receipt.get', { receiptId: receipt.id })).toMatchObject({ paid: 10_000, remaining: 20_000 });
  });

  it('a retry while the first is still at the pin pad gets its id and starts nothing', async () => {
    rig = await startRig();
    const receipt = await open(rig.client, 30_000);
    const input = { receiptId: receipt.id, method: 'card', amount: 10_000, idempotencyKey: 'pos-core:0002' } as const;
    const first = await rig.client.invoke('payment.start', input);
    // Without a key this would be refused as pinpad-busy; with the key it is the same call.
    expect(await rig.client.invoke('payment.start', input)).toEqual(first);
    await rig.waitFor('payment', (e) => e.paymentId === first.paymentId && e.phase === 'done');
    expect(rig.web.app.emulator!.bank.ledger.charges).toHaveLength(1);
  });

  it('two calls at the same moment with one key: one payment, both get its id', async () => {
    rig = await startRig();
    const receipt = await open(rig.client, 30_000);
    const input = { receiptId: receipt.id, method: 'card', amount: 10_000, idempotencyKey: 'pos-core:0003' } as const;
    const [a, b] = await Promise.all([rig.client.invoke('payment.start', input), rig.client.invoke('payment.start', input)]);
    expect(b.paymentId).toBe(a.paymentId);
    await rig.waitFor('payment', (e) => e.paymentId === a.paymentId && e.phase === 'done');
    expect(rig.web.app.emulator!.bank.ledger.charges).toHaveLength(1);
    expect((await rig.client.invoke('receipt.get', { receiptId: receipt.id })).parts).toHaveLength(1);
  });

  it('the same key with another amount is an idempotency-conflict naming the first input', async () => {
    rig = await startRig();
    const receipt = await open(rig.client, 30_000);
    const first = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 10_000, idempotencyKey: 'pos-core:0004' });
    await rig.waitFor('payment', (e) => e.paymentId === first.paymentId && e.phase === 'done');
    const other = await rig.client.invokeRaw('payment.start', { receiptId: receipt.id, method: 'card', amount: 12_000, idempotencyKey: 'pos-core:0004' });
    expect(other).toMatchObject({
      ok: false,
      error: {
        code: 'idempotency-conflict',
        data: { method: 'payment.start', idempotencyKey: 'pos-core:0004', firstInput: { receiptId: receipt.id, method: 'card', amount: 10_000 } },
      },
    });
    expect(rig.web.app.emulator!.bank.ledger.charges).toHaveLength(1);
  });

  it('a key of the wrong form is invalid input, and nothing is started', async () => {
    rig = await startRig();
    const receipt = await open(rig.client, 30_000);
    for (const idempotencyKey of ['short', 'x'.repeat(65), 'has space 123', 'ключ-платежа-1', 42]) {
      const result = await rig.client.invokeRaw('payment.start', { receiptId: receipt.id, method: 'card', amount: 10_000, idempotencyKey });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect((await rig.client.invoke('receipt.get', { receiptId: receipt.id })).parts).toHaveLength(0);
  });

  it('a receipt id given again with other lines is an idempotency-conflict; with the same input it is the same receipt', async () => {
    rig = await startRig();
    const first = await open(rig.client, 30_000, 'POS-R-0001');
    expect(await open(rig.client, 30_000, 'POS-R-0001')).toMatchObject({ id: first.id, total: 30_000 });
    const other = await rig.client.invokeRaw('receipt.open', { id: 'POS-R-0001', lines: [{ name: 'Другой', quantity: 1, amount: 30_000 }], total: 30_000 });
    expect(other).toMatchObject({ ok: false, error: { code: 'idempotency-conflict', data: { firstInput: { id: 'POS-R-0001', total: 30_000 } } } });
  });

  it('after a restart of the service on the same journal, the same key gets the same paymentId and charges nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-idem-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const connect = async (): Promise<{ web: WebMode; client: BridgeClient }> => {
      const web = await startWebMode({ port: 0, dataDir: dir, token: TOKEN, emulatorArgs: ['--fast'], responseTimeoutSeconds: 5 });
      const client = new BridgeClient({ url: web.bridge.wsUrl, token: TOKEN, createSocket: (url) => nodeSocket(url) as never });
      await client.connect();
      return { web, client };
    };
    const one = await connect();
    const receipt = await open(one.client, 30_000);
    const input = { receiptId: receipt.id, method: 'card', amount: 10_000, idempotencyKey: 'pos-core:restart-1' } as const;
    const first = await one.client.invoke('payment.start', input);
    for (let i = 0; i < 200 && (await one.client.invoke('receipt.get', { receiptId: receipt.id })).paid === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(one.web.app.emulator!.bank.ledger.charges).toHaveLength(1);
    one.client.close();
    await one.web.stop();

    const two = await connect();
    cleanups.push(async () => {
      two.client.close();
      await two.web.stop();
    });
    expect(await two.client.invoke('payment.start', input)).toEqual(first);
    expect(two.web.app.emulator!.bank.ledger.charges).toHaveLength(0);
    expect(await two.client.invoke('receipt.get', { receiptId: receipt.id })).toMatchObject({ paid: 10_000, remaining: 20_000 });
    expect((await two.client.invoke('receipt.get', { receiptId: receipt.id })).parts).toHaveLength(1);
  });
});

describe('refund.start and receipt.cancel with an idempotency key', () => {
  it('a refund retried after it finished, and twice at once: one refund at the bank, the same parts', async () => {
    rig = await startRig({ configPath: tillConfig() });
    const { receipt, paymentId } = await paidCard(rig, 30_000, 30_000);
    const input = { receiptId: receipt.id, items: [{ paymentId, amount: 5_000 }], idempotencyKey: 'refund:0001' };
    const [a, b] = await Promise.all([rig.client.invoke('refund.start', input), rig.client.invoke('refund.start', input)]);
    expect(a.map((p) => p.id)).toEqual(b.map((p) => p.id));
    expect(a[0]).toMatchObject({ state: 'APPROVED', amount: 5_000 });
    const later = await rig.client.invoke('refund.start', input);
    expect(later.map((p) => p.id)).toEqual(a.map((p) => p.id));
    expect(rig.web.app.emulator!.bank.ledger.refunds).toHaveLength(1);
    const conflict = await rig.client.invokeRaw('refund.start', { ...input, items: [{ paymentId, amount: 6_000 }] });
    expect(conflict).toMatchObject({ ok: false, error: { code: 'idempotency-conflict', data: { firstInput: { items: [{ paymentId, amount: 5_000 }] } } } });
  });

  it('a key is scoped to its method: the key of a payment used for its refund is a new refund', async () => {
    rig = await startRig({ configPath: tillConfig() });
    const { receipt, paymentId } = await paidCard(rig, 20_000, 20_000);
    const refunds = await rig.client.invoke('refund.start', {
      receiptId: receipt.id,
      items: [{ paymentId, amount: 1_000 }],
      idempotencyKey: `pay-${receipt.id}`,
    });
    expect(refunds[0]).toMatchObject({ kind: 'refund', state: 'APPROVED', amount: 1_000 });
    expect(rig.web.app.emulator!.bank.ledger.refunds).toHaveLength(1);
  });

  it('receipt.cancel retried with its key returns the cancelled receipt and gives back nothing more', async () => {
    rig = await startRig({ configPath: tillConfig() });
    const { receipt } = await paidCard(rig, 20_000, 20_000);
    const input = { receiptId: receipt.id, idempotencyKey: 'cancel:0001' };
    const [a, b] = await Promise.all([rig.client.invoke('receipt.cancel', input), rig.client.invoke('receipt.cancel', input)]);
    expect([a.state, b.state]).toEqual(['cancelled', 'cancelled']);
    expect((await rig.client.invoke('receipt.cancel', input)).state).toBe('cancelled');
    expect(rig.web.app.emulator!.bank.ledger.refunds).toHaveLength(1);
  });
});
