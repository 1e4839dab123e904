/**
 * Service log and pin-pad frame trace on disk.
 *
 * - Every line goes through `scrubText` (card numbers masked to 6/4, track 2 removed) before
 *   it reaches the file; a line that still looks like card data after that is not written.
 * - Writes are synchronous (`fs.writeSync` on an append-mode descriptor): a line that the
 *   call returned for is in the kernel, so a crash right after it does not lose it. Slower
 *   than an async stream, and that is the intended trade.
 * - A file that would grow past `maxSizeMB` is renamed to `<name>.<timestamp>.log` and a new
 *   one started; rotated files older than `retentionDays` are deleted at start and on every
 *   rotation.
 * - A logging failure (disk full, permissions) never throws into the caller: payments must
 *   not stop because a log line could not be written. The failure is counted and reported
 *   through `onError` / `lastError`.
 */
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { pino, type LevelWithSilent, type Logger } from 'pino';
import { containsCardData, maskPan, scrubText } from '../../../native/inpas/card-data.js';

export const SERVICE_LOG = 'service.log';
export const TRACE_LOG = 'pinpad-trace.log';
/** Base names of the log families kept in the logs folder; their rotated files are pruned by age. */
const FAMILIES = ['service', 'pinpad-trace'] as const;
const ROTATED = new RegExp(`^(?:${FAMILIES.join('|')})\\.[0-9A-Za-z-]+\\.log$`);
const DAY_MS = 86_400_000;

export interface RotationOptions {
  /** Folder of the log files; created when missing. */
  readonly dir: string;
  /** Rotate a file before it would grow past this (fractions allowed: 0.001 ≈ 1 KB). */
  readonly maxSizeMB: number;
  /** Delete rotated files whose last write is older than this. */
  readonly retentionDays: number;
  /** Clock for rotation names and pruning; replaceable in tests. */
  readonly now?: () => Date;
  /** Told about a failed write, rotation or deletion (the caller is never thrown at). */
  readonly onError?: (error: Error) => void;
}

/** Files held open by writers of this process; never pruned, whatever their age. */
const openFiles = new Set<string>();

/** One append-only log file with size rotation and age pruning; writes are synchronous. */
export class RotatingFile {
  readonly path: string;
  readonly dir: string;
  readonly #base: string;
  readonly #maxBytes: number;
  readonly #retentionMs: number;
  readonly #now: () => Date;
  readonly #onError: ((error: Error) => void) | undefined;
  #fd: number | undefined;
  #size = 0;
  #dropped = 0;
  #lastError: Error | undefined;

  constructor(fileName: string, options: RotationOptions) {
    if (!(options.maxSizeMB > 0)) throw new RangeError(`maxSizeMB must be above 0, got ${options.maxSizeMB}`);
    if (!(options.retentionDays > 0)) throw new RangeError(`retentionDays must be above 0, got ${options.retentionDays}`);
    this.dir = resolve(options.dir);
    this.path = join(this.dir, fileName);
    this.#base = fileName.replace(/\.log$/, '');
    this.#maxBytes = Math.max(1, Math.floor(options.maxSizeMB * 1024 * 1024));
    this.#retentionMs = options.retentionDays * DAY_MS;
    this.#now = options.now ?? (() => new Date());
    this.#onError = options.onError;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.#open();
    this.prune();
  }

  /** Lines that could not be written. */
  get droppedLines(): number {
    return this.#dropped;
  }

  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Bytes in the current file. */
  get size(): number {
    return this.#size;
  }

  #open(): void {
    this.#fd = openSync(this.path, 'a', 0o600);
    // A file left by an older version may be readable by others: only the service's user reads logs.
    try {
      fchmodSync(this.#fd, 0o600);
    } catch (error) {
      this.#fail(error);
    }
    openFiles.add(this.path);
    this.#size = fstatSync(this.#fd).size;
  }

