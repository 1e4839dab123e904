/**
 * Slips and printing for a POS core over the bridge: every part's slip (customer and cashier
 * copies) is in the receipt, with card numbers masked before the journal stores them; the POS
 * core says at receipt.open that it prints, and confirms with receipt.printed (idempotent,
 * with the customer screen's permissions).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import type { Receipt } from '../../electron/contract/types.js';
import { hashPin } from '../../electron/service/config/config.js';
import { Journal } from '../../electron/service/journal/journal.js';
import { PAN, PAN_MASKED } from '../../native/emulator/card.js';
import { containsCardData } from '../../native/inpas/card-data.js';
import { nodeSocket, startRig, TOKEN, type Rig } from './rig.js';

const LINES = [{ name: 'Сыр', quantity: 1, amount: 6_500 }];

describe('slips and printing for the POS core', () => {
  let rig: Rig;
  let other: BridgeClient;
  let paid: Receipt;
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-printing-'));

  beforeAll(async () => {
    const configPath = join(dir, 'config.toml');
    writeFileSync(configPath, `mode = "kiosk"\n[service]\npinHash = "${hashPin('7531')}"\n`);
    // A badly set up terminal: the full card number in field 10 and on the slip.
    rig = await startRig({ configPath, emulatorArgs: ['--fast', '--full-pan'] });
    other = new BridgeClient({ url: rig.web.bridge.wsUrl, token: TOKEN, createSocket: (url) => nodeSocket(url) as never });
    await other.connect();
    const receipt = await rig.client.invoke('receipt.open', { lines: LINES, total: 6_500, posPrints: true });
    expect(receipt).toMatchObject({ posPrints: true, printed: false });
    const { paymentId } = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 6_500 });
    await rig.waitFor('payment', (e) => e.paymentId === paymentId && e.phase === 'done', 60_000);
    paid = await rig.client.invoke('receipt.get', { receiptId: receipt.id });
    expect(paid.state).toBe('paid');
  }, 90_000);

  afterAll(async () => {
    other.close();
    await rig.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a receipt opened without posPrints says nobody prints it', async () => {
    const receipt = await rig.client.invoke('receipt.open', { lines: LINES, total: 6_500 });
    expect(receipt).toMatchObject({ posPrints: false, printed: false });
  });

  it('the receipt carries both copies of the slip as the terminal sent them, its full card number masked in the journal', () => {
    // The emulator really printed the full number on the slip it sent.
    expect(rig.web.app.emulator!.terminal.lastSlip).toContain(`КАРТА: ${PAN}`);
    const slip = paid.parts[0]!.slip;
    expect(slip?.customer).toContain(`КАРТА: ${PAN_MASKED}`);
    expect(slip?.customer).toContain(`RRN: ${paid.parts[0]!.rrn}`);
    expect(slip?.customer).toContain('ПОДПИСЬ КЛИЕНТА НЕ ТРЕБУЕТСЯ');
    expect(slip?.cashier).toContain('КОПИЯ КАССИРА');
    expect(slip?.cashier).toContain(`КАРТА: ${PAN_MASKED}`);
    const stored = rig.web.app.journal.db.prepare('SELECT slip FROM parts WHERE id = ?').get(paid.parts[0]!.id) as { slip: string };
    expect(stored.slip).toContain(PAN_MASKED);
    expect(stored.slip).not.toContain(PAN);
    expect(containsCardData(stored.slip)).toBe(false);
    expect(containsCardData(JSON.stringify(rig.events))).toBe(false);
  });

  it('receipt.printed marks the receipt printed once, tells every client, and answers a repeat the same', async () => {
    const first = await rig.client.invoke('receipt.printed', { receiptId: paid.id });
    expect(first).toMatchObject({ id: paid.id, posPrints: true, printed: true, state: 'paid' });
    await rig.waitFor('receipt', (r) => r.id === paid.id && r.printed);
    const again = await rig.client.invoke('receipt.printed', { receiptId: paid.id });
    expect(again).toEqual(first);
    const audit = rig.web.app.journal.audit({ receiptId: paid.id, limit: 100 }).filter((a) => a.event === 'receipt-printed');
    expect(audit).toHaveLength(1);
    expect((await rig.client.invoke('receipt.get', { receiptId: paid.id })).printed).toBe(true);
  });

  it('receipt.printed of an unknown receipt is not-found; another screen may not confirm a paid receipt', async () => {
    expect(await rig.client.invokeRaw('receipt.printed', { receiptId: 'no-such-receipt' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await rig.client.invokeRaw('receipt.printed', { receiptId: paid.id, extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await other.invokeRaw('receipt.printed', { receiptId: paid.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('the journal masks slips itself', () => {
  it('a slip with a full card number is stored with first 6 / last 4 only, whatever path it came by', () => {
    const journal = new Journal(':memory:');
    try {
      const receiptId = journal.createReceipt({ lines: [], total: 1000, posPrints: true });
      const part = journal.createPart({ receiptId, kind: 'payment', method: 'card', amount: 1000, needsEcrNumber: true, businessDay: '2026-03-10' });
      journal.transition(part.id, 'SENT');
      const done = journal.transition(part.id, 'APPROVED', {
        slip: { customer: 'ОПЛАТА\nКАРТА: 4111111111111111\nОДОБРЕНО', cashier: 'КАРТА 4111 1111 1111 1111\nКОПИЯ КАССИРА', cardType: 'VISA' },
      });
      expect(done.slip).toEqual({
        customer: 'ОПЛАТА\nКАРТА: 411111******1111\nОДОБРЕНО',
        cashier: 'КАРТА 4111 11** **** 1111\nКОПИЯ КАССИРА',
        cardType: 'VISA',
      });
      const row = journal.db.prepare('SELECT slip FROM parts WHERE id = ?').get(part.id) as { slip: string };
      expect(containsCardData(row.slip)).toBe(false);
      expect(journal.getReceiptRow(receiptId)).toMatchObject({ posPrints: true, printedAt: undefined });
      expect(journal.markPrinted(receiptId)).toBe(true);
      expect(journal.markPrinted(receiptId)).toBe(false);
    } finally {
      journal.close();
    }
  });
});
