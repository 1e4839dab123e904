/** One request/response exchange with the terminal: WAIT frames, command-mode requests and the matching final answer. */
import { encodeFrame } from './codec.js';
import { asPinpadError, PinpadError } from './errors.js';
import type { Link, Timers } from './link.js';
import { Message, type FieldInput } from './message.js';
import { Tag } from './tags.js';

/** Something the terminal said before its final answer. */
export type SessionEvent =
  | { readonly type: 'sent' }
  | { readonly type: 'wait'; readonly message: Message }
  | { readonly type: 'screen'; readonly text: string }
  | { readonly type: 'cashier-request'; readonly text: string }
  | { readonly type: 'command'; readonly command: number | undefined; readonly result: 0 | 1 }
  | { readonly type: 'abort-sent' };

/** The answer the till gives a command-mode request: 0 done, 1 failed / not supported. */
export interface CommandReply {
  readonly result: 0 | 1;
  readonly fields?: FieldInput;
}

/** Decides how to answer the terminal's command-mode requests (25=63 without field 39). */
export type CommandHandler = (request: Message) => CommandReply;

export interface TransactOptions {
  /** Silence after which the answer is given up, ms. Restarted by every frame received. */
  readonly responseTimeoutMs: number;
  /** The whole operation, ms. */
  readonly operationTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** After an abort is sent, how long to wait for the terminal's own final answer, ms. */
  readonly abortGraceMs?: number;
  readonly onEvent?: (event: SessionEvent) => void;
  /** Operation codes besides the request's own that its final answer may carry (a sale that became an SBP payment). */
  readonly answerOperations?: readonly number[];
}

export interface SessionOptions {
  /** Operation code of WAIT frames (21). */
  readonly waitOperation?: number;
  /** Operation code of command-mode requests and user commands (63). */
  readonly commandOperation?: number;
  readonly commandHandler?: CommandHandler;
  readonly timers?: Timers;
}

/** Command-mode requests the till can serve without a bank link of its own: showing a text. */
export const defaultCommandHandler: CommandHandler = (request) => {
  if (request.has(Tag.screenText) && !request.has(Tag.cashierRequest)) return { result: 0 };
  // 65=16/17 (open a TCP link to the bank host / forward bytes) and questions to the
  // cashier need facilities this till does not offer: answer "not supported", never silence.
  return { result: 1 };
};

/**
 * One request/response exchange at a time over a link: WAIT frames restart the response
 * timer, command-mode requests always get an answer, screen texts and cashier requests are
 * reported, and the final response is returned. Errors carry `delivery`, so the caller can
 * tell "failed" (request not taken) from "unknown" (request may have been acted on).
 */
export class Session {
  readonly link: Link;
  readonly #waitOp: number;
  readonly #commandOp: number;
  readonly #commandHandler: CommandHandler;
  readonly #timers: Timers;
  readonly #strayListeners = new Set<(message: Message) => void>();
  #busy = false;

