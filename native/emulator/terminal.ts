import { encodeFrame, encodePackets, encodeFields } from '../inpas/codec.js';
import { Link, type AckDecision, type LinkTraceEvent } from '../inpas/link.js';
import { Message, type FieldInput } from '../inpas/message.js';
import type { SbpState, TerminalProfile } from '../inpas/profile.js';
import { Tag, TxnStatus } from '../inpas/tags.js';
import type { ByteStream } from '../transport/types.js';
import type { Bank, Payment, QrPayment } from './bank.js';
import type { ScenarioName } from './scenarios.js';

export interface EmulatorTiming {
  /** How long the customer takes to present a card, ms. */
  cardDelayMs: number;
  /** Bank authorisation time, ms. */
  processingDelayMs: number;
  /** WAIT frames are sent this often while the terminal works, ms. */
  waitIntervalMs: number;
  /** How long the customer takes to pay a QR code, ms. */
  qrPayDelayMs: number;
  /** How long a QR code is valid, ms. */
  qrLifetimeMs: number;
  /** How long the pin pad waits for a card before giving up, ms. */
  cardTimeoutMs: number;
}

export interface EmulatorQuirks {
  /** The bank does not cancel part of a QR payment on the day it was made. */
  noPartialSameDayQrRefund: boolean;
  /** The bank does not refund a payment switched from card to QR with key 1. */
  noSwitchedRefund: boolean;
  /** A same-day void that worked answers 39=0 with "ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА". */
  voidNoTemplate: boolean;
  /** Sends the full card number in field 10 (a badly set up terminal), to prove the till masks it. */
  fullPan: boolean;
}

export interface EmulatorFaults {
  /** NAK the first request frame (the till must resend it unchanged). */
  nakFirst: boolean;
  /** Send the first response frame with a bad CRC. */
  corruptCrc: boolean;
  /** Junk bytes (with a stray STX) before every frame sent. */
  junk: boolean;
  /** Delay every ACK by this many ms. */
  ackDelayMs: number;
  /** Leave this many request frames without an ACK (the till resends). */
  dropAcks: number;
  /** ACK the request, then never answer (nothing is charged). */
  silentAfterAck: boolean;
  /** Do the operation at the bank, then never send the final answer. */
  loseResponse: boolean;
  /** Remove the pseudo-terminal right after ACKing the request; the operation still goes through at the bank. */
  unplugAfterAck: boolean;
  /** Apply the request faults to every transaction, not only the first. */
  always: boolean;
}

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

export const FAST_TIMING: EmulatorTiming = {
  cardDelayMs: 0,
  processingDelayMs: 0,
  waitIntervalMs: 200,
  qrPayDelayMs: 0,
  qrLifetimeMs: 120_000,
  cardTimeoutMs: 60_000,
};
export const DEMO_TIMING: EmulatorTiming = {
  cardDelayMs: 2500,
  processingDelayMs: 1500,
  waitIntervalMs: 1000,
  qrPayDelayMs: 6000,
  qrLifetimeMs: 120_000,
  cardTimeoutMs: 60_000,
};
export const NO_QUIRKS: EmulatorQuirks = { noPartialSameDayQrRefund: false, noSwitchedRefund: false, voidNoTemplate: false, fullPan: false };
export const NO_FAULTS: EmulatorFaults = {
  nakFirst: false,
  corruptCrc: false,
  junk: false,
  ackDelayMs: 0,
  dropAcks: 0,
  silentAfterAck: false,
  loseResponse: false,
  unplugAfterAck: false,
  always: false,
};

class Aborted extends Error {}

/** A card number with a valid Luhn digit, so the till's masking is really tested. */
function emulatorPan(): string {
  const body = '220070012345678';
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}
const PAN = emulatorPan();
const PAN_MASKED = `${PAN.slice(0, 6)}******${PAN.slice(-4)}`;

