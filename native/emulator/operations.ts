/**
 * What the emulated terminal does for each operation code: one handler per operation, looked
 * up in a table built from the terminal profile (the codes are data, not code).
 */
import type { FieldInput, Message } from '../inpas/message.js';
import { formatMoney } from '../inpas/money.js';
import type { SbpState, TerminalProfile } from '../inpas/profile.js';
import { Tag, TxnStatus } from '../inpas/tags.js';
import type { Bank, Payment, QrPayment } from './bank.js';
import { EMULATED_BANK, PAN_MASKED } from './card.js';
import { settlementFields } from './settlement-slip.js';
import type { EmulatorOptions } from './terminal.js';

/** What a handler may use of the terminal it runs in. */
export interface OperationContext {
  readonly options: EmulatorOptions;
  readonly bank: Bank;
  log(line: string): void;
  /** Works for `ms`, sending WAIT frames with a screen text; `check` throws when the till cancelled. */
  working(ms: number, text: string, check: () => void, extra?: FieldInput): Promise<void>;
  /** Sends the final answer to `request` (with the faults that concern it). */
  final(request: Message, fields: FieldInput): Promise<void>;
  /** Sends an approval of `payment` with its slip. */
  approved(request: Message, payment: Payment, title: string, extra?: FieldInput): Promise<void>;
  /** Asks the till something in command mode; undefined when it does not answer. */
  commandMode(fields: FieldInput): Promise<Message | undefined>;
  /** Runs `fn` after `ms` unless the terminal is closed first. */
  later(ms: number, fn: () => void): void;
  /** The card number as this terminal reports it in field 10. */
  pan(): string;
  slip(title: string, amount: number, rrn: string | undefined, verdict: string, card?: string): string;
  /** The slip of the last operation, for a copy. */
  lastSlip(): string | undefined;
}

/** The running request as its handler sees it: `abortable` while the customer may still cancel. */
export interface OperationControl {
  abortable: boolean;
}

export type OperationHandler = (t: OperationContext, request: Message, control: OperationControl, check: () => void) => Promise<void>;

/** Amounts on slips and screen texts: "1234.56", the currency written after it by the caller. */
function slipAmount(kopecks: number): string {
  return formatMoney(kopecks, 'plain', { symbol: false });
}

/** Operation code → handler, as the profile numbers them; when two operations share a code, the first listed wins. */
export function operationTable(profile: TerminalProfile): ReadonlyMap<number, OperationHandler> {
  const ops = profile.operations;
  const sbp = profile.sbp;
  const entries: readonly (readonly [number, OperationHandler])[] = [
    [ops.testConnection, test],
    [ops.sale, cardSale],
    [sbp.payment.operation, (t, request, control, check) => qrSale(t, request, control, check, false)],
    [ops.void, voidPayment],
    [ops.refund, cardRefund],
    [sbp.refund.operation, qrRefund],
    [sbp.paymentStatus.operation, (t, request) => status(t, request, false)],
    [sbp.refundStatus.operation, (t, request) => status(t, request, true)],
    [ops.emergencyCancel, emergencyCancel],
    [ops.settlement, settle],
    [ops.userCommand, userCommand],
  ];
  const table = new Map<number, OperationHandler>();
  for (const [code, handler] of entries) if (!table.has(code)) table.set(code, handler);
  return table;
}

async function test(t: OperationContext, request: Message): Promise<void> {
  await t.final(request, {
    [Tag.status]: TxnStatus.APPROVED,
    [Tag.responseCode]: '00',
    [Tag.resultText]: 'СВЯЗЬ УСТАНОВЛЕНА',
    [Tag.terminalId]: t.options.terminalId,
    [Tag.model]: t.options.model ?? 'PAX S300',
    [Tag.serialNumber]: t.options.serialNumber ?? '53000000001',
    ...EMULATED_BANK,
  });
}

/** How long the bank takes in the cancel-too-late scenario: time for a cancel to arrive while it works. */
const CANCEL_TOO_LATE_PROCESSING_MS = 4000;

