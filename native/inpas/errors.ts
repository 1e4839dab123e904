/**
 * The pin-pad layer's error and its codes: a leaf list that the contract's one code table
 * includes (native imports nothing of ours). Errors cross boundaries as `{ code, message, data }`.
 */
export const ERROR_CODES = ['timeout', 'link', 'checksum', 'cancelled', 'config', 'busy', 'protocol', 'usage'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

import { TransportError, type Delivery } from '../transport/errors.js';

/** Whether a request can have reached the terminal (declared with the transport's errors). */
export type { Delivery };

export interface ErrorJSON {
  readonly code: ErrorCode;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export class PinpadError extends Error {
  override readonly name = 'PinpadError';
  readonly code: ErrorCode;
  readonly delivery: Delivery;
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: { delivery?: Delivery; data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.delivery = options.delivery ?? 'none';
    this.data = options.data;
  }

  /** A copy that says how far the request got. */
  withDelivery(delivery: Delivery): PinpadError {
    return new PinpadError(this.code, this.message, { delivery, data: this.data ? { ...this.data } : undefined, cause: this.cause });
  }

  toJSON(): ErrorJSON {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }

  static fromJSON(json: ErrorJSON): PinpadError {
    return new PinpadError(json.code, json.message, json.data ? { data: { ...json.data } } : {});
  }
}

/**
 * Any failure as a pin-pad error: a PinpadError as it is; a transport's error with its code, its
 * delivery and its data; anything else with the fallback code and delivery.
 */
export function asPinpadError(error: unknown, fallback: ErrorCode = 'link', delivery: Delivery = 'none'): PinpadError {
  if (error instanceof PinpadError) return error;
  if (error instanceof TransportError) {
    return new PinpadError(error.code, error.message, { delivery: error.delivery, ...(error.data ? { data: { ...error.data } } : {}), cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PinpadError(fallback, message, { delivery, cause: error });
}