function rub(kopecks: number): string {
  return `${Math.floor(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`;
}

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

  constructor(options: EmulatorOptions) {
    this.options = options;
    this.#now = options.now ?? (() => new Date());
    this.#dropsLeft = options.faults.dropAcks;
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

  async #handle(request: Message, control: { abortable: boolean }, isAborted: () => boolean): Promise<void> {
    const { profile, faults } = this.options;
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
    const ops = profile.operations;
    const sbp = profile.sbp;
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
    try {
      if (op === ops.testConnection) await this.#test(request);
      else if (op === ops.sale) await this.#cardSale(request, control, check);
      else if (op === sbp.payment.operation) await this.#qrSale(request, control, check, false);
      else if (op === ops.void) await this.#void(request);
      else if (op === ops.refund) await this.#cardRefund(request, control, check);
      else if (op === sbp.refund.operation) await this.#qrRefund(request);
      else if (op === sbp.paymentStatus.operation) await this.#status(request, false);
      else if (op === sbp.refundStatus.operation) await this.#status(request, true);
      else if (op === ops.emergencyCancel) await this.#emergencyCancel(request);
      else if (op === ops.settlement) await this.#settle(request);
      else if (op === ops.userCommand) await this.#userCommand(request);
      else await this.#final(request, { [Tag.status]: TxnStatus.NOT_PERFORMED, [Tag.resultText]: `НЕИЗВЕСТНАЯ ОПЕРАЦИЯ ${op ?? ''}` });
    } catch (error) {
      if (!(error instanceof Aborted)) throw error;
      control.abortable = false;
      await this.#final(request, { [Tag.status]: TxnStatus.ABORTED, [Tag.resultText]: 'ОПЕРАЦИЯ ПРЕРВАНА' });
    }
  }

  // --- operations -------------------------------------------------------------------------

  async #test(request: Message): Promise<void> {
    await this.#final(request, {
      [Tag.status]: TxnStatus.APPROVED,
      [Tag.responseCode]: '00',
      [Tag.resultText]: 'СВЯЗЬ УСТАНОВЛЕНА',
      [Tag.terminalId]: this.options.terminalId,
      [Tag.model]: this.options.model ?? 'PAX S300',
      [Tag.serialNumber]: this.options.serialNumber ?? '53000000001',
    });
  }

  async #cardSale(request: Message, control: { abortable: boolean }, check: () => void): Promise<void> {
    const amount = request.int(Tag.amount) ?? 0;
    const ecr = request.int(Tag.ecrNumber) ?? 0;
    const { timing } = this.options;
    control.abortable = true;
    if (this.options.scenario === 'card-removed') {
      await this.#working(timing.cardTimeoutMs, 'ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ', check);
      control.abortable = false;
      await this.#final(request, { [Tag.status]: TxnStatus.NOT_PERFORMED, [Tag.resultText]: 'ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО' });
      return;
    }
    if (this.options.scenario === 'switch-to-qr') {
      await this.#working(Math.min(timing.cardDelayMs, 500), 'ПРИЛОЖИТЕ КАРТУ. 1 - ОПЛАТА ПО QR СБП', check);
      this.#log('customer pressed 1: switching to SBP QR');
      await this.#qrSale(request, control, check, true);
      return;
    }
    await this.#working(timing.cardDelayMs, 'ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ', check);
    if (this.options.scenario === 'screen-text') {
      await this.#commandMode({ [Tag.commandMode2]: 1, [Tag.screenText]: 'ВВЕДИТЕ ПИН-КОД НА ПИН-ПАДЕ' });
    }
    check();
    control.abortable = false;
    await this.#working(timing.processingDelayMs, 'ОБРАБОТКА. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
    if (this.options.scenario === 'decline' || amount % 100 === 51) {
      const text = this.options.scenario === 'decline' ? 'ОТКАЗ. ОПЕРАЦИЯ ОТКЛОНЕНА' : 'ОТКАЗ. НЕДОСТАТОЧНО СРЕДСТВ';
      await this.#final(request, {
        [Tag.status]: TxnStatus.DECLINED,
        [Tag.responseCode]: '51',
        [Tag.resultText]: text,
        [Tag.cardNumber]: this.#pan(),
        [Tag.rrn]: this.bank.nextRrn(),
        [Tag.slip]: this.#slip('ОПЛАТА', amount, undefined, text),
      });
      return;
    }
    const payment = this.bank.charge({ ecrNumber: ecr, amount, method: 'card', switched: false, cardMasked: PAN_MASKED });
    await this.#approved(request, payment, 'ОПЛАТА');
  }

  async #qrSale(request: Message, control: { abortable: boolean }, check: () => void, switched: boolean): Promise<void> {
    const amount = request.int(Tag.amount) ?? 0;
    const ecr = request.int(Tag.ecrNumber) ?? 0;
    const { timing, profile, scenario } = this.options;
    const payload = this.#qrPayload(amount);
    const qr: QrPayment = { ecrNumber: ecr, amount, payload, switched, state: 'pending', rrn: undefined };
    this.bank.qr.push(qr);
    control.abortable = true;
    // Where the profile says the terminal reports the QR (fields it does not name are not sent).
    const qrFields: Record<number, string | number> = {};
    if (profile.sbp.qrPayloadField !== undefined) qrFields[profile.sbp.qrPayloadField] = payload;
    if (profile.sbp.qrExpiryField !== undefined) qrFields[profile.sbp.qrExpiryField] = Math.round(timing.qrLifetimeMs / 1000);
    const willPay = scenario !== 'qr-expire' && scenario !== 'qr-late-pay' && timing.qrPayDelayMs < timing.qrLifetimeMs;
    try {
      await this.#working(willPay ? timing.qrPayDelayMs : timing.qrLifetimeMs, 'ОТСКАНИРУЙТЕ QR-КОД', check, qrFields);
    } catch (error) {
      qr.state = 'cancelled';
      throw error;
    }
    control.abortable = false;
    if (!willPay) {
      qr.state = 'expired';
      this.#log('QR code expired unpaid');
      if (scenario === 'qr-late-pay') {
        this.#later(Math.max(timing.qrPayDelayMs, 50), () => {
          const payment = this.bank.charge({ ecrNumber: ecr, amount, method: 'sbp', switched });
          qr.state = 'done';
          qr.rrn = payment.rrn;
          this.#log(`the QR payment for till number ${ecr} arrived at the bank after expiry (RRN ${payment.rrn})`);
        });
      }
      await this.#final(request, { [Tag.status]: TxnStatus.ABORTED, [Tag.resultText]: 'ВРЕМЯ ДЕЙСТВИЯ QR-КОДА ИСТЕКЛО', [Tag.amount]: amount });
      return;
    }
    const payment = this.bank.charge({ ecrNumber: ecr, amount, method: 'sbp', switched });
    qr.state = 'done';
    qr.rrn = payment.rrn;
    const marker = switched ? { [profile.sbp.switchMarker.field]: profile.sbp.switchMarker.value } : {};
    await this.#approved(request, payment, 'ОПЛАТА СБП', marker);
  }

  async #void(request: Message): Promise<void> {
    const amount = request.int(Tag.amount) ?? 0;
    const ecr = request.int(Tag.ecrNumber) ?? 0;
    const payment = this.bank.findByRrn(request.text(Tag.rrn)?.trim() ?? '');
    const refusal = this.#refundRefusal(payment, amount, 'void');
    await this.#working(this.options.timing.processingDelayMs, 'ОТМЕНА. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
    if (refusal || !payment) {
      await this.#final(request, { [Tag.status]: TxnStatus.DECLINED, [Tag.resultText]: refusal ?? 'ОПЕРАЦИЯ НЕ НАЙДЕНА', [Tag.rrn]: request.text(Tag.rrn) });
      return;
    }
    const record = this.bank.refund(payment, amount, ecr, 'void');
    const quirk = this.options.quirks.voidNoTemplate;
    await this.#final(request, {
      [Tag.status]: quirk ? TxnStatus.NOT_PERFORMED : TxnStatus.APPROVED,
      [Tag.responseCode]: '00',
      [Tag.resultText]: quirk ? 'ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА' : 'ОДОБРЕНО',
      [Tag.rrn]: record.rrn,
      [Tag.authCode]: payment.authCode,
      [Tag.amount]: amount,
      [Tag.slip]: quirk ? undefined : this.#slip('ОТМЕНА', amount, record.rrn, 'ОДОБРЕНО', payment.cardMasked),
    });
  }

  async #cardRefund(request: Message, control: { abortable: boolean }, check: () => void): Promise<void> {
    const amount = request.int(Tag.amount) ?? 0;
    const ecr = request.int(Tag.ecrNumber) ?? 0;
    const payment = this.bank.findByRrn(request.text(Tag.rrn)?.trim() ?? '');
    control.abortable = true;
    await this.#working(this.options.timing.cardDelayMs, 'ВОЗВРАТ. ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ', check);
    control.abortable = false;
    await this.#working(this.options.timing.processingDelayMs, 'ОБРАБОТКА. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
    const refusal =
      this.options.scenario === 'decline'
        ? 'ОТКАЗ. ОПЕРАЦИЯ ОТКЛОНЕНА'
        : payment?.method === 'sbp'
          ? 'ОПЛАТА СБП: ИСПОЛЬЗУЙТЕ ВОЗВРАТ СБП'
          : this.#refundRefusal(payment, amount, 'refund');
    if (refusal || !payment) {
      await this.#final(request, { [Tag.status]: TxnStatus.DECLINED, [Tag.resultText]: refusal ?? 'ОПЕРАЦИЯ НЕ НАЙДЕНА', [Tag.cardNumber]: this.#pan() });
      return;
    }
    const record = this.bank.refund(payment, amount, ecr, 'refund');
    await this.#final(request, {
      [Tag.status]: TxnStatus.APPROVED,
      [Tag.responseCode]: '00',
      [Tag.resultText]: 'ОДОБРЕНО',
      [Tag.rrn]: record.rrn,
      [Tag.authCode]: this.bank.authCode(),
      [Tag.amount]: amount,
      [Tag.cardNumber]: this.#pan(),
      [Tag.slip]: this.#slip('ВОЗВРАТ', amount, record.rrn, 'ОДОБРЕНО', PAN_MASKED),
    });
  }

  async #qrRefund(request: Message): Promise<void> {
    const amount = request.int(Tag.amount) ?? 0;
    const ecr = request.int(Tag.ecrNumber) ?? 0;
    const payment = this.bank.findByRrn(request.text(Tag.rrn)?.trim() ?? '');
    await this.#working(this.options.timing.processingDelayMs, 'ВОЗВРАТ СБП. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
    const refusal = payment && payment.method !== 'sbp' ? 'ОПЛАТА КАРТОЙ: ИСПОЛЬЗУЙТЕ ВОЗВРАТ ПО КАРТЕ' : this.#refundRefusal(payment, amount, 'refund');
    if (refusal || !payment) {
      await this.#final(request, { [Tag.status]: TxnStatus.DECLINED, [Tag.resultText]: refusal ?? 'ОПЕРАЦИЯ НЕ НАЙДЕНА' });
      return;
    }
    const record = this.bank.refund(payment, amount, ecr, 'refund');
    await this.#final(request, {
      [Tag.status]: TxnStatus.APPROVED,
      [Tag.responseCode]: '00',
      [Tag.resultText]: 'ВОЗВРАТ СБП ВЫПОЛНЕН',
      [Tag.rrn]: record.rrn,
      [Tag.amount]: amount,
      [Tag.slip]: this.#slip('ВОЗВРАТ СБП', amount, record.rrn, 'ВОЗВРАТ ВЫПОЛНЕН'),
    });
  }

  /** Why the bank refuses to give money back, or undefined when it agrees. */
  #refundRefusal(payment: Payment | undefined, amount: number, kind: 'void' | 'refund'): string | undefined {
    if (!payment) return 'ОПЕРАЦИЯ НЕ НАЙДЕНА';
    if (kind === 'void' && payment.day !== this.bank.day) return 'ОТМЕНА НЕВОЗМОЖНА: СМЕНА ЗАКРЫТА. ИСПОЛЬЗУЙТЕ ВОЗВРАТ';
    if (amount <= 0 || payment.refunded + amount > payment.amount) return `СУММА ПРЕВЫШАЕТ ОСТАТОК ${rub(payment.amount - payment.refunded)}`;
    const { quirks } = this.options;
    if (payment.switched && quirks.noSwitchedRefund) return 'ВОЗВРАТ НЕВОЗМОЖЕН: ОПЛАТА ПЕРЕКЛЮЧЕНА НА QR СБП. ВЕРНИТЕ НАЛИЧНЫМИ';
    const partial = payment.refunded + amount < payment.amount;
    if (payment.method === 'sbp' && partial && payment.day === this.bank.day && quirks.noPartialSameDayQrRefund) {
      return 'ЧАСТИЧНЫЙ ВОЗВРАТ СБП В ДЕНЬ ОПЛАТЫ НЕ ПОДДЕРЖИВАЕТСЯ. ПОВТОРИТЕ НА СЛЕДУЮЩИЙ ДЕНЬ';
    }
    return undefined;
  }

  async #status(request: Message, refund: boolean): Promise<void> {
    const spec = refund ? this.options.profile.sbp.refundStatus : this.options.profile.sbp.paymentStatus;
    const ecr = request.int(spec.byEcrField);
    const rrn = request.text(spec.byRrnField)?.trim();
    let state: SbpState = 'not-found';
    let found: { rrn?: string | undefined; amount: number } | undefined;
    let paidBySbp = false;
    if (refund) {
      const record = this.bank.refunds.find((r) => (rrn !== undefined && r.rrn === rrn) || (rrn === undefined && ecr !== undefined && r.ecrNumber === ecr));
      if (record) {
        state = 'done';
        found = record;
      }
    } else {
      const qr = this.bank.qr.findLast((q) => (rrn !== undefined ? q.rrn === rrn : q.ecrNumber === ecr));
      const payment = rrn !== undefined ? this.bank.findByRrn(rrn) : ecr !== undefined ? this.bank.findByEcr(ecr) : undefined;
      const reversed =
        payment !== undefined &&
        payment.refunded >= payment.amount &&
        this.bank.ledger.refunds.some((r) => r.ofRrn === payment.rrn && r.kind === 'emergency-cancel');
      if (payment) {
        state = reversed ? 'reversed' : 'done';
        found = payment;
        paidBySbp = payment.method === 'sbp';
      } else if (qr) {
        state = qr.state === 'cancelled' ? 'rejected' : qr.state;
        found = qr;
      }
    }
    const code = Object.entries(this.options.profile.sbp.statusValues).find(([, value]) => value === state)?.[0];
    const texts: Record<SbpState, string> = {
      done: 'ОПЛАЧЕНО',
      pending: 'ОЖИДАЕТ ОПЛАТЫ',
      rejected: 'ОТКЛОНЕНО',
      expired: 'ВРЕМЯ ДЕЙСТВИЯ ИСТЕКЛО',
      'not-found': 'ОПЕРАЦИЯ НЕ НАЙДЕНА',
      reversed: 'ОПЕРАЦИЯ ОТМЕНЕНА',
    };
    await this.#final(request, {
      [Tag.status]: code ?? TxnStatus.NOT_PERFORMED,
      [Tag.resultText]: refund && state === 'done' ? 'ВОЗВРАТ ВЫПОЛНЕН' : texts[state],
      [Tag.rrn]: found?.rrn,
      [Tag.amount]: found?.amount,
      // Where the profile says a status answer tells that the payment found was made by QR.
      ...(paidBySbp && this.options.profile.sbp.statusSbpMarker
        ? { [this.options.profile.sbp.statusSbpMarker.field]: this.options.profile.sbp.statusSbpMarker.value }
        : {}),
    });
  }

  async #emergencyCancel(request: Message): Promise<void> {
    const ecr = request.int(Tag.ecrNumber);
    const payment = ecr === undefined ? undefined : this.bank.findByEcr(ecr);
    const qr = ecr === undefined ? undefined : this.bank.qr.findLast((q) => q.ecrNumber === ecr && q.state === 'pending');
    if (qr) qr.state = 'cancelled';
    if (payment && payment.refunded < payment.amount) {
      const record = this.bank.refund(payment, payment.amount - payment.refunded, ecr ?? 0, 'emergency-cancel');
      await this.#final(request, {
        [Tag.status]: TxnStatus.APPROVED,
        [Tag.responseCode]: '00',
        [Tag.resultText]: 'ОПЕРАЦИЯ ОТМЕНЕНА',
        [Tag.rrn]: record.rrn,
        [Tag.amount]: record.amount,
      });
      return;
    }
    await this.#final(request, {
      [Tag.status]: TxnStatus.NOT_PERFORMED,
      [Tag.resultText]: payment ? 'ОПЕРАЦИЯ УЖЕ ОТМЕНЕНА' : 'ОПЕРАЦИЯ НЕ НАЙДЕНА. СПИСАНИЯ НЕ БЫЛО',
    });
  }

  async #settle(request: Message): Promise<void> {
    await this.#working(this.options.timing.processingDelayMs, 'СВЕРКА ИТОГОВ', () => undefined);
    const { count, total } = this.bank.settle();
    await this.#final(request, {
      [Tag.status]: TxnStatus.APPROVED,
      [Tag.responseCode]: '00',
      [Tag.resultText]: 'ИТОГИ СОВПАЛИ',
      [Tag.slip]: `0xDF^^СВЕРКА ИТОГОВ~ТЕРМИНАЛ ${this.options.terminalId}~ОПЕРАЦИЙ: ${count}~ИТОГО: ${rub(total)} RUB~ИТОГИ СОВПАЛИ~0xDD^^`,
    });
  }

  async #userCommand(request: Message): Promise<void> {
    const command = request.int(Tag.commandMode2);
    const { userCommands } = this.options.profile;
    let slip: string | undefined;
    if (command === userCommands.shortReport) {
      const today = this.bank.payments.filter((p) => p.day === this.bank.day);
      const total = today.reduce((s, p) => s + p.amount - p.refunded, 0);
      slip = `0xDF^^КРАТКИЙ ОТЧЕТ~ТЕРМИНАЛ ${this.options.terminalId}~ОПЕРАЦИЙ: ${today.length}~ИТОГО: ${rub(total)} RUB~0xDD^^`;
    } else if (command === userCommands.fullReport) {
      const lines = this.bank.payments
        .filter((p) => p.day === this.bank.day)
        .map((p) => `${p.method === 'sbp' ? 'СБП ' : 'КАРТА'} N${p.ecrNumber} RRN ${p.rrn} ${rub(p.amount)}${p.refunded ? ` ВОЗВР ${rub(p.refunded)}` : ''}`);
      slip = `0xDF^^ПОЛНЫЙ ОТЧЕТ (ЖУРНАЛ)~ТЕРМИНАЛ ${this.options.terminalId}~${lines.join('~') || 'ОПЕРАЦИЙ НЕТ'}~0xDD^^`;
    } else if (command === userCommands.slipCopy) {
      slip = this.#lastSlip ? this.#lastSlip.replace('0xDF^^', '0xDF^^КОПИЯ~') : undefined;
      if (!slip) {
        await this.#final(request, { [Tag.status]: TxnStatus.NOT_PERFORMED, [Tag.resultText]: 'НЕТ ЧЕКА ДЛЯ КОПИИ', [Tag.commandMode2]: command });
        return;
      }
    } else {
      await this.#final(request, {
        [Tag.status]: TxnStatus.NOT_PERFORMED,
        [Tag.resultText]: `КОМАНДА ${command ?? '-'} НЕ ПОДДЕРЖИВАЕТСЯ`,
        [Tag.commandMode2]: command,
      });
      return;
    }
    await this.#final(request, { [Tag.status]: TxnStatus.APPROVED, [Tag.resultText]: 'ВЫПОЛНЕНО', [Tag.commandMode2]: command, [Tag.slip]: slip });
  }

  // --- building blocks ------------------------------------------------------------------

  async #approved(request: Message, payment: Payment, title: string, extra: FieldInput = {}): Promise<void> {
    const slip = this.#slip(title, payment.amount, payment.rrn, 'ОДОБРЕНО', payment.cardMasked);
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
      ...extra,
    });
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
      `СУММА: ${rub(amount)} RUB`,
      ...(card ? [`КАРТА: ${card}`] : []),
      ...(rrn ? [`RRN: ${rrn}`] : []),
      verdict,
    ].join('~');
    const slip = `0xDE^^${card ? 'МИР' : 'СБП'}0xDF^^${body}~~ПОДПИСЬ КЛИЕНТА НЕ ТРЕБУЕТСЯ0xDA^^${body}~КОПИЯ КАССИРА0xDD^^`;
    this.#lastSlip = slip;
    return slip;
  }

  #qrPayload(amount: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let id = 'AD10';
    for (let i = 0; i < 28; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
    return `https://qr.nspk.ru/${id}?type=02&bank=100000000111&sum=${amount}&cur=RUB&crc=${Math.floor(Math.random() * 0xffff)
      .toString(16)
      .toUpperCase()
      .padStart(4, '0')}`;
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
