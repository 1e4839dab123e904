/**
 * The emulated pin pad's link side: it speaks the Inpas SA link layer to the till, queues and
 * ACKs requests (with the configured faults), and hands each operation to its handler.
 */
import { encodeFrame, encodePackets, encodeFields } from '../inpas/codec.js';
import { Link, type AckDecision, type LinkTraceEvent } from '../inpas/link.js';
import { Message, type FieldInput } from '../inpas/message.js';
import { formatMoney } from '../inpas/money.js';
import type { TerminalProfile } from '../inpas/profile.js';
import { Tag, TxnStatus } from '../inpas/tags.js';
import type { ByteStream } from '../transport/types.js';
import type { Bank, Payment } from './bank.js';
import { EMULATED_BANK, PAN, PAN_MASKED } from './card.js';
import { operationTable, type OperationContext, type OperationControl, type OperationHandler } from './operations.js';
import type { EmulatorFaults, EmulatorQuirks, EmulatorTiming } from './options.js';
import type { ScenarioName } from './scenarios.js';

export interface EmulatorOptions {
  readonly terminalId: string;
  readonly profile: TerminalProfile;
  readonly bank: Bank;
  scenario: ScenarioName;
  readonly timing: EmulatorTiming;
  readonly quirks: EmulatorQuirks;
  readonly faults: EmulatorFaults;
  /** Field bytes per SOH packet; longer answers go as several packets. */
  readonly packetSize: number;
  readonly model?: string;
  readonly serialNumber?: string;
  readonly log?: (line: string) => void;
  readonly trace?: (event: LinkTraceEvent) => void;
  /** Asked to remove the device (unplug fault). */
  readonly onUnplug?: () => Promise<void> | void;
  readonly now?: () => Date;
}

class Aborted extends Error {}

