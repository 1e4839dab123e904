/**
 * What crosses a process boundary, without the schemas: the renderer imports this (and the
 * contract's types) without pulling zod into its bundle.
 */

/** How every error crosses a boundary. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type WireResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** An error from the main process, as the renderer receives it. */
export class KioskError extends Error {
  override readonly name = 'KioskError';
  constructor(
    readonly code: string,
    message: string,
    readonly data?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}
