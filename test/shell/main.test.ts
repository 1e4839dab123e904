/**
 * The real electron/main.ts, run against a recording stand-in for `electron` (the binary is not
 * used here): the window's security settings, one handler per contract method, foreign senders,
 * navigation, new windows, permissions, the app:// scheme, quitting behind the PIN, kiosk flags.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, invokeChannel } from '../../electron/contract/channels.js';
import { hashPin } from '../../electron/service/config/config.js';
import { HANG_GRACE_MS, SOFTWARE_RENDERING_FILE, UNAVAILABLE_URL } from '../../electron/window-health.js';
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
async function runMain(mode: 'kiosk' | 'till', options: { isPackaged?: boolean; rendererIndex?: string; dir?: string; config?: string } = {}): Promise<Run> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `shell-${mode}-`));
  if (!options.dir) dirs.push(dir);
  const config = join(dir, 'config.toml');
  writeFileSync(config, `mode = "${mode}"\n${options.config ?? ''}[service]\npinHash = "${PIN_HASH}"\n`);
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
    expect(contents.fire('will-navigate', { url: 'https://evil.example/' }, 'https://evil.example/').prevented).toBe(true);
    expect(contents.fire('will-navigate', { url: 'file:///etc/passwd' }, 'file:///etc/passwd').prevented).toBe(true);
    expect(contents.fire('will-navigate', { url: 'app://ui/other.html' }, 'app://ui/other.html').prevented).toBe(true);
    expect(contents.fire('will-navigate', { url: 'app://ui/index.html' }, 'app://ui/index.html').prevented).toBe(false);
    // Electron 45 still passes the deprecated positional url; the guard reads the event's.
    expect(contents.fire('will-navigate', { url: 'https://evil.example/' }, 'app://ui/index.html').prevented).toBe(true);
    // The out-of-order page of a crash loop, and exactly that page.
    expect(contents.fire('will-navigate', { url: UNAVAILABLE_URL }, UNAVAILABLE_URL).prevented).toBe(false);
    expect(contents.fire('will-navigate', { url: `${UNAVAILABLE_URL}?x` }, `${UNAVAILABLE_URL}?x`).prevented).toBe(true);
    expect(contents.fire('will-frame-navigate', { url: UNAVAILABLE_URL, isMainFrame: true }).prevented).toBe(false);
    expect(contents.fire('will-redirect', {}, 'https://evil.example/').prevented).toBe(true);
    expect(contents.fire('will-frame-navigate', { url: 'https://evil.example/', isMainFrame: false }).prevented).toBe(true);
    expect(contents.fire('will-frame-navigate', { url: 'app://ui/other.html', isMainFrame: true }).prevented).toBe(true);
    expect(contents.fire('will-attach-webview').prevented).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    // Every other web contents (created later) gets the same treatment.
    const later = new (class extends (contents.constructor as typeof import('./fake-electron.js').FakeWebContents) {})();
    run.state.app.fire('web-contents-created', {}, later);
    expect(later.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(later.fire('will-navigate', { url: 'https://evil.example/' }, 'https://evil.example/').prevented).toBe(true);
    expect(later.fire('will-redirect', {}, 'https://evil.example/').prevented).toBe(true);
  });

  it('denies every permission and sets the CSP', () => {
    const s = run.state.session;
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
      s.permissionRequestHandler?.({}, permission, (g) => granted.push(g));
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

async function freePort(): Promise<number> {
  return await new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('electron/main.ts: the screen heals itself (Electron stand-in)', () => {
  let run: Run;
  let dir: string;
  let metricsUrl: string;
  const TOKEN = 'metrics-token-0123456789abcdef-shell';
  const restarts = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    return Object.fromEntries([...text.matchAll(/^kiosk_renderer_restarts_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  };
  const serviceLog = (): string => readFileSync(join(dir, 'data', 'logs', 'service.log'), 'utf8');

  it('a renderer crash reloads the kiosk page and is counted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-heal-'));
    dirs.push(dir);
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    run = await runMain('kiosk', { dir, config: `[metrics]\nlisten = "127.0.0.1:${port}"\ntoken = "${TOKEN}"\n` });
    expect(run.state.hardwareAccelerationDisabled).toBe(false);
    expect(await restarts()).toMatchObject({ crashed: 0, unresponsive: 0, 'crash-loop': 0 });
    run.window.webContents.fire('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(run.window.loaded).toEqual(['app://ui/index.html', 'app://ui/index.html']);
    expect(await restarts()).toMatchObject({ crashed: 1, 'crash-loop': 0 });
    // The reloaded page talks to the same service as before.
    expect(await run.invoke('config.get', {})).toMatchObject({ ok: true, value: { mode: 'kiosk' } });
  }, 90_000);

  it('a hang longer than the grace ends the renderer and reloads; an answer in time leaves it', async () => {
    const contents = run.window.webContents;
    contents.call('unresponsive');
    await new Promise((r) => setTimeout(r, HANG_GRACE_MS / 3));
    contents.call('responsive');
    await new Promise((r) => setTimeout(r, HANG_GRACE_MS));
    expect(contents.crashes).toBe(0);
    contents.call('unresponsive');
    await vi.waitFor(() => expect(contents.crashes).toBe(1), { timeout: HANG_GRACE_MS * 3, interval: 50 });
    expect(run.window.loaded.at(-1)).toBe('reload');
    // The stand-in reports the ended renderer as gone (reason killed): no second reload.
    await new Promise((r) => setTimeout(r, 100));
    expect(run.window.loaded.filter((url) => url === 'reload')).toHaveLength(1);
    expect(await restarts()).toMatchObject({ crashed: 1, killed: 0, unresponsive: 1 });
  }, 30_000);

  it('the fourth death within minutes shows the static out-of-order page, logs an error and counts a crash loop', async () => {
    const contents = run.window.webContents;
    contents.fire('render-process-gone', {}, { reason: 'oom', exitCode: 0 });
    expect(run.window.loaded.at(-1)).toBe('app://ui/index.html');
    contents.fire('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(run.window.loaded.at(-1)).toBe(UNAVAILABLE_URL);
    expect(await restarts()).toMatchObject({ crashed: 1, oom: 1, unresponsive: 1, 'crash-loop': 1 });
    await vi.waitFor(() => expect(serviceLog()).toMatch(/"level":"?(50|error)"?.*the renderer keeps dying/), { timeout: 10_000 });
    // Served from the app's own scheme, with the CSP, no script.
    const page = await run.state.protocolHandlers.get('app')!({ url: UNAVAILABLE_URL, method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('Касса временно не работает');
    expect(html).not.toMatch(/<script/i);
  });

  it('a GPU process death repaints now and starts the next run with software rendering', async () => {
    run.state.app.fire('child-process-gone', {}, { type: 'Utility', reason: 'crashed', exitCode: 11, name: 'Audio Service' });
    expect(existsSync(join(dir, 'data', SOFTWARE_RENDERING_FILE))).toBe(false);
    run.state.app.fire('child-process-gone', {}, { type: 'GPU', reason: 'crashed', exitCode: 134 });
    expect(run.window.webContents.repaints).toBe(1);
    expect(existsSync(join(dir, 'data', SOFTWARE_RENDERING_FILE))).toBe(true);
    await vi.waitFor(() => expect(serviceLog()).toMatch(/helper process of the app ended[\s\S]*the GPU process died/), { timeout: 10_000 });
    await run.stop();
    const next = await runMain('kiosk', { dir });
    try {
      // Called before the app was ready (the stand-in throws otherwise, as Electron refuses it).
      expect(next.state.hardwareAccelerationDisabled).toBe(true);
      await vi.waitFor(() => expect(serviceLog()).toMatch(/software rendering: the GPU process died in an earlier run/), { timeout: 10_000 });
    } finally {
      await next.stop();
    }
  }, 120_000);
});
