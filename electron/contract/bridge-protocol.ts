/** Messages of the WebSocket bridge (JSON text frames), its path and close codes. */
import type { WireResult } from './errors.js';
import type { EventName } from './methods.js';

export type ServerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: WireResult<unknown> }
  | { readonly type: 'event'; readonly name: EventName; readonly payload: unknown }
  | { readonly type: 'error'; readonly message: string };

/** Close codes. */
export const CLOSE_UNAUTHORISED = 4401;
export const CLOSE_BAD_MESSAGE = 4400;

export const BRIDGE_PATH = '/bridge';
