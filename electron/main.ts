/**
 * The Electron main process: one instance, one window, the security baseline, and the
 * payment service started and stopped with the app. Money is decided in the service; this
 * file only hosts it and binds the contract to Electron IPC.
 */
import { app, BrowserWindow, ipcMain, Menu, protocol, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ORIGIN, APP_SCHEME, appSchemeResponse } from './app-scheme.js';
import { EVENT_NAMES, METHOD_NAMES, eventChannel, invokeChannel } from './contract/channels.js';
import { ServiceError } from './contract/errors.js';
import type { CallContext } from './contract/methods.js';
import { createDispatcher } from './ipc/dispatch.js';
import { startBridge } from './bridge/server.js';
import { contentSecurityPolicy } from './web-content.js';
import { startServiceApp, type ServiceApp } from './service/app.js';
import { createHandlers, subscribeServiceEvents } from './service/handlers.js';
import { loadConfig } from './service/config/config.js';
import { childProcessWatcher, softwareRenderingChosen, UNAVAILABLE_HTML, UNAVAILABLE_URL, watchWindowHealth, type HealthClock } from './window-health.js';
import { createShutdown, onStopSignals, type Shutdown } from './service/lifecycle/shutdown.js';
import { supervisorFromEnv } from './service/lifecycle/supervisor.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, 'preload.cjs');

/**
 * The built UI's index.html. KIOSK_RENDERER_INDEX points elsewhere in development builds only:
 * a packaged app never lets its environment choose what the trusted window shows.
 */
function rendererIndex(): string {
  const override = process.env.KIOSK_RENDERER_INDEX;
  return override && !app.isPackaged ? resolve(override) : join(here, '..', 'renderer', 'index.html');
}

/** The UI is served from its own privileged scheme, app://ui/, never from file://. */
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
let pageUrl = `${APP_ORIGIN}/index.html`;

/** Keys that would let a customer leave, reload or inspect the kiosk. */
const KIOSK_BLOCKED_KEYS = new Set(['F5', 'F11', 'F12', 'Escape']);
const KIOSK_BLOCKED_CTRL = new Set(['r', 'w', 'q', 'n', 't', 'p', 's', 'o', 'u', 'i', 'j', 'f', '+', '-', '=', '0']);

let mainWindow: BrowserWindow | undefined;
let quitAllowed = false;
/** The drain-then-stop sequence (service/lifecycle/shutdown.ts); set once the service is up. */
let shutdown: Shutdown | undefined;
/** Set once the drain is over: the window may close and the app exit. */
let closeAllowed = false;
const contexts = new WeakMap<WebContents, CallContext>();

function configPath(): string | undefined {
  const arg = process.argv.find((a) => a.startsWith('--config='));
  if (arg) return arg.slice('--config='.length);
  if (process.env.KIOSK_CONFIG) return process.env.KIOSK_CONFIG;
  const system = '/etc/inpas-kiosk/config.toml';
  return existsSync(system) ? system : undefined;
}

/** IPC only from our own window showing our own page. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!mainWindow || event.sender !== mainWindow.webContents || !frame) return false;
  return frame.url.startsWith(`${APP_ORIGIN}/`);
}

/** The pages the window may show: the kiosk page, and the out-of-order page of a crash loop. */
function ourPage(url: string): boolean {
  return url === pageUrl || url === UNAVAILABLE_URL;
}

/** Only our own page, never another address: not by a link, a redirect, a frame or a new window. */
function onlyOurPage(event: { readonly url: string; preventDefault(): void }): void {
  if (!ourPage(event.url)) event.preventDefault();
}

/** Time for the screen's self-healing, from the one place that may read the clock. */
const systemClock: HealthClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function hardenContents(contents: WebContents, kiosk: boolean): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', onlyOurPage);
  contents.on('will-redirect', (event) => event.preventDefault());
  // Sub-frames too (the page has none; an injected one goes nowhere).
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !ourPage(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  if (kiosk) {
    contents.on('before-input-event', (event, input) => {
      const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
      if (KIOSK_BLOCKED_KEYS.has(input.key) || ((input.control || input.meta) && KIOSK_BLOCKED_CTRL.has(key)) || (input.alt && input.key === 'F4'))
        event.preventDefault();
    });
    contents.on('devtools-opened', () => contents.closeDevTools());
  }
}

