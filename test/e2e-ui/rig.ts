/**
 * End-to-end harness for the React UI: the real payment service, the built-in emulator on a
 * pseudo-terminal and the WebSocket bridge (browser mode, in this process), and Debian's
 * Chromium driven by playwright-core. Every test gets its own web mode on port 0, its own
 * temporary data directory and its own browser context; one browser per test file.
 *
 * Waiting is Playwright's (locator.waitFor: auto-retrying, no sleeps); `eventually` waits for
 * conditions outside the page (the emulated bank's ledger).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach } from 'vitest';
import { hashPin } from '../../electron/service/config/config.js';
import type { Ledger } from '../../native/emulator/bank.js';
import type { EmulatorHost } from '../../native/emulator/host.js';
import { startWebMode, UI_DIR, type WebMode } from '../../scripts/web.js';
import { auditScreen, belowTheFold } from './audit.js';

export const TOKEN = 'e2e-ui-token-0123456789abcdefghij';
export const PIN = '2468';
export const SCREENSHOT_DIR = resolve(fileURLToPath(new URL('../../test-output/screenshots', import.meta.url)));

/** The two kiosk shapes (portrait first: the usual self-checkout) and the smallest till. */
export const KIOSK_PORTRAIT = { width: 1080, height: 1920 } as const;
export const KIOSK_LANDSCAPE = { width: 1920, height: 1080 } as const;
export const TILL_VIEWPORT = { width: 1280, height: 800 } as const;
/** A till's usual monitor: every screen state is also checked there, with nothing below the fold. */
export const TILL_FULL_HD = { width: 1920, height: 1080 } as const;

/** A wait long enough for a loaded CI machine; nothing here measures time. */
export const WAIT_MS = 15_000;

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface UiOptions {
  /** Till mode (with the staff PIN) instead of the kiosk. */
  readonly till?: boolean;
  /** A kiosk with the staff PIN set (for the service screen). */
  readonly pin?: boolean;
  readonly emulatorArgs?: readonly string[];
  readonly responseTimeoutSeconds?: number;
  /** Where removable drives are mounted (default: an empty temporary root, so no real drive is written). */
  readonly mediaRoots?: readonly string[];
  /** Extra `#key=value` page options after the token. */
  readonly hash?: string;
}

export interface Ui {
  readonly web: WebMode;
  readonly emulator: EmulatorHost;
  readonly ledger: Ledger;
  readonly page: Page;
  readonly context: BrowserContext;
  readonly dir: string;
  /** Uncaught page errors and console errors (CSP violations, React errors). */
  readonly pageErrors: string[];
  /** The one `role="status"` region. */
  readonly status: Locator;
  /** A button by its exact accessible name. */
  button(name: string): Locator;
  /** Waits until the status region's text contains `text`. */
  waitStatus(text: string): Promise<void>;
  /** The status region's text, whitespace normalised. */
  statusText(): Promise<string>;
  /** Waits for the pin-pad indicator to say `state`. */
  waitPinpad(state: string): Promise<void>;
  /**
   * A screen state: saves test-output/screenshots/<test>-<n>-<name>[-portrait|-landscape].png
   * (a kiosk at both of its shapes, a till at its window) and audits every shape (axe: no
   * serious or critical violation; touch targets ≥ 48 px) and, on a kiosk's customer screens,
   * the fold: nothing scrolls and every button is inside the viewport. Throws what it found.
   */
  shot(name: string, options?: { audit?: boolean }): Promise<string[]>;
  /** Enters the staff PIN on the service screen and waits for the panel. */
  unlockService(): Promise<void>;
}

