/** The link layer: frames out with ACK/NAK, retransmission and timeouts; frames in checked and acknowledged. */
import type { ByteStream, CloseInfo } from '../transport/types.js';
import { CONTROL_BYTE, FrameDecoder, PacketAssembler, type ControlName, type DecodeEvent } from './codec.js';
import { asPinpadError, PinpadError } from './errors.js';
import type { Message } from './message.js';

export interface LinkOptions {
  /** How long to wait for ACK/NAK after a frame, ms. */
  readonly ackTimeoutMs?: number;
  /** Resends of a byte-identical frame after NAK or silence. */
  readonly maxRetransmissions?: number;
  /** Silence after which an incomplete frame is dropped, ms. */
  readonly interByteTimeoutMs?: number;
  /** Bad frames in a row after which the link reports a checksum fault. */
  readonly maxBadFrames?: number;
  /**
   * When the peer may not use ACK at all (TCP): a missing ACK is not a reason to resend,
   * and the frame counts as possibly delivered.
   */
  readonly ackOptional?: boolean;
  /** Whether to answer the peer's frames with ACK/NAK. */
  readonly sendAcks?: boolean;
  /**
   * Decides how a good frame is acknowledged; for the emulator's fault injection. 'nak'
   * treats the frame as if it had arrived damaged (it is not delivered); 'none' sends nothing.
   */
  readonly ackPolicy?: (raw: Buffer) => AckDecision;
  /** The timers, replaceable in tests. */
  readonly timers?: Timers;
}

export interface AckDecision {
  readonly action: 'ack' | 'nak' | 'none';
  readonly delayMs?: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What the link saw or did, for the frame trace. Raw bytes are given; trace.ts masks them. */
export type LinkTraceEvent =
  | { readonly direction: 'tx'; readonly kind: 'frame'; readonly raw: Buffer; readonly message: Message; readonly attempt: number }
  | { readonly direction: 'tx' | 'rx'; readonly kind: 'control'; readonly control: ControlName }
  | { readonly direction: 'rx'; readonly kind: 'frame'; readonly raw: Buffer; readonly message: Message }
  | { readonly direction: 'rx'; readonly kind: 'packet'; readonly raw: Buffer; readonly number: number }
  | { readonly direction: 'rx'; readonly kind: 'invalid'; readonly reason: string; readonly bytes: Buffer }
  | { readonly direction: 'rx'; readonly kind: 'note'; readonly text: string };

export interface LinkEvents {
  message: (message: Message) => void;
  control: (control: ControlName) => void;
  /** The peer sent bad frames repeatedly or broke a packet sequence. */
  fault: (error: PinpadError) => void;
  close: (info: CloseInfo) => void;
  trace: (event: LinkTraceEvent) => void;
}

type AckWaiter = (outcome: 'ack' | 'nak' | 'timeout' | 'implicit' | 'closed') => void;

/**
 * The link layer over a byte stream: frames out with ACK/NAK and retransmission, frames in
 * with ACK of every good frame (WAIT frames and packet parts included) and NAK of bad ones.
 * Both the till side (driver) and the terminal side (emulator) use it.
 */
export class Link {
  readonly stream: ByteStream;
  readonly #decoder = new FrameDecoder();
  readonly #assembler = new PacketAssembler();
  readonly #ackTimeoutMs: number;
  readonly #maxRetransmissions: number;
  readonly #interByteTimeoutMs: number;
  readonly #maxBadFrames: number;
  readonly #ackOptional: boolean;
  readonly #sendAcks: boolean;
  readonly #ackPolicy: ((raw: Buffer) => AckDecision) | undefined;
  readonly #timers: Timers;
  readonly #listeners: { [K in keyof LinkEvents]: Set<LinkEvents[K]> } = {
    message: new Set(),
    control: new Set(),
    fault: new Set(),
    close: new Set(),
    trace: new Set(),
  };
  #ackWaiter: AckWaiter | undefined;
  #queue: Promise<void> = Promise.resolve();
  #lastReceived: Buffer | undefined;
  #badInRow = 0;
  #staleTimer: unknown;
  readonly #unsubscribe: Array<() => void>;
  #closed = false;

