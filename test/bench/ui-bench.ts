/**
 * UI figures for npm run bench: the gzipped size of the built UI, and the time from a terminal
 * event (the final answer reaching the service) to the screen showing it, in Debian's Chromium.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startWebMode, UI_DIR } from '../../scripts/web.js';

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

export async function eventToScreen(rounds: number): Promise<number[] | string> {
  if (!existsSync('/usr/bin/chromium')) return 'skipped: /usr/bin/chromium is not installed (apt-get install chromium)';
  const dir = mkdtempSync(join(tmpdir(), 'ui-bench-'));
  const web = await startWebMode({ port: 0, dataDir: dir, token: 'bench-token-0123456789abcdef', staticDir: UI_DIR, emulatorArgs: ['--fast'] });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const samples: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(web.bridge.pageUrl);
    let answeredAt = 0;
    web.app.service.on('payment', (event) => {
      if (event.phase === 'done') answeredAt = Date.now();
    });
    for (let i = 0; i < rounds; i++) {
      await page.getByRole('button', { name: /Кофе/ }).click();
      await page.getByRole('button', { name: 'Оплатить' }).click();
      // Arm an observer in the page that notes when "Оплачено" appears in the status region.
      // (Page code as text: it runs in Chromium, not under this file's Node types.)
      await page.evaluate(`(() => {
        window.__shownAt = undefined;
        const observer = new MutationObserver(() => {
          const status = document.querySelector('[role="status"]');
          if (status && status.textContent.includes('Оплачено') && window.__shownAt === undefined) {
            window.__shownAt = Date.now();
            observer.disconnect();
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      })()`);
      await page.getByRole('button', { name: 'Оплата картой' }).click();
      await page.waitForFunction('window.__shownAt !== undefined', undefined, { timeout: 15_000 });
      const shownAt = (await page.evaluate('window.__shownAt')) as number;
      samples.push(shownAt - answeredAt);
      await page.getByRole('button', { name: /Готово/ }).click();
    }
  } finally {
    await browser.close();
    await web.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}
