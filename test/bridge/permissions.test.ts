/**
 * Permissions by mode, enforced by the service: in kiosk mode a bridge caller without an unlocked
 * service session can pay and see its own receipt only; refunds, search, cancelling another
 * screen's receipt, the unknown-outcome list and the late-payment watches need the service PIN.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import type { Receipt } from '../../electron/service/journal/part-lifecycle.js';
import { hashPin } from '../../electron/service/config/config.js';
import { nodeSocket, startRig, TOKEN, type Rig } from './rig.js';

const PIN = '7531';

describe('kiosk mode: permissions live in the service', () => {
  let rig: Rig;
  let other: BridgeClient;
  let paid: Receipt;
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-permissions-'));

  beforeAll(async () => {
    const configPath = join(dir, 'config.toml');
    writeFileSync(configPath, `mode = "kiosk"\n[service]\npinHash = "${hashPin(PIN)}"\n`);
    rig = await startRig({ configPath });
    other = new BridgeClient({ url: rig.web.bridge.wsUrl, token: TOKEN, createSocket: (url) => nodeSocket(url) as never });
    await other.connect();
    const receipt = await rig.client.invoke('receipt.open', { lines: [{ name: 'Молоко', quantity: 1, amount: 9000 }], total: 9000 });
    await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 9000 });
    await rig.waitFor('payment', (event) => event.phase === 'done' && event.receiptId === receipt.id, 60_000);
    paid = await rig.client.invoke('receipt.get', { receiptId: receipt.id });
    expect(paid.state).toBe('paid');
  }, 90_000);

  afterAll(async () => {
    other.close();
    await rig.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('another caller cannot see, search, cancel or refund a paid receipt', async () => {
    const paymentId = paid.parts[0]!.id;
    const refused = [
      await other.invokeRaw('receipt.get', { receiptId: paid.id }),
      await other.invokeRaw('receipt.search', { text: paid.id }),
      await other.invokeRaw('receipt.cancel', { receiptId: paid.id }),
      await other.invokeRaw('refund.plan', { receiptId: paid.id, items: [{ paymentId, amount: 9000 }] }),
      await other.invokeRaw('refund.start', { receiptId: paid.id, items: [{ paymentId, amount: 9000 }] }),
      await other.invokeRaw('unknown.list', {}),
      await other.invokeRaw('unknown.resolve', {}),
      await other.invokeRaw('unknown.resolve', { paymentId }),
      await other.invokeRaw('payment.cancel', { paymentId }),
      await other.invokeRaw('receipt.open', { id: paid.id, lines: [], total: 9000 }),
    ];
    for (const result of refused) expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Nothing of the card reached that caller.
    expect(JSON.stringify(refused)).not.toContain(paid.parts[0]!.rrn ?? 'no rrn');
    expect((await rig.client.invoke('receipt.get', { receiptId: paid.id })).state).toBe('paid');
  });

  it('late-payment watches: listing and ending one need the service session in kiosk mode', async () => {
    const paymentId = paid.parts[0]!.id;
    const note = 'checked with the bank';
    for (const caller of [other, rig.client]) {
      expect(await caller.invokeRaw('lateWatch.list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await caller.invokeRaw('lateWatch.end', { paymentId, note })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(rig.web.app.journal.audit({ partId: paymentId, limit: 100 }).map((e) => e.event)).not.toContain('late-watch-decided');
  });

  it('the paying screen sees its own receipt but cannot refund or search without the PIN', async () => {
    expect(await rig.client.invokeRaw('receipt.get', { receiptId: paid.id })).toMatchObject({ ok: true, value: { id: paid.id } });
    const paymentId = paid.parts[0]!.id;
    expect(await rig.client.invokeRaw('refund.start', { receiptId: paid.id, items: [{ paymentId, amount: 9000 }] })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await rig.client.invokeRaw('receipt.search', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await rig.client.invokeRaw('receipt.cancel', { receiptId: paid.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a customer screen may see and cancel its own open purchase; an open receipt of a POS core can be paid from the screen', async () => {
    const own = await rig.client.invoke('receipt.open', { lines: [{ name: 'Чай', quantity: 1, amount: 3000 }], total: 3000 });
    expect(await other.invokeRaw('receipt.cancel', { receiptId: own.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await rig.client.invokeRaw('receipt.cancel', { receiptId: own.id })).toMatchObject({ ok: true, value: { state: 'cancelled' } });
    const fromPos = await other.invoke('receipt.open', { lines: [{ name: 'Сок', quantity: 1, amount: 4000 }], total: 4000 });
    expect(await rig.client.invokeRaw('receipt.get', { receiptId: fromPos.id })).toMatchObject({ ok: true, value: { state: 'open' } });
  });

  it('with the service PIN the same caller may search, cancel and refund', async () => {
    expect(await other.invokeRaw('service.unlock', { pin: '0000' })).toMatchObject({ ok: true, value: { unlocked: false } });
    expect(await other.invokeRaw('receipt.search', { text: paid.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await other.invoke('service.unlock', { pin: PIN })).toEqual({ unlocked: true });
    const found = await other.invoke('receipt.search', { text: paid.id });
    expect(found.map((r) => r.id)).toContain(paid.id);
    const cancelled = await other.invoke('receipt.cancel', { receiptId: paid.id });
    expect(cancelled.state).toBe('cancelled');
    const audit = rig.web.app.journal.audit({ limit: 500 });
    expect(audit.filter((e) => e.event === 'service-pin-wrong')).toHaveLength(1);
  }, 60_000);

  it('with the service PIN the watches are listed, and a note shorter than 3 or longer than 200 characters is refused', async () => {
    expect(await other.invoke('service.unlock', { pin: PIN })).toEqual({ unlocked: true });
    expect(await other.invoke('lateWatch.list', {})).toEqual([]);
    const paymentId = paid.parts[0]!.id;
    for (const note of ['ok', '  ab  ', 'x'.repeat(201)])
      expect(await other.invokeRaw('lateWatch.end', { paymentId, note })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    // A card payment has no watch to end.
    expect(await other.invokeRaw('lateWatch.end', { paymentId, note: 'checked with the bank' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
