/** Error codes of the service. They cross IPC as `{ code, message, data }`; texts for people live in the UI catalogue. */
export const SERVICE_ERROR_CODES = [
  'invalid-input',
  'not-found',
  'receipt-closed',
  'receipt-blocked',
  'amount-exceeds-remaining',
  'method-disabled',
  'cash-only-at-till',
  'pinpad-busy',
  'pinpad-offline',
  'refund-exceeds-paid',
  'not-refundable',
  'sbp-partial-same-day',
  'switched-refund-cash',
  'not-unresolved',
  'unknown-method',
  'forbidden',
  /** Too many wrong service PINs: locked for a while (data.retryAfterSeconds). */
  'pin-locked',
  'internal',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

export interface ServiceErrorJSON {
  readonly code: ServiceErrorCode;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly data?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }

  toJSON(): ServiceErrorJSON {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}
