/**
 * The preload (sandboxed, context-isolated): exposes `window.kiosk`, the contract's API and
 * nothing else. Channel names come from the contract's name list; no Node API reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES, eventChannel, invokeChannel } from './contract/channels.js';
import { ServiceError, type WireResult } from './contract/errors.js';
import type { KioskApi } from './contract/methods.js';

const methods = new Set<string>(METHOD_NAMES);
const events = new Set<string>(EVENT_NAMES);

const kiosk = {
  async invoke(method, input) {
    // Errors are rejected as plain `{ code, message, data }`: the context bridge copies plain data
    // intact but drops an Error's own fields. The renderer rebuilds the class (renderer/src/api.ts).
    if (!methods.has(method)) throw new ServiceError('unknown-method', `unknown method ${String(method)}`).toJSON();
    const result = (await ipcRenderer.invoke(invokeChannel(method), input)) as WireResult<never>;
    if (result.ok) return result.value;
    throw result.error;
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
