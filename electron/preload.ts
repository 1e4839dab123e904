/**
 * The preload (sandboxed, context-isolated): exposes `window.kiosk`, the contract's API and
 * nothing else. Channel names come from the contract's name list; no Node API reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES, eventChannel, invokeChannel } from './ipc/channels.js';
import type { KioskApi, WireResult } from './ipc/contract.js';

const methods = new Set<string>(METHOD_NAMES);
const events = new Set<string>(EVENT_NAMES);

const kiosk = {
  async invoke(method, input) {
    if (!methods.has(method)) throw Object.assign(new Error(`unknown method ${String(method)}`), { code: 'unknown-method' });
    const result = (await ipcRenderer.invoke(invokeChannel(method), input)) as WireResult<never>;
    if (result.ok) return result.value;
    // Plain data crosses the context bridge intact; the renderer reads code/message/data.
    throw Object.assign(new Error(result.error.message), { code: result.error.code, data: result.error.data });
  },
  on(event, listener) {
    if (!events.has(event)) throw new Error(`unknown event ${String(event)}`);
    const channel = eventChannel(event);
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
} satisfies KioskApi;

contextBridge.exposeInMainWorld('kiosk', kiosk);
