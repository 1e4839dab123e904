/**
 * Issue 17, items 1–3, in Chromium by visible names only: the screen follows the money (a QR
 * paid after its expiry, a cancel the bank overtook), the pin pad's stage with cancel offered
 * only while it can stop, "Нужно ещё время?" before anything is cleared, and "Отменить
 * покупку" back to an empty start. Every state is kept at both kiosk shapes and audited.
 */
import { describe, expect, it } from 'vitest';
import { e2e, eventually, type Ui } from './rig.js';

const start = e2e();
const LONG = 40_000;

async function pay(ui: Ui, method: 'Оплата картой' | 'Оплата QR СБП'): Promise<void> {
  await ui.page.getByRole('button', { name: 'Добавить: Кофе с молоком' }).click();
  await ui.button('Оплатить').click();
  const dialog = ui.page.getByRole('dialog', { name: 'Выберите способ оплаты' });
  await dialog.getByRole('button', { name: method, exact: true }).click();
}

describe('payment screens tell the truth (issue 17)', { timeout: 180_000 }, () => {
  it('a QR paid after it expired: "Проверяем, не пришла ли оплата…", then "Оплата пришла — покупка оплачена"', async () => {
    const ui = await start('truth late qr', { emulatorArgs: ['--fast', '--scenario', 'qr-late-pay', '--qr-lifetime', '2', '--qr-pay-delay', '500'] });
    await pay(ui, 'Оплата QR СБП');
    await ui.waitStatus('Отсканируйте QR-код на экране пин-пада');
    // Expired at the pin pad: never "Деньги не списаны" while the bank may still take the money.
    await ui.status.filter({ hasText: 'Проверяем, не пришла ли оплата' }).waitFor({ timeout: LONG });
    expect(await ui.statusText()).not.toContain('Деньги не списаны');
    await ui.page.getByText('Если вы уже оплатили QR-код в приложении банка').waitFor();
    await ui.shot('watching');
    await ui.status.filter({ hasText: 'Оплата пришла — покупка оплачена' }).waitFor({ timeout: LONG });
    expect(await ui.statusText()).not.toContain('Отказ');
    expect(ui.ledger.charges).toHaveLength(1);
    await ui.button('Готово').waitFor();
    await ui.shot('late-paid');
    expect(ui.pageErrors).toEqual([]);
  });

  it('a cancel the pin pad could not stop is told: the cancel arrives during the bank\'s work', async () => {
    const ui = await start('truth cancel overtaken', { emulatorArgs: ['--fast', '--scenario', 'cancel-too-late', '--processing-delay', '12000'] });
    await pay(ui, 'Оплата картой');
    // The card is read at once; the page's own cancel (as a press at that very moment would) goes out while the bank works.
    await ui.waitStatus('Обработка. Ждите ответа банка');
    await ui.waitStatus('Отмена уже невозможна');
    const paymentId = await ui.page.locator('[data-payment-id]').getAttribute('data-payment-id');
    expect(await ui.button('Отмена').count()).toBe(0);
    await ui.shot('processing');
    expect(paymentId).toBeTruthy();
    expect(ui.web.app.service.cancelPayment(paymentId!)).toEqual({ requested: true });
    await ui.status.filter({ hasText: 'Отменить не удалось: банк уже провёл оплату' }).waitFor({ timeout: LONG });
    await ui.page.getByText('Если она вам не нужна, обратитесь к сотруднику').waitFor();
    await ui.shot('cancel-too-late');
    expect(ui.ledger.charges).toHaveLength(1);
  });

  it('idle: "Нужно ещё время?" with a countdown and "Да"; unanswered, back to an empty start. "Отменить покупку" empties the cart', async () => {
    const ui = await start('truth idle and cancel', { hash: 'idle=3&ask=12', emulatorArgs: ['--fast', '--card-delay', '600000'] });
    const { page } = ui;
    await page.getByRole('button', { name: 'Добавить: Кофе с молоком' }).click();
    const ask = page.getByRole('dialog', { name: 'Нужно ещё время?' });
    await ask.waitFor({ timeout: LONG });
    await ask.getByText(/Экран вернётся к началу через \d+ с/).waitFor();
    await ui.shot('more-time');
    await ask.getByRole('button', { name: 'Да', exact: true }).click();
    await ask.waitFor({ state: 'hidden' });
    // Unanswered: the cart is cleared.
    await ask.waitFor({ timeout: LONG });
    await ask.waitFor({ state: 'hidden', timeout: LONG });
    await eventually(async () => (await ui.button('Оплатить').isDisabled().catch(() => true)) || (await ui.button('Оплатить').count()) === 0, 'the cart cleared', LONG);

    // "Отменить покупку": the receipt is closed and the cart emptied.
    await pay(ui, 'Оплата картой');
    await ui.waitStatus('Приложите, вставьте или проведите карту');
    await ui.button('Отмена').click();
    await ui.waitStatus('Деньги не списаны');
    await ui.button('Отменить покупку').click();
    await eventually(async () => (await ui.button('Отменить покупку').count()) === 0, 'back to the start', LONG);
    await ui.shot('after-cancel');
    expect(await page.getByRole('button', { name: 'Оплатить' }).isDisabled()).toBe(true);
  });
});