async function createWindow(svc: ServiceApp): Promise<void> {
  const kiosk = svc.config.mode === 'kiosk';
  mainWindow = new BrowserWindow({
    show: false,
    fullscreen: kiosk,
    kiosk,
    autoHideMenuBar: true,
    width: 1280,
    height: 800,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: !kiosk,
      spellcheck: false,
      // A middle click must not open a link in a new window.
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      navigateOnDragDrop: false,
    },
  });
  hardenContents(mainWindow.webContents, kiosk);
  // The screen heals itself: a dead or hung renderer is reloaded (the service keeps the payment).
  const contents = mainWindow.webContents;
  const health = watchWindowHealth({
    contents,
    pageUrl,
    clock: systemClock,
    log: svc.logger,
    countRestart: (reason) => svc.metrics?.metrics.countRendererRestart(reason),
  });
  contents.on('render-process-gone', (_event, details) => health.rendererGone(details));
  contents.on('unresponsive', () => health.unresponsive());
  contents.on('responsive', () => health.responsive());
  mainWindow.on('closed', () => health.dispose());
  mainWindow.on('close', (event) => {
    if (closeAllowed) return;
    // A kiosk's window closes only behind the PIN. A till's closed window stops the app, but it
    // stays up until what is at the pin pad has its answer on the screen.
    event.preventDefault();
    if (!kiosk) requestStop('window closed');
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  await mainWindow.loadURL(pageUrl);
}

/** Drain, then exit 0 (signals, app.quit, a till's window closed); repeated requests join the same drain. */
function requestStop(reason: string): void {
  if (!shutdown) {
    app.exit(0);
    return;
  }
  quitAllowed = true;
  if (shutdown.requested) {
    void shutdown.request(reason);
    return;
  }
  void shutdown
    .request(reason)
    .catch((error: unknown) => console.error('the stop failed:', error))
    .finally(() => {
      closeAllowed = true;
      offSignals();
      app.exit(0);
    });
}
/** SIGTERM / SIGINT handlers, installed once the service is up; removed just before the exit. */
let offSignals = (): void => undefined;

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // A GPU process died in an earlier run: software rendering (see window-health.ts); only possible before ready.
  const software = softwareRenderingChosen(app.getPath('userData'));
  if (software) app.disableHardwareAcceleration();
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', onlyOurPage);
    contents.on('will-redirect', (event) => event.preventDefault());
  });
  await app.whenReady();

  const index = rendererIndex();
  const rendererRoot = dirname(index);
  pageUrl = `${APP_ORIGIN}/${encodeURI(basename(index))}`;
  const builtInPages = new Map([[UNAVAILABLE_URL, UNAVAILABLE_HTML]]);
  protocol.handle(APP_SCHEME, (request) => appSchemeResponse(request, rendererRoot, builtInPages));

  const csp = contentSecurityPolicy(undefined);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);

  // Started by the desktop session's autostart: only kiosks start by themselves; a till is opened by the cashier.
  if (process.argv.includes('--autostart')) {
    const path = configPath();
    if ((path ? loadConfig(path).mode : 'kiosk') !== 'kiosk') {
      app.quit();
      return;
    }
  }

  const svc = await startServiceApp({
    ...(configPath() ? { configPath: configPath()! } : {}),
    dataDir: app.getPath('userData'),
    quit: () => {
      quitAllowed = true;
      app.quit();
    },
  });
  if (software) svc.logger.warn({ since: software.at, gpuReason: software.reason }, 'software rendering: the GPU process died in an earlier run');
  const childGone = childProcessWatcher({
    dataDir: app.getPath('userData'),
    clock: systemClock,
    log: svc.logger,
    repaint: () => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.invalidate();
    },
  });
  app.on('child-process-gone', (_event, details) => childGone(details));
  // A kiosk has no menu bar (no Reload, no Toggle DevTools, no Quit behind an accelerator).
  if (svc.config.mode === 'kiosk') Menu.setApplicationMenu(null);
  const dispatch = createDispatcher(createHandlers(svc), (line, data) => svc.logger.warn({ ...data }, line));
  let windowCount = 0;
  for (const name of METHOD_NAMES) {
    ipcMain.handle(invokeChannel(name), (event, payload: unknown) => {
      if (!trustedSender(event)) {
        svc.logger.warn({ method: name, url: event.senderFrame?.url }, 'IPC from an untrusted sender refused');
        return { ok: false, error: new ServiceError('forbidden', 'IPC from an untrusted sender').toJSON() };
      }
      let ctx = contexts.get(event.sender);
      if (!ctx) {
        ctx = { unlocked: false, caller: `window ${++windowCount}` };
        contexts.set(event.sender, ctx);
      }
      return dispatch(name, payload, ctx);
    });
  }
  // The same contract on loopback for a POS core on this machine, when the configuration enables it.
  let closeBridge: (() => Promise<void>) | undefined;
  if (svc.config.bridge.enabled && svc.config.bridge.token) {
    const bridge = await startBridge({
      port: svc.config.bridge.port,
      token: svc.config.bridge.token,
      dispatch,
      subscribe: (emit) => subscribeServiceEvents(svc, emit),
      log: (line, data) => svc.logger.warn({ ...data }, line),
    });
    svc.logger.info({ url: bridge.wsUrl }, 'bridge for a POS core listening');
    closeBridge = () => bridge.close();
  }
  subscribeServiceEvents(svc, (name, payload) => {
    if (EVENT_NAMES.includes(name) && mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel(name), payload);
  });

  app.on('before-quit', (event) => {
    if (svc.config.mode === 'kiosk' && !quitAllowed) {
      event.preventDefault();
      return;
    }
  });
  // The bridge and the window stay up through the drain; app.exit(0) ends the app after it.
  const supervisor = supervisorFromEnv(
    process.env,
    () => svc.probeJournal(),
    (line, data) => svc.logger.warn({ ...data }, line),
  );
  shutdown = createShutdown({ app: svc, ...(closeBridge ? { closeBindings: closeBridge } : {}), supervisor });
  offSignals = onStopSignals(process, requestStop);
  app.on('will-quit', (event) => {
    if (closeAllowed) return;
    event.preventDefault();
    requestStop('quit');
  });
  app.on('window-all-closed', () => {
    if (svc.config.mode !== 'kiosk') requestStop('last window closed');
  });
  await createWindow(svc);
  void supervisor?.ready(`Taking payments (${svc.config.mode})`);
}

void main().catch((error: unknown) => {
  console.error('the app could not start:', error);
  app.exit(1);
});
