/** Messages of the WebSocket bridge (JSON text frames), its path, protocol version and close codes. */
import type { WireResult } from './errors.js';
import type { EventName } from './methods.js';

/**
 * The bridge protocol's version, "major.minor" (docs/bridge/). A minor step only adds (an
 * optional input field, an output field, a method, an event, an error code); anything a client
 * of the same major could trip over is a new major.
 */
export const PROTOCOL_VERSION = '1.1';
/** Majors this service speaks; a hello asking for another one is refused with `protocol-version`. */
export const SUPPORTED_MAJORS: readonly number[] = [1];

/** The client's first frame. `protocol`: the major version it speaks (optional: without it, the current one). */
export interface HelloMessage {
  readonly type: 'hello';
  readonly token: string;
  readonly protocol?: number;
}

export type ServerMessage =
  | { readonly type: 'ready'; readonly protocol: string }
  | { readonly type: 'result'; readonly id: number; readonly result: WireResult<unknown> }
  | { readonly type: 'event'; readonly name: EventName; readonly payload: unknown }
  /** A frame that is not a message of this protocol: answered, never thrown. `id` when the frame had a usable one. */
  | {
      readonly type: 'error';
      readonly code: 'bad-message' | 'not-json' | 'protocol-version';
      readonly message: string;
      readonly id?: number;
      readonly data?: Readonly<Record<string, unknown>>;
    };

/** Close codes. */
export const CLOSE_UNAUTHORISED = 4401;
export const CLOSE_BAD_MESSAGE = 4400;
/** The hello asked for a protocol major this service does not speak (after an `error` frame saying which it does). */
export const CLOSE_PROTOCOL_VERSION = 4406;
/** Too many wrong hellos: try again later. */
export const CLOSE_THROTTLED = 4429;
/** The server failed on this connection's message (logged); other connections go on. */
export const CLOSE_INTERNAL = 1011;

export const BRIDGE_PATH = '/bridge';
/** A connection that has not said hello within this time is closed (CLOSE_UNAUTHORISED). */
export const HELLO_TIMEOUT_MS = 5000;
