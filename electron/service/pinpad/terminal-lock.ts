/**
 * The pin pad does one thing at a time: who holds it now (a sale, a refund, recovery, a
 * late-payment check, a service function), and which parts are being worked on live.
 */
import { ServiceError } from '../../contract/errors.js';

export class TerminalLock {
  #owner: string | undefined;
  /** Parts whose request is running now, with the controller that cancels it. */
  readonly inFlight = new Map<string, AbortController>();

  get owner(): string | undefined {
    return this.#owner;
  }

  /** Takes the pin pad or throws `pinpad-busy`. */
  claim(owner: string): void {
    if (this.#owner) throw new ServiceError('pinpad-busy', 'the pin pad is busy with another operation', { busyWith: this.#owner });
    this.#owner = owner;
  }

  /** Takes the pin pad when it is free; false when someone holds it. */
  tryClaim(owner: string): boolean {
    if (this.#owner) return false;
    this.#owner = owner;
    return true;
  }

  release(owner: string): void {
    if (this.#owner === owner) this.#owner = undefined;
  }
}