/** Non-breaking and narrow spaces (money formatting) become plain ones. */
export function norm(text: string | null | undefined): string {
  return (text ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

/** Money as the ru locale prints it, with plain spaces (compare with `norm`ed text). */
export function rub(kopecks: number): string {
  const roubles = Math.trunc(kopecks / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${roubles},${String(kopecks % 100).padStart(2, '0')} ₽`;
}

/** Waits until `check` returns a value other than undefined/false (for things outside the page). */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tempConfig(dir: string, options: UiOptions): string | undefined {
  if (!options.till && !options.pin) return undefined;
  const path = join(dir, 'config.toml');
  writeFileSync(path, `mode = "${options.till ? 'till' : 'kiosk'}"\n[service]\npinHash = "${hashPin(PIN)}"\n`);
  return path;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9а-яё]+/gi, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

interface Running {
  readonly ui: Ui;
  stop(): Promise<void>;
}

/**
 * Call once at the top of a test file: returns `start(testName, options)` and registers the
 * teardown (afterEach: context, web mode, data dir — also when the test failed, with a
 * screenshot of the page as it was; afterAll: the browser).
 */
export function e2e(): (test: string, options?: UiOptions) => Promise<Ui> {
  let browser: Browser | undefined;
  const running: Running[] = [];

  afterEach(async (context) => {
    const failed = context.task.result?.state === 'fail';
    for (const r of running.splice(0)) {
      if (failed) await r.ui.shot('FAILED', { audit: false }).catch(() => undefined);
      await r.stop();
    }
  });
  afterAll(async () => {
    await browser?.close();
    browser = undefined;
  });

  return async (test, options = {}) => {
    browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-ui-'));
    const configPath = tempConfig(dir, options);
    let web: WebMode | undefined;
    let context: BrowserContext | undefined;
    const stop = async (): Promise<void> => {
      await context?.close().catch(() => undefined);
      await web?.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      web = await startWebMode({
        port: 0,
        dataDir: join(dir, 'data'),
        token: TOKEN,
        staticDir: UI_DIR,
        emulatorArgs: options.emulatorArgs ?? ['--fast'],
        ...(configPath ? { configPath } : {}),
        ...(options.responseTimeoutSeconds ? { responseTimeoutSeconds: options.responseTimeoutSeconds } : {}),
        mediaRoots: options.mediaRoots ?? [join(dir, 'no-media')],
      });
      const emulator = web.app.emulator;
      if (!emulator) throw new Error('the built-in emulator did not start');
      context = await browser.newContext({ viewport: options.till ? TILL_VIEWPORT : KIOSK_PORTRAIT, locale: 'ru-RU' });
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
      });
      let shots = 0;
      const status = page.getByRole('status');
      const ui: Ui = {
        web,
        emulator,
        ledger: emulator.bank.ledger,
        page,
        context,
        dir,
        pageErrors,
        status,
        button: (name) => page.getByRole('button', { name, exact: true }),
        async waitStatus(text) {
          await status.filter({ hasText: text }).waitFor({ state: 'visible' });
        },
        async statusText() {
          return norm(await status.textContent());
        },
        async waitPinpad(state) {
          await page.locator(`[data-pinpad-state="${state}"]`).waitFor({ state: 'visible' });
        },
        async shot(name, shotOptions = {}) {
          mkdirSync(SCREENSHOT_DIR, { recursive: true });
          shots++;
          const base = join(SCREENSHOT_DIR, `${slug(test)}-${String(shots).padStart(2, '0')}-${slug(name)}`);
          // A till at its smallest window (may scroll) and at full HD (nothing below the fold); a kiosk at both of its shapes.
          const shapes: Array<[string, { width: number; height: number } | undefined, boolean]> = options.till
            ? [
                ['', undefined, false],
                ['-fullhd', TILL_FULL_HD, true],
              ]
            : [
                ['-portrait', KIOSK_PORTRAIT, true],
                ['-landscape', KIOSK_LANDSCAPE, true],
              ];
          const paths: string[] = [];
          const problems: string[] = [];
          try {
            for (const [suffix, viewport, fold] of shapes) {
              if (viewport) await page.setViewportSize(viewport);
              const path = `${base}${suffix}.png`;
              await page.screenshot({ path, fullPage: true, animations: 'disabled' });
              paths.push(path);
              if (shotOptions.audit !== false) for (const p of await auditScreen(page)) problems.push(`${name}${suffix}: ${p}`);
              if (shotOptions.audit !== false && fold) for (const p of await belowTheFold(page)) problems.push(`${name}${suffix}: ${p}`);
            }
          } finally {
            await page.setViewportSize(options.till ? TILL_VIEWPORT : KIOSK_PORTRAIT);
          }
          if (problems.length > 0) throw new Error(`accessibility audit failed:\n${problems.join('\n')}`);
          return paths;
        },
        async unlockService() {
          await page.getByLabel('PIN сотрудника', { exact: true }).first().fill(PIN);
          await ui.button('Войти').click();
          await ui.button('Выйти из сервиса').waitFor();
        },
      };
      running.push({ ui, stop });
      const hash = options.hash ? `&${options.hash}` : '';
      await page.goto(`${web.bridge.pageUrl}${hash}`);
      await ui.waitPinpad('connected');
      return ui;
    } catch (error) {
      await stop();
      throw error;
    }
  };
}
