import type { KioskApi } from '../../electron/ipc/contract.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in browser mode. */
    readonly kiosk?: KioskApi;
  }
}

export {};
