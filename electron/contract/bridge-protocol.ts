/** Messages of the WebSocket bridge (JSON text frames), its path and close codes. */
import type { WireResult } from './errors.js';
import type { EventName } from './methods.js';

export type ServerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: WireResult<unknown> }
  | { readonly type: 'event'; readonly name: EventName; readonly payload: unknown }
  /** A frame that is not a message of this protocol: answered, never thrown. `id` when the frame had a usable one. */
  | { readonly type: 'error'; readonly code: 'bad-message' | 'not-json'; readonly message: string; readonly id?: number };

/** Close codes. */
export const CLOSE_UNAUTHORISED = 4401;
export const CLOSE_BAD_MESSAGE = 4400;
/** Too many wrong hellos: try again later. */
export const CLOSE_THROTTLED = 4429;
/** The server failed on this connection's message (logged); other connections go on. */
export const CLOSE_INTERNAL = 1011;

export const BRIDGE_PATH = '/bridge';
