/**
 * Issue 17, items 4 and 5 on a touch-only kiosk: an unknown payment shown in staff words
 * (receipt number, amount, time, the pin pad's last words), decided by hand by touch — no
 * decision preselected, a reason from a short list, the RRN on the on-screen keyboard, our own
 * validation messages — and the journal found by "1" or "Чек № 1", in local time, roubles and
 * event names.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2e, norm, rub } from './rig.js';

const start = e2e();

describe('service screen by touch', { timeout: 180_000 }, () => {
  it('an unknown payment decided by hand by touch; the journal in receipt numbers, local time, roubles and words', async () => {
    const ui = await start('service by touch', { pin: true, responseTimeoutSeconds: 2 });
    const { page } = ui;
    const faults = ui.emulator.terminal.options.faults;
    faults.loseResponse = true;
    faults.always = true;
    await page.getByRole('button', { name: 'Добавить: Кофе с молоком' }).click();
    await ui.button('Оплатить').click();
    await page.getByRole('dialog', { name: 'Выберите способ оплаты' }).getByRole('button', { name: 'Оплата картой', exact: true }).click();
    await ui.waitStatus('Не оплачивайте повторно');

    await ui.button('Сервис').click();
    // The PIN by touch (the kiosk has no keyboard).
    for (const digit of '2468') await page.locator('.pin-gate .keypad').getByRole('button', { name: digit, exact: true }).click();
    await ui.button('Войти').click();
    await ui.button('Выйти из сервиса').waitFor();
    await ui.button('Показать неизвестные операции').click();
    const row = page.locator('.unknowns .unknown');
    await row.first().waitFor();
    const text = norm(await row.textContent());
    expect(text).toContain(`Чек № 1 · ${rub(15_000)} · `);
    expect(text).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{1,2}:\d{2}:\d{2}/); // local time, as ru-RU prints it
    expect(text).toMatch(/Последнее от пин-пада: .+|Пин-пад ничего не ответил/);

    // "Решить вручную" is a control that looks like a button.
    const manual = row.getByText('Решить вручную', { exact: true }).first();
    const looks = (await page.evaluate(`(() => { const s = getComputedStyle(document.querySelector('.unknowns .unknown summary')); return { border: s.borderTopStyle, width: parseFloat(s.borderTopWidth), radius: parseFloat(s.borderTopLeftRadius) }; })()`)) as { border: string; width: number; radius: number };
    expect(looks.border).toBe('solid');
    expect(looks.width).toBeGreaterThan(0);
    expect(looks.radius).toBeGreaterThan(0);
    await manual.click();
    // Nothing preselected; saving without a choice explains itself in our words.
    const radios = row.getByRole('radio');
    expect(await radios.count()).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < (await radios.count()); i++) expect(await radios.nth(i).isChecked()).toBe(false);
    await row.getByRole('button', { name: 'Сохранить решение', exact: true }).click();
    await row.getByText('Выберите, списаны ли деньги').waitFor();
    await row.getByText('Выберите основание').waitFor();
    await ui.shot('manual-form-errors', { audit: true });

    await row.getByLabel('Деньги списаны (есть в полном отчёте)').check();
    await row.getByLabel('Проверено по полному отчёту терминала').check();
    const keyboard = row.getByRole('group', { name: 'Экранная клавиатура: RRN (если есть)' });
    for (const digit of '612345') await keyboard.getByRole('button', { name: digit, exact: true }).click();
    expect(await row.getByRole('textbox', { name: 'RRN (если есть)', exact: true }).inputValue()).toBe('612345');
    await ui.shot('manual-form-filled');
    await row.getByRole('button', { name: 'Сохранить решение', exact: true }).click();
    await page.getByText('Операций с неизвестным результатом нет').waitFor();
    expect(ui.web.app.service.listUnresolved()).toEqual([]);

    // The journal by what staff read on screen: "1" on the digits keyboard, then "Чек № 1" typed.
    const search = page.getByRole('search');
    await search.getByRole('group', { name: /^Экранная клавиатура: Номер чека/ }).getByRole('button', { name: '1', exact: true }).click();
    await ui.button('Показать журнал').click();
    const table = page.locator('section[aria-labelledby="svc-journal"] table');
    await table.waitFor();
    const journal = norm(await table.textContent());
    expect(journal).toContain('Чек № 1');
    expect(journal).toContain('Чек открыт');
    expect(journal).toContain('Решено сотрудником');
    expect(journal).toContain(rub(15_000));
    expect(journal).not.toMatch(/\d{4}-\d{2}-\d{2}T|\dZ\b/); // no UTC stamps
    expect(journal).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no internal ids
    expect(journal).not.toMatch(/receipt-opened|late-watch|sale-unknown|total \d/);
    await ui.shot('journal');

    await search.getByRole('textbox', { name: /^Номер чека/ }).fill('Чек № 1');
    await ui.button('Показать журнал').click();
    await table.filter({ hasText: 'Решено сотрудником' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await search.getByRole('textbox', { name: /^Номер чека/ }).fill('Чек № 99');
    await ui.button('Показать журнал').click();
    await page.getByText('Записей нет').waitFor();
    expect(ui.pageErrors).toEqual([]);
  });

  it('the support bundle goes to a removable drive when one is mounted, and says where; without one it says it stayed on the till', async () => {
    const media = mkdtempSync(join(tmpdir(), 'kiosk-e2e-media-'));
    try {
      const ui = await start('support bundle to a drive', { pin: true, mediaRoots: [join(media, 'run-media')] });
      const { page } = ui;
      await ui.button('Сервис').click();
      await ui.unlockService();
      await ui.button('Собрать архив для поддержки').click();
      const done = page.getByTestId('bundle-done');
      await done.filter({ hasText: 'Съёмного диска нет — архив сохранён на кассе' }).waitFor();

      mkdirSync(join(media, 'run-media', 'kiosk', 'USB-STICK'), { recursive: true });
      await ui.button('Собрать архив для поддержки').click();
      await done.filter({ hasText: 'записан на съёмный диск' }).waitFor();
      const path = /съёмный диск: (\S+)\. Диск/.exec(norm(await done.textContent()))![1]!;
      expect(path.startsWith(join(media, 'run-media', 'kiosk', 'USB-STICK', 'inpas-kiosk-pay'))).toBe(true);
      expect(existsSync(path)).toBe(true);
      await ui.shot('bundle-on-drive');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      rmSync(media, { recursive: true, force: true });
    }
  });
});
