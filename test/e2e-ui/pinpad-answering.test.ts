/**
 * Issue 17, item 7: the service screen's pin-pad state comes from the pin pad's last real answer,
 * not from the port being open. A pin pad that hangs with its port open (emulator fault
 * `frozen`) is "подключён, но не отвечает" in the header and on the service screen, with the time
 * of its last answer; when it answers again, it is "подключён" again.
 */
import { describe, expect, it } from 'vitest';
import { e2e, norm } from './rig.js';

const start = e2e();

describe('the pin pad answers, or says nothing', { timeout: 120_000 }, () => {
  it('a hung pin pad is "не отвечает" with its last answer; answering again is "подключён"', async () => {
    const ui = await start('pinpad not answering', { till: true, responseTimeoutSeconds: 2 });
    const { page } = ui;
    await ui.button('Сервис').click();
    await ui.unlockService();
    const connection = page
      .locator('dl.info div')
      .filter({ has: page.getByText('Подключение', { exact: true }) })
      .locator('dd');
    // The start's connection test was answered: connected, with the time of that answer.
    await connection.filter({ hasText: /^подключён · последний ответ \d{1,2}:\d{2}:\d{2}/ }).waitFor();

    ui.emulator.terminal.options.faults.frozen = true;
    await ui.button('Проверка связи').click();
    await ui.waitPinpad('not-answering');
    expect(norm(await page.locator('[data-pinpad-state]').textContent())).toContain('Пин-пад: подключён, но не отвечает');
    await connection.filter({ hasText: /^подключён, но не отвечает · последний ответ \d{1,2}:\d{2}:\d{2}/ }).waitFor();
    expect(norm(await connection.textContent())).toContain('does not answer');
    await ui.shot('not-answering');

    ui.emulator.terminal.options.faults.frozen = false;
    // Let the failed test end before asking again (the pin pad takes one request at a time).
    await page.getByText('Выполняется: Проверка связи').waitFor({ state: 'hidden' });
    await ui.button('Проверка связи').click();
    await ui.waitPinpad('connected');
    await connection.filter({ hasText: /^подключён · последний ответ/ }).waitFor();
    expect(norm(await connection.textContent())).not.toContain('does not answer');
    await ui.shot('answering-again');
    expect(ui.ledger.charges).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
