/** An error as the screen holds it after it crossed the contract, and the one way to make it. */
import { toWireError } from '../../../electron/contract/errors.js';

/** An error as it crossed the contract. */
export interface UiError {
  readonly code: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/** An error for the screens: its code from the contract's table (anything without one is 'internal'). */
export function toUiError(error: unknown): UiError {
  return toWireError(error);
}
