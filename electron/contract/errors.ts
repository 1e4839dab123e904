/**
 * One error model for every layer: the code table (pin pad, service, bridge) with a message key
 * per code, the contract's error classes, and how an error crosses a boundary as
 * `{ code, message, data }` and is rebuilt as the same class on the other side.
 */
import { ERROR_CODES as PINPAD_ERROR_CODES, PinpadError, type ErrorCode as PinpadErrorCode } from '../../native/inpas/errors.js';

/** Codes of the main-process service (and of the binding that validates its input). */
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
  /** An idempotency key (or a receipt's client id) came back with other input; data.firstInput is the first call's. */
  'idempotency-conflict',
  /** The app is stopping: it finishes what is at the pin pad and takes no new money (data.reason). */
  'stopping',
  'internal',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** A configuration file that cannot be used (syntax, unknown key, wrong type): the app does not start. */
export const CONFIG_ERROR_CODES = ['config-invalid'] as const;
type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** Codes the bridge client makes itself, when the service cannot be reached. */
export const BRIDGE_ERROR_CODES = [
  'bridge-closed',
  'bridge-refused',
  'bad-message',
  'not-json',
  /** The client's hello asked for a major protocol version the service does not speak (data.supported). */
  'protocol-version',
] as const;
type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];

/**
 * The pin-pad driver's own words for what the contract already names: `busy` is `pinpad-busy`,
 * `link` is `pinpad-offline`, `config` is `config-invalid`. The driver and its CLI keep them (they
 * know nothing of the contract); a pin-pad error crossing the contract carries the contract's
 * code. Services of protocol 1.0 sent these three as they were: a client reads one as the code
 * it stands for (`canonicalCode`), and the bridge document lists them as aliases.
 */
export const ERROR_ALIASES = Object.freeze({ busy: 'pinpad-busy', link: 'pinpad-offline', config: 'config-invalid' } as const satisfies Partial<
  Record<PinpadErrorCode, ServiceErrorCode | ConfigErrorCode>
>);
type AliasCode = keyof typeof ERROR_ALIASES;
/** The pin-pad codes the contract has no other name for. */
type ContractPinpadCode = Exclude<PinpadErrorCode, AliasCode>;
const CONTRACT_PINPAD_CODES = PINPAD_ERROR_CODES.filter((code): code is ContractPinpadCode => !Object.hasOwn(ERROR_ALIASES, code));

/** The code an error travels with: an alias becomes the code it stands for; every other code is itself. */
export function canonicalCode(code: string): string {
  return Object.hasOwn(ERROR_ALIASES, code) ? ERROR_ALIASES[code as AliasCode] : code;
}

export type ErrorCode = ContractPinpadCode | ServiceErrorCode | ConfigErrorCode | BridgeErrorCode;
export type ErrorLayer = 'pinpad' | 'service' | 'config' | 'bridge';
/** The catalogue key of the texts for people (customer and cashier, ru and en). */
export type ErrorMessageKey = `error.${ErrorCode}`;

export interface ErrorEntry {
  readonly layer: ErrorLayer;
  readonly message: ErrorMessageKey;
}

function entries<C extends ErrorCode>(layer: ErrorLayer, codes: readonly C[]): [C, ErrorEntry][] {
  return codes.map((code) => [code, { layer, message: `error.${code}` }]);
}

/** The one code table. The pin-pad codes come from native's own leaf list (native imports nothing of ours), less its aliases. */
export const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorEntry>> = Object.freeze(
  Object.fromEntries([...entries('pinpad', CONTRACT_PINPAD_CODES), ...entries('service', SERVICE_ERROR_CODES), ...entries('config', CONFIG_ERROR_CODES), ...entries('bridge', BRIDGE_ERROR_CODES)]) as Record<
    ErrorCode,
    ErrorEntry
  >,
);

export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_TABLE) as ErrorCode[];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);
}

/** How every error crosses a boundary. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type WireResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** An error of the contract: a code from the table, a message for logs, optional data. */
export class KioskError extends Error {
  override readonly name: string = 'KioskError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly data?: Readonly<Record<string, unknown>>,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }

  toJSON(): WireError {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

/** An error of the service's rules (amounts, receipt state, refund rules, the PIN). */
export class ServiceError extends KioskError {
  override readonly name = 'ServiceError';
  declare readonly code: ServiceErrorCode;
  constructor(code: ServiceErrorCode, message: string, data?: Readonly<Record<string, unknown>>) {
    super(code, message, data);
  }
}

/** A configuration file that cannot be used; the message names the file and the key. */
export class ConfigError extends KioskError {
  override readonly name = 'ConfigError';
  declare readonly code: ConfigErrorCode;
  constructor(message: string, options: { data?: Record<string, unknown>; cause?: unknown } = {}) {
    super('config-invalid', message, options.data, options.cause);
  }
}

/** Any error that carries a code of the table. */
export type CodedError = KioskError | PinpadError;

/** An error as data, for a result or a message. Anything without a code of ours is 'internal'. */
export function toWireError(error: unknown): WireError {
  if (error instanceof KioskError) return error.toJSON();
  if (error instanceof PinpadError) return { ...error.toJSON(), code: canonicalCode(error.code) };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Reads an error that arrived as data; what is not a `{ code, message, data? }` is 'internal'. */
export function parseWireError(value: unknown): WireError {
  if (typeof value !== 'object' || value === null) return { code: 'internal', message: String(value) };
  const { code, message, data } = value as Record<string, unknown>;
  const text = typeof message === 'string' ? message : String(code ?? 'error');
  if (typeof code !== 'string') return { code: 'internal', message: text };
  const known = canonicalCode(code);
  return typeof data === 'object' && data !== null ? { code: known, message: text, data: data as Record<string, unknown> } : { code: known, message: text };
}

/** Rebuilds the error's class from its code: a pin-pad code gives a PinpadError, a service code a ServiceError. */
export function errorFromWire(wire: WireError): CodedError {
  const code = wire.code;
  if (!isErrorCode(code)) return new KioskError('internal', wire.message, { ...wire.data, code });
  switch (ERROR_TABLE[code].layer) {
    case 'pinpad':
      return PinpadError.fromJSON({ code: code as ContractPinpadCode, message: wire.message, ...(wire.data ? { data: wire.data } : {}) });
    case 'service':
      return new ServiceError(code as ServiceErrorCode, wire.message, wire.data);
    case 'config':
      return new ConfigError(wire.message, wire.data ? { data: { ...wire.data } } : {});
    default:
      return new KioskError(code, wire.message, wire.data);
  }
}
