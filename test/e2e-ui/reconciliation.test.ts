/**
 * Close of day on the service screen in Chromium, against the real service and the emulator:
 * a settlement that matches the journal ("Итоги совпали"), one that does not after a sale the
 * bank made behind the app's back (the difference and its explanation), and the day's export.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { e2e, eventually, norm, rub, type Ui } from './rig.js';

const start = e2e();

async function cardPayment(ui: Ui, amount: number): Promise<void> {
  const { service } = ui.web.app;
  const receipt = service.openReceipt({ lines: [], total: amount });
  const { paymentId } = service.startPayment({ receiptId: receipt.id, method: 'card', amount });
  await eventually(() => service.journal.getPart(paymentId)?.state === 'APPROVED', `payment ${paymentId} approved`);
}

describe('close of day on the service screen', () => {
  it('"Итоги совпали", then a sale made outside the app shown with its explanation, and the day exported as CSV and JSON', async () => {
    const ui = await start('close of day reconciliation', { pin: true });
    const { page } = ui;
    await cardPayment(ui, 25_000);

    await ui.button('Сервис').click();
    await ui.unlockService();
    await ui.button('Сверка итогов').click();
    await ui.waitStatus('Сверка итогов: выполнено');
    const rec = page.locator('.reconciliation');
    await rec.filter({ hasText: 'Итоги совпали' }).waitFor();
    expect(await rec.getAttribute('data-matched')).toBe('true');
    expect(norm(await rec.locator('[data-kind="cardSales"]').textContent())).toBe(`Оплаты картой1 шт. · ${rub(25_000)}1 шт. · ${rub(25_000)}`);
    await ui.shot('totals-match');

    // The next day: one sale through the app, one the bank took without the app knowing.
    await cardPayment(ui, 10_000);
    ui.emulator.bank.charge({ ecrNumber: 900_001, amount: 7_700, method: 'card', switched: false });
    await ui.button('Сверка итогов').click();
    await rec.filter({ hasText: 'Итоги не совпали: расхождений 1' }).waitFor();
    const difference = rec.locator('.reconciliation__difference[data-kind="cardSales"]');
    expect(norm(await difference.textContent())).toContain(`Оплаты картой: 2 шт. · ${rub(17_700)} ≠ 1 шт. · ${rub(10_000)}`);
    expect(norm(await difference.locator('[data-reason="outside-app"]').textContent())).toBe(
      `Операции вне приложения (утилита pinpad или меню терминала): 1 шт., ${rub(7_700)}`,
    );
    await ui.shot('difference-explained');

    // The day is chosen by touch from the last two weeks (nothing typed): today, the first after "the last closed".
    const picker = page.getByRole('combobox', { name: 'День', exact: true });
    expect(await picker.locator('option').count()).toBe(15);
    expect(norm(await picker.locator('option').first().textContent())).toBe('Последний закрытый день');
    const today = (await picker.locator('option').nth(1).getAttribute('value'))!;
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await picker.selectOption(today);
    await ui.button('Выгрузить сверку за день (CSV и JSON)').click();
    const done = page.locator('.reconciliation__export');
    await done.waitFor();
    const [csvPath, jsonPath] = /сохранена: (\S+\.csv) и (\S+\.json)/.exec(norm(await done.textContent()))!.slice(1);
    const csv = readFileSync(csvPath!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'settled_at,business_day,kind,terminal_count,terminal_kopecks,journal_count,journal_kopecks,status,reason,part_id,receipt_id,count,kopecks,detail',
    );
    expect(csv).toMatch(/,cardSales,2,17700,1,10000,differs,/);
    expect(csv).toMatch(/,cardSales,,,,,explanation,outside-app,,,1,7700,/);
    const json = JSON.parse(readFileSync(jsonPath!, 'utf8')) as { reconciliations: Array<{ matched: boolean; parts: unknown[] }> };
    // The day's closings (both, unless the test ran across midnight), each with the one part it closed.
    expect(json.reconciliations.at(-1)!.matched).toBe(false);
    expect(json.reconciliations.map((r) => r.matched)).toEqual(json.reconciliations.length === 2 ? [true, false] : [false]);
    expect(json.reconciliations.every((r) => r.parts.length === 1)).toBe(true);
    expect(ui.pageErrors).toEqual([]);
  });
});
