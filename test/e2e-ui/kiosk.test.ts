/**
 * The customer's kiosk in Chromium, against the real service and the emulator on a
 * pseudo-terminal: card, QR, the key-1 switch from card to QR, a decline then QR.
 */
import { describe, expect, it } from 'vitest';
import { e2e, eventually, norm, rub, type Ui } from './rig.js';

const start = e2e();

/**
 * Runs in the page (a string: the test code has no DOM types): keeps every look of the
 * payment-progress element — method, classes, the key-1 hint, the "switched" note.
 */
const RECORD_PROGRESS = `(() => {
  const seen = [];
  window.__progress = seen;
  const note = () => {
    const el = document.querySelector('[data-phase]');
    if (!el) return;
    const look = [el.getAttribute('data-method'), el.className, el.querySelector('.progress__hint') ? 'hint' : '', el.querySelector('.progress__note') ? 'switched' : ''].join('|');
    if (seen[seen.length - 1] !== look) seen.push(look);
  };
  new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
})()`;

/** Adds goods by their tile (the accessible name starts with "Добавить:"). */
async function addToCart(ui: Ui, name: string): Promise<void> {
  await ui.page.getByRole('button', { name: `Добавить: ${name}` }).click();
}

/** Cart → "Оплатить" → the method dialog → the chosen method. */
async function payWith(ui: Ui, method: 'Оплата картой' | 'Оплата QR СБП'): Promise<void> {
  await ui.button('Оплатить').click();
  const dialog = ui.page.getByRole('dialog', { name: 'Выберите способ оплаты' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: method, exact: true }).click();
}

