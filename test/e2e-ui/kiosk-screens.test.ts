/**
 * The kiosk's screens at its two shapes, portrait 1080 × 1920 and landscape 1920 × 1080: the
 * step the customer is on fills the screen with a picture of what to do at the pin pad, cart
 * lines stay on one line; and the accessibility audit itself finds what it must find.
 */
import { describe, expect, it } from 'vitest';
import { auditScreen } from './audit.js';
import { e2e, KIOSK_LANDSCAPE, KIOSK_PORTRAIT, type Ui } from './rig.js';

const start = e2e();
const SHAPES = [
  ['portrait', KIOSK_PORTRAIT],
  ['landscape', KIOSK_LANDSCAPE],
] as const;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(ui: Ui, selector: string): Promise<Box> {
  const b = await ui.page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not on screen`);
  return b;
}

/** The picture is large and centred, and the step's section reaches down to the bottom of the screen. */
async function expectStepFillsScreen(ui: Ui, picture: string, shape: string, viewport: { width: number; height: number }): Promise<void> {
  const pic = await box(ui, picture);
  const step = await box(ui, '.kiosk > .progress');
  const what = `${shape}: picture ${JSON.stringify(pic)}, step ${JSON.stringify(step)}`;
  expect(Math.min(pic.width, pic.height), what).toBeGreaterThanOrEqual(0.35 * Math.min(viewport.width, viewport.height));
  const centre = pic.x + pic.width / 2;
  if (shape === 'portrait') expect(Math.abs(centre - viewport.width / 2), what).toBeLessThan(0.05 * viewport.width);
  else expect(centre, what).toBeLessThan(viewport.width / 2); // beside what goes with it, left of centre
  expect(step.y + step.height, what).toBeGreaterThanOrEqual(0.85 * viewport.height);
  expect(step.width, what).toBeGreaterThanOrEqual(0.9 * viewport.width);
}

/** How many lines of text each element's text takes (a wrapped line takes two or more). */
async function lineCounts(ui: Ui, selector: string): Promise<Array<{ text: string; lines: number }>> {
  return (await ui.page.evaluate(`(() => [...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    return { text: el.textContent.trim(), lines: tops.size };
  }))()`)) as Array<{ text: string; lines: number }>;
}

describe('kiosk screens at portrait 1080×1920 and landscape 1920×1080', { timeout: 180_000 }, () => {
  it('cart lines never wrap; card wait and QR wait fill the screen with a picture of the pin pad; key 1 is drawn', async () => {
    const ui = await start('kiosk shapes', { emulatorArgs: ['--fast', '--card-delay', '600000', '--qr-pay-delay', '600000'] });
    const { page } = ui;
    for (const name of ['Кофе с молоком', 'Сэндвич с курицей', 'Вода 0,5 л', 'Кофе с молоком', 'Шоколад', 'Круассан']) {
      await page.getByRole('button', { name: `Добавить: ${name}` }).click();
    }
    await page.locator('.cart__lines li').nth(4).waitFor();
    for (const [shape, viewport] of SHAPES) {
      await page.setViewportSize(viewport);
      const lines = await lineCounts(ui, '.cart__lines li > *');
      expect(lines.length).toBeGreaterThanOrEqual(15);
      expect(lines.filter((l) => l.lines !== 1), shape).toEqual([]);
    }
    await page.setViewportSize(KIOSK_PORTRAIT);
    await ui.shot('cart');

    await ui.button('Оплатить').click();
    const dialog = page.getByRole('dialog', { name: 'Выберите способ оплаты' });
    await dialog.getByRole('button', { name: 'Оплата картой', exact: true }).click();
    await ui.waitStatus('Приложите, вставьте или проведите карту');
    const tap = '[role="img"][aria-label^="Пин-пад: приложите карту"]';
    await page.locator(tap).waitFor();
    await page.getByRole('img', { name: 'Клавиша 1 на пин-паде' }).waitFor();
    for (const [shape, viewport] of SHAPES) {
      await page.setViewportSize(viewport);
      await expectStepFillsScreen(ui, tap, shape, viewport);
    }
    await page.setViewportSize(KIOSK_PORTRAIT);
    await ui.shot('card-wait');
    await ui.button('Отмена').click();
    await ui.waitStatus('Деньги не списаны');
    await ui.shot('card-cancelled');

    await ui.button('Другой способ оплаты').click();
    await dialog.getByRole('button', { name: 'Оплата QR СБП', exact: true }).click();
    await ui.waitStatus('Отсканируйте QR-код на экране пин-пада');
    const scan = '[role="img"][aria-label^="Пин-пад показывает QR-код"]';
    await page.locator(scan).waitFor();
    await page.getByRole('img', { name: 'QR-код для оплаты через СБП' }).waitFor();
    for (const [shape, viewport] of SHAPES) {
      await page.setViewportSize(viewport);
      await expectStepFillsScreen(ui, scan, shape, viewport);
    }
    await page.setViewportSize(KIOSK_PORTRAIT);
    await ui.shot('qr-wait');
    await ui.button('Отмена').click();
    // A cancelled QR may still be paid at the bank: the screen says it is checking (issue 17), not "Деньги не списаны".
    await ui.waitStatus('Проверяем, не пришла ли оплата');
    expect(ui.ledger.charges).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });

  it('the audit finds a small touch target and an unnamed control (so a passing screen means something)', async () => {
    const ui = await start('kiosk audit self-check');
    expect(await auditScreen(ui.page)).toEqual([]);
    // A 30 px button without a name, added through the DOM (no inline script: the CSP stays on).
    await ui.page.evaluate(`(() => {
      const b = document.createElement('button');
      b.className = 'planted';
      b.style.width = '30px';
      b.style.height = '30px';
      b.style.padding = '0';
      b.style.minHeight = '0';
      b.style.minWidth = '0';
      document.querySelector('main').appendChild(b);
    })()`);
    const problems = await auditScreen(ui.page);
    expect(problems.some((p) => /^axe critical button-name/.test(p)), problems.join('\n')).toBe(true);
    expect(problems.some((p) => /^touch target button\[submit\] "" is 30×30 px/.test(p)), problems.join('\n')).toBe(true);
  });
});
