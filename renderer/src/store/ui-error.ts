/** An error as the screen holds it after it crossed the contract, and the one way to make it. */

/** An error as it crossed the contract. */
export interface UiError {
  readonly code: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

export function toUiError(error: unknown): UiError {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const e = error as { code: string; message?: unknown; data?: unknown };
    return {
      code: e.code,
      message: typeof e.message === 'string' ? e.message : e.code,
      data: typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : undefined,
    };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
