/**
 * The journal's event codes in staff words, Russian and English: every code the journal can
 * write (electron/contract/audit-events.ts) has both (the type checker enforces it).
 */
import type { AnswerEnding, AnswerSource, AuditEvent } from '../../electron/contract/audit-events.js';
import type { Locale } from './i18n.js';

type Texts = Readonly<Record<Locale, string>>;

const ANSWER: Readonly<Record<AnswerSource, Texts>> = {
  sale: { ru: 'Оплата', en: 'Payment' },
  void: { ru: 'Отмена оплаты', en: 'Void' },
  refund: { ru: 'Возврат', en: 'Refund' },
  cash: { ru: 'Возврат наличными', en: 'Cash refund' },
  recovered: { ru: 'Оплата (ответ после перезапуска)', en: 'Payment (answer after a restart)' },
};

const ENDING: Readonly<Record<AnswerEnding, Texts>> = {
  approved: { ru: 'одобрена', en: 'approved' },
  'approved-partially': { ru: 'одобрена частично', en: 'partly approved' },
  declined: { ru: 'не прошла', en: 'not made' },
  failed: { ru: 'не выполнена', en: 'failed' },
  unknown: { ru: 'результат неизвестен', en: 'outcome unknown' },
};

/** Every other code (a new one in the contract's list fails the type check until it is named here). */
const FIXED: Readonly<Record<Exclude<AuditEvent, `${AnswerSource}-${AnswerEnding}`>, Texts>> = {
  'receipt-opened': { ru: 'Чек открыт', en: 'Receipt opened' },
  'receipt-open': { ru: 'Чек снова открыт', en: 'Receipt open again' },
  'receipt-paid': { ru: 'Чек оплачен полностью', en: 'Receipt paid in full' },
  'receipt-cancelled': { ru: 'Чек отменён', en: 'Receipt cancelled' },
  'payment-intent': { ru: 'Оплата подготовлена', en: 'Payment prepared' },
  'refund-intent': { ru: 'Возврат подготовлен', en: 'Refund prepared' },
  sending: { ru: 'Отправлено на пин-пад', en: 'Sent to the pin pad' },
  state: { ru: 'Состояние изменено', en: 'State changed' },
  'journal-write-failed': { ru: 'Ответ не удалось записать в журнал', en: 'The answer could not be journaled' },
  'qr-shown': { ru: 'Показан QR-код', en: 'QR code shown' },
  'switched-to-sbp': { ru: 'Покупатель нажал 1: оплата по QR', en: 'The customer pressed 1: QR payment' },
  'cancel-requested': { ru: 'Нажата отмена', en: 'Cancel pressed' },
  'cash-taken': { ru: 'Получены наличные', en: 'Cash taken' },
  'cash-refund': { ru: 'Выданы наличные', en: 'Cash given back' },
  'fully-refunded': { ru: 'Оплата возвращена полностью', en: 'Payment fully refunded' },
  'resolved-by-cashier': { ru: 'Решено сотрудником', en: 'Decided by staff' },
  'late-watch-opened': { ru: 'Ждём позднюю оплату по QR', en: 'Waiting for a late QR payment' },
  'late-watch-reversing': { ru: 'Поздняя оплата возвращается', en: 'Late payment being given back' },
  'late-watch-paid': { ru: 'Поздняя оплата пришла', en: 'Late payment arrived' },
  'late-watch-not-paid': { ru: 'Поздней оплаты не было', en: 'No late payment came' },
  'late-watch-decided': { ru: 'Ожидание прекращено сотрудником', en: 'Wait ended by staff' },
  'late-payment': { ru: 'Поздняя оплата по QR', en: 'Late QR payment' },
  'late-answer': { ru: 'Поздний ответ пин-пада', en: 'Late answer of the pin pad' },
  'recovered-not-sent': { ru: 'Не отправлено (приложение остановилось)', en: 'Not sent (the app stopped)' },
  'recovery-started': { ru: 'Выясняем результат после перезапуска', en: 'Finding the outcome after a restart' },
  'recovery-waiting': { ru: 'Пин-пад занят — ждём его ответа', en: 'The pin pad is busy — waiting for its answer' },
  'recovery-status': { ru: 'Запрошен статус у пин-пада', en: 'Status asked of the pin pad' },
  'recovery-pending': { ru: 'Результат пока неизвестен', en: 'Outcome still unknown' },
  'recovery-deadline': { ru: 'Пин-пад так и не ответил — отмена операции', en: 'The pin pad never answered — the operation is cancelled' },
  'receipt-printed': { ru: 'Чек напечатан кассовой программой', en: 'Receipt printed by the POS core' },
  'recovered-reversed': { ru: 'Отменено, деньги возвращены', en: 'Cancelled, money given back' },
  settlement: { ru: 'Сверка итогов', en: 'Settlement' },
  'service-pin-wrong': { ru: 'Неверный PIN сотрудника', en: 'Wrong staff PIN' },
  'service-pin-locked': { ru: 'PIN сотрудника заблокирован', en: 'Staff PIN locked' },
};

