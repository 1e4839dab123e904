/**
 * Idempotent money calls: a client's key makes a retry safe. The one place the rules live (the
 * service, so that IPC and the bridge share them):
 * - same method + same key + same input → the first call's result (the same part / receipt ids, as
 *   they are now: still at the pin pad, finished, or recovered after a restart); no money moves;
 * - same method + same key + other input → `idempotency-conflict`, naming the first call's input;
 * - concurrent calls with one key → one operation; a caller that comes while it runs gets its promise;
 * - the key is journaled in the same commit as the first money write of its operation (`bind`). A
 *   call refused before it wrote money state (invalid amount, receipt closed, pin pad busy) stores
 *   nothing: the same key may be sent again and is then a new call. A call that failed after it
 *   wrote money state stores its typed error, and a retry gets that error again;
 * - keys are kept KEY_RETENTION_MS (48 h) and then pruned: a pruned key is a new key;
 * - a repeat (`repeats`) proves the caller is the one who asked: in kiosk mode a reconnected
 *   customer screen gets its receipt back on it (permissions.ts).
 */
import { scrubText } from '../../../native/inpas/card-data.js';
import { errorFromWire, parseWireError, ServiceError, toWireError } from '../../contract/errors.js';
import { IDEMPOTENCY_KEY_PATTERN, type MethodName, type ParsedInput } from '../../contract/methods.js';
import type { Journal } from '../journal/journal.js';
import { IdempotencyStore } from '../journal/idempotency-store.js';
import type { ReceiptLine } from '../journal/part-lifecycle.js';

/** How long a key is kept, ms. */
export const KEY_RETENTION_MS = 48 * 60 * 60 * 1000;
/** How often old keys are pruned while the service runs, ms. */
export const KEY_PRUNE_EVERY_MS = 60 * 60 * 1000;

type KeyedMethod = 'payment.start' | 'refund.start' | 'receipt.cancel' | 'unknown.resolveManually' | 'lateWatch.end';

/** Called by an operation inside the commit of each money write it makes, with the id it wrote. */
export type Bind = (ref: string) => void;
const NO_KEY: Bind = () => undefined;

/** The input a payment.start key is journaled with (the call's fields without the key). */
export function paymentKeyInput(input: { receiptId: string; method: string; amount: number }): object {
  return { receiptId: input.receiptId, method: input.method, amount: input.amount };
}

/** The input a receipt.cancel key is journaled with. */
export function cancelKeyInput(receiptId: string, cashForUnrefundable: boolean | undefined): object {
  return { receiptId, cashForUnrefundable: cashForUnrefundable ?? false };
}

/** receipt.open with an existing id: the same lines (names as the journal keeps them) and the same total. */
export function sameReceiptInput(existing: { lines: readonly ReceiptLine[]; total: number }, input: { lines: readonly ReceiptLine[]; total: number }): boolean {
  const text = (lines: readonly ReceiptLine[]): string => JSON.stringify(lines.map((l) => [scrubText(l.name), l.quantity, l.amount]));
  return existing.total === input.total && text(existing.lines) === text(input.lines);
}

/** The same input, whatever order its fields came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export class IdempotentCalls {
  readonly store: IdempotencyStore;
  readonly #journal: Pick<Journal, 'getReceiptRow'>;
  readonly #now: () => Date;
  /** Calls with a key that are still running (async operations), by method and key. */
  readonly #running = new Map<string, { input: string; result: Promise<unknown> }>();

  constructor(journal: Journal, now: () => Date) {
    this.store = new IdempotencyStore(journal);
    this.#journal = journal;
    this.#now = now;
  }

  /**
   * True when a parsed `input` repeats an earlier call that reached the journal: payment.start or
   * receipt.cancel with the same key and the same input (still running, or kept), receipt.open with
   * an existing id and the same lines and total. A key alone, or other input, is no repeat.
   */
  repeats(method: MethodName, input: Record<string, unknown>): boolean {
    switch (method) {
      case 'payment.start': {
        const call = input as ParsedInput<'payment.start'>;
        return call.idempotencyKey !== undefined && this.#holds(method, call.idempotencyKey, paymentKeyInput(call));
      }
      case 'receipt.cancel': {
        const call = input as ParsedInput<'receipt.cancel'>;
        return call.idempotencyKey !== undefined && this.#holds(method, call.idempotencyKey, cancelKeyInput(call.receiptId, call.cashForUnrefundable));
      }
      case 'receipt.open': {
        const call = input as ParsedInput<'receipt.open'>;
        const existing = call.id === undefined ? undefined : this.#journal.getReceiptRow(call.id);
        return existing !== undefined && sameReceiptInput(existing, call);
      }
      default:
        return false;
    }
  }

  /** The key was sent before with exactly this input: its call still runs, or it is kept (not pruned). */
  #holds(method: KeyedMethod, key: string, input: object): boolean {
    const text = canonical(input);
    const running = this.#running.get(`${method}\n${key}`);
    if (running) return running.input === text;
    return this.store.get(method, key, this.#cutoff())?.input === text;
  }

  #cutoff(): number {
    return this.#now().getTime() - KEY_RETENTION_MS;
  }

  /** Forgets keys older than the retention; returns how many. */
  prune(): number {
    return this.store.prune(this.#cutoff());
  }

  /**
   * Runs `execute` once per key: it gets `bind` to journal the key with its money writes. A known
   * key gives `replay(refs)` (or the stored error); without a key `execute` runs as always.
   */
  run<T>(method: KeyedMethod, key: string | undefined, input: object, replay: (refs: readonly string[]) => T, execute: (bind: Bind) => T): T {
    if (key === undefined) return execute(NO_KEY);
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key))
      throw new ServiceError('invalid-input', 'idempotencyKey: 8-64 letters, digits and . _ : -', { field: 'idempotencyKey' });
    const text = canonical(input);
    const slot = `${method}\n${key}`;
    const running = this.#running.get(slot);
    if (running) {
      if (running.input !== text) throw conflict(method, key, running.input);
      return running.result as T;
    }
    const row = this.store.get(method, key, this.#cutoff());
    if (row) {
      if (row.input !== text) throw conflict(method, key, row.input);
      if (row.error !== undefined) throw errorFromWire(parseWireError(row.error));
      return replay(row.refs);
    }
    let bound = false;
    const bind: Bind = (ref) => {
      this.store.bind(method, key, text, ref, this.#now().getTime(), this.#cutoff());
      bound = true;
    };
    const failed = (error: unknown): never => {
      if (bound) this.store.fail(method, key, toWireError(error));
      throw error;
    };
    let result: T;
    try {
      result = execute(bind);
    } catch (error) {
      return failed(error);
    }
    if (!(result instanceof Promise)) return result;
    const tracked = result.catch(failed).finally(() => this.#running.delete(slot));
    this.#running.set(slot, { input: text, result: tracked });
    return tracked as T;
  }
}

function conflict(method: KeyedMethod, key: string, firstInput: string): ServiceError {
  return new ServiceError('idempotency-conflict', `idempotency key ${key} of ${method} was first sent with other input`, {
    method,
    idempotencyKey: key,
    firstInput: JSON.parse(firstInput) as unknown,
  });
}
