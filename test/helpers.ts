/** Shared test helpers: the terminal id and profile every rig uses, polling, sums, and the expected errors of each layer. */
import { expect } from 'vitest';
import { ConfigError } from '../electron/contract/errors.js';
import { PinpadError, type ErrorCode } from '../native/inpas/errors.js';
import { loadProfile, type TerminalProfile } from '../native/inpas/profile.js';

/** The terminal id of the emulated pin pad in every rig. */
export const TERMINAL_ID = '00322346';
/** The shipped terminal profile, loaded once (tests that change it take a copy). */
export const PROFILE: TerminalProfile = loadProfile();

/** Polls until `check` is true; throws with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Σ amount. */
export function sum(items: ReadonlyArray<{ readonly amount: number }>): number {
  return items.reduce((total, item) => total + item.amount, 0);
}

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