/** The text of a code in staff words; a code this screen does not know (a newer service) is shown as it is. */
export function auditEventText(event: AuditEvent | string, locale: Locale): string {
  if (Object.hasOwn(FIXED, event)) return FIXED[event as keyof typeof FIXED][locale];
  const match = /^(sale|void|refund|cash|recovered)-(.+)$/.exec(event);
  const source = match && Object.hasOwn(ANSWER, match[1]!) ? ANSWER[match[1] as AnswerSource] : undefined;
  const ending = match && Object.hasOwn(ENDING, match[2]!) ? ENDING[match[2] as AnswerEnding] : undefined;
  return source && ending ? `${source[locale]}: ${ending[locale]}` : event;
}

/** Answers whose detail is the terminal's own words (its result text, in the terminal's language). */
const TERMINAL_WORDS = /^(sale|void|refund|recovered)-(approved|approved-partially|declined)$/;
/** How the service prefixes a staff member's note when a late-payment watch is ended by hand. */
const STAFF_NOTE_PREFIX = /^by the cashier:\s*/;

/**
 * What the staff journal shows of an entry's detail: only people's words — the terminal's answer
 * text and a staff member's own note. The rest of the detail is the service's bookkeeping for the
 * engineer (English, kopecks, till numbers, UTC times): it stays in the journal, the log and the
 * support bundle, and on screen the event's name, amount and states say it.
 */
export function auditDetailText(event: string, detail: string | null): string {
  if (!detail) return '';
  if (event === 'resolved-by-cashier') return detail;
  if (event === 'late-watch-decided') return detail.replace(STAFF_NOTE_PREFIX, '');
  return TERMINAL_WORDS.test(event) ? detail : '';
}

/**
 * Why a late-payment watch is open, in staff words. The service writes its reason for the
 * engineer ("sale declined: <the terminal's text>", "reversed by recovery", …); staff read what
 * happened to the QR, with the terminal's own words where it gave some. A reason this screen
 * does not know (a newer service) is shown as it is.
 */
export function lateWatchReasonText(reason: string, locale: Locale): string {
  const declined = /^(sale|payment|sbp|qr)[\w -]* declined: (.*)$/i.exec(reason);
  if (declined) {
    const words = declined[2]!.trim();
    const head = locale === 'ru' ? 'QR-код не оплачен' : 'The QR code was not paid';
    return words && words !== 'no text' ? `${head}: ${words}` : head;
  }
  if (reason === 'declined by the cashier') return locale === 'ru' ? 'Сотрудник отметил: деньги не списаны' : 'Staff marked it: not charged';
  if (reason === 'reversed by recovery') return locale === 'ru' ? 'Отменён после перезапуска, деньги возвращены' : 'Cancelled after a restart, money given back';
  if (reason.startsWith('declined by recovery')) return locale === 'ru' ? 'После перезапуска: не оплачен' : 'After a restart: not paid';
  return reason;
}