  constructor(stream: ByteStream, options: LinkOptions = {}) {
    this.stream = stream;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.#maxRetransmissions = options.maxRetransmissions ?? 3;
    this.#interByteTimeoutMs = options.interByteTimeoutMs ?? 400;
    this.#maxBadFrames = options.maxBadFrames ?? 3;
    this.#ackOptional = options.ackOptional ?? false;
    this.#sendAcks = options.sendAcks ?? true;
    this.#ackPolicy = options.ackPolicy;
    this.#timers = options.timers ?? realTimers;
    this.#unsubscribe = [stream.onData((chunk) => this.#onData(chunk)), stream.onClose((info) => this.#onClose(info))];
    if (!stream.isOpen) this.#closed = true;
  }

  get isOpen(): boolean {
    return !this.#closed && this.stream.isOpen;
  }

  on<K extends keyof LinkEvents>(event: K, listener: LinkEvents[K]): () => void {
    this.#listeners[event].add(listener);
    return () => this.#listeners[event].delete(listener);
  }

  #emit<K extends keyof LinkEvents>(event: K, ...args: Parameters<LinkEvents[K]>): void {
    for (const listener of [...this.#listeners[event]]) (listener as (...a: Parameters<LinkEvents[K]>) => void)(...args);
  }

  /**
   * Sends one frame and waits for its ACK, resending the same bytes after NAK or silence.
   * Rejects with a `link` error whose `delivery` says whether the peer may have taken it:
   * only explicit NAKs mean it did not.
   */
  sendFrame(frame: Buffer, message: Message, options: { corruptFirst?: boolean } = {}): Promise<void> {
    // Frames go out one at a time: a command-mode answer may be asked for while the
    // request's own send is still finishing.
    const run = this.#queue.then(() => this.#sendNow(frame, message, options.corruptFirst ?? false));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sendNow(frame: Buffer, message: Message, corruptFirst: boolean): Promise<void> {
    let written = false;
    let silent = false;
    for (let attempt = 1; attempt <= this.#maxRetransmissions + 1; attempt++) {
      const outcome = this.#waitAck();
      try {
        // Fault injection (emulator only): the first transmission arrives with a bad CRC.
        await this.stream.write(corruptFirst && attempt === 1 ? corrupt(frame) : frame);
      } catch (error) {
        this.#ackWaiter = undefined;
        const pe = asPinpadError(error, 'link');
        throw pe.withDelivery(written || pe.delivery !== 'none' ? 'maybe' : 'none');
      }
      written = true;
      this.#emit('trace', { direction: 'tx', kind: 'frame', raw: frame, message, attempt });
      const result = await outcome;
      if (result === 'ack' || result === 'implicit') return;
      if (result === 'closed') throw new PinpadError('link', `${this.stream.description} closed while waiting for ACK`, { delivery: 'maybe' });
      if (result === 'timeout') {
        silent = true;
        if (this.#ackOptional) return;
      }
    }
    throw new PinpadError('link', `no ACK after ${this.#maxRetransmissions + 1} tries`, {
      delivery: silent ? 'maybe' : 'none',
      data: { tries: this.#maxRetransmissions + 1, nakOnly: !silent },
    });
  }

  async sendControl(control: ControlName): Promise<void> {
    await this.stream.write(Buffer.from([CONTROL_BYTE[control]]));
    this.#emit('trace', { direction: 'tx', kind: 'control', control });
  }

  #waitAck(): Promise<'ack' | 'nak' | 'timeout' | 'implicit' | 'closed'> {
    return new Promise((resolve) => {
      const timer = this.#timers.setTimeout(() => finish('timeout'), this.#ackTimeoutMs);
      const finish: AckWaiter = (outcome) => {
        if (this.#ackWaiter !== finish) return;
        this.#ackWaiter = undefined;
        this.#timers.clearTimeout(timer);
        resolve(outcome);
      };
      this.#ackWaiter = finish;
      if (this.#closed) finish('closed');
    });
  }

  #onData(chunk: Buffer): void {
    this.#handle(this.#decoder.push(chunk));
    this.#armStaleTimer();
  }

  #armStaleTimer(): void {
    if (this.#staleTimer !== undefined) this.#timers.clearTimeout(this.#staleTimer);
    this.#staleTimer = undefined;
    if (this.#decoder.pending === 0 || this.#closed) return;
    this.#staleTimer = this.#timers.setTimeout(() => {
      this.#staleTimer = undefined;
      this.#handle(this.#decoder.flushStale());
      this.#armStaleTimer();
    }, this.#interByteTimeoutMs);
  }

  #handle(events: DecodeEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'control':
          this.#emit('trace', { direction: 'rx', kind: 'control', control: event.control });
          if (event.control === 'ACK') this.#ackWaiter?.('ack');
          else if (event.control === 'NAK') this.#ackWaiter?.('nak');
          this.#emit('control', event.control);
          break;
        case 'invalid':
          this.#emit('trace', { direction: 'rx', kind: 'invalid', reason: event.reason, bytes: event.bytes });
          if (event.badFrame) this.#badFrame(event.reason);
          break;
        case 'frame':
          if (!this.#goodFrame(event.raw)) break;
          this.#emit('trace', { direction: 'rx', kind: 'frame', raw: event.raw, message: event.message });
          this.#emit('message', event.message);
          break;
        case 'packet': {
          if (!this.#goodFrame(event.raw)) break;
          this.#emit('trace', { direction: 'rx', kind: 'packet', raw: event.raw, number: event.packet.number });
          const assembled = this.#assembler.add(event.packet);
          if (assembled.type === 'message') this.#emit('message', assembled.message);
          else if (assembled.type === 'error')
            this.#emit('fault', new PinpadError('protocol', `multi-packet message: ${assembled.reason}`, { delivery: 'maybe' }));
          break;
        }
      }
    }
  }

  /** Acknowledges a good frame; false when the ACK policy rejects it as damaged. */
  #goodFrame(raw: Buffer): boolean {
    // A byte-identical repeat of the previous frame is the peer resending because it missed
    // our ACK: it says nothing about whether our own frame arrived, so it is no implicit ACK.
    const repeat = this.#lastReceived !== undefined && raw.equals(this.#lastReceived);
    this.#lastReceived = raw;
    const decision = this.#ackPolicy?.(raw) ?? { action: 'ack' };
    if (decision.action === 'nak') {
      this.#emit('trace', { direction: 'rx', kind: 'note', text: 'frame rejected on purpose (fault injection)' });
      this.#delayed(decision.delayMs, () => this.sendControl('NAK'));
      return false;
    }
    this.#badInRow = 0;
    // The peer evidently has our frame if it is already answering with something new.
    if (!repeat) this.#ackWaiter?.('implicit');
    if (this.#sendAcks && decision.action === 'ack') this.#delayed(decision.delayMs, () => this.sendControl('ACK'));
    return true;
  }

  #delayed(delayMs: number | undefined, send: () => Promise<void>): void {
    const run = (): void => {
      if (this.#closed) return;
      send().catch(() => undefined);
    };
    if (delayMs === undefined || delayMs <= 0) run();
    else this.#timers.setTimeout(run, delayMs);
  }

  #badFrame(reason: string): void {
    this.#badInRow++;
    if (this.#sendAcks) this.sendControl('NAK').catch(() => undefined);
    if (this.#badInRow >= this.#maxBadFrames) {
      this.#badInRow = 0;
      this.#emit('fault', new PinpadError('checksum', `${this.#maxBadFrames} bad frames in a row (last: ${reason})`, { delivery: 'maybe' }));
    }
  }

  #onClose(info: CloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#staleTimer !== undefined) this.#timers.clearTimeout(this.#staleTimer);
    this.#ackWaiter?.('closed');
    this.#emit('close', info);
  }

  /** Detaches from the stream without closing it. */
  dispose(): void {
    for (const off of this.#unsubscribe) off();
    if (this.#staleTimer !== undefined) this.#timers.clearTimeout(this.#staleTimer);
    this.#closed = true;
    this.#ackWaiter?.('closed');
  }
}

function corrupt(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
  return copy;
}
