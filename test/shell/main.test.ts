/**
 * The real electron/main.ts, run against a recording stand-in for `electron` (the binary is not
 * used here): the window's security settings, one handler per contract method, foreign senders,
 * navigation, new windows, permissions, the app:// scheme, quitting behind the PIN, kiosk flags.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, invokeChannel } from '../../electron/contract/channels.js';
import { hashPin } from '../../electron/service/config.js';
import { fake, resetFake, type BrowserWindow as FakeBrowserWindow, type FakeState } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const PIN = '4321';
const PIN_HASH = hashPin(PIN);
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly state: FakeState;
  readonly window: FakeBrowserWindow;
  invoke(method: string, payload: unknown, sender?: unknown, url?: string): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
  stop(): Promise<void>;
}

/** Imports main.ts afresh with a configuration of this mode and waits for its window. */
async function runMain(mode: 'kiosk' | 'till', options: { isPackaged?: boolean; rendererIndex?: string } = {}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), `shell-${mode}-`));
  dirs.push(dir);
  const config = join(dir, 'config.toml');
  writeFileSync(config, `mode = "${mode}"\n[service]\npinHash = "${PIN_HASH}"\n`);
  vi.stubEnv('KIOSK_CONFIG', config);
  if (options.rendererIndex) vi.stubEnv('KIOSK_RENDERER_INDEX', options.rendererIndex);
  else vi.stubEnv('KIOSK_RENDERER_INDEX', '');
  const state = resetFake(join(dir, 'data'), options.isPackaged ?? false);
  vi.resetModules();
  await import('../../electron/main.js');
  await vi.waitFor(() => expect(state.windows[0]?.loaded.length).toBe(1), { timeout: 60_000, interval: 50 });
  const window = state.windows[0]!;
  return {
    state,
    window,
    async invoke(method, payload, sender = window.webContents, url = 'app://ui/index.html') {
      const handler = state.ipcHandlers.get(invokeChannel(method as never));
      if (!handler) throw new Error(`no handler for ${method}`);
      return (await handler({ sender, senderFrame: { url } }, payload)) as never;
    },
    async stop() {
      state.app.fire('will-quit');
      await vi.waitFor(() => expect(state.exitCode).toBe(0), { timeout: 30_000, interval: 50 });
      vi.unstubAllEnvs();
    },
  };
}