  constructor(link: Link, options: SessionOptions = {}) {
    this.link = link;
    this.#waitOp = options.waitOperation ?? 21;
    this.#commandOp = options.commandOperation ?? 63;
    this.#commandHandler = options.commandHandler ?? defaultCommandHandler;
    this.#timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    // Between exchanges the terminal may still send the final answer of a request an earlier
    // process (or an exchange given up on) made: it is reported, never silently dropped.
    link.on('message', (message) => {
      if (this.#busy) return;
      const op = message.int(Tag.operation);
      if (op === this.#waitOp || this.isCommandRequest(message)) return;
      this.#stray(message);
    });
  }

  /**
   * Final answers that are not the answer to the exchange running (or came while none ran): the
   * answer to a request sent before, which its owner (a journal) may still be waiting for.
   */
  onStrayAnswer(listener: (message: Message) => void): () => void {
    this.#strayListeners.add(listener);
    return () => this.#strayListeners.delete(listener);
  }

  #stray(message: Message): void {
    for (const listener of this.#strayListeners) {
      try {
        listener(message);
      } catch {
        // A listener's failure must not break the exchange that is running.
      }
    }
  }

  get busy(): boolean {
    return this.#busy;
  }

  /**
   * A terminal frame that asks the till to do something rather than answering the request:
   * 25 = 63 without a transaction status (39). When the request was itself a user command
   * (25 = 63), a frame naming the same command number (65) is its answer, not a request.
   */
  isCommandRequest(message: Message, request?: Message): boolean {
    if (message.int(Tag.operation) !== this.#commandOp || message.has(Tag.status)) return false;
    if (request?.int(Tag.operation) === this.#commandOp && message.text(Tag.commandMode2) === request.text(Tag.commandMode2)) return false;
    return true;
  }

  async transact(request: Message, options: TransactOptions): Promise<Message> {
    if (this.#busy) throw new PinpadError('busy', 'the pin pad is busy with another operation');
    if (!this.link.isOpen) throw new PinpadError('link', `${this.link.stream.description} is not open; nothing was sent`, { delivery: 'none' });
    if (options.signal?.aborted) throw new PinpadError('cancelled', 'cancelled before anything was sent', { delivery: 'none' });
    this.#busy = true;
    try {
      return await this.#run(request, options);
    } finally {
      this.#busy = false;
    }
  }

  #run(request: Message, options: TransactOptions): Promise<Message> {
    const expectedEcr = request.text(Tag.ecrNumber);
    const requestOp = request.int(Tag.operation);
    const emit = (event: SessionEvent): void => options.onEvent?.(event);
    return new Promise<Message>((resolve, reject) => {
      let delivery: 'none' | 'maybe' | 'delivered' = 'none';
      let settled = false;
      let aborting = false;
      let responseTimer: unknown;
      const cleanups: Array<() => void> = [];

      const finish = (error: PinpadError | undefined, message?: Message): void => {
        if (settled) return;
        settled = true;
        this.#timers.clearTimeout(responseTimer);
        for (const cleanup of cleanups) cleanup();
        if (error) reject(error);
        else resolve(message!);
      };
      const fail = (code: ConstructorParameters<typeof PinpadError>[0], text: string): void =>
        finish(new PinpadError(code, text, { delivery: delivery === 'none' ? 'maybe' : delivery }));

      const armResponseTimer = (ms: number, why: string): void => {
        this.#timers.clearTimeout(responseTimer);
        responseTimer = this.#timers.setTimeout(() => fail(aborting ? 'cancelled' : 'timeout', why), ms);
      };

      const operationTimer = this.#timers.setTimeout(
        () => fail('timeout', `no final answer within the operation timeout of ${Math.round(options.operationTimeoutMs / 1000)} s`),
        options.operationTimeoutMs,
      );
      cleanups.push(() => this.#timers.clearTimeout(operationTimer));

      cleanups.push(
        this.link.on('message', (message) => {
          if (settled) return;
          delivery = 'delivered';
          armResponseTimer(aborting ? (options.abortGraceMs ?? options.responseTimeoutMs) : options.responseTimeoutMs, 'the terminal went quiet');
          const op = message.int(Tag.operation);
          if (op === this.#waitOp) {
            emit({ type: 'wait', message });
            const text = message.text(Tag.screenText);
            if (text) emit({ type: 'screen', text });
            return;
          }
          if (this.isCommandRequest(message, request)) {
            this.#answerCommand(message, emit);
            return;
          }
          const ecr = message.text(Tag.ecrNumber);
          if (expectedEcr !== undefined && ecr !== undefined && ecr !== expectedEcr) {
            // A late answer to an earlier request; not ours.
            this.#stray(message);
            return;
          }
          const answerOp = message.int(Tag.operation);
          if (answerOp !== undefined && answerOp !== requestOp && !(options.answerOperations ?? []).includes(answerOp)) {
            // An answer to another operation (the one the terminal was still busy with, or a repeat): not ours.
            this.#stray(message);
            return;
          }
          finish(undefined, message);
        }),
      );
      cleanups.push(
        this.link.on('fault', (error) => {
          if (!settled) finish(error.withDelivery(delivery === 'none' ? 'maybe' : delivery));
        }),
      );
      cleanups.push(
        this.link.on('close', (info) => {
          if (!settled) {
            fail('link', `${this.link.stream.description} ${info.disconnected ? 'was disconnected' : 'closed'} before the final answer`);
          }
        }),
      );
      cleanups.push(
        this.link.on('control', (control) => {
          if (control === 'EOT' && !settled && delivery !== 'none') fail('link', 'the terminal ended the session (EOT) without a final answer');
        }),
      );

      if (options.signal) {
        const onAbort = (): void => {
          if (settled || aborting) return;
          aborting = true;
          if (delivery === 'none') {
            // Nothing has reached the terminal yet: sendFrame is still trying. Let it finish and abort after.
            return;
          }
          this.#sendAbort(emit);
          armResponseTimer(options.abortGraceMs ?? options.responseTimeoutMs, 'no answer after the cancel was sent');
        };
        options.signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
      }

      const frame = encodeFrame(request);
      this.link.sendFrame(frame, request).then(
        () => {
          if (settled) return;
          if (delivery === 'none') delivery = 'maybe';
          emit({ type: 'sent' });
          if (aborting) {
            this.#sendAbort(emit);
            armResponseTimer(options.abortGraceMs ?? options.responseTimeoutMs, 'no answer after the cancel was sent');
          } else {
            armResponseTimer(options.responseTimeoutMs, 'no answer from the terminal');
          }
        },
        (error: unknown) => {
          if (settled) return;
          const pe = asPinpadError(error, 'link', 'maybe');
          finish(delivery === 'delivered' ? pe.withDelivery('delivered') : pe);
        },
      );
    });
  }

  #sendAbort(emit: (event: SessionEvent) => void): void {
    this.link.sendControl('EOT').then(
      () => emit({ type: 'abort-sent' }),
      () => undefined,
    );
  }

  #answerCommand(request: Message, emit: (event: SessionEvent) => void): void {
    const screen = request.text(Tag.screenText);
    if (screen) emit({ type: 'screen', text: screen });
    const question = request.text(Tag.cashierRequest);
    if (question) emit({ type: 'cashier-request', text: question });
    let reply: CommandReply;
    try {
      reply = this.#commandHandler(request);
    } catch {
      reply = { result: 1 };
    }
    const command = request.int(Tag.commandMode2);
    emit({ type: 'command', command, result: reply.result });
    const answer = Message.of({
      ...reply.fields,
      [Tag.operation]: this.#commandOp,
      [Tag.commandMode2]: request.text(Tag.commandMode2),
      [Tag.commandResult]: reply.result,
    });
    this.link.sendFrame(encodeFrame(answer), answer).catch(() => undefined);
  }
}