describe('kiosk (customer) screens in Chromium', { timeout: 180_000 }, () => {
  it('card payment: method dialog, card instructions with the key-1 hint, "Оплачено", back to the goods', async () => {
    const ui = await start('kiosk card payment', { emulatorArgs: ['--fast', '--card-delay', '8000'] });
    const { page } = ui;
    await page.getByRole('heading', { name: 'Товары' }).waitFor();
    await addToCart(ui, 'Кофе с молоком');
    await page.getByText(rub(15_000), { exact: false }).first().waitFor();
    await ui.shot('cart');

    await ui.button('Оплатить').click();
    const dialog = page.getByRole('dialog', { name: 'Выберите способ оплаты' });
    await dialog.waitFor();
    expect(norm(await dialog.textContent())).toContain(`К оплате: ${rub(15_000)}`);
    await dialog.getByRole('button', { name: 'Оплата QR СБП', exact: true }).waitFor();
    await ui.shot('method-dialog');
    await dialog.getByRole('button', { name: 'Оплата картой', exact: true }).click();

    // The customer is asked for the card and told about key 1; "Отмена" is offered.
    await ui.waitStatus('Приложите, вставьте или проведите карту');
    const progress = page.locator('[data-phase]');
    await progress.locator('.progress__hint', { hasText: 'Нажмите 1 на пин-паде, чтобы оплатить по QR-коду СБП' }).waitFor();
    expect(await progress.getAttribute('data-method')).toBe('card');
    await ui.button('Отмена').waitFor();
    await ui.shot('card-in-progress');

    await ui.waitStatus('Оплачено');
    const status = await ui.statusText();
    expect(status).toContain(`Оплачено ${rub(15_000)}`);
    expect(status).toContain('Оплачено полностью');
    // Nothing prints a paper receipt here (no POS core): no promise of one (kiosk-printing.test.ts).
    await page.getByText('Бумажный чек не печатается — данные оплаты на экране').waitFor();
    expect(await page.getByText('Заберите чек').count()).toBe(0);
    expect(await ui.button('Оплатить').count()).toBe(0);
    expect(await page.getByTestId('remaining').count()).toBe(0);
    await ui.shot('approved');

    // Exactly one charge at the bank, by card, for the whole amount.
    expect(ui.ledger.charges.map((c) => ({ amount: c.amount, method: c.method, switched: c.switched }))).toEqual([{ amount: 15_000, method: 'card', switched: false }]);

    await ui.button('Готово').click();
    await page.getByText('Выберите товары').waitFor();
    expect(await page.getByRole('status').count()).toBe(1);
    expect(ui.pageErrors).toEqual([]);
  });

  it('QR payment: the on-screen copy of the QR and its countdown, then "Оплачено"', async () => {
    const ui = await start('kiosk qr payment', { emulatorArgs: ['--fast', '--qr-pay-delay', '10000'] });
    const { page } = ui;
    await addToCart(ui, 'Круассан');
    await addToCart(ui, 'Вода 0,5 л');
    await payWith(ui, 'Оплата QR СБП');

    await ui.waitStatus('Отсканируйте QR-код на экране пин-пада');
    const qr = page.getByRole('img', { name: 'QR-код для оплаты через СБП' });
    await qr.waitFor();
    const payload = await qr.getAttribute('data-qr-payload');
    expect(payload).toMatch(/^https:\/\/qr\.nspk\.ru\//);
    // The copy is drawn from the pin pad's payload: the same one the bank is waiting for.
    expect(ui.emulator.bank.qr.map((q) => q.payload)).toContain(payload);
    const box = await qr.boundingBox();
    expect(box && box.width > 100 && box.height > 100).toBe(true);
    const timer = page.getByRole('timer');
    await timer.filter({ hasText: /QR-код действует ещё \d+:\d\d/ }).waitFor();
    // A live countdown: its text moves on while the QR waits to be paid.
    const first = norm(await timer.textContent());
    await timer.filter({ hasNotText: first }).filter({ hasText: /QR-код действует ещё \d+:\d\d/ }).waitFor();
    expect(await page.locator('[data-phase]').getAttribute('data-method')).toBe('sbp');
    await ui.button('Отмена').waitFor();
    await ui.shot('qr-in-progress');

    await ui.waitStatus('Оплачено');
    expect(await ui.statusText()).toContain(`Оплачено ${rub(18_900)}`);
    expect(await qr.count()).toBe(0);
    await ui.shot('approved');
    expect(ui.ledger.charges.map((c) => ({ amount: c.amount, method: c.method }))).toEqual([{ amount: 18_900, method: 'sbp' }]);
    expect(ui.pageErrors).toEqual([]);
  });

  it('card switched to QR with key 1 on the pin pad: the screen follows to the QR view; an SBP payment in the records', async () => {
    const ui = await start('kiosk card switched to qr', { emulatorArgs: ['--fast', '--card-delay', '1000', '--qr-pay-delay', '2500'] });
    const { page } = ui;
    ui.emulator.terminal.options.scenario = 'switch-to-qr';
    await addToCart(ui, 'Сэндвич с курицей');

    // Record every look of the payment-progress element, so the card view that the key-1
    // press replaces (the emulator waits half a second) is seen even if no wait lands on it.
    await page.evaluate(RECORD_PROGRESS);
    await payWith(ui, 'Оплата картой');

    await ui.waitStatus('Отсканируйте QR-код на экране пин-пада');
    const progress = page.locator('[data-phase]');
    await progress.locator('.progress__note', { hasText: 'Вы выбрали оплату по QR-коду СБП на пин-паде' }).waitFor();
    await page.getByRole('img', { name: 'QR-код для оплаты через СБП' }).waitFor();
    await page.getByRole('timer').waitFor();
    expect(await progress.getAttribute('data-method')).toBe('sbp');
    expect(await progress.locator('.progress__hint').count()).toBe(0);
    await ui.shot('switched-to-qr');

    const looks = (await page.evaluate('window.__progress')) as string[];
    const cardWithHint = looks.findIndex((l) => l.startsWith('card|') && l.includes('progress--card') && l.includes('|hint|'));
    const qrSwitched = looks.findIndex((l) => l.startsWith('sbp|') && l.includes('progress--qr') && l.endsWith('|switched'));
    expect(cardWithHint, looks.join('\n')).toBeGreaterThanOrEqual(0);
    expect(qrSwitched, looks.join('\n')).toBeGreaterThan(cardWithHint);

    await ui.waitStatus('Оплачено');
    expect(await ui.statusText()).toContain(`Оплачено ${rub(24_900)}`);
    await ui.shot('approved');
    expect(ui.ledger.charges.map((c) => ({ amount: c.amount, method: c.method, switched: c.switched }))).toEqual([{ amount: 24_900, method: 'sbp', switched: true }]);
    const [receipt] = ui.web.app.service.searchReceipts(undefined, 1);
    expect(receipt?.parts.map((p) => ({ method: p.method, state: p.state, switchedToSbp: p.switchedToSbp }))).toEqual([{ method: 'sbp', state: 'APPROVED', switchedToSbp: true }]);
    expect(ui.pageErrors).toEqual([]);
  });

  it('decline (discreet "Оплата не прошла", nothing charged, the amount still due), then another method: QR pays it', async () => {
    const ui = await start('kiosk decline then qr', { emulatorArgs: ['--fast', '--qr-pay-delay', '1500'] });
    const { page } = ui;
    await addToCart(ui, 'Шоколад');
    await payWith(ui, 'Оплата картой');

    await ui.waitStatus('Оплата не прошла');
    const status = await ui.statusText();
    expect(status).toContain('Деньги не списаны');
    expect(status).toContain('Банк не одобрил оплату');
    // The bank's reason is not called out to the queue: it is small, for staff.
    expect(status).not.toContain('НЕДОСТАТОЧНО СРЕДСТВ');
    expect(status).not.toContain('Отказ');
    expect(norm(await page.locator('.result__staff').textContent())).toBe('Для сотрудника: ОТКАЗ. НЕДОСТАТОЧНО СРЕДСТВ (код 51)');
    expect(status).not.toContain('Оплачено');
    await page.getByText('Попробуйте ещё раз или выберите другой способ оплаты').waitFor();
    expect(norm(await page.getByTestId('remaining').textContent())).toContain(rub(9_951));
    await ui.button('Попробовать ещё раз').waitFor();
    await ui.shot('declined');
    expect(ui.ledger.charges).toEqual([]);

    await ui.button('Другой способ оплаты').click();
    const dialog = page.getByRole('dialog', { name: 'Выберите способ оплаты' });
    await dialog.waitFor();
    expect(norm(await dialog.textContent())).toContain(`К оплате: ${rub(9_951)}`);
    await dialog.getByRole('button', { name: 'Оплата QR СБП', exact: true }).click();
    await ui.waitStatus('Отсканируйте QR-код на экране пин-пада');
    await page.getByRole('img', { name: 'QR-код для оплаты через СБП' }).waitFor();
    await ui.shot('qr-after-decline');

    await ui.waitStatus('Оплачено');
    expect(await ui.statusText()).toContain(`Оплачено ${rub(9_951)}`);
    expect(await page.getByTestId('remaining').count()).toBe(0);
    await ui.shot('approved');
    await eventually(() => ui.ledger.charges.length === 1, 'the QR charge');
    expect(ui.ledger.charges.map((c) => ({ amount: c.amount, method: c.method }))).toEqual([{ amount: 9_951, method: 'sbp' }]);
    expect(ui.pageErrors).toEqual([]);
  });
});