  #fail(error: unknown): void {
    this.#lastError = error instanceof Error ? error : new Error(String(error));
    this.#onError?.(this.#lastError);
  }

  /** Appends text (already scrubbed by the caller's wrapper); rotates first when it would not fit. */
  write(text: string): void {
    if (text === '') return;
    const bytes = Buffer.from(text, 'utf8');
    try {
      if (this.#fd === undefined) throw new Error(`${this.path} is closed`);
      if (this.#size > 0 && this.#size + bytes.length > this.#maxBytes) this.rotate();
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.#fd!, bytes, offset, bytes.length - offset);
      this.#size += bytes.length;
    } catch (error) {
      this.#dropped++;
      this.#fail(error);
    }
  }

  /** Renames the current file to `<name>.<timestamp>.log`, starts a new one, prunes; returns the rotated path. */
  rotate(): string | undefined {
    if (this.#fd === undefined) return undefined;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = undefined;
    const closedAt = this.#now();
    const stamp = closedAt.toISOString().replace(/[:.]/g, '-');
    let target = join(this.dir, `${this.#base}.${stamp}.log`);
    for (let n = 1; existsSync(target); n++) target = join(this.dir, `${this.#base}.${stamp}-${n}.log`);
    try {
      renameSync(this.path, target);
      // Its age counts from now by this writer's clock (the same clock pruning uses).
      utimesSync(target, closedAt, closedAt);
    } finally {
      this.#open();
    }
    this.prune();
    return target;
  }

  /** Deletes rotated log files (of every family in the folder) older than the retention period; returns their paths. */
  prune(): string[] {
    const deleted: string[] = [];
    const cutoff = this.#now().getTime() - this.#retentionMs;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      this.#fail(error);
      return deleted;
    }
    for (const name of names) {
      if (!ROTATED.test(name)) continue;
      const path = join(this.dir, name);
      if (openFiles.has(path)) continue;
      try {
        if (statSync(path).mtimeMs < cutoff) {
          unlinkSync(path);
          deleted.push(path);
        }
      } catch (error) {
        // Another writer may have deleted it a moment ago; that is the wanted outcome.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#fail(error);
      }
    }
    return deleted;
  }

  /** Forces written lines to the device. */
  flush(callback?: (error?: Error) => void): void {
    try {
      if (this.#fd !== undefined) fsyncSync(this.#fd);
      callback?.();
    } catch (error) {
      this.#fail(error);
      callback?.(error as Error);
    }
  }

  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    openFiles.delete(this.path);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Card-data scrubbing of log lines
// ---------------------------------------------------------------------------------------------

/** A JSON-like value with card data scrubbed from every string and card-number-like number (which becomes a masked string). */
export function scrubJsonValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value === 'number') {
    const text = String(value);
    return scrubText(text) === text ? value : maskPan(text);
  }
  if (Array.isArray(value)) return value.map(scrubJsonValue);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[scrubText(key)] = scrubJsonValue(inner);
    return out;
  }
  return value;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * One JSON log line without card data. Scrubbing the text keeps it valid JSON when the
 * card data sits in strings; a card number logged as a JSON number would become invalid
 * JSON, so then the line is scrubbed value by value instead.
 */
export function scrubLogLine(line: string): string {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  const scrubbed = scrubText(body);
  if (scrubbed === body) return `${body}\n`;
  if (isJson(scrubbed)) return `${scrubbed}\n`;
  try {
    const again = JSON.stringify(scrubJsonValue(JSON.parse(body)));
    // Numbers beyond 2^53 change on parsing; a final text scrub covers what that hid.
    return `${containsCardData(again) ? scrubText(again) : again}\n`;
  } catch {
    return `${scrubbed}\n`;
  }
}

// ---------------------------------------------------------------------------------------------
// Service logger
// ---------------------------------------------------------------------------------------------

export interface LoggerOptions extends RotationOptions {
  /** Default 'info'. */
  readonly level?: LevelWithSilent;
}

export type ServiceLogger = Logger & { readonly logFile: RotatingFile };

/** Keys whose values are secrets: replaced before the line is even formatted. */
const REDACT = ['pin', 'pinHash', 'token', 'password', '*.pin', '*.pinHash', '*.token', '*.password'];

/** A pino logger writing JSON lines to `<dir>/service.log`, scrubbed of card data, rotated and pruned. */
export function createLogger(options: LoggerOptions): ServiceLogger {
  const file = new RotatingFile(SERVICE_LOG, options);
  const now = options.now ?? (() => new Date());
  const destination = {
    write(line: string): void {
      const clean = scrubLogLine(line);
      // scrubText removes everything containsCardData finds; this is the last line of defence.
      file.write(
        containsCardData(clean)
          ? `${JSON.stringify({ level: 50, time: now().toISOString(), msg: 'log line dropped: card data survived scrubbing' })}\n`
          : clean,
      );
    },
    flush(callback?: (error?: Error) => void): void {
      file.flush(callback);
    },
  };
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: () => `,"time":"${now().toISOString()}"`,
      redact: { paths: REDACT, censor: '[secret]' },
    },
    destination,
  );
  return Object.assign(logger, { logFile: file });
}

// ---------------------------------------------------------------------------------------------
// Frame trace
// ---------------------------------------------------------------------------------------------

export interface TraceWriter {
  readonly path: string;
  readonly file: RotatingFile;
  /** Appends one formatted trace entry (may span lines), time-stamped and scrubbed. */
  write(entry: string): void;
  close(): void;
}

/** The optional frame trace, `<dir>/pinpad-trace.log`, with the same rotation and pruning. */
export function createTraceWriter(options: RotationOptions): TraceWriter {
  const file = new RotatingFile(TRACE_LOG, options);
  const now = options.now ?? (() => new Date());
  return {
    path: file.path,
    file,
    write(entry: string): void {
      const clean = scrubText(entry.replace(/\r?\n$/, ''));
      file.write(
        containsCardData(clean) ? `${now().toISOString()} [trace entry dropped: card data survived scrubbing]\n` : `${now().toISOString()} ${clean}\n`,
      );
    },
    close(): void {
      file.close();
    },
  };
}
