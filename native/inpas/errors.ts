/**
 * The pin-pad layer's error and its codes: a leaf list that the contract's one code table
 * includes (native imports nothing of ours). Errors cross boundaries as `{ code, message, data }`.
 */
export const ERROR_CODES = ['timeout', 'link', 'checksum', 'cancelled', 'config', 'busy', 'protocol', 'usage'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Whether a request can have reached the terminal. This decides between `failed`
 * (it cannot have acted) and `unknown` (it may have acted) for a money operation.
 */
export type Delivery = 'none' | 'maybe' | 'delivered';

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

export function asPinpadError(error: unknown, fallback: ErrorCode = 'link'): PinpadError {
  if (error instanceof PinpadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PinpadError(fallback, message, { cause: error });
}
