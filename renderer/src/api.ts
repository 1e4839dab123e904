/**
 * The way to the service, behind one `KioskApi`: `window.kiosk` in Electron (the preload
 * exposes it), else the WebSocket bridge on this page's host with the token from the URL
 * fragment (browser mode). The page never opens anything else.
 */
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import { BRIDGE_PATH } from '../../electron/contract/bridge-protocol.js';
import { KioskError } from '../../electron/contract/errors.js';
import type { KioskApi } from '../../electron/contract/methods.js';

export interface PageOptions {
  readonly token: string | undefined;
  /** Kiosk idle timeout override, seconds (`#idle=`), for demos and tests. */
  readonly idleSeconds: number | undefined;
  /** After a finished receipt, seconds (`#done=`). */
  readonly doneSeconds: number | undefined;
  /** Kiosk: seconds "Нужно ещё время?" waits for an answer (tests shorten it). */
  readonly askSeconds: number | undefined;
  /** Show this receipt instead of the demo catalogue (`#receipt=`): a POS core opened it. */
  readonly receiptId: string | undefined;
}

function positiveNumber(text: string | null): number | undefined {
  if (text === null) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `#token=…&idle=30&receipt=…` → options. */
export function pageOptions(hash: string): PageOptions {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return {
    token: params.get('token') ?? undefined,
    idleSeconds: positiveNumber(params.get('idle')),
    doneSeconds: positiveNumber(params.get('done')),
    askSeconds: positiveNumber(params.get('ask')),
    receiptId: params.get('receipt') ?? undefined,
  };
}

export type Connection =
  | { readonly kind: 'electron'; readonly api: KioskApi }
  | { readonly kind: 'bridge'; readonly api: BridgeClient }
  | { readonly kind: 'none'; readonly api: KioskApi };

/** An API that refuses everything: the page was opened without a way to the service. */
function noApi(): KioskApi {
  return {
    invoke: () => Promise.reject(new KioskError('bridge-refused', 'no window.kiosk and no #token=… in the page address')),
    on: () => () => undefined,
  };
}

export function chooseConnection(win: Window, options: PageOptions, onConnection: (up: boolean) => void): Connection {
  // The preload's errors arrive as plain `{ code, message, data }` (the context bridge drops classes);
  // the store's `toUiError` reads them as they are, the one conversion from the wire to the screen.
  if (win.kiosk) return { kind: 'electron', api: win.kiosk };
  if (options.token && (win.location.protocol === 'http:' || win.location.protocol === 'https:')) {
    const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
    const client = new BridgeClient({ url: `${scheme}://${win.location.host}${BRIDGE_PATH}`, token: options.token, reconnectMs: 1000, onConnection });
    return { kind: 'bridge', api: client };
  }
  return { kind: 'none', api: noApi() };
}

/** Keeps trying the first connection (the service may start after the page); later drops reconnect by themselves. */
export async function connectWithRetry(client: BridgeClient, onError: (error: unknown) => void, retryMs = 2000): Promise<void> {
  for (;;) {
    try {
      await client.connect();
      return;
    } catch (error) {
      onError(error);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}
