/** Till transaction numbers (field 26) for the pinpad CLI: a durable, locked counter on disk, or the kiosk app's journal when run on a kiosk. */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, linkSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { hostname, homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PinpadError } from '../inpas/errors.js';
import { findKioskJournal, JournalEcrSource } from './journal-ecr.js';

/** Field 26 is 0..999999; 0 is never handed out, so a wrap goes 999999 → 1. */
export const MAX_ECR = 999_999;
/** A lock older than this was left by a process that died inside the critical section. */
export const STALE_LOCK_MS = 30_000;

const COUNTER_FILE = 'ecr-counter';
const LOCK_FILE = 'ecr-counter.lock';

export interface EcrCounterOptions {
  /** Where the counter lives; default {@link defaultStateDir}. */
  readonly dir?: string;
  /** Environment for the default directory (XDG_STATE_HOME, HOME). */
  readonly env?: NodeJS.ProcessEnv;
  /** How long next() waits for a lock held by another process, ms. */
  readonly lockWaitMs?: number;
  /** Age after which a lock is broken, ms. */
  readonly staleLockMs?: number;
  /** Clock, replaceable in tests. */
  readonly now?: () => number;
}

/** `$XDG_STATE_HOME/inpas-pinpad`, or `~/.local/state/inpas-pinpad` (relative XDG paths are ignored, as the spec says). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'inpas-pinpad');
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return join(home, '.local', 'state', 'inpas-pinpad');
}

function errno(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** next() is synchronous (it runs before any byte goes out), so the retry pause blocks. */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

interface LockOwner {
  readonly pid?: unknown;
  readonly host?: unknown;
  readonly at?: unknown;
}

/** A lock written on this machine by a process that no longer exists is stale at once. */
function ownerIsGone(owner: LockOwner): boolean {
  if (typeof owner.pid !== 'number' || !Number.isSafeInteger(owner.pid) || owner.pid <= 0 || owner.pid === process.pid) return false;
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return errno(error) === 'ESRCH';
  }
}

/**
 * The till transaction number (field 26), persisted so that it is never reused across runs,
 * crashes and concurrent `pinpad` processes. Each number is durable on disk (temp file,
 * fsync, rename, fsync of the directory) before next() returns it, so before any byte of
 * the request that carries it can reach the pin pad.
 */
export class EcrCounter {
  readonly dir: string;
  readonly file: string;
  readonly lockFile: string;
  readonly #lockWaitMs: number;
  readonly #staleLockMs: number;
  readonly #now: () => number;

