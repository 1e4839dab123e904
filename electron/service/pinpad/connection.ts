/** Keeps the pin pad connected: builds the stream → link → session → driver stack (native/inpas/stack.ts), reconnects, and reports its health. */
import { existsSync } from 'node:fs';
import { FrameDecoder } from '../../../native/inpas/codec.js';
import type { PinpadDriver } from '../../../native/inpas/driver.js';
import { PinpadError } from '../../../native/inpas/errors.js';
import type { LinkTraceEvent } from '../../../native/inpas/link.js';
import type { Message } from '../../../native/inpas/message.js';
import type { TerminalProfile } from '../../../native/inpas/profile.js';
import { describeTarget, openPinpadStack, openTargetStream, type PinpadStack, type PinpadTarget } from '../../../native/inpas/stack.js';
import { Tag } from '../../../native/inpas/tags.js';
import type { ByteStream } from '../../../native/transport/types.js';
import type { PinpadHealth } from '../../contract/types.js';
import { NO_CRASHES, type CrashHooks } from '../crash-points.js';

export { describeTarget, type PinpadTarget };

export interface ConnectionOptions {
  readonly target: PinpadTarget;
  readonly profile: TerminalProfile;
  readonly terminalId: string;
  readonly currency: string;
  /** Whole-operation timeout, ms (the configuration's `timeout`). */
  readonly operationTimeoutMs: number;
  readonly responseTimeoutMs?: number;
  readonly emulator: boolean;
  /** How often to look for the device while it is away, ms. */
  readonly retryMs?: number;
  readonly onHealth?: (health: PinpadHealth) => void;
  readonly onTrace?: (event: LinkTraceEvent) => void;
  /** Opens the byte stream; replaceable in tests. */
  readonly open?: (target: PinpadTarget) => Promise<ByteStream>;
  /** A request with no byte back for this long means the pin pad does not answer, ms (default 5 s; a live one ACKs at once). */
  readonly noAnswerMs?: number;
  /** The service's clock (default: the system's). */
  readonly now?: () => Date;
  /** Where a crash-matrix child kills itself (default: nowhere). */
  readonly crash?: CrashHooks;
}

/** A live pin pad ACKs a request at once; this long with nothing back and it is "not answering". */
const NO_ANSWER_MS = 5000;

/**
 * For the crash matrix only. The crash points around a request ('mid-frame': half of it written;
 * 'after-ack': the terminal ACKed it) concern the money request a part journaled and sends
 * (sale, QR payment, void, refund), not the connection test at start or a status query.
 */
interface CrashWatch {
  /** Operation code of the last frame written (its field 25). */
  lastOperation: number | undefined;
}

function moneyOperations(profile: TerminalProfile): ReadonlySet<number> {
  return new Set([profile.operations.sale, profile.operations.void, profile.operations.refund, profile.sbp.payment.operation, profile.sbp.refund.operation]);
}

function frameOperation(data: Uint8Array): number | undefined {
  for (const event of new FrameDecoder().push(data)) if (event.type === 'frame') return event.message.int(Tag.operation);
  return undefined;
}

/** For the crash matrix only: a stream that notes the operation of every frame written, and dies halfway through writing a money request. */
function crashTestStream(stream: ByteStream, money: ReadonlySet<number>, watch: CrashWatch, crash: CrashHooks): ByteStream {
  if (!crash.armed('mid-frame') && !crash.armed('after-ack')) return stream;
  // A delegating object, not Object.create(stream): the streams keep their listeners in private
  // fields, which a method called on a prototype-derived object cannot reach (it throws).
  return {
    get isOpen() {
      return stream.isOpen;
    },
    get description() {
      return stream.description;
    },
    write: async (data: Uint8Array): Promise<void> => {
      if (data.length > 1) {
        watch.lastOperation = frameOperation(data);
        if (crash.armed('mid-frame') && watch.lastOperation !== undefined && money.has(watch.lastOperation)) {
          await stream.write(data.subarray(0, Math.floor(data.length / 2)));
          await new Promise((r) => setTimeout(r, 20));
          crash.point('mid-frame');
        }
      }
      await stream.write(data);
    },
    close: () => stream.close(),
    onData: (listener) => stream.onData(listener),
    onClose: (listener) => stream.onClose(listener),
  };
}

/**
 * Keeps the pin pad connected: opens the port, notices an unplug, and reconnects with a new
 * port object when the device comes back. Nothing is ever re-sent on reconnect: an operation
 * cut by the unplug ends as unknown and goes to recovery.
 */
