/** The page's globals: `window.kiosk`, exposed by the Electron preload. */
import type { KioskApi } from '../../electron/contract/methods.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in browser mode. */
    readonly kiosk?: KioskApi;
  }
}

export {};
