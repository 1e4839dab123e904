/**
 * A small recording stand-in for the `electron` module, so that the real electron/main.ts runs
 * in the tests without the Electron binary: it records windows, IPC handlers, session handlers,
 * protocol registrations and the menu, and lets a test fire their events. State lives on
 * globalThis, so a fresh import of main.ts (vi.resetModules) still reports to the same place.
 */
type Listener = (...args: never[]) => unknown;

export class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  /** Calls every listener with a preventable event first; says whether one prevented it. */
  fire(event: string, ...args: unknown[]): { prevented: boolean; results: unknown[] } {
    let prevented = false;
    const evt = { preventDefault: () => (prevented = true), ...((args[0] as object | undefined) ?? {}) };
    const results = (this.listeners.get(event) ?? []).map((listener) => (listener as (...a: unknown[]) => unknown)(evt, ...args.slice(1)));
    return { prevented, results };
  }
  /** Calls the listeners with the given arguments as they are (no event object). */
  call(event: string, ...args: unknown[]): unknown[] {
    return (this.listeners.get(event) ?? []).map((listener) => (listener as (...a: unknown[]) => unknown)(...args));
  }
}

export class FakeWebContents extends Emitter {
  windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  /** Every page load, in order: loadURL(url), and `reload` for reload(). */
  readonly loaded: string[] = [];
  devToolsClosed = 0;
  devToolsOpen = false;
  destroyed = false;
  /** Calls of forcefullyCrashRenderer() and invalidate(). */
  crashes = 0;
  repaints = 0;
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  reload(): void {
    this.loaded.push('reload');
  }
  /** Like Electron: the renderer is ended, and `render-process-gone` (reason killed) follows later. */
  forcefullyCrashRenderer(): void {
    this.crashes++;
    setTimeout(() => this.fire('render-process-gone', {}, { reason: 'killed', exitCode: 9 }), 5);
  }
  invalidate(): void {
    this.repaints++;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isDevToolsOpened(): boolean {
    return this.devToolsOpen;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  closeDevTools(): void {
    this.devToolsClosed++;
  }
}

export interface FakeState {
  userData: string;
  isPackaged: boolean;
  readonly app: Emitter;
  readonly windows: BrowserWindow[];
  readonly ipcHandlers: Map<string, (event: unknown, payload: unknown) => unknown>;
  readonly privilegedSchemes: unknown[];
  readonly protocolHandlers: Map<string, (request: { url: string; method?: string }) => Promise<Response>>;
  readonly menus: unknown[];
  readonly session: {
    headersHandler?: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: unknown) => void) => void;
    permissionRequestHandler?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
    permissionCheckHandler?: (...args: unknown[]) => boolean;
    devicePermissionHandler?: (...args: unknown[]) => boolean;
  };
  quitCalls: number;
  exitCode: number | undefined;
  /** app.whenReady() was called (Electron: ready); app.disableHardwareAcceleration() was called before it. */
  ready: boolean;
  hardwareAccelerationDisabled: boolean;
}

const KEY = Symbol.for('fake-electron-state');

export function resetFake(userData: string, isPackaged = false): FakeState {
  const state: FakeState = {
    userData,
    isPackaged,
    app: new Emitter(),
    windows: [],
    ipcHandlers: new Map(),
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    menus: [],
    session: {},
    quitCalls: 0,
    exitCode: undefined,
    ready: false,
    hardwareAccelerationDisabled: false,
  };
  (globalThis as Record<symbol, unknown>)[KEY] = state;
  return state;
}

export function fake(): FakeState {
  const state = (globalThis as Record<symbol, unknown>)[KEY] as FakeState | undefined;
  if (!state) throw new Error('resetFake() first');
  return state;
}

export class BrowserWindow extends Emitter {
  readonly webContents = new FakeWebContents();
  shown = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    fake().windows.push(this);
  }
  /** The page loads of its web contents (BrowserWindow.loadURL is webContents.loadURL in Electron). */
  get loaded(): string[] {
    return this.webContents.loaded;
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  loadFile(path: string): Promise<void> {
    return this.webContents.loadURL(`loadFile:${path}`);
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
  isDestroyed(): boolean {
    return this.webContents.destroyed;
  }
}

export const app = {
  get isPackaged(): boolean {
    return fake().isPackaged;
  },
  requestSingleInstanceLock: (): boolean => true,
  on: (event: string, listener: Listener): unknown => fake().app.on(event, listener),
  once: (event: string, listener: Listener): unknown => fake().app.on(event, listener),
  whenReady: (): Promise<void> => {
    fake().ready = true;
    return Promise.resolve();
  },
  /** Like Electron: only before the app is ready. */
  disableHardwareAcceleration: (): void => {
    if (fake().ready) throw new Error('app.disableHardwareAcceleration() can only be called before the app is ready');
    fake().hardwareAccelerationDisabled = true;
  },
  getPath: (name: string): string => {
    if (name !== 'userData') throw new Error(`getPath(${name}) is not faked`);
    return fake().userData;
  },
  quit: (): void => {
    fake().quitCalls++;
  },
  exit: (code = 0): void => {
    fake().exitCode = code;
  },
};


export const ipcMain = {
  handle: (channel: string, handler: (event: unknown, payload: unknown) => unknown): void => {
    fake().ipcHandlers.set(channel, handler);
  },
};

export const session = {
  get defaultSession() {
    const s = fake().session;
    return {
      webRequest: { onHeadersReceived: (handler: NonNullable<FakeState['session']['headersHandler']>) => (s.headersHandler = handler) },
      setPermissionRequestHandler: (handler: NonNullable<FakeState['session']['permissionRequestHandler']>) => (s.permissionRequestHandler = handler),
      setPermissionCheckHandler: (handler: NonNullable<FakeState['session']['permissionCheckHandler']>) => (s.permissionCheckHandler = handler),
      setDevicePermissionHandler: (handler: NonNullable<FakeState['session']['devicePermissionHandler']>) => (s.devicePermissionHandler = handler),
    };
  },
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]): void => {
    fake().privilegedSchemes.push(...schemes);
  },
  handle: (scheme: string, handler: (request: { url: string; method?: string }) => Promise<Response>): void => {
    fake().protocolHandlers.set(scheme, handler);
  },
};

export const Menu = {
  setApplicationMenu: (menu: unknown): void => {
    fake().menus.push(menu);
  },
};

export const contextBridge = {};
export const ipcRenderer = {};
export default { app, BrowserWindow, ipcMain, session, protocol, Menu, contextBridge, ipcRenderer };
