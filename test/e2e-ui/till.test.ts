/**
 * The cashier's till in Chromium, against the real service and the emulator on a
 * pseudo-terminal: a split payment (cash + card + SBP) with the remainder on screen, and
 * refunds whose bank rule is shown before anything is sent — the same day (no card) and a
 * later day (after settlement on the service screen behind the PIN: with the card).
 */
import { describe, expect, it } from 'vitest';
import { e2e, eventually, norm, rub, type Ui } from './rig.js';

const start = e2e();

/** A free-price line of `roubles` → "Открыть чек": an open receipt on the sale screen. */
async function openReceipt(ui: Ui, roubles: string): Promise<void> {
  const { page } = ui;
  await page.getByLabel('Товар по свободной цене, ₽').fill(roubles);
  await ui.button('Добавить сумму').click();
  await ui.button('Открыть чек').click();
  await page.getByLabel('Сумма этой части, ₽').waitFor();
}

async function remaining(ui: Ui, kopecks: number): Promise<void> {
  const row = ui.page.getByTestId('remaining');
  await row.filter({ hasText: rub(kopecks) }).waitFor();
  expect(norm(await row.locator('dt').textContent())).toBe('Осталось оплатить');
}

/** Sale screen: the part amount, then the method button. */
async function payPart(ui: Ui, roubles: string, method: 'Оплата картой' | 'Оплата QR СБП' | 'Оплата наличными', tendered?: string): Promise<void> {
  await ui.page.getByLabel('Сумма этой части, ₽').fill(roubles);
  await ui.button(method).click();
  if (method !== 'Оплата наличными') return;
  // Cash: what the customer handed over, and the change, before the part is recorded.
  const dialog = ui.page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.waitFor();
  if (tendered !== undefined) await dialog.getByLabel('Получено от покупателя, ₽').fill(tendered);
  await ui.shot('cash-tendered');
  await dialog.getByRole('button', { name: 'Принять наличные', exact: true }).click();
}

/** "Выполнить возврат", then the confirmation step with the amount. */
async function confirmRefund(ui: Ui, kopecks: number): Promise<void> {
  await ui.button('Выполнить возврат').click();
  const dialog = ui.page.getByRole('dialog', { name: 'Подтвердите возврат' });
  expect(norm(await dialog.textContent())).toContain(`Вернуть покупателю ${rub(kopecks)}?`);
  await ui.shot('refund-confirm');
  await dialog.getByRole('button', { name: `Да, вернуть ${rub(kopecks)}`, exact: true }).click();
}

/** A receipt paid in full by card at the sale screen; returns its id and short number. */
async function paidByCard(ui: Ui, roubles: string): Promise<{ id: string; shortNumber: number }> {
  await openReceipt(ui, roubles);
  await ui.button('Оплата картой').click();
  await ui.waitStatus('Оплачено полностью');
  await ui.page.getByText('Чек оплачен полностью').waitFor();
  const [receipt] = ui.web.app.service.searchReceipts(undefined, 1);
  if (!receipt || receipt.state !== 'paid' || receipt.shortNumber === undefined) throw new Error('the receipt is not paid');
  // The cashier sees the short number, never the internal id.
  await ui.page.getByRole('heading', { name: `Чек № ${receipt.shortNumber}` }).waitFor();
  expect(await ui.page.getByText(receipt.id).count()).toBe(0);
  return { id: receipt.id, shortNumber: receipt.shortNumber };
}

/** Refund tab → find → choose the receipt → tick its (only) card payment, amount `roubles`. */
async function chooseForRefund(ui: Ui, receipt: { shortNumber: number }, roubles: string): Promise<void> {
  const { page } = ui;
  await ui.button('Возврат').click();
  await ui.button('Найти чеки').click();
  await page.getByRole('button', { name: new RegExp(`^Чек № ${receipt.shortNumber} · .* · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`) }).click();
  const item = page.locator('.refund-item');
  await item.getByRole('checkbox').check();
  await item.getByLabel('Сумма возврата, ₽').fill(roubles);
}

