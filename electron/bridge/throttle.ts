/**
 * Slows down token guessing on the bridge: after a few wrong hellos, wrong hellos (from anyone)
 * are answered one per slot and the refusals are counted for the log. The right token never
 * waits for a slot (see the bridge server).
 */

export interface HelloThrottleOptions {
  /** Wrong hellos within the window before checks are spaced out. */
  readonly freeFailures?: number;
  /** A failure counts for this long, ms. */
  readonly windowMs?: number;
  /** Spacing between checks while throttled, ms. */
  readonly slotMs?: number;
  /** Hellos waiting for a slot beyond this are refused at once. */
  readonly maxWaiting?: number;
  readonly now?: () => number;
}

export class HelloThrottle {
  readonly #free: number;
  readonly #windowMs: number;
  readonly #slotMs: number;
  readonly #maxWaiting: number;
  readonly #now: () => number;
  #recent: number[] = [];
  #nextSlot = 0;
  #waiting = 0;
  /** Wrong hellos since the bridge started. */
  failures = 0;

  constructor(options: HelloThrottleOptions = {}) {
    this.#free = options.freeFailures ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#slotMs = options.slotMs ?? 250;
    this.#maxWaiting = options.maxWaiting ?? 32;
    this.#now = options.now ?? Date.now;
  }

  /** Wrong hellos within the window. */
  get recentFailures(): number {
    const since = this.#now() - this.#windowMs;
    this.#recent = this.#recent.filter((at) => at > since);
    return this.#recent.length;
  }

  get throttled(): boolean {
    return this.recentFailures >= this.#free;
  }

  /**
   * When the next wrong hello may be answered: `delayMs` from now (0 while not throttled); call
   * `done()` once it was. Undefined when too many already wait (refuse it now).
   */
  reserve(): { readonly delayMs: number; done(): void } | undefined {
    if (!this.throttled) return { delayMs: 0, done: () => undefined };
    if (this.#waiting >= this.#maxWaiting) return undefined;
    const now = this.#now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + this.#slotMs;
    this.#waiting++;
    let released = false;
    return {
      delayMs: slot - now,
      done: () => {
        if (released) return;
        released = true;
        this.#waiting--;
      },
    };
  }

  noteFailure(): void {
    this.failures++;
    this.#recent.push(this.#now());
  }
}
