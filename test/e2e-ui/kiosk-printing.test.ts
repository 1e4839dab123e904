/**
 * "Заберите чек" only when something prints one: without a POS core that prints, the kiosk's
 * result thanks the customer and shows the slip's key lines (amount, card mask or SBP, RRN,
 * receipt number); a POS core that opened the receipt with `posPrints` and confirmed with
 * `receipt.printed` over the bridge makes it say "Заберите чек". Driven by visible names.
 */
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import { PAN_MASKED } from '../../native/emulator/card.js';
import { e2e, norm, rub, TOKEN, type Ui } from './rig.js';

const start = e2e();

/** A POS core on the bridge, beside the kiosk's own page. */
async function posCore(ui: Ui): Promise<BridgeClient> {
  const client = new BridgeClient({ url: ui.web.bridge.wsUrl, token: TOKEN, createSocket: (url) => new WebSocket(url) as never });
  await client.connect();
  return client;
}

describe('the kiosk promises a paper receipt only when one is printed', { timeout: 180_000 }, () => {
  it('nobody prints: no "Заберите чек"; thanks and the slip\'s key lines on screen', async () => {
    const ui = await start('kiosk result without printing');
    const { page } = ui;
    await page.getByRole('button', { name: 'Добавить: Кофе с молоком' }).click();
    await ui.button('Оплатить').click();
    const dialog = page.getByRole('dialog', { name: 'Выберите способ оплаты' });
    await dialog.getByRole('button', { name: 'Оплата картой', exact: true }).click();
    await ui.waitStatus('Оплачено');

    await page.getByText('Бумажный чек не печатается — данные оплаты на экране').waitFor();
    expect(await page.getByText('Заберите чек').count()).toBe(0);
    const details = page.getByRole('region', { name: 'Данные оплаты' });
    await details.waitFor();
    const receipt = ui.web.app.service.searchReceipts(undefined, 1)[0]!;
    const part = receipt.parts[0]!;
    expect(part.rrn).toBeTruthy();
    const text = norm(await details.textContent());
    expect(text).toContain(`Чек № ${receipt.shortNumber}`);
    expect(text).toContain(rub(15_000));
    expect(text).toContain(`карта ${PAN_MASKED}`);
    expect(text).toContain(`RRN ${part.rrn}`);
    expect(text).toContain(`чек терминала № ${part.slipNumber}`);
    await ui.shot('paid-no-printing');
    expect(ui.pageErrors).toEqual([]);
  });

  it('a POS core that prints: "Заберите чек" once it confirms with receipt.printed, not before', async () => {
    const ui = await start('kiosk result with pos core printing');
    const { page } = ui;
    const core = await posCore(ui);
    try {
      const opened = await core.invoke('receipt.open', {
        id: 'pos-core-receipt-1',
        lines: [{ name: 'Хлеб', quantity: 1, amount: 8_000 }],
        total: 8_000,
        posPrints: true,
      });
      expect(opened.posPrints).toBe(true);
      await page.goto(`${ui.web.bridge.pageUrl}&receipt=${opened.id}`);
      await page.reload();
      await ui.waitPinpad('connected');
      await ui.button('Оплатить').click();
      const dialog = page.getByRole('dialog', { name: 'Выберите способ оплаты' });
      await dialog.getByRole('button', { name: 'Оплата QR СБП', exact: true }).click();
      await ui.waitStatus('Оплачено');

      // Paid, but not printed yet: thanks, no promise of paper; SBP in the key lines.
      await page.getByText('Спасибо за покупку!', { exact: true }).waitFor();
      expect(await page.getByText('Заберите чек').count()).toBe(0);
      const details = norm(await page.getByRole('region', { name: 'Данные оплаты' }).textContent());
      expect(details).toContain(`${rub(8_000)} · СБП`);

      const printed = await core.invoke('receipt.printed', { receiptId: opened.id });
      expect(printed.printed).toBe(true);
      await page.getByText('Заберите чек', { exact: true }).waitFor();
      await ui.shot('paid-printed');
      expect(ui.ledger.charges.map((c) => c.amount)).toEqual([8_000]);
      expect(ui.pageErrors).toEqual([]);
    } finally {
      core.close();
    }
  });
});