describe('till (cashier) screens in Chromium', { timeout: 180_000 }, () => {
  it('split payment: cash + card + SBP, the remainder always visible and updating, the receipt completes only when covered', async () => {
    const ui = await start('till split payment', { till: true, emulatorArgs: ['--fast', '--qr-pay-delay', '1500'] });
    const { page } = ui;
    await openReceipt(ui, '1000');
    await remaining(ui, 100_000);
    await eventually(async () => (await page.getByLabel('Сумма этой части, ₽').inputValue()) === '1000,00', 'the whole amount in the part field');
    await ui.shot('receipt-open');

    await payPart(ui, '300', 'Оплата наличными', '500');
    await ui.waitStatus(`Оплачено наличными ${rub(30_000)}`);
    await remaining(ui, 70_000);
    // Tendered 500, due 300: the change is on the till's screen; the cash part reads "получены".
    expect(norm(await page.getByTestId('cash-given').textContent())).toContain('Сдача');
    await page.getByTestId('cash-given').filter({ hasText: `Наличные приняты. Сдача: ${rub(20_000)}` }).waitFor();
    expect(await ui.statusText()).toContain(`Осталось оплатить ${rub(70_000)}`);
    await ui.shot('after-cash');

    await payPart(ui, '500', 'Оплата картой');
    await ui.waitStatus(`Оплачено ${rub(50_000)}`);
    await remaining(ui, 20_000);
    expect(await ui.statusText()).toContain(`Осталось оплатить ${rub(20_000)}`);
    expect(await page.locator('[data-part-state="APPROVED"]').count()).toBe(2);
    await ui.shot('after-card');

    // The field is refilled with the new remainder; SBP pays it.
    await eventually(async () => (await page.getByLabel('Сумма этой части, ₽').inputValue()) === '200,00', 'the remainder in the part field');
    await ui.button('Оплата QR СБП').click();
    await ui.waitStatus('Отсканируйте QR-код на экране пин-пада');
    await page.getByRole('img', { name: 'QR-код для оплаты через СБП' }).waitFor();
    await remaining(ui, 20_000); // still due while the QR is being paid
    await ui.shot('sbp-in-progress');

    await ui.waitStatus('Оплачено полностью');
    await page.getByText('Чек оплачен полностью').waitFor();
    expect(await page.getByTestId('remaining').count()).toBe(0);
    const parts = page.locator('[data-part-state]');
    expect(await parts.count()).toBe(3);
    expect(await page.locator('[data-part-state="APPROVED"]').count()).toBe(3);
    const partTexts = (await parts.allTextContents()).map(norm);
    expect(partTexts[0]).toContain(`наличные · ${rub(30_000)} · получены`);
    expect(partTexts[1]).toContain('одобрена');
    expect(partTexts[1]).toContain(`карта · ${rub(50_000)}`);
    expect(partTexts[2]).toContain(`СБП · ${rub(20_000)}`);
    const sums = await page.locator('.receipt__sums > div').allTextContents();
    expect(sums.map(norm)).toEqual([`Сумма чека${rub(100_000)}`, `Внесено${rub(100_000)}`]);
    await ui.shot('paid-in-full');

    expect(ui.ledger.charges.map((c) => ({ amount: c.amount, method: c.method }))).toEqual([
      { amount: 50_000, method: 'card' },
      { amount: 20_000, method: 'sbp' },
    ]);
    await ui.button('Новый чек').click();
    await ui.button('Открыть чек').waitFor();
    expect(ui.pageErrors).toEqual([]);
  });

  it('same-day refund: the screen says "same day, no card" before anything is sent; a partial void', async () => {
    const ui = await start('till same day refund', { till: true });
    const { page } = ui;
    const receipt = await paidByCard(ui, '500');
    await chooseForRefund(ui, receipt, '200');

    // Nothing may be sent before the rules were shown for exactly these items.
    const send = ui.button('Выполнить возврат');
    expect(await send.isDisabled()).toBe(true);
    await page.getByText('Сначала проверьте правила возврата').waitFor();
    await ui.button('Проверить правила возврата').click();
    const row = page.locator('[data-how="void"]');
    await row.filter({ hasText: 'В день покупки: отмена без карты. Деньги вернутся сразу' }).waitFor();
    expect(norm(await row.textContent())).toContain(`карта ${rub(20_000)}`);
    await page.getByRole('heading', { name: 'Как будет сделан возврат' }).waitFor();
    expect(await send.isEnabled()).toBe(true);
    expect(ui.ledger.refunds).toEqual([]);
    await ui.shot('refund-rule-same-day');

    // A changed amount needs the rules again.
    await page.locator('.refund-item').getByLabel('Сумма возврата, ₽').fill('150');
    await row.waitFor({ state: 'detached' });
    await eventually(() => send.isDisabled(), 'the refund button disabled until the rules are shown again');
    await page.locator('.refund-item').getByLabel('Сумма возврата, ₽').fill('200');
    await ui.button('Проверить правила возврата').click();
    await row.waitFor();

    // A confirmation step with the amount; going back sends nothing.
    await send.click();
    await ui.page.getByRole('dialog', { name: 'Подтвердите возврат' }).getByRole('button', { name: 'Не возвращать', exact: true }).click();
    expect(ui.ledger.refunds).toEqual([]);
    await confirmRefund(ui, 20_000);
    await ui.waitStatus(`Возврат выполнен: ${rub(20_000)}`);
    await page.locator('.refund-item').filter({ hasText: `можно вернуть ${rub(30_000)}` }).waitFor();
    await ui.shot('refunded');
    await eventually(() => ui.ledger.refunds.length === 1, 'the refund at the bank');
    expect(ui.ledger.refunds.map((r) => ({ amount: r.amount, kind: r.kind }))).toEqual([{ amount: 20_000, kind: 'void' }]);
    expect(ui.pageErrors).toEqual([]);
  });

  it('later-day refund: settlement on the service screen (PIN), then the screen says "with the card" before sending', async () => {
    const ui = await start('till later day refund', { till: true, emulatorArgs: ['--fast', '--card-delay', '1500'] });
    const { page } = ui;
    const receipt = await paidByCard(ui, '500');

    // The service screen is behind the PIN: a wrong one is refused.
    await ui.button('Сервис').click();
    await page.getByLabel('PIN сотрудника').fill('0000');
    await ui.button('Войти').click();
    await page.getByText('Неверный PIN').waitFor();
    expect(await ui.button('Сверка итогов').count()).toBe(0);
    await ui.unlockService();
    // The connection test shows the bank's name and host terminal id (fields 105 and 104) where the terminal sends them.
    await ui.button('Проверка связи').click();
    await ui.waitStatus('Проверка связи: выполнено');
    const testResult = page.locator('.op-result[data-op="test"]');
    await testResult.filter({ hasText: 'банк ЭМУЛЯТОР БАНКА' }).filter({ hasText: 'ID терминала в банке E0322346' }).waitFor();
    await ui.shot('connection-test');
    await ui.button('Сверка итогов').click();
    await ui.waitStatus('Сверка итогов: выполнено');
    expect(ui.ledger.settlements).toHaveLength(1);
    await ui.shot('settled');

    await chooseForRefund(ui, receipt, '500');
    expect(await ui.button('Выполнить возврат').isDisabled()).toBe(true);
    await ui.button('Проверить правила возврата').click();
    const row = page.locator('[data-how="refund"]');
    await row.filter({ hasText: 'Покупка была в другой день: покупатель приложит ту же карту к пин-паду' }).waitFor();
    expect(await page.locator('[data-how="void"]').count()).toBe(0);
    expect(ui.ledger.refunds).toEqual([]);
    await ui.shot('refund-rule-later-day');

    await confirmRefund(ui, 50_000);
    await ui.waitStatus('Попросите покупателя приложить, вставить или провести карту');
    await ui.shot('refund-present-card');
    await ui.waitStatus(`Возврат выполнен: ${rub(50_000)}`);
    await page.getByText('В чеке нет одобренных оплат для возврата').waitFor();
    await ui.shot('refunded');
    await eventually(() => ui.ledger.refunds.length === 1, 'the refund at the bank');
    expect(ui.ledger.refunds.map((r) => ({ amount: r.amount, kind: r.kind }))).toEqual([{ amount: 50_000, kind: 'refund' }]);
    expect(ui.pageErrors).toEqual([]);
  });
});
