/**
 * When things go wrong, in Chromium against the real service and the emulator: an unknown
 * outcome (the pin pad's answer lost) — "Не оплачивайте повторно" and no way to pay again —
 * and its recovery from the service screen behind the PIN; the pin pad unplugged while idle.
 */
import { describe, expect, it } from 'vitest';
import { e2e, norm, rub, type Ui } from './rig.js';

const start = e2e();

/** Every way to charge again that the kiosk could offer. */
const PAY_AGAIN = ['Оплатить', 'Попробовать ещё раз', 'Другой способ оплаты', 'Оплата картой', 'Оплата QR СБП'];

async function payAgainButtons(ui: Ui): Promise<string[]> {
  const present: string[] = [];
  for (const name of PAY_AGAIN) if ((await ui.button(name).count()) > 0) present.push(name);
  return present;
}

describe('recovery screens in Chromium', { timeout: 180_000 }, () => {
  it('unknown outcome: "Не оплачивайте повторно", no pay or retry button; recovered from the service screen (PIN) → "Оплачено", one charge', async () => {
    const ui = await start('kiosk unknown outcome and recovery', { pin: true, responseTimeoutSeconds: 2 });
    const { page } = ui;
    const faults = ui.emulator.terminal.options.faults;
    faults.loseResponse = true;
    faults.always = true;

    await page.getByRole('button', { name: 'Добавить: Кофе с молоком' }).click();
    await ui.button('Оплатить').click();
    await page.getByRole('dialog', { name: 'Выберите способ оплаты' }).getByRole('button', { name: 'Оплата картой', exact: true }).click();

    await ui.waitStatus('Не оплачивайте повторно');
    expect(await ui.statusText()).toContain('Не оплачивайте повторно — обратитесь к сотруднику');
    expect(await ui.statusText()).not.toContain('Оплачено');
    await page.getByText('Мы выясняем у банка, прошла ли оплата').waitFor();
    // What is being checked is shown, not "still to pay" (that would invite a second payment).
    await page.locator('.receipt__checking').filter({ hasText: rub(15_000) }).waitFor();
    expect(await page.getByTestId('remaining').count()).toBe(0);
    expect(await payAgainButtons(ui)).toEqual([]);
    expect(await ui.button('Отменить покупку').count()).toBe(0);
    await ui.shot('unknown-outcome');
    // The bank did take the money; the till just never heard.
    expect(ui.ledger.charges.map((c) => c.amount)).toEqual([15_000]);
    expect(ui.web.app.service.listUnresolved().map((p) => p.state)).toEqual(['UNKNOWN']);

    // Staff: the service screen behind the PIN, the unknown operation, a status query.
    faults.loseResponse = false;
    faults.always = false;
    await ui.button('Сервис').click();
    await ui.unlockService();
    await ui.button('Показать неизвестные операции').click();
    const row = page.locator('.unknowns .unknown');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    // Staff words: the receipt's number and the amount, no internal id.
    expect(norm(await row.textContent())).toContain(`Чек № 1 · ${rub(15_000)}`);
    expect(norm(await row.textContent())).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    await ui.shot('service-unknowns');
    await row.getByRole('button', { name: 'Запросить статус у пин-пада', exact: true }).click();
    await page.getByText('Операций с неизвестным результатом нет').waitFor();
    // The query's result is said, not just the row gone.
    expect(norm(await page.getByTestId('resolve-result').textContent())).toBe(`Чек № 1: деньги списаны — оплата ${rub(15_000)} учтена`);
    expect(await ui.statusText()).not.toContain('Не оплачивайте повторно');

    await ui.button('Вернуться к оплате').click();
    await ui.waitStatus('Оплачено');
    const status = await ui.statusText();
    expect(status).toContain(`Оплачено ${rub(15_000)}`);
    expect(status).not.toContain('Не оплачивайте повторно');
    await page.getByText('Бумажный чек не печатается — данные оплаты на экране').waitFor();
    await ui.button('Готово').waitFor();
    expect(await payAgainButtons(ui)).toEqual([]);
    await ui.shot('recovered-paid');
    // Recovered by asking the terminal, not by charging again.
    expect(ui.ledger.charges.map((c) => c.amount)).toEqual([15_000]);
    expect(ui.web.app.service.listUnresolved()).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });

  it('the pin pad unplugged while idle: "reconnecting" and a warning; after the replug "connected" and a payment works', async () => {
    const ui = await start('kiosk pinpad unplugged while idle');
    const { page } = ui;
    // A customer's header: no terminal id, the emulator in customer words.
    await page.locator('[data-pinpad-state="connected"]').filter({ hasText: 'Пин-пад: подключён' }).waitFor();
    const header = norm(await page.locator('[data-pinpad-state]').textContent());
    expect(header).toContain('Пин-пад: подключён');
    expect(header).toContain('Демонстрационный режим — деньги не списываются');
    expect(header).not.toMatch(/эмулятор|терминал|00322346/);
    await ui.shot('connected');

    await ui.emulator.unplug();
    await ui.waitPinpad('reconnecting');
    expect(norm(await page.locator('[data-pinpad-state]').textContent())).toContain('Пин-пад: нет связи, переподключение…');
    // Before a cart is built: no goods to pick, a plain word about staff.
    await page.getByRole('heading', { name: 'Оплата временно недоступна — обратитесь к сотруднику' }).waitFor();
    expect(await page.getByRole('button', { name: 'Добавить: Вода 0,5 л' }).count()).toBe(0);
    await ui.shot('reconnecting');

    await ui.emulator.replug();
    await ui.waitPinpad('connected');
    expect(await page.getByText('Оплата временно недоступна').count()).toBe(0);
    await ui.shot('reconnected');

    await page.getByRole('button', { name: 'Добавить: Вода 0,5 л' }).click();
    await ui.button('Оплатить').click();
    await page.getByRole('dialog', { name: 'Выберите способ оплаты' }).getByRole('button', { name: 'Оплата картой', exact: true }).click();
    await ui.waitStatus(`Оплачено ${rub(6_900)}`);
    expect(ui.ledger.charges.map((c) => c.amount)).toEqual([6_900]);
    expect(ui.pageErrors).toEqual([]);
  });
});