  constructor(options: EcrCounterOptions = {}) {
    this.dir = options.dir ?? defaultStateDir(options.env);
    this.file = join(this.dir, COUNTER_FILE);
    this.lockFile = join(this.dir, LOCK_FILE);
    this.#lockWaitMs = options.lockWaitMs ?? 3000;
    this.#staleLockMs = options.staleLockMs ?? STALE_LOCK_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The last number handed out, or undefined when none was yet. Reads without locking. */
  last(): number | undefined {
    return this.#read();
  }

  /** Reserves and returns the next number, 1..999999. Throws `config` for an unusable directory or a corrupt file. */
  next(): number {
    this.#ensureDir();
    const fd = this.#lock();
    try {
      const last = this.#read() ?? 0;
      const next = last >= MAX_ECR ? 1 : last + 1;
      this.#write(next);
      return next;
    } finally {
      this.#unlock(fd);
    }
  }

  #ensureDir(): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new PinpadError('config', `cannot create the state directory ${this.dir} (use --state-dir): ${describe(error)}`, {
        data: { dir: this.dir },
        cause: error,
      });
    }
  }

  #read(): number | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if (errno(error) === 'ENOENT') return undefined;
      throw new PinpadError('config', `cannot read the till transaction counter ${this.file}: ${describe(error)}`, { data: { file: this.file }, cause: error });
    }
    const match = /^\s*(\d{1,6})\s*$/.exec(text);
    if (!match) {
      // Never reset silently: a reset would reuse numbers the terminal has already seen.
      throw new PinpadError(
        'config',
        `the till transaction counter ${this.file} is corrupt (${JSON.stringify(text.slice(0, 40))}); ` +
          `write the last till number used (0..${MAX_ECR}, see "pinpad report --full") into it, alone on one line`,
        { data: { file: this.file } },
      );
    }
    return Number(match[1]);
  }

  #write(value: number): void {
    const temp = join(this.dir, `${COUNTER_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const fd = openSync(temp, 'wx', 0o600);
      try {
        writeSync(fd, `${value}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file);
      this.#syncDir();
    } catch (error) {
      this.#removeQuietly(temp);
      throw new PinpadError('config', `cannot write the till transaction counter ${this.file}: ${describe(error)}`, {
        data: { file: this.file },
        cause: error,
      });
    }
  }

  /** Makes the rename itself durable. Windows cannot open a directory; its rename is already journaled. */
  #syncDir(): void {
    if (process.platform === 'win32') return;
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  #removeQuietly(path: string): void {
    try {
      unlinkSync(path);
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw new PinpadError('config', `cannot remove ${path}: ${describe(error)}`, { cause: error });
    }
  }

  #lock(): number {
    const deadline = this.#now() + this.#lockWaitMs;
    for (;;) {
      const fd = this.#tryCreateLock();
      if (fd !== undefined) return fd;
      let stats: Stats;
      try {
        stats = statSync(this.lockFile);
      } catch (error) {
        if (errno(error) === 'ENOENT') continue; // released in between
        throw new PinpadError('config', `cannot inspect the lock ${this.lockFile}: ${describe(error)}`, { cause: error });
      }
      const owner = this.#owner();
      if (this.#now() - stats.mtimeMs > this.#staleLockMs || ownerIsGone(owner)) {
        this.#breakStale(stats);
        continue;
      }
      if (this.#now() >= deadline) {
        throw new PinpadError(
          'busy',
          `the till transaction counter is locked by ${typeof owner.pid === 'number' ? `process ${owner.pid}` : 'another process'}` +
            `${typeof owner.host === 'string' ? ` on ${owner.host}` : ''} (${this.lockFile}); it is treated as stale after ${Math.round(this.#staleLockMs / 1000)} s`,
          { delivery: 'none', data: { file: this.lockFile } },
        );
      }
      sleepSync(2 + Math.floor(Math.random() * 8));
    }
  }

  /** The open lock, or undefined when another process holds it. */
  #tryCreateLock(): number | undefined {
    let fd: number;
    try {
      fd = openSync(this.lockFile, 'wx', 0o600);
    } catch (error) {
      if (errno(error) === 'EEXIST') return undefined;
      throw new PinpadError('config', `cannot create the lock ${this.lockFile}: ${describe(error)}`, { data: { file: this.lockFile }, cause: error });
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date(this.#now()).toISOString() }));
    } catch (error) {
      this.#unlock(fd);
      throw new PinpadError('config', `cannot write the lock ${this.lockFile}: ${describe(error)}`, { data: { file: this.lockFile }, cause: error });
    }
    return fd;
  }

  #owner(): LockOwner {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.lockFile, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as LockOwner) : {};
    } catch {
      // Gone, unreadable or half-written: the owner only feeds a message and the dead-process check.
      return {};
    }
  }

  /**
   * Breaks a lock seen stale. It is moved aside rather than deleted, then checked to be the
   * very file (inode) that was stale: if another process replaced it in between, that fresh
   * lock is put back (link fails if yet another exists, which then owns the lock).
   */
  #breakStale(stale: Stats): void {
    const aside = `${this.lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(this.lockFile, aside);
    } catch (error) {
      if (errno(error) === 'ENOENT') return; // someone else broke or released it
      throw new PinpadError('config', `cannot break the stale lock ${this.lockFile}: ${describe(error)}`, { cause: error });
    }
    const moved = statSync(aside);
    if (moved.ino !== stale.ino || moved.dev !== stale.dev) {
      try {
        linkSync(aside, this.lockFile);
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw new PinpadError('config', `cannot restore the lock ${this.lockFile}: ${describe(error)}`, { cause: error });
      }
    }
    this.#removeQuietly(aside);
  }

  /** Releases our lock; if it was broken as stale meanwhile, the file now there is someone else's and stays. */
  #unlock(fd: number): void {
    const ours = fstatSync(fd);
    closeSync(fd);
    let current: Stats;
    try {
      current = statSync(this.lockFile);
    } catch (error) {
      if (errno(error) === 'ENOENT') return;
      throw new PinpadError('config', `cannot inspect the lock ${this.lockFile}: ${describe(error)}`, { cause: error });
    }
    if (current.ino === ours.ino && current.dev === ours.dev) this.#removeQuietly(this.lockFile);
  }
}

/** Where till numbers come from: the file counter, or the kiosk app's journal. */
export interface EcrSource {
  /** The file the numbers are kept in. */
  readonly file: string;
  next(): number;
  last(): number | undefined;
}

/**
 * The till-number source for a `pinpad` run: an explicit --state-dir keeps the CLI's own
 * counter; otherwise, on a machine where the kiosk app keeps a journal ($PINPAD_JOURNAL, or the
 * installed app's), the numbers come from that journal, so the CLI and the app never reuse a
 * number on the same pin pad; otherwise the CLI's own counter in its default place.
 */
export function ecrSourceFor(options: { stateDir?: string | undefined; env?: NodeJS.ProcessEnv }): EcrSource {
  const env = options.env ?? process.env;
  if (options.stateDir !== undefined) return new EcrCounter({ dir: options.stateDir });
  const journal = findKioskJournal(env);
  if (journal !== undefined) return new JournalEcrSource(journal);
  return new EcrCounter({ dir: defaultStateDir(env) });
}