async function cardSale(t: OperationContext, request: Message, control: OperationControl, check: () => void): Promise<void> {
  const amount = request.int(Tag.amount) ?? 0;
  const ecr = request.int(Tag.ecrNumber) ?? 0;
  const { timing } = t.options;
  control.abortable = true;
  if (t.options.scenario === 'card-removed') {
    await t.working(timing.cardTimeoutMs, 'ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ', check);
    control.abortable = false;
    await t.final(request, { [Tag.status]: TxnStatus.NOT_PERFORMED, [Tag.resultText]: 'ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО' });
    return;
  }
  if (t.options.scenario === 'switch-to-qr') {
    await t.working(Math.min(timing.cardDelayMs, 500), 'ПРИЛОЖИТЕ КАРТУ. 1 - ОПЛАТА ПО QR СБП', check);
    t.log('customer pressed 1: switching to SBP QR');
    await qrSale(t, request, control, check, true);
    return;
  }
  if (t.options.scenario === 'cancel-too-late') {
    // The customer tapped the card the moment the prompt appeared: the pin pad still shows the
    // prompt for a while, but the card is read and a cancel no longer stops the sale.
    control.abortable = false;
    await t.working(timing.cardDelayMs, 'ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ', () => undefined);
  } else await t.working(timing.cardDelayMs, 'ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ', check);
  if (t.options.scenario === 'screen-text') {
    await t.commandMode({ [Tag.commandMode2]: 1, [Tag.screenText]: 'ВВЕДИТЕ ПИН-КОД НА ПИН-ПАДЕ' });
  }
  check();
  control.abortable = false;
  // The sale is at the bank: a cancel from the till no longer stops it (the approval wins).
  const processingMs = t.options.scenario === 'cancel-too-late' ? Math.max(timing.processingDelayMs, CANCEL_TOO_LATE_PROCESSING_MS) : timing.processingDelayMs;
  await t.working(processingMs, 'ОБРАБОТКА. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
  if (t.options.scenario === 'decline' || amount % 100 === 51) {
    const text = t.options.scenario === 'decline' ? 'ОТКАЗ. ОПЕРАЦИЯ ОТКЛОНЕНА' : 'ОТКАЗ. НЕДОСТАТОЧНО СРЕДСТВ';
    await t.final(request, {
      [Tag.status]: TxnStatus.DECLINED,
      [Tag.responseCode]: '51',
      [Tag.resultText]: text,
      [Tag.cardNumber]: t.pan(),
      [Tag.rrn]: t.bank.nextRrn(),
      [Tag.slip]: t.slip('ОПЛАТА', amount, undefined, text),
    });
    return;
  }
  const payment = t.bank.charge({ ecrNumber: ecr, amount, method: 'card', switched: false, cardMasked: PAN_MASKED });
  const done =
    t.options.scenario === 'approve-with-conditions'
      ? { [Tag.status]: TxnStatus.APPROVED_WITH_CONDITIONS, [Tag.resultText]: 'ОДОБРЕНО С УСЛОВИЕМ' }
      : t.options.scenario === 'approve-offline'
        ? { [Tag.status]: TxnStatus.OFFLINE, [Tag.responseCode]: 'Y1', [Tag.resultText]: 'ОДОБРЕНО ОФФЛАЙН' }
        : undefined;
  await t.approved(request, payment, 'ОПЛАТА', done);
}

async function qrSale(t: OperationContext, request: Message, control: OperationControl, check: () => void, switched: boolean): Promise<void> {
  const amount = request.int(Tag.amount) ?? 0;
  const ecr = request.int(Tag.ecrNumber) ?? 0;
  const { timing, profile, scenario } = t.options;
  const payload = qrPayload(amount);
  const qr: QrPayment = { ecrNumber: ecr, amount, payload, switched, state: 'pending', rrn: undefined };
  t.bank.qr.push(qr);
  control.abortable = true;
  // Where the profile says the terminal reports the QR (fields it does not name are not sent).
  const qrFields: Record<number, string | number> = {};
  if (profile.sbp.qrPayloadField !== undefined) qrFields[profile.sbp.qrPayloadField] = payload;
  if (profile.sbp.qrExpiryField !== undefined) qrFields[profile.sbp.qrExpiryField] = Math.round(timing.qrLifetimeMs / 1000);
  const willPay = scenario !== 'qr-expire' && scenario !== 'qr-late-pay' && timing.qrPayDelayMs < timing.qrLifetimeMs;
  try {
    await t.working(willPay ? timing.qrPayDelayMs : timing.qrLifetimeMs, 'ОТСКАНИРУЙТЕ QR-КОД', check, qrFields);
  } catch (error) {
    qr.state = 'cancelled';
    throw error;
  }
  control.abortable = false;
  if (!willPay) {
    qr.state = 'expired';
    t.log('QR code expired unpaid');
    if (scenario === 'qr-late-pay') {
      t.later(Math.max(timing.qrPayDelayMs, 50), () => {
        const payment = t.bank.charge({ ecrNumber: ecr, amount, method: 'sbp', switched });
        qr.state = 'done';
        qr.rrn = payment.rrn;
        t.log(`the QR payment for till number ${ecr} arrived at the bank after expiry (RRN ${payment.rrn})`);
      });
    }
    await t.final(request, { [Tag.status]: TxnStatus.ABORTED, [Tag.resultText]: 'ВРЕМЯ ДЕЙСТВИЯ QR-КОДА ИСТЕКЛО', [Tag.amount]: amount });
    return;
  }
  const payment = t.bank.charge({ ecrNumber: ecr, amount, method: 'sbp', switched });
  qr.state = 'done';
  qr.rrn = payment.rrn;
  const marker = switched ? { [profile.sbp.switchMarker.field]: profile.sbp.switchMarker.value } : {};
  await t.approved(request, payment, 'ОПЛАТА СБП', marker);
}

async function voidPayment(t: OperationContext, request: Message): Promise<void> {
  const amount = request.int(Tag.amount) ?? 0;
  const ecr = request.int(Tag.ecrNumber) ?? 0;
  const payment = t.bank.findByRrn(request.text(Tag.rrn)?.trim() ?? '');
  const refusal = refundRefusal(t, payment, amount, 'void');
  await t.working(t.options.timing.processingDelayMs, 'ОТМЕНА. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
  if (refusal || !payment) {
    await t.final(request, { [Tag.status]: TxnStatus.DECLINED, [Tag.resultText]: refusal ?? 'ОПЕРАЦИЯ НЕ НАЙДЕНА', [Tag.rrn]: request.text(Tag.rrn) });
    return;
  }
  const record = t.bank.refund(payment, amount, ecr, 'void');
  const quirk = t.options.quirks.voidNoTemplate;
  await t.final(request, {
    [Tag.status]: quirk ? TxnStatus.NOT_PERFORMED : TxnStatus.APPROVED,
    [Tag.responseCode]: '00',
    [Tag.resultText]: quirk ? 'ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА' : 'ОДОБРЕНО',
    [Tag.rrn]: record.rrn,
    [Tag.authCode]: payment.authCode,
    [Tag.amount]: amount,
    [Tag.slip]: quirk ? undefined : t.slip('ОТМЕНА', amount, record.rrn, 'ОДОБРЕНО', payment.cardMasked),
  });
}

async function cardRefund(t: OperationContext, request: Message, control: OperationControl, check: () => void): Promise<void> {
  const amount = request.int(Tag.amount) ?? 0;
  const ecr = request.int(Tag.ecrNumber) ?? 0;
  const payment = t.bank.findByRrn(request.text(Tag.rrn)?.trim() ?? '');
  control.abortable = true;
  await t.working(t.options.timing.cardDelayMs, 'ВОЗВРАТ. ПРИЛОЖИТЕ, ВСТАВЬТЕ ИЛИ ПРОВЕДИТЕ КАРТУ', check);
  control.abortable = false;
  await t.working(t.options.timing.processingDelayMs, 'ОБРАБОТКА. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
  const refusal =
    t.options.scenario === 'decline'
      ? 'ОТКАЗ. ОПЕРАЦИЯ ОТКЛОНЕНА'
      : payment?.method === 'sbp'
        ? 'ОПЛАТА СБП: ИСПОЛЬЗУЙТЕ ВОЗВРАТ СБП'
        : refundRefusal(t, payment, amount, 'refund');
  if (refusal || !payment) {
    await t.final(request, { [Tag.status]: TxnStatus.DECLINED, [Tag.resultText]: refusal ?? 'ОПЕРАЦИЯ НЕ НАЙДЕНА', [Tag.cardNumber]: t.pan() });
    return;
  }
  const record = t.bank.refund(payment, amount, ecr, 'refund');
  await t.final(request, {
    [Tag.status]: TxnStatus.APPROVED,
    [Tag.responseCode]: '00',
    [Tag.resultText]: 'ОДОБРЕНО',
    [Tag.rrn]: record.rrn,
    [Tag.authCode]: t.bank.authCode(),
    [Tag.amount]: amount,
    [Tag.cardNumber]: t.pan(),
    [Tag.slip]: t.slip('ВОЗВРАТ', amount, record.rrn, 'ОДОБРЕНО', PAN_MASKED),
  });
}

async function qrRefund(t: OperationContext, request: Message): Promise<void> {
  const amount = request.int(Tag.amount) ?? 0;
  const ecr = request.int(Tag.ecrNumber) ?? 0;
  const payment = t.bank.findByRrn(request.text(Tag.rrn)?.trim() ?? '');
  await t.working(t.options.timing.processingDelayMs, 'ВОЗВРАТ СБП. ЖДИТЕ ОТВЕТА БАНКА', () => undefined);
  const refusal = payment && payment.method !== 'sbp' ? 'ОПЛАТА КАРТОЙ: ИСПОЛЬЗУЙТЕ ВОЗВРАТ ПО КАРТЕ' : refundRefusal(t, payment, amount, 'refund');
  if (refusal || !payment) {
    await t.final(request, { [Tag.status]: TxnStatus.DECLINED, [Tag.resultText]: refusal ?? 'ОПЕРАЦИЯ НЕ НАЙДЕНА' });
    return;
  }
  const record = t.bank.refund(payment, amount, ecr, 'refund');
  await t.final(request, {
    [Tag.status]: TxnStatus.APPROVED,
    [Tag.responseCode]: '00',
    [Tag.resultText]: 'ВОЗВРАТ СБП ВЫПОЛНЕН',
    [Tag.rrn]: record.rrn,
    [Tag.amount]: amount,
    [Tag.slip]: t.slip('ВОЗВРАТ СБП', amount, record.rrn, 'ВОЗВРАТ ВЫПОЛНЕН'),
  });
}

/** Why the bank refuses to give money back, or undefined when it agrees. */
function refundRefusal(t: OperationContext, payment: Payment | undefined, amount: number, kind: 'void' | 'refund'): string | undefined {
  if (!payment) return 'ОПЕРАЦИЯ НЕ НАЙДЕНА';
  if (kind === 'void' && payment.day !== t.bank.day) return 'ОТМЕНА НЕВОЗМОЖНА: СМЕНА ЗАКРЫТА. ИСПОЛЬЗУЙТЕ ВОЗВРАТ';
  if (amount <= 0 || payment.refunded + amount > payment.amount) return `СУММА ПРЕВЫШАЕТ ОСТАТОК ${slipAmount(payment.amount - payment.refunded)}`;
  const { quirks } = t.options;
  if (payment.switched && quirks.noSwitchedRefund) return 'ВОЗВРАТ НЕВОЗМОЖЕН: ОПЛАТА ПЕРЕКЛЮЧЕНА НА QR СБП. ВЕРНИТЕ НАЛИЧНЫМИ';
  const partial = payment.refunded + amount < payment.amount;
  if (payment.method === 'sbp' && partial && payment.day === t.bank.day && quirks.noPartialSameDayQrRefund) {
    return 'ЧАСТИЧНЫЙ ВОЗВРАТ СБП В ДЕНЬ ОПЛАТЫ НЕ ПОДДЕРЖИВАЕТСЯ. ПОВТОРИТЕ НА СЛЕДУЮЩИЙ ДЕНЬ';
  }
  return undefined;
}

async function status(t: OperationContext, request: Message, refund: boolean): Promise<void> {
  const spec = refund ? t.options.profile.sbp.refundStatus : t.options.profile.sbp.paymentStatus;
  const ecr = request.int(spec.byEcrField);
  const rrn = request.text(spec.byRrnField)?.trim();
  let state: SbpState = 'not-found';
  let found: { rrn?: string | undefined; amount: number } | undefined;
  let paidBySbp = false;
  if (refund) {
    const record = t.bank.refunds.find((r) => (rrn !== undefined && r.rrn === rrn) || (rrn === undefined && ecr !== undefined && r.ecrNumber === ecr));
    if (record) {
      state = 'done';
      found = record;
    }
  } else {
    const qr = t.bank.qr.findLast((q) => (rrn !== undefined ? q.rrn === rrn : q.ecrNumber === ecr));
    const payment = rrn !== undefined ? t.bank.findByRrn(rrn) : ecr !== undefined ? t.bank.findByEcr(ecr) : undefined;
    const reversed =
      payment !== undefined &&
      payment.refunded >= payment.amount &&
      t.bank.ledger.refunds.some((r) => r.ofRrn === payment.rrn && r.kind === 'emergency-cancel');
    if (payment) {
      state = reversed ? 'reversed' : 'done';
      found = payment;
      paidBySbp = payment.method === 'sbp';
    } else if (qr) {
      state = qr.state === 'cancelled' ? 'rejected' : qr.state;
      found = qr;
    }
  }
  const code = Object.entries(t.options.profile.sbp.statusValues).find(([, value]) => value === state)?.[0];
  const texts: Record<SbpState, string> = {
    done: 'ОПЛАЧЕНО',
    pending: 'ОЖИДАЕТ ОПЛАТЫ',
    rejected: 'ОТКЛОНЕНО',
    expired: 'ВРЕМЯ ДЕЙСТВИЯ ИСТЕКЛО',
    'not-found': 'ОПЕРАЦИЯ НЕ НАЙДЕНА',
    reversed: 'ОПЕРАЦИЯ ОТМЕНЕНА',
  };
  await t.final(request, {
    [Tag.status]: code ?? TxnStatus.NOT_PERFORMED,
    [Tag.resultText]: refund && state === 'done' ? 'ВОЗВРАТ ВЫПОЛНЕН' : texts[state],
    [Tag.rrn]: found?.rrn,
    [Tag.amount]: found?.amount,
    // Where the profile says a status answer tells that the payment found was made by QR.
    ...(paidBySbp && t.options.profile.sbp.statusSbpMarker
      ? { [t.options.profile.sbp.statusSbpMarker.field]: t.options.profile.sbp.statusSbpMarker.value }
      : {}),
  });
}

async function emergencyCancel(t: OperationContext, request: Message): Promise<void> {
  const ecr = request.int(Tag.ecrNumber);
  const payment = ecr === undefined ? undefined : t.bank.findByEcr(ecr);
  const qr = ecr === undefined ? undefined : t.bank.qr.findLast((q) => q.ecrNumber === ecr && q.state === 'pending');
  if (qr) qr.state = 'cancelled';
  if (payment && payment.refunded < payment.amount) {
    const record = t.bank.refund(payment, payment.amount - payment.refunded, ecr ?? 0, 'emergency-cancel');
    await t.final(request, {
      [Tag.status]: TxnStatus.APPROVED,
      [Tag.responseCode]: '00',
      [Tag.resultText]: 'ОПЕРАЦИЯ ОТМЕНЕНА',
      [Tag.rrn]: record.rrn,
      [Tag.amount]: record.amount,
    });
    return;
  }
  await t.final(request, {
    [Tag.status]: TxnStatus.NOT_PERFORMED,
    [Tag.resultText]: payment ? 'ОПЕРАЦИЯ УЖЕ ОТМЕНЕНА' : 'ОПЕРАЦИЯ НЕ НАЙДЕНА. СПИСАНИЯ НЕ БЫЛО',
  });
}

async function settle(t: OperationContext, request: Message): Promise<void> {
  await t.working(t.options.timing.processingDelayMs, 'СВЕРКА ИТОГОВ', () => undefined);
  const settlement = t.options.profile.settlement;
  const closed = t.bank.settle(settlement?.switchedCountedAs);
  await t.final(request, {
    [Tag.status]: TxnStatus.APPROVED,
    [Tag.responseCode]: '00',
    [Tag.resultText]: 'ИТОГИ СОВПАЛИ',
    ...settlementFields(t.options.terminalId, closed, settlement),
  });
}

async function userCommand(t: OperationContext, request: Message): Promise<void> {
  const command = request.int(Tag.commandMode2);
  const { userCommands } = t.options.profile;
  let slip: string | undefined;
  if (command === userCommands.shortReport) {
    const today = t.bank.payments.filter((p) => p.day === t.bank.day);
    const total = today.reduce((s, p) => s + p.amount - p.refunded, 0);
    slip = `0xDF^^КРАТКИЙ ОТЧЕТ~ТЕРМИНАЛ ${t.options.terminalId}~ОПЕРАЦИЙ: ${today.length}~ИТОГО: ${slipAmount(total)} RUB~0xDD^^`;
  } else if (command === userCommands.fullReport) {
    const lines = t.bank.payments
      .filter((p) => p.day === t.bank.day)
      .map(
        (p) =>
          `${p.method === 'sbp' ? 'СБП ' : 'КАРТА'} N${p.ecrNumber} RRN ${p.rrn} ${slipAmount(p.amount)}${p.refunded ? ` ВОЗВР ${slipAmount(p.refunded)}` : ''}`,
      );
    slip = `0xDF^^ПОЛНЫЙ ОТЧЕТ (ЖУРНАЛ)~ТЕРМИНАЛ ${t.options.terminalId}~${lines.join('~') || 'ОПЕРАЦИЙ НЕТ'}~0xDD^^`;
  } else if (command === userCommands.slipCopy) {
    const last = t.lastSlip();
    slip = last ? last.replace('0xDF^^', '0xDF^^КОПИЯ~') : undefined;
    if (!slip) {
      await t.final(request, { [Tag.status]: TxnStatus.NOT_PERFORMED, [Tag.resultText]: 'НЕТ ЧЕКА ДЛЯ КОПИИ', [Tag.commandMode2]: command });
      return;
    }
  } else {
    await t.final(request, {
      [Tag.status]: TxnStatus.NOT_PERFORMED,
      [Tag.resultText]: `КОМАНДА ${command ?? '-'} НЕ ПОДДЕРЖИВАЕТСЯ`,
      [Tag.commandMode2]: command,
    });
    return;
  }
  await t.final(request, { [Tag.status]: TxnStatus.APPROVED, [Tag.resultText]: 'ВЫПОЛНЕНО', [Tag.commandMode2]: command, [Tag.slip]: slip });
}

function qrPayload(amount: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = 'AD10';
  for (let i = 0; i < 28; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `https://qr.nspk.ru/${id}?type=02&bank=100000000111&sum=${amount}&cur=RUB&crc=${Math.floor(Math.random() * 0xffff)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0')}`;
}
