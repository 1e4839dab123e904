/** Messages of the WebSocket bridge (JSON text frames). */
import type { EventName, WireResult } from '../ipc/contract.js';

export type ClientMessage =
  { readonly type: 'hello'; readonly token: string } | { readonly type: 'invoke'; readonly id: number; readonly method: string; readonly input: unknown };

export type ServerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: WireResult<unknown> }
  | { readonly type: 'event'; readonly name: EventName; readonly payload: unknown }
  | { readonly type: 'error'; readonly message: string };

/** Close codes. */
export const CLOSE_UNAUTHORISED = 4401;
export const CLOSE_BAD_MESSAGE = 4400;

export const BRIDGE_PATH = '/bridge';
