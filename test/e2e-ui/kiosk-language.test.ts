/**
 * Issue 17, items 6 and 7 on the customer's kiosk: a one-line header without technical words
 * (the emulator warning in customer words), one language at a time (goods, cart and receipt
 * lines follow the switch), discreet declines (a short category; the pin pad's own card
 * time-out named as such, the pin pad's words small, for staff).
 */
import { describe, expect, it } from 'vitest';
import { e2e, KIOSK_LANDSCAPE, KIOSK_PORTRAIT, norm } from './rig.js';

const start = e2e();

describe('kiosk: one language, one-line header, discreet declines', { timeout: 180_000 }, () => {
  it('the header is one line at both shapes, with the demo warning and no terminal id', async () => {
    const ui = await start('kiosk header');
    const { page } = ui;
    for (const viewport of [KIOSK_PORTRAIT, KIOSK_LANDSCAPE]) {
      await page.setViewportSize(viewport);
      const header = norm(await page.locator('header').textContent());
      expect(header).toContain('Демонстрационный режим — деньги не списываются');
      expect(header).not.toContain('эмулятор');
      expect(header).not.toContain('терминал');
      expect(header).not.toContain('00322346');
      await page.getByRole('heading', { level: 1, name: 'Касса самообслуживания' }).waitFor();
      // One line: every part of the header sits in one row, and nothing in it is cut off.
      const parts = (await page.evaluate(`[...document.querySelectorAll('.topbar > *')].map((el) => {
        const b = el.getBoundingClientRect();
        return { top: Math.round(b.top), bottom: Math.round(b.bottom), clipped: el.scrollWidth > el.clientWidth + 1 };
      })`)) as Array<{ top: number; bottom: number; clipped: boolean }>;
      const rowTop = Math.max(...parts.map((p) => p.top));
      const rowBottom = Math.min(...parts.map((p) => p.bottom));
      expect(rowTop, JSON.stringify(parts)).toBeLessThan(rowBottom);
      expect(parts.filter((p) => p.clipped), JSON.stringify(parts)).toEqual([]);
      const bar = await page.locator('header').boundingBox();
      expect(bar!.height).toBeLessThan(90);
    }
    await page.setViewportSize(KIOSK_PORTRAIT);
    await ui.shot('header');
    expect(ui.pageErrors).toEqual([]);
  });

  it('after "English", goods, cart and the receipt at payment are all English', async () => {
    const ui = await start('kiosk english', { emulatorArgs: ['--fast', '--card-delay', '600000'] });
    const { page } = ui;
    await page.getByRole('button', { name: 'Добавить: Кофе с молоком' }).click();
    await ui.button('English').click();
    await page.getByRole('heading', { name: 'Goods' }).waitFor();
    await page.getByRole('button', { name: 'Add: White coffee' }).click();
    const cart = norm(await page.locator('.cart').textContent());
    expect(cart).toContain('White coffee');
    expect(cart).not.toMatch(/[А-Яа-яЁё]/);
    await ui.shot('english-cart');

    await ui.button('Pay').click();
    await page.getByRole('dialog', { name: 'Choose how to pay' }).getByRole('button', { name: 'Pay by card', exact: true }).click();
    await ui.waitStatus('Tap, insert or swipe your card');
    await ui.button('Cancel').click();
    await ui.waitStatus('No money was taken');
    // The receipt lines were journaled in Russian; the screen shows them in the chosen language.
    const receipt = norm(await page.locator('.result').textContent());
    expect(receipt).toContain('White coffee');
    expect(receipt).not.toMatch(/[А-Яа-яЁё]/);
    expect(await ui.statusText()).not.toMatch(/[А-Яа-яЁё]/);
    await ui.shot('english-result');

    await ui.button('Русский').click();
    await page.locator('.result').filter({ hasText: 'Кофе с молоком' }).waitFor();
    expect(norm(await page.locator('.result').textContent())).not.toContain('White coffee');
    expect(ui.pageErrors).toEqual([]);
  });

  it('the pin pad\'s own card time-out is named as such, not as a bank answer; its words are small, for staff', async () => {
    const ui = await start('kiosk card timeout', { emulatorArgs: ['--fast', '--scenario', 'card-removed', '--card-timeout', '1'] });
    const { page } = ui;
    await page.getByRole('button', { name: 'Добавить: Вода 0,5 л' }).click();
    await ui.button('Оплатить').click();
    await page.getByRole('dialog', { name: 'Выберите способ оплаты' }).getByRole('button', { name: 'Оплата картой', exact: true }).click();
    await ui.waitStatus('Оплата не прошла');
    const status = await ui.statusText();
    expect(status).toContain('Пин-пад не дождался карты');
    expect(status).not.toContain('Банк');
    expect(status).not.toContain('ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО');
    expect(norm(await page.locator('.result__staff').textContent())).toBe('Для сотрудника: ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО');
    const small = (await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('.result__staff')).fontSize) < parseFloat(getComputedStyle(document.querySelector('[role=status] p')).fontSize) / 2`)) as boolean;
    expect(small).toBe(true);
    await ui.shot('card-timeout');
    expect(ui.ledger.charges).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