describe('electron/main.ts in kiosk mode', () => {
  let run: Run;

  it('starts: the window is isolated, sandboxed and loads app://ui/, not file://', async () => {
    run = await runMain('kiosk');
    const prefs = run.window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
      navigateOnDragDrop: false,
    });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(run.window.loaded).toEqual(['app://ui/index.html']);
    expect(run.state.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
  }, 90_000);

  it('kiosk flags: full screen kiosk window, no application menu, blocked keys, devtools closed', () => {
    expect(run.window.options).toMatchObject({ kiosk: true, fullscreen: true });
    expect(run.state.menus).toEqual([null]);
    const keys = run.window.webContents.fire('before-input-event', {}, { key: 'F5', control: false, meta: false, alt: false });
    expect(keys.prevented).toBe(true);
    const ctrlR = run.window.webContents.fire('before-input-event', {}, { key: 'r', control: true, meta: false, alt: false });
    expect(ctrlR.prevented).toBe(true);
    const letter = run.window.webContents.fire('before-input-event', {}, { key: 'a', control: false, meta: false, alt: false });
    expect(letter.prevented).toBe(false);
    run.window.webContents.call('devtools-opened');
    expect(run.window.webContents.devToolsClosed).toBe(1);
    expect(run.window.fire('close').prevented).toBe(true);
  });

  it('registers exactly one handler per contract method', () => {
    expect([...run.state.ipcHandlers.keys()].sort()).toEqual(METHOD_NAMES.map((name) => invokeChannel(name)).sort());
  });

  it('answers its own page and refuses foreign senders', async () => {
    const own = await run.invoke('config.get', {});
    expect(own).toMatchObject({ ok: true, value: { mode: 'kiosk' } });
    const otherContents = { id: 'another window' };
    for (const [sender, url] of [
      [otherContents, 'app://ui/index.html'],
      [run.window.webContents, 'file:///tmp/evil.html'],
      [run.window.webContents, 'https://evil.example/'],
      [run.window.webContents, 'app://evil/index.html'],
    ] as const) {
      expect(await run.invoke('config.get', {}, sender, url)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it('denies navigation, redirects, frame navigation and new windows', () => {
    const contents = run.window.webContents;
    expect(contents.fire('will-navigate', {}, 'https://evil.example/').prevented).toBe(true);
    expect(contents.fire('will-navigate', {}, 'file:///etc/passwd').prevented).toBe(true);
    expect(contents.fire('will-navigate', {}, 'app://ui/index.html').prevented).toBe(false);
    expect(contents.fire('will-redirect', {}, 'https://evil.example/').prevented).toBe(true);
    expect(contents.fire('will-frame-navigate', { url: 'https://evil.example/', isMainFrame: false }).prevented).toBe(true);
    expect(contents.fire('will-frame-navigate', { url: 'app://ui/other.html', isMainFrame: true }).prevented).toBe(true);
    expect(contents.fire('will-attach-webview').prevented).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    // Every other web contents (created later) gets the same treatment.
    const later = new (class extends (contents.constructor as typeof import('./fake-electron.js').FakeWebContents) {})();
    run.state.app.fire('web-contents-created', {}, later);
    expect(later.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(later.fire('will-navigate', {}, 'https://evil.example/').prevented).toBe(true);
    expect(later.fire('will-redirect', {}, 'https://evil.example/').prevented).toBe(true);
  });

  it('denies every permission and sets the CSP', () => {
    const s = run.state.session;
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) s.permissionRequestHandler?.({}, permission, (g) => granted.push(g));
    expect(granted).toEqual([false, false, false, false, false]);
    expect(s.permissionCheckHandler?.({}, 'media')).toBe(false);
    expect(s.devicePermissionHandler?.({})).toBe(false);
    let headers: unknown;
    s.headersHandler?.({ responseHeaders: {} }, (response) => (headers = response));
    expect(JSON.stringify(headers)).toContain("connect-src 'none'");
  });

  it('serves the UI from app:// with the CSP, and nothing outside its folder', async () => {
    const handler = run.state.protocolHandlers.get('app')!;
    const index = await handler({ url: 'app://ui/index.html', method: 'GET' });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<div id="root">');
    for (const url of ['app://ui/../package.json', 'app://ui/%2e%2e/package.json', 'app://ui/%', 'app://other/index.html', 'app://ui/nothing.js']) {
      expect((await handler({ url, method: 'GET' })).status, url).toBe(404);
    }
    expect((await handler({ url: 'app://ui/index.html', method: 'POST' })).status).toBe(405);
  });

  it('quitting needs the service PIN: a wrong one is refused and the app stays', async () => {
    expect(run.state.app.fire('before-quit').prevented).toBe(true);
    const wrong = await run.invoke('app.quit', { pin: '0000' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(run.state.quitCalls).toBe(0);
    const right = await run.invoke('app.quit', { pin: PIN });
    expect(right).toMatchObject({ ok: true, value: { quitting: true } });
    await vi.waitFor(() => expect(run.state.quitCalls).toBe(1), { timeout: 10_000 });
    expect(run.state.app.fire('before-quit').prevented).toBe(false);
    await run.stop();
  }, 60_000);
});

describe('electron/main.ts at a till and in a packaged build', () => {
  it('a till window is not a kiosk, keeps its menu and devtools', async () => {
    const run = await runMain('till');
    try {
      expect(run.window.options).toMatchObject({ kiosk: false, fullscreen: false });
      expect((run.window.options.webPreferences as Record<string, unknown>).devTools).toBe(true);
      expect(run.state.menus).toEqual([]);
      expect(run.window.webContents.listeners.has('before-input-event')).toBe(false);
    } finally {
      await run.stop();
    }
  }, 90_000);

  it('KIOSK_RENDERER_INDEX is honoured in a development build only', async () => {
    const other = mkdtempSync(join(tmpdir(), 'shell-other-ui-'));
    dirs.push(other);
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'index.html'), '<p>not the kiosk UI</p>');
    const dev = await runMain('till', { rendererIndex: join(other, 'index.html') });
    try {
      expect(await (await dev.state.protocolHandlers.get('app')!({ url: 'app://ui/index.html', method: 'GET' })).text()).toContain('not the kiosk UI');
    } finally {
      await dev.stop();
    }
    const packaged = await runMain('till', { rendererIndex: join(other, 'index.html'), isPackaged: true });
    try {
      expect(fake().isPackaged).toBe(true);
      const page = await (await packaged.state.protocolHandlers.get('app')!({ url: 'app://ui/index.html', method: 'GET' })).text();
      expect(page).not.toContain('not the kiosk UI');
      expect(page).toContain('<div id="root">');
    } finally {
      await packaged.stop();
    }
  }, 180_000);
});
