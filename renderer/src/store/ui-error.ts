/** An error as the screen holds it after it crossed the contract, and the one way to make it. */
import { isErrorCode, parseWireError, toWireError, type ErrorCode } from '../../../electron/contract/errors.js';

/** An error as it crossed the contract: its code is always one of the table's, so screens switch on known codes only. */
export interface UiError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * An error for the screens, straight from whatever crossed the contract: an error the bridge
 * client raised, or the plain `{ code, message, data }` the Electron preload passes on. Its code
 * comes from the contract's table; anything without one (a plain Error, a code a newer service
 * sent that this screen does not know) is 'internal', and a foreign code is kept in `data.code`
 * for the log.
 */
export function toUiError(error: unknown): UiError {
  const wire = error instanceof Error ? toWireError(error) : parseWireError(error);
  if (isErrorCode(wire.code)) return { code: wire.code, message: wire.message, ...(wire.data ? { data: wire.data } : {}) };
  return { code: 'internal', message: wire.message, data: { ...wire.data, code: wire.code } };
}
