/**
 * How a byte stream fails, in the transport's own terms: the link is gone or never came up, or
 * its settings are wrong. The pin-pad layer wraps these in its own error (inpas/errors.ts,
 * `asPinpadError`), keeping the code and how far a write got; the transport knows nothing of
 * the pin pad.
 */

/**
 * Whether a request can have reached the terminal. This decides between `failed`
 * (it cannot have acted) and `unknown` (it may have acted) for a money operation.
 */
export type Delivery = 'none' | 'maybe' | 'delivered';

/** `link`: the stream is closed, did not open or a write failed; `config`: its settings are wrong (nothing was opened). */
export type TransportErrorCode = 'link' | 'config';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  readonly delivery: Delivery;
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: TransportErrorCode, message: string, options: { delivery?: Delivery; data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.delivery = options.delivery ?? 'none';
    this.data = options.data;
  }
}
