/** Keeps the pin pad connected: builds the stream → link → session → driver stack, reconnects, and reports its health. */
import { existsSync } from 'node:fs';
import { FrameDecoder } from '../../native/inpas/codec.js';
import { PinpadDriver } from '../../native/inpas/driver.js';
import { PinpadError } from '../../native/inpas/errors.js';
import { Link, type LinkTraceEvent } from '../../native/inpas/link.js';
import type { TerminalProfile } from '../../native/inpas/profile.js';
import { Session } from '../../native/inpas/session.js';
import { Tag } from '../../native/inpas/tags.js';
import { SerialStream } from '../../native/transport/serial.js';
import { TcpStream } from '../../native/transport/tcp.js';
import type { ByteStream } from '../../native/transport/types.js';
import type { PinpadHealth } from '../contract/types.js';
import { crashArmed, crashPoint } from './crash-points.js';

export type PinpadTarget =
  { readonly kind: 'serial'; readonly path: string; readonly baudRate: number } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };


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
}

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
function crashTestStream(stream: ByteStream, money: ReadonlySet<number>, watch: CrashWatch): ByteStream {
  if (!crashArmed('mid-frame') && !crashArmed('after-ack')) return stream;
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
        if (crashArmed('mid-frame') && watch.lastOperation !== undefined && money.has(watch.lastOperation)) {
          await stream.write(data.subarray(0, Math.floor(data.length / 2)));
          await new Promise((r) => setTimeout(r, 20));
          crashPoint('mid-frame');
        }
      }
      await stream.write(data);
    },
    close: () => stream.close(),
    onData: (listener) => stream.onData(listener),
    onClose: (listener) => stream.onClose(listener),
  };
}

export function describeTarget(target: PinpadTarget): string {
  return target.kind === 'serial' ? target.path : `${target.host}:${target.port}`;
}

function defaultOpen(target: PinpadTarget): Promise<ByteStream> {
  return target.kind === 'serial'
    ? SerialStream.open({ path: target.path, baudRate: target.baudRate })
    : TcpStream.connect({ host: target.host, port: target.port });
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

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.#health = {
      state: 'connecting',
      emulator: options.emulator,
      target: describeTarget(options.target),
      terminalId: options.terminalId || undefined,
      model: undefined,
      problem: undefined,
      since: new Date().toISOString(),
    };
  }

  get health(): PinpadHealth {
    return this.#health;
  }

  #setHealth(change: Partial<PinpadHealth>): void {
    const stateChanged = change.state !== undefined && change.state !== this.#health.state;
    this.#health = { ...this.#health, ...change, ...(stateChanged ? { since: new Date().toISOString() } : {}) };
    this.options.onHealth?.(this.#health);
  }

  /** Starts connecting; resolves after the first attempt (connected or not). */
  async start(): Promise<void> {
    await this.#attempt();
  }

  /** The driver, or a `link` error (nothing sent) while the pin pad is away. */
  driver(): PinpadDriver {
    if (!this.#driver || !this.#stream?.isOpen) {
      throw new PinpadError('link', `the pin pad (${this.#health.target}) is not connected${this.#health.problem ? `: ${this.#health.problem}` : ''}`, {
        delivery: 'none',
      });
    }
    return this.#driver;
  }

  /** Waits up to `ms` for the connection (used right after start and after a replug). */
  async waitConnected(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
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
    let stream: ByteStream;
    try {
      stream = crashTestStream(await (this.options.open ?? defaultOpen)(target), money, watch);
    } catch (error) {
      this.#scheduleRetry(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.#stopped) {
      await stream.close();
      return;
    }
    const link = new Link(stream, { ackOptional: target.kind === 'tcp' });
    if (crashArmed('after-ack'))
      link.on('trace', (event) => {
        if (event.kind === 'control' && event.direction === 'rx' && event.control === 'ACK' && money.has(watch.lastOperation ?? -1)) crashPoint('after-ack');
      });
    if (this.options.onTrace) link.on('trace', this.options.onTrace);
    const session = new Session(link, { waitOperation: this.options.profile.operations.wait, commandOperation: this.options.profile.operations.userCommand });
    this.#driver = new PinpadDriver({
      session,
      profile: this.options.profile,
      terminalId: this.options.terminalId,
      currency: this.options.currency,
      operationTimeoutMs: this.options.operationTimeoutMs,
      ...(this.options.responseTimeoutMs !== undefined ? { responseTimeoutMs: this.options.responseTimeoutMs } : {}),
    });
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
      this.#stream = undefined;
      this.#driver = undefined;
      link.dispose();
      if (this.#stopped) return;
      this.#scheduleRetry(info.disconnected || deviceGone ? 'the pin pad was disconnected' : 'the connection was closed');
    });
    this.#setHealth({ state: 'connected', problem: undefined });
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
    const stream = this.#stream;
    this.#stream = undefined;
    this.#driver = undefined;
    await stream?.close().catch(() => undefined);
    this.#setHealth({ state: 'stopped' });
  }
}
