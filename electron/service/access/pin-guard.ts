/**
 * Guards the service PIN against guessing: checks run one at a time with scrypt off the event
 * loop; after 5 wrong PINs in a row each further one locks the PIN for twice as long. The count
 * and the lock live in the journal (a restart does not reset them); every refusal is audited.
 */
import type { AuditEvent } from '../../contract/audit-events.js';
import type Database from 'better-sqlite3';
import { ServiceError } from '../../contract/errors.js';
import { verifyPinAsync } from './service-pin.js';

export interface PinGuardOptions {
  /** Wrong PINs in a row before the first lock. */
  readonly freeTries?: number;
  /** The first lock, ms; each further wrong PIN doubles it. */
  readonly baseLockMs?: number;
  /** The longest lock, ms. */
  readonly maxLockMs?: number;
  readonly now?: () => Date;
  /** Told about every refusal (for the service log). */
  readonly onRefused?: (event: PinRefusal) => void;
}

export interface PinRefusal {
  readonly caller: string;
  readonly purpose: string;
  /** Wrong PINs in a row so far. */
  readonly failures: number;
  /** Set when the PIN is locked (now or already). */
  readonly lockedUntil: string | undefined;
  /** The PIN was not even checked: it was locked. */
  readonly whileLocked: boolean;
}

interface GuardRow {
  failures: number;
  locked_until: string | null;
}

export class PinGuard {
  readonly #db: Database.Database;
  readonly #hash: string | undefined;
  readonly #free: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #now: () => Date;
  readonly #onRefused: ((event: PinRefusal) => void) | undefined;
  /** One check at a time: parallel guesses queue up instead of racing past the count. */
  #queue: Promise<unknown> = Promise.resolve();

  /** `db`: the journal's database; `hash`: the configured PIN hash (none: every PIN is refused). */
  constructor(db: Database.Database, hash: string | undefined, options: PinGuardOptions = {}) {
    this.#db = db;
    this.#hash = hash;
    this.#free = options.freeTries ?? 5;
    this.#baseMs = options.baseLockMs ?? 30_000;
    this.#maxMs = options.maxLockMs ?? 3_600_000;
    this.#now = options.now ?? (() => new Date());
    this.#onRefused = options.onRefused;
  }

  #row(): GuardRow {
    return (
      (this.#db.prepare('SELECT failures, locked_until FROM service_pin_guard WHERE id = 1').get() as GuardRow | undefined) ?? {
        failures: 0,
        locked_until: null,
      }
    );
  }

  /** Wrong PINs in a row, and until when the PIN is locked (undefined when it is not). */
  get state(): { readonly failures: number; readonly lockedUntil: string | undefined } {
    const row = this.#row();
    const locked = row.locked_until !== null && Date.parse(row.locked_until) > this.#now().getTime();
    return { failures: row.failures, lockedUntil: locked ? row.locked_until! : undefined };
  }

  #audit(event: AuditEvent, detail: string): void {
    this.#db
      .prepare('INSERT INTO audit (at, receipt_id, part_id, from_state, to_state, event, detail) VALUES (?, NULL, NULL, NULL, NULL, ?, ?)')
      .run(this.#now().toISOString(), event, detail);
  }

  #refuse(caller: string, purpose: string, failures: number, lockedUntil: string | undefined, whileLocked: boolean): void {
    const detail = `${purpose} from ${caller}: ${whileLocked ? 'refused while locked' : 'wrong PIN'}; ${failures} wrong in a row${lockedUntil ? `; locked until ${lockedUntil}` : ''}`;
    this.#audit(whileLocked ? 'service-pin-locked' : 'service-pin-wrong', detail);
    this.#onRefused?.({ caller, purpose, failures, lockedUntil, whileLocked });
  }

  #lockedError(until: string): ServiceError {
    const seconds = Math.max(1, Math.ceil((Date.parse(until) - this.#now().getTime()) / 1000));
    return new ServiceError('pin-locked', `too many wrong service PINs: try again in ${seconds} s`, { lockedUntil: until, retryAfterSeconds: seconds });
  }

  /**
   * True for the right PIN, false for a wrong one; throws `pin-locked` (without checking) while
   * locked. `purpose` and `caller` go to the audit trail ("service.unlock", "bridge 127.0.0.1:5000").
   */
  check(pin: string, caller: string, purpose: string): Promise<boolean> {
    const run = this.#queue.then(() => this.#check(pin, caller, purpose));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #check(pin: string, caller: string, purpose: string): Promise<boolean> {
    const before = this.state;
    if (before.lockedUntil) {
      this.#refuse(caller, purpose, before.failures, before.lockedUntil, true);
      throw this.#lockedError(before.lockedUntil);
    }
    const right = this.#hash !== undefined && (await verifyPinAsync(pin, this.#hash));
    if (right) {
      if (before.failures > 0) this.#db.prepare('UPDATE service_pin_guard SET failures = 0, locked_until = NULL WHERE id = 1').run();
      return true;
    }
    const failures = before.failures + 1;
    const over = failures - this.#free;
    const lockedUntil = over >= 0 ? new Date(this.#now().getTime() + Math.min(this.#baseMs * 2 ** Math.min(over, 30), this.#maxMs)).toISOString() : undefined;
    this.#db
      .prepare(
        'INSERT INTO service_pin_guard (id, failures, locked_until) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until',
      )
      .run(failures, lockedUntil ?? null);
    this.#refuse(caller, purpose, failures, lockedUntil, false);
    return false;
  }
}
