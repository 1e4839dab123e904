/**
 * UI figures for npm run bench, in Debian's Chromium against the real service: the gzipped size
 * of the built UI; a tap on "Оплата картой" → the sale frame on the wire (the journal's fsync is
 * on that path); and a terminal answer → "Оплачено" on screen.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { Tag } from '../../native/inpas/tags.js';
import { startWebMode, UI_DIR } from '../../scripts/web.js';
import { benchEmulator } from './rows.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const TOKEN = 'bench-token-0123456789abcdef';

export function bundleSize(): { files: number; raw: number; gzip: number } {
  const assets = join(UI_DIR, 'assets');
  let raw = 0;
  let gzip = 0;
  const files = [join(UI_DIR, 'index.html'), ...readdirSync(assets).map((f) => join(assets, f))];
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.length, raw, gzip };
}

/** Wall-clock ms with sub-ms precision, comparable between this process and the page. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Runs in the page (as text: the page has its own globals): notes the time of the next click on
 * "Оплата картой" (capture phase, before React handles it) and of "Оплачено" appearing in the
 * status region. Page code runs through the DevTools protocol, which the page's CSP does not
 * govern; waiting is done with locators, never with string predicates (the CSP forbids eval).
 */
const ARM_PAGE = `(() => {
  window.__tapAt = undefined;
  window.__shownAt = undefined;
  const onClick = (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button && button.textContent.includes('Оплата картой') && window.__tapAt === undefined) window.__tapAt = performance.timeOrigin + performance.now();
  };
  document.addEventListener('click', onClick, { capture: true, once: false });
  const observer = new MutationObserver(() => {
    const status = document.querySelector('[role="status"]');
    if (status && status.textContent.includes('Оплачено') && window.__shownAt === undefined) {
      window.__shownAt = performance.timeOrigin + performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

export interface UiSamples {
  /** Tap on "Оплата картой" → the sale frame received at the pin pad's end of the line, ms. */
  readonly tapToWire: number[];
  /** The service has the approval → "Оплачено" in the status region, ms. */
  readonly answerToScreen: number[];
}

async function oneCardPayment(page: Page): Promise<{ tapAt: number; shownAt: number }> {
  await page.getByRole('button', { name: /Кофе/ }).click();
  await page.getByRole('button', { name: 'Оплатить', exact: true }).click();
  await page.evaluate(ARM_PAGE);
  await page.getByRole('button', { name: 'Оплата картой', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Оплачено' }).waitFor({ timeout: 15_000 });
  const marks = (await page.evaluate('({ tapAt: window.__tapAt, shownAt: window.__shownAt })')) as { tapAt?: number; shownAt?: number };
  if (marks.tapAt === undefined || marks.shownAt === undefined) throw new Error('ui bench: the page did not note the tap or "Оплачено"');
  await page.getByRole('button', { name: /Готово/ }).click();
  return { tapAt: marks.tapAt, shownAt: marks.shownAt };
}

/**
 * Card payments on the kiosk screen in Chromium, with the emulator on its own pseudo-terminal
 * (configured as the pin pad) so the moment the sale frame arrives is seen from the line's far end.
 */
export async function uiPayments(rounds: number): Promise<UiSamples | string> {
  if (!existsSync(CHROMIUM)) return `skipped: ${CHROMIUM} is not installed (npm run setup installs it)`;
  const dir = mkdtempSync(join(tmpdir(), 'ui-bench-'));
  const link = join(dir, 'pinpad');
  let saleAt: number | undefined;
  const host = await benchEmulator(link, (event) => {
    if (event.direction === 'rx' && event.kind === 'frame' && event.message.int(Tag.operation) === 1 && saleAt === undefined) saleAt = now();
  });
  const configPath = join(dir, 'config.toml');
  writeFileSync(configPath, `mode = "kiosk"\n[pinpad]\nport = "${link}"\nid = "00322346"\nqrSBP = true\n`);
  const web = await startWebMode({ port: 0, dataDir: join(dir, 'data'), token: TOKEN, staticDir: UI_DIR, configPath });
  let answeredAt = 0;
  web.app.service.on('payment', (event) => {
    if (event.phase === 'done') answeredAt = now();
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const samples = { tapToWire: [] as number[], answerToScreen: [] as number[] };
  try {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(web.bridge.pageUrl);
    await page.locator('[data-pinpad-state="connected"]').waitFor({ timeout: 15_000 });
    // One payment to warm up (first render, first journal write), not counted.
    for (let i = 0; i <= rounds; i++) {
      saleAt = undefined;
      const { tapAt, shownAt } = await oneCardPayment(page);
      if (saleAt === undefined) throw new Error('ui bench: the sale frame was not seen at the pin pad');
      if (i === 0) continue;
      samples.tapToWire.push(saleAt - tapAt);
      samples.answerToScreen.push(shownAt - answeredAt);
    }
  } finally {
    await browser.close();
    await web.stop();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}