export class PinpadConnection {
  readonly options: ConnectionOptions;
  #stream: ByteStream | undefined;
  #driver: PinpadDriver | undefined;
  #health: PinpadHealth;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #connecting: Promise<void> | undefined;
  /** The id the pin pad answered with when it differs from the configured one. */
  #wrongId: string | undefined;
  /** A request is out and nothing has come back since: ends the wait for "not answering". */
  #silence: NodeJS.Timeout | undefined;
  readonly #now: () => Date;
  readonly #crash: CrashHooks;

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.#now = options.now ?? (() => new Date());
    this.#crash = options.crash ?? NO_CRASHES;
    this.#health = {
      state: 'connecting',
      emulator: options.emulator,
      target: describeTarget(options.target),
      terminalId: options.terminalId || undefined,
      model: undefined,
      problem: undefined,
      since: this.#now().toISOString(),
      lastAnswerAt: undefined,
      answering: true,
    };
  }

  get health(): PinpadHealth {
    return this.#health;
  }

  #setHealth(change: Partial<PinpadHealth>): void {
    const stateChanged = change.state !== undefined && change.state !== this.#health.state;
    this.#health = { ...this.#health, ...change, ...(stateChanged ? { since: this.#now().toISOString() } : {}) };
    this.options.onHealth?.(this.#health);
  }

  /**
   * Whether the pin pad answers, from the line itself, not from the port being open: a request
   * written starts a wait; any byte back (an ACK, a WAIT, an answer) ends it and is the last
   * answer. A change of answering is a health change (screens and the log hear of it); a new last
   * answer alone is kept quietly (`pinpad.health` reads it), so a payment's frames cause no events.
   */
  #watchAnswers(event: LinkTraceEvent): void {
    if (event.direction === 'tx') {
      if (event.kind === 'frame' && this.#silence === undefined) {
        this.#silence = setTimeout(() => {
          this.#silence = undefined;
          if (this.#stopped || !this.#health.answering) return;
          const since = this.#health.lastAnswerAt ? `; its last answer was at ${this.#health.lastAnswerAt}` : '; it has not answered since the app started';
          this.#setHealth({
            answering: false,
            problem: `the pin pad does not answer: a request got nothing back for ${Math.round((this.options.noAnswerMs ?? NO_ANSWER_MS) / 1000)} s${since}`,
          });
        }, this.options.noAnswerMs ?? NO_ANSWER_MS);
        this.#silence.unref?.();
      }
      return;
    }
    if (event.kind === 'note') return;
    clearTimeout(this.#silence);
    this.#silence = undefined;
    const lastAnswerAt = this.#now().toISOString();
    if (this.#health.answering) this.#health = { ...this.#health, lastAnswerAt };
    else this.#setHealth({ answering: true, lastAnswerAt, problem: this.#health.state === 'connected' ? undefined : this.#health.problem });
  }

  /** Starts connecting; resolves after the first attempt (connected or not). */
  async start(): Promise<void> {
    await this.#attempt();
  }

  /** The driver, or a `link` error (nothing sent) while the pin pad is away. */
  driver(): PinpadDriver {
    if (this.#wrongId !== undefined && this.#driver && this.#stream?.isOpen) throw this.#wrongIdError();
    if (!this.#driver || !this.#stream?.isOpen) {
      throw new PinpadError('link', `the pin pad (${this.#health.target}) is not connected${this.#health.problem ? `: ${this.#health.problem}` : ''}`, {
        delivery: 'none',
      });
    }
    return this.#driver;
  }

  #wrongIdError(): PinpadError {
    return new PinpadError('config', this.#health.problem ?? 'wrong terminal id', {
      delivery: 'none',
      data: { terminalId: this.#wrongId, configured: this.options.terminalId },
    });
  }

  /** A terminal answers a request with a wrong terminal id with an error reply that holds its real id. */
  #checkTerminalId(message: Message): void {
    const configured = this.options.terminalId;
    const answered = message.text(Tag.terminalId);
    if (configured === '' || answered === undefined || answered === '') return;
    if (answered === configured) {
      if (this.#wrongId !== undefined) {
        this.#wrongId = undefined;
        this.#setHealth({ state: 'connected', problem: undefined });
      }
      return;
    }
    if (this.#wrongId === answered) return;
    this.#wrongId = answered;
    this.#setHealth({
      state: 'wrong-terminal-id',
      problem: `the pin pad's terminal id is ${answered}, the configuration says ${configured}: set pinpad.id = "${answered}" (or fix the pin pad) and restart; payments are refused until then`,
    });
  }

  /** Waits up to `ms` for the connection (used right after start and after a replug). */
  async waitConnected(ms: number): Promise<boolean> {
    // Counted in steps of the poll, not read from a clock: a test's hand-moved clock cannot hold it.
    for (let waited = 0; waited < ms; waited += 50) {
      if (this.#health.state === 'connected') return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.#health.state === 'connected';
  }

  #attempt(): Promise<void> {
    if (this.#connecting) return this.#connecting;
    this.#connecting = this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const { target } = this.options;
    if (target.kind === 'serial' && !existsSync(target.path)) {
      this.#scheduleRetry(`${target.path} does not exist (cable unplugged, or the udev rule is missing)`);
      return;
    }
    const money = moneyOperations(this.options.profile);
    const watch: CrashWatch = { lastOperation: undefined };
    const open = this.options.open ?? openTargetStream;
    let opened = false;
    let stack: PinpadStack;
    try {
      stack = await openPinpadStack(target, {
        profile: this.options.profile,
        terminalId: this.options.terminalId,
        currency: this.options.currency,
        operationTimeoutMs: this.options.operationTimeoutMs,
        ...(this.options.responseTimeoutMs !== undefined ? { responseTimeoutMs: this.options.responseTimeoutMs } : {}),
        open: async (to) => {
          const stream = crashTestStream(await open(to), money, watch, this.#crash);
          opened = true;
          return stream;
        },
        onTrace: (event) => {
          if (
            this.#crash.armed('after-ack') &&
            event.kind === 'control' &&
            event.direction === 'rx' &&
            event.control === 'ACK' &&
            money.has(watch.lastOperation ?? -1)
          )
            this.#crash.point('after-ack');
          this.#watchAnswers(event);
          this.options.onTrace?.(event);
        },
      });
    } catch (error) {
      // Wrong driver settings are the caller's to hear about; a port that does not open is retried.
      if (opened) throw error;
      this.#scheduleRetry(error instanceof Error ? error.message : String(error));
      return;
    }
    const { stream, link } = stack;
    if (this.#stopped) {
      link.dispose();
      await stream.close();
      return;
    }
    link.on('message', (message) => this.#checkTerminalId(message));
    this.#driver = stack.driver;
    this.#stream = stream;
    let deviceGone = false;
    // The port does not always report a vanished device at once (a pseudo-terminal, some USB
    // drivers): also watch the device node itself, once a second, which costs no CPU to speak of.
    const watchdog =
      target.kind === 'serial'
        ? setInterval(() => {
            if (this.#stream !== stream) {
              clearInterval(watchdog);
              return;
            }
            if (!existsSync(target.path)) {
              clearInterval(watchdog);
              deviceGone = true;
              void stream.close().catch(() => undefined);
            }
          }, 1000)
        : undefined;
    watchdog?.unref?.();
    stream.onClose((info) => {
      clearInterval(watchdog);
      if (this.#stream !== stream) return;
      clearTimeout(this.#silence);
      this.#silence = undefined;
      this.#stream = undefined;
      this.#driver = undefined;
      link.dispose();
      if (this.#stopped) return;
      this.#scheduleRetry(info.disconnected || deviceGone ? 'the pin pad was disconnected' : 'the connection was closed');
    });
    // A pin pad plugged in again may be another one: its id is checked again on its next answer.
    this.#wrongId = undefined;
    this.#setHealth({ state: 'connected', problem: undefined, answering: true });
  }

  #scheduleRetry(problem: string): void {
    if (this.#stopped) return;
    this.#setHealth({ state: this.#health.state === 'connecting' && !this.#stream ? 'reconnecting' : 'reconnecting', problem });
    clearTimeout(this.#timer);
    // A plain timer, not a busy loop: no CPU is spent while the device is away.
    this.#timer = setTimeout(() => void this.#attempt(), this.options.retryMs ?? 1000);
    this.#timer.unref?.();
  }

  /** Records what a connection test told about the terminal. */
  noteTerminal(info: { terminalId?: string | undefined; model?: string | undefined }): void {
    this.#setHealth({ ...(info.terminalId ? { terminalId: info.terminalId } : {}), ...(info.model ? { model: info.model } : {}) });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#silence);
    const stream = this.#stream;
    this.#stream = undefined;
    this.#driver = undefined;
    await stream?.close().catch(() => undefined);
    this.#setHealth({ state: 'stopped' });
  }
}

/**
 * The log of the pin pad's connection, rate-limited: one line per change of state (or of the
 * problem named), and while nothing changes — a pin pad unplugged for hours is retried every
 * second — one summary line per `summaryMs` with how many attempts there were, not a line each.
 */
export class ConnectionLog {
  readonly #write: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;
  readonly #now: () => number;
  readonly #summaryMs: number;
  #last: { state: string; problem: string | undefined } | undefined;
  #repeats = 0;
  #since = 0;

  constructor(options: { write: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void; now: () => number; summaryMs?: number }) {
    this.#write = options.write;
    this.#now = options.now;
    this.#summaryMs = options.summaryMs ?? 60_000;
  }

  note(health: Pick<PinpadHealth, 'state' | 'problem' | 'target'>): void {
    const now = this.#now();
    const same = this.#last !== undefined && this.#last.state === health.state && this.#last.problem === health.problem;
    if (!same) {
      this.#flush(now);
      this.#last = { state: health.state, problem: health.problem };
      this.#since = now;
      this.#write(
        health.state === 'connected' ? 'info' : 'warn',
        { pinpad: health.state, problem: health.problem, target: health.target },
        'pin pad connection',
      );
      return;
    }
    this.#repeats++;
    if (now - this.#since >= this.#summaryMs) this.#flush(now);
  }

  #flush(now: number): void {
    if (this.#repeats === 0 || !this.#last) return;
    this.#write(
      'warn',
      { pinpad: this.#last.state, problem: this.#last.problem, attempts: this.#repeats, seconds: Math.round((now - this.#since) / 1000) },
      'pin pad connection unchanged',
    );
    this.#repeats = 0;
    this.#since = now;
  }
}
