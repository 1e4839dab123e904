import { expect } from 'vitest';
import { PinpadError, type ErrorCode } from '../native/inpas/errors.js';

/** Runs `run`, which must throw a PinpadError with this code; returns the error for more checks. */
export function pinpadError(run: () => unknown, code: ErrorCode): PinpadError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PinpadError);
    const pe = error as PinpadError;
    expect(pe.code).toBe(code);
    return pe;
  }
  throw new Error(`expected a ${code} error`);
}
