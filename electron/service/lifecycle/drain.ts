/**
 * Drain, then stop. While the app runs, every operation a customer or a cashier started at the pin
 * pad (a sale, a refund, a receipt's cancellation, a service function) is tracked here. A stop
 * first closes the door — new money operations get `stopping` — then waits until everything
 * tracked has reached its final answer (and its journal entry), bounded; only then may the
 * bindings and the journal close. Electron and browser mode share this code (shutdown.ts).
 */
import { ServiceError } from '../../contract/errors.js';

export class OperationTracker {
  readonly #running = new Set<Promise<unknown>>();
  #stoppingReason: string | undefined;
  readonly #idleWaiters = new Set<() => void>();

  /** True once a stop has begun: no new money operation is accepted. */
  get stopping(): boolean {
    return this.#stoppingReason !== undefined;
  }

  /** Operations at the pin pad now (started by a customer or a cashier). */
  get count(): number {
    return this.#running.size;
  }

  /** Throws `stopping` once a stop has begun; called first by every operation that would move money. */
  refuseWhenStopping(what: string): void {
    if (this.#stoppingReason !== undefined)
      throw new ServiceError('stopping', `the app is stopping (${this.#stoppingReason}): no new ${what}`, { reason: this.#stoppingReason });
  }

  /** Closes the door: from now on `refuseWhenStopping` throws. Idempotent (the first reason stays). */
  beginStopping(reason: string): void {
    this.#stoppingReason ??= reason;
  }

  /** Tracks an operation until it settles; returns the same promise. */
  track<T>(operation: Promise<T>): Promise<T> {
    this.#running.add(operation);
    const done = (): void => {
      this.#running.delete(operation);
      if (this.#running.size === 0) for (const wake of [...this.#idleWaiters]) wake();
    };
    operation.then(done, done);
    return operation;
  }

  /** Resolves once nothing tracked is running (at once when idle). */
  idle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#idleWaiters.delete(wake);
        resolve();
      };
      this.#idleWaiters.add(wake);
    });
  }
}

export interface DrainOutcome {
  /** Everything at the pin pad reached its final answer within the bound. */
  readonly drained: boolean;
  /** Operations still running when the bound was reached (0 when drained). */
  readonly abandoned: number;
  readonly ms: number;
}

/**
 * Waits for `tracker` to be idle, at most `limitMs`. What is still running after that is left to
 * the stop (which aborts it; its journal state makes recovery at the next start ask the pin pad).
 */
export async function waitDrained(
  tracker: OperationTracker,
  limitMs: number,
  clock: { now(): number; setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void },
): Promise<DrainOutcome> {
  const started = clock.now();
  let handle: unknown;
  const timedOut = new Promise<false>((resolve) => {
    handle = clock.setTimeout(() => resolve(false), limitMs);
  });
  const drained = await Promise.race([tracker.idle().then(() => true as const), timedOut]);
  clock.clearTimeout(handle);
  return { drained, abandoned: drained ? 0 : tracker.count, ms: clock.now() - started };
}