function hostDateTime(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/**
 * A PAX S300 running SmartSale, as seen from the till: it speaks the Inpas SA link layer,
 * sends WAIT frames while it waits for a card or the bank, and answers by the profile.
 */
export class EmulatedTerminal {
  readonly options: EmulatorOptions;
  #link: Link | undefined;
  #busy: { request: Buffer; abort: () => void; abortable: boolean; answering: boolean } | undefined;
  /** A request that came while the final answer of the previous one was still waiting for its ACK. */
  #queued: Message | undefined;
  #commandWaiter: ((reply: Message) => void) | undefined;
  #requests = 0;
  /** Whether the current request's first frame was already NAKed (nakFirst fault). */
  #naked = false;
  #dropsLeft: number;
  #lastSlip: string | undefined;
  readonly #now: () => Date;
  #pendingTimers = new Set<NodeJS.Timeout>();
  /** Receipt (slip) number, field 108 of an approval. */
  #slipNumber = 0;
  readonly #operations: ReadonlyMap<number, OperationHandler>;
  /** The building blocks the operation handlers use. */
  readonly #context: OperationContext;

  constructor(options: EmulatorOptions) {
    this.options = options;
    this.#now = options.now ?? (() => new Date());
    this.#dropsLeft = options.faults.dropAcks;
    this.#operations = operationTable(options.profile);
    this.#context = {
      options,
      bank: options.bank,
      log: (line) => this.#log(line),
      working: (ms, text, check, extra) => this.#working(ms, text, check, extra),
      final: (request, fields) => this.#final(request, fields),
      approved: (request, payment, title, extra) => this.#approved(request, payment, title, extra),
      commandMode: (fields) => this.#commandMode(fields),
      later: (ms, fn) => this.#later(ms, fn),
      pan: () => this.#pan(),
      slip: (title, amount, rrn, verdict, card) => this.#slip(title, amount, rrn, verdict, card),
      lastSlip: () => this.#lastSlip,
    };
  }

  get bank(): Bank {
    return this.options.bank;
  }

  get busy(): boolean {
    return this.#busy !== undefined;
  }

  #log(line: string): void {
    this.options.log?.(line);
  }

  /** Connects the terminal to a byte stream (a new one after every replug). */
  attach(stream: ByteStream): void {
    this.#link?.dispose();
    const link = new Link(stream, { ackPolicy: (raw) => this.#ackPolicy(raw) });
    this.#link = link;
    link.on('message', (message) => this.#onMessage(message));
    link.on('control', (control) => {
      if (control === 'EOT' && this.#busy?.abortable) {
        this.#log('till sent EOT: cancelling the operation');
        this.#busy.abort();
      }
    });
    if (this.options.trace) link.on('trace', this.options.trace);
    link.on('close', () => {
      if (this.#link === link) this.#link = undefined;
    });
  }

  #faultActive(): boolean {
    return this.options.faults.always || this.#requests <= 1;
  }

  #ackPolicy(raw: Buffer): AckDecision {
    const faults = this.options.faults;
    if (faults.frozen) return { action: 'none' };
    // Only new requests are disturbed; a resend of the request in progress and the till's
    // command-mode answers are acknowledged normally. A new request can arrive while the
    // final answer of the previous one still waits for its ACK (it is queued): it is new too.
    const busy = this.#busy;
    if (!busy || (busy.answering && !this.#commandWaiter && !raw.equals(busy.request))) {
      // The first request only, or every request with `always`; its resend is ACKed.
      if (faults.nakFirst && !this.#naked && (faults.always || this.#requests === 0)) {
        this.#naked = true;
        this.#log('fault: NAK of a good request frame');
        return { action: 'nak' };
      }
      if (this.#dropsLeft > 0) {
        this.#dropsLeft--;
        this.#log('fault: no ACK for a good request frame');
        return { action: 'none' };
      }
    }
    return { action: 'ack', delayMs: faults.ackDelayMs };
  }

  #onMessage(message: Message): void {
    const op = message.int(Tag.operation);
    if (this.options.faults.frozen) {
      this.#log(`fault: frozen, request ${op ?? '-'} neither ACKed nor answered`);
      return;
    }
    if (this.#commandWaiter && op === this.options.profile.operations.userCommand && message.has(Tag.commandResult)) {
      this.#commandWaiter(message);
      return;
    }
    const raw = encodeFrame(message);
    if (this.#busy) {
      if (raw.equals(this.#busy.request)) this.#log('the till resent the request it already sent: ignored');
      else if (this.#busy.answering) this.#queued = message;
      else this.#log(`busy: request ${op} ignored`);
      return;
    }
    this.#requests++;
    this.#naked = false;
    let aborted = false;
    const controller = {
      request: raw,
      abortable: false,
      answering: false,
      abort: () => {
        aborted = true;
      },
    };
    this.#busy = controller;
    const isAborted = (): boolean => aborted;
    this.#handle(message, controller, isAborted)
      .catch((error: unknown) => this.#log(`operation failed inside the emulator: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        if (this.#busy === controller) this.#busy = undefined;
        const next = this.#queued;
        this.#queued = undefined;
        if (next) this.#onMessage(next);
      });
  }

  async #handle(request: Message, control: OperationControl, isAborted: () => boolean): Promise<void> {
    const { faults } = this.options;
    const op = request.int(Tag.operation);
    this.#log(`request: operation ${op}, amount ${request.text(Tag.amount) ?? '-'}, till number ${request.text(Tag.ecrNumber) ?? '-'}`);
    if (this.#faultActive()) {
      if (faults.unplugAfterAck) {
        this.#log('fault: removing the device after ACK');
        // The device is gone before the terminal answers; the bank still goes through with it.
        await this.options.onUnplug?.();
      }
      if (faults.silentAfterAck) {
        this.#log('fault: silent after ACK');
        return;
      }
    }
    if (this.options.scenario === 'host-link') {
      const reply = await this.#commandMode({ [Tag.commandMode2]: 16, [Tag.commandData]: Buffer.from('10.0.0.1;8583') });
      this.#log(`till answered the host-link request with 67=${reply?.text(Tag.commandResult) ?? 'nothing'}`);
    }
    const wrongId = request.text(Tag.terminalId);
    if (wrongId !== undefined && wrongId !== this.options.terminalId) {
      await this.#final(request, {
        [Tag.status]: TxnStatus.NOT_PERFORMED,
        [Tag.resultText]: `НЕВЕРНЫЙ ID ТЕРМИНАЛА. ID: ${this.options.terminalId}`,
        [Tag.terminalId]: this.options.terminalId,
      });
      return;
    }
    const check = (): void => {
      if (isAborted()) throw new Aborted();
    };
    const handler: OperationHandler | undefined = op === undefined ? undefined : this.#operations.get(op);
    try {
      if (handler) await handler(this.#context, request, control, check);
      else await this.#final(request, { [Tag.status]: TxnStatus.NOT_PERFORMED, [Tag.resultText]: `НЕИЗВЕСТНАЯ ОПЕРАЦИЯ ${op ?? ''}` });
    } catch (error) {
      if (!(error instanceof Aborted)) throw error;
      control.abortable = false;
      await this.#final(request, { [Tag.status]: TxnStatus.ABORTED, [Tag.resultText]: 'ОПЕРАЦИЯ ПРЕРВАНА' });
    }
  }

  // --- building blocks ------------------------------------------------------------------

  async #approved(request: Message, payment: Payment, title: string, extra: FieldInput = {}): Promise<void> {
    const card = payment.cardMasked !== undefined && this.options.quirks.fullPan ? PAN : payment.cardMasked;
    const slip = this.#slip(title, payment.amount, payment.rrn, 'ОДОБРЕНО', card);
    this.#slipNumber = (this.#slipNumber % 9999) + 1;
    await this.#final(request, {
      [Tag.status]: TxnStatus.APPROVED,
      [Tag.responseCode]: '00',
      [Tag.resultText]: 'ОДОБРЕНО',
      [Tag.amount]: payment.amount,
      [Tag.rrn]: payment.rrn,
      [Tag.authCode]: payment.authCode,
      [Tag.cardNumber]: payment.method === 'card' ? this.#pan() : undefined,
      [Tag.entryMode]: payment.method === 'card' ? 'C' : 'Q',
      [Tag.slip]: slip,
      [Tag.slipNumber]: String(this.#slipNumber).padStart(4, '0'),
      ...EMULATED_BANK,
      ...extra,
    });
  }

  /** The slip text (field 90) of the last operation, as sent. */
  get lastSlip(): string | undefined {
    return this.#lastSlip;
  }

  #pan(): string {
    return this.options.quirks.fullPan ? PAN : PAN_MASKED;
  }

  #slip(title: string, amount: number, rrn: string | undefined, verdict: string, card?: string): string {
    const date = this.#now();
    const body = [
      'ЭМУЛЯТОР ПИН-ПАДА INPAS',
      `ТЕРМИНАЛ ${this.options.terminalId}`,
      `${date.toLocaleDateString('ru-RU')} ${date.toLocaleTimeString('ru-RU')}`,
      title,
      `СУММА: ${formatMoney(amount, 'plain', { symbol: false })} RUB`,
      ...(card ? [`КАРТА: ${card}`] : []),
      ...(rrn ? [`RRN: ${rrn}`] : []),
      verdict,
    ].join('~');
    const slip = `0xDE^^${card ? 'МИР' : 'СБП'}0xDF^^${body}~~ПОДПИСЬ КЛИЕНТА НЕ ТРЕБУЕТСЯ0xDA^^${body}~КОПИЯ КАССИРА0xDD^^`;
    this.#lastSlip = slip;
    return slip;
  }

  /** Works for `ms`, sending WAIT frames with a screen text; `check` throws when the till cancelled. */
  async #working(ms: number, text: string, check: () => void, extra: FieldInput = {}): Promise<void> {
    const end = Date.now() + ms;
    const interval = Math.max(20, this.options.timing.waitIntervalMs);
    let first = true;
    for (;;) {
      check();
      const left = end - Date.now();
      if (first || left > 0) {
        await this.#send(Message.of({ ...extra, [Tag.operation]: this.options.profile.operations.wait, [Tag.screenText]: text }));
        first = false;
      }
      if (left <= 0) return;
      await this.#sleep(Math.min(interval, left), check);
    }
  }

  #sleep(ms: number, check: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = (): void => {
        try {
          check();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const left = ms - (Date.now() - started);
        if (left <= 0) resolve();
        else this.#later(Math.min(left, 25), tick);
      };
      tick();
    });
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#pendingTimers.delete(timer);
      fn();
    }, ms);
    this.#pendingTimers.add(timer);
  }

  /** Asks the till something in command mode and waits for its answer (up to 10 s). */
  #commandMode(fields: FieldInput): Promise<Message | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#commandWaiter = undefined;
        resolve(undefined);
      }, 10_000);
      this.#commandWaiter = (reply) => {
        clearTimeout(timer);
        this.#commandWaiter = undefined;
        resolve(reply);
      };
      this.#send(Message.of({ ...fields, [Tag.operation]: this.options.profile.operations.userCommand })).catch(() => {
        clearTimeout(timer);
        this.#commandWaiter = undefined;
        resolve(undefined);
      });
    });
  }

  async #final(request: Message, fields: FieldInput): Promise<void> {
    const response = Message.of({
      [Tag.operation]: request.text(Tag.operation),
      [Tag.ecrNumber]: request.text(Tag.ecrNumber),
      [Tag.terminalId]: this.options.terminalId,
      [Tag.hostDateTime]: hostDateTime(this.#now()),
      [Tag.currency]: request.text(Tag.currency),
      ...fields,
    });
    const status = response.int(Tag.status);
    this.#log(`answer: operation ${response.text(Tag.operation)}, status ${status ?? '-'}, ${response.text(Tag.resultText) ?? ''}`);
    if (this.#busy) {
      this.#busy.answering = true;
      this.#busy.abortable = false;
    }
    if (this.options.faults.loseResponse && this.#faultActive()) {
      this.#log('fault: the final answer is lost');
      return;
    }
    await this.#send(response, this.options.faults.corruptCrc && this.#faultActive());
  }

  async #send(message: Message, corruptFirst = false): Promise<void> {
    const link = this.#link;
    if (!link || !link.isOpen) {
      this.#log('no till connected: frame not sent');
      return;
    }
    if (this.options.faults.junk) await link.stream.write(Buffer.from([0x00, 0x02, 0x7f, 0x02, 0xff, 0x13])).catch(() => undefined);
    try {
      if (encodeFields(message).length > this.options.packetSize) {
        for (const packet of encodePackets(message, this.options.packetSize)) await link.sendFrame(packet, message);
      } else {
        await link.sendFrame(encodeFrame(message), message, { corruptFirst });
      }
    } catch (error) {
      this.#log(`frame not delivered to the till: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  close(): void {
    for (const timer of this.#pendingTimers) clearTimeout(timer);
    this.#pendingTimers.clear();
    this.#link?.dispose();
    this.#link = undefined;
  }
}
