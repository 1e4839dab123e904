/** An error as the screen holds it after it crossed the contract, and the one way to make it. */
import { isErrorCode, toWireError, type ErrorCode } from '../../../electron/contract/errors.js';

/** An error as it crossed the contract: its code is always one of the table's, so screens switch on known codes only. */
export interface UiError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * An error for the screens: its code from the contract's table. Anything without one (a plain
 * Error, a code a newer service sent that this screen does not know) is 'internal', and a
 * foreign code is kept in `data.code` for the log.
 */
export function toUiError(error: unknown): UiError {
  const wire = toWireError(error);
  if (isErrorCode(wire.code)) return { code: wire.code, message: wire.message, ...(wire.data ? { data: wire.data } : {}) };
  return { code: 'internal', message: wire.message, data: { ...wire.data, code: wire.code } };
}
