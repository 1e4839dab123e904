/** Shared test helpers: expected errors of each layer. */
import { expect } from 'vitest';
import { ConfigError } from '../electron/contract/errors.js';
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

/** Runs `run`, which must throw a ConfigError (a configuration file that cannot be used); returns it. */
export function configFileError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const ce = error as ConfigError;
    expect(ce.code).toBe('config-invalid');
    return ce;
  }
  throw new Error('expected a configuration error');
}
