/**
 * Every text of the UI, Russian and English, in one catalogue. Russian is the default; the
 * English table must have exactly the same keys (the type checker enforces it). Error codes
 * that cross the contract map to one text for the customer and one for the cashier.
 *
 * Texts take `{name}` placeholders; `t()` fills them. Amounts are formatted by money.ts
 * before they are put in.
 */
import { ALL_ERROR_CODES, ERROR_TABLE, isErrorCode, type ErrorMessageKey } from '../../electron/contract/errors.js';
import { formatMoney } from './money.js';

export type Locale = 'ru' | 'en';

const ru = {
  'app.title': 'Оплата',
  'app.loading': 'Подключаемся к сервису оплаты…',
  'app.bootFailed': 'Сервис оплаты недоступен',
  'app.noApi': 'Нет связи с сервисом: откройте страницу по ссылке с токеном (#token=…)',
  'app.bridgeDown': 'Нет связи с сервисом оплаты — переподключаемся…',
  'app.mode.kiosk': 'Касса самообслуживания',
  'app.mode.till': 'Касса',

  'lang.switch': 'English',
  'lang.switchLabel': 'Switch to English',

  'pinpad.label': 'Пин-пад',
  'pinpad.connecting': 'подключается…',
  'pinpad.connected': 'подключён',
  'pinpad.reconnecting': 'нет связи, переподключение…',
  'pinpad.stopped': 'остановлен',
  'pinpad.unknownState': 'состояние неизвестно',
  'pinpad.emulator': 'эмулятор',
  'pinpad.terminal': 'терминал {id}',
  'pinpad.unavailable': 'Оплата картой и по QR временно недоступна: пин-пад не подключён',

  // Stable accessible names (tests and people find the buttons by them).
  'action.pay': 'Оплатить',
  'action.card': 'Оплата картой',
  'action.sbp': 'Оплата QR СБП',
  'action.cash': 'Оплата наличными',
  'action.cancel': 'Отмена',
  'action.retry': 'Попробовать ещё раз',
  'action.otherMethod': 'Другой способ оплаты',
  'action.cancelPurchase': 'Отменить покупку',
  'action.confirmCancelPurchase': 'Да, вернуть деньги',
  'action.keepPaying': 'Нет, продолжить оплату',
  'action.done': 'Готово',
  'action.service': 'Сервис',
  'action.close': 'Закрыть',
  'action.dismiss': 'Понятно',

  'cart.title': 'Товары',
  'cart.yourCart': 'Ваша покупка',
  'cart.empty': 'Выберите товары',
  'cart.add': 'Добавить:',
  'cart.remove': 'Убрать: {name}',
  'cart.quantity': '{count} шт.',
  'cart.total': 'Итого',
  'cart.freeAmount': 'Товар по свободной цене, ₽',
  'cart.addFree': 'Добавить сумму',
  'cart.freeName': 'Товар по свободной цене',
  'cart.opening': 'Открываем чек…',

  'method.title': 'Выберите способ оплаты',
  'method.amount': 'К оплате: {amount}',

  'progress.starting': 'Готовим оплату…',
  'progress.card': 'Приложите, вставьте или проведите карту',
  'progress.switchHint': 'Нажмите 1 на пин-паде, чтобы оплатить по QR-коду СБП',
  'progress.qr': 'Отсканируйте QR-код на экране пин-пада',
  'progress.switched': 'Вы выбрали оплату по QR-коду СБП на пин-паде',
  'progress.cancelling': 'Отменяем оплату — дождитесь ответа пин-пада',
  'progress.amount': 'К оплате: {amount}',
  'progress.pinpadSays': 'Пин-пад: {text}',
  'progress.lost': 'Связь с сервисом прервалась во время оплаты. Не оплачивайте повторно — ждём ответа сервиса',

  'qr.copyTitle': 'Тот же QR-код',
  'qr.alt': 'QR-код для оплаты через СБП',
  'qr.expiresIn': 'QR-код действует ещё {time}',
  'qr.expired': 'Срок действия QR-кода истёк — ждём ответа пин-пада',

  'result.approved': 'Оплачено {amount}',
  'result.approvedCash': 'Оплачено наличными {amount}',
  'result.paidInFull': 'Оплачено полностью. Спасибо!',
  'result.remaining': 'Осталось оплатить {amount}',
  'result.declined': 'Отказ. Деньги не списаны',
  'result.bankSays': 'Ответ банка: {text}',
  'result.declinedHelp': 'Попробуйте ещё раз или выберите другой способ оплаты',
  'result.failed': 'Оплата не выполнена. Деньги не списаны',
  'result.cancelled': 'Оплата отменена. Деньги не списаны',
  'result.unknown': 'Не оплачивайте повторно — обратитесь к сотруднику',
  'result.unknownCashier': 'Не оплачивайте повторно: результат оплаты {amount} неизвестен. Проверьте статус операции',
  'result.unknownHelp': 'Мы выясняем у банка, прошла ли оплата. Сотрудник поможет завершить покупку',
  'result.reversed': 'Оплата {amount} отменена, деньги возвращены',
  'result.receiptCancelled': 'Покупка отменена. Оплаченное возвращено',
  'result.receiptCancelledNothing': 'Покупка отменена',
  'result.cancellingReceipt': 'Отменяем покупку и возвращаем деньги…',
  'result.confirmCancel': 'Вернуть {amount} и отменить покупку?',
  'result.takeSlip': 'Заберите чек',

  'receipt.title': 'Чек {id}',
  'receipt.total': 'Сумма чека',
  'receipt.paid': 'Внесено',
  'receipt.remaining': 'Осталось оплатить',
  'receipt.refunded': 'Возвращено',
  'receipt.checking': 'Проверяется оплата',
  'receipt.state.open': 'открыт',
  'receipt.state.paid': 'оплачен',
  'receipt.state.cancelled': 'отменён',
  'receipt.blocked': 'Не оплачивайте повторно: у чека есть оплата с неизвестным результатом. Проверьте её статус',
  'receipt.parts': 'Части оплаты',
  'receipt.noParts': 'Оплат пока нет',
  'receipt.lines': 'Позиции',
  'receipt.partRow': '{kind} · {method} · {amount} · {state}',
  'receipt.partSwitched': 'переключена на QR кнопкой 1',
  'receipt.card': 'карта {card}',

  'part.kind.payment': 'оплата',
  'part.kind.refund': 'возврат',
  'part.method.card': 'карта',
  'part.method.sbp': 'СБП',
  'part.method.cash': 'наличные',
  'part.state.INTENT': 'подготовлена',
  'part.state.SENT': 'отправлена на пин-пад',
  'part.state.APPROVED': 'одобрена',
  'part.state.DECLINED': 'отказ',
  'part.state.FAILED': 'не выполнена',
  'part.state.UNKNOWN': 'результат неизвестен',
  'part.state.REVERSED': 'отменена',
  'part.state.REFUNDED': 'возвращена',

  'late.kept': 'Оплата по QR {amount} пришла после истечения QR-кода и учтена в чеке',
  'late.reversed': 'Оплата по QR {amount} пришла после истечения QR-кода и возвращена покупателю',

  'till.nav': 'Разделы',
  'till.tab.sale': 'Продажа',
  'till.tab.refund': 'Возврат',
  'till.tab.service': 'Сервис',
  'till.newReceipt': 'Новый чек',
  'till.openReceipt': 'Открыть чек',
  'till.partAmount': 'Сумма этой части, ₽',
  'till.partAmountHelp': 'По умолчанию — весь остаток. Для оплаты частями введите сумму и выберите способ',
  'till.amountInvalid': 'Введите сумму в рублях, например 150 или 150,50',
  'till.amountTooBig': 'Сумма больше остатка ({amount})',
  'till.cancelReceipt': 'Отменить чек',
  'till.confirmCancel': 'Вернуть все оплаченные части ({amount}) и отменить чек?',
  'till.confirmCancelYes': 'Подтвердить отмену чека',
  'till.confirmCancelNo': 'Не отменять',
  'till.cashForSwitched': 'Оплату, переключённую на QR, вернуть наличными (банк её не возвращает)',
  'till.checkStatus': 'Проверить статус',
  'till.checkingStatus': 'Запрашиваем статус у пин-пада…',
  'till.receiptDone': 'Чек оплачен полностью',
  'till.shortcuts': 'Клавиши: Esc — отмена операции на пин-паде',

  'refund.title': 'Возврат',
  'refund.search': 'Номер чека или текст позиции',
  'refund.find': 'Найти чеки',
  'refund.none': 'Чеки не найдены',
  'refund.choose': 'Выбрать чек {id}',
  'refund.receiptRow': '{id} · {total} · {state} · {date}',
  'refund.payments': 'Оплаты этого чека',
  'refund.noPayments': 'В чеке нет одобренных оплат для возврата',
  'refund.include': 'Вернуть: {method} {amount}',
  'refund.left': 'можно вернуть {amount}',
  'refund.amount': 'Сумма возврата, ₽',
  'refund.check': 'Проверить правила возврата',
  'refund.rules': 'Как будет сделан возврат',
  'refund.rulesFirst': 'Сначала проверьте правила возврата: экран покажет, как банк вернёт каждую оплату',
  'refund.plan.void': 'В день покупки: отмена без карты. Деньги вернутся сразу',
  'refund.plan.refundCard': 'Покупка была в другой день: покупатель приложит ту же карту к пин-паду',
  'refund.plan.refundSbp': 'Покупка была в другой день: возврат по СБП без карты, деньги придут на счёт покупателя',
  'refund.plan.cash': 'Вернуть наличными из кассы',
  'refund.plan.sbpPartialSameDay':
    'Этот банк не возвращает часть оплаты по QR в день покупки. Сегодня можно вернуть только всю сумму; частичный возврат — завтра или позже',
  'refund.plan.switchedCash': 'Этот банк не возвращает оплату, которую покупатель переключил на QR кнопкой 1. Верните эти деньги наличными',
  'refund.offerCash': 'Вернуть наличными {amount}',
  'refund.start': 'Выполнить возврат',
  'refund.running': 'Выполняем возврат…',
  'refund.presentCard': 'Попросите покупателя приложить, вставить или провести карту',
  'refund.resultApproved': 'Возврат выполнен: {amount}',
  'refund.resultDeclined': 'Отказ в возврате {amount}{reason}',
  'refund.resultFailed': 'Возврат {amount} не выполнен',
  'refund.resultUnknown': 'Не повторяйте возврат {amount}: результат неизвестен, проверьте статус',
  'refund.again': 'Другой возврат',

  'service.title': 'Сервис',
  'service.pin': 'PIN сотрудника',
  'service.unlock': 'Войти',
  'service.wrongPin': 'Неверный PIN',
  'service.pinNotSet': 'PIN сотрудника не задан в настройках — сервисные функции недоступны',
  'service.lock': 'Выйти из сервиса',
  'service.back': 'Вернуться к оплате',
  'service.status': 'Состояние',
  'service.connection': 'Подключение',
  'service.terminalId': 'Номер терминала',
  'service.model': 'Модель',
  'service.profile': 'Профиль терминала',
  'service.mode': 'Режим',
  'service.qrSbp': 'Оплата по QR СБП',
  'service.on': 'включена',
  'service.off': 'выключена',
  'service.timeout': 'Таймаут операции',
  'service.seconds': '{n} с',
  'service.operations': 'Операции пин-пада',
  'service.test': 'Проверка связи',
  'service.settle': 'Сверка итогов',
  'service.reportShort': 'Краткий отчёт',
  'service.reportFull': 'Полный отчёт',
  'service.slipCopy': 'Копия последнего чека',
  'service.running': 'Выполняется: {op}',
  'service.result': '{op}: {status}',
  'service.status.approved': 'выполнено',
  'service.status.declined': 'отказ',
  'service.status.failed': 'не выполнено',
  'service.status.unknown': 'результат неизвестен',
  'service.slip': 'Слип',
  'service.unknowns': 'Операции с неизвестным результатом',
  'service.unknownsLoad': 'Показать неизвестные операции',
  'service.unknownsNone': 'Операций с неизвестным результатом нет',
  'service.resolve': 'Запросить статус у пин-пада',
  'service.resolveAll': 'Проверить все',
  'service.manual': 'Решить вручную',
  'service.manualApproved': 'Деньги списаны (есть в полном отчёте)',
  'service.manualDeclined': 'Деньги не списаны',
  'service.manualNote': 'Основание (что проверено)',
  'service.manualRrn': 'RRN (если есть)',
  'service.manualSave': 'Сохранить решение',
  'service.journal': 'Журнал',
  'service.journalReceipt': 'Номер чека',
  'service.journalPayment': 'Номер оплаты',
  'service.journalShow': 'Показать журнал',
  'service.journalEmpty': 'Записей нет',
  'service.journalColumns': 'Время|Чек|Оплата|Событие|Было → стало|Подробности',
  'service.bundle': 'Собрать архив для поддержки',
  'service.bundleDone': 'Архив сохранён: {path}',
  'service.quit': 'Закрыть приложение',

  'error.title': 'Ошибка',
} as const;

export type TextKey = keyof typeof ru;

const en: Record<TextKey, string> = {
  'app.title': 'Payment',
  'app.loading': 'Connecting to the payment service…',
  'app.bootFailed': 'The payment service is not available',
  'app.noApi': 'No connection to the service: open the page with its token link (#token=…)',
  'app.bridgeDown': 'No connection to the payment service — reconnecting…',
  'app.mode.kiosk': 'Self-checkout',
  'app.mode.till': 'Till',

  'lang.switch': 'Русский',
  'lang.switchLabel': 'Переключить на русский',

  'pinpad.label': 'Pin pad',
  'pinpad.connecting': 'connecting…',
  'pinpad.connected': 'connected',
  'pinpad.reconnecting': 'reconnecting…',
  'pinpad.stopped': 'stopped',
  'pinpad.unknownState': 'state unknown',
  'pinpad.emulator': 'emulator',
  'pinpad.terminal': 'terminal {id}',
  'pinpad.unavailable': 'Card and QR payments are unavailable for now: the pin pad is not connected',

  'action.pay': 'Pay',
  'action.card': 'Pay by card',
  'action.sbp': 'Pay by SBP QR',
  'action.cash': 'Pay in cash',
  'action.cancel': 'Cancel',
  'action.retry': 'Try again',
  'action.otherMethod': 'Another way to pay',
  'action.cancelPurchase': 'Cancel the purchase',
  'action.confirmCancelPurchase': 'Yes, give the money back',
  'action.keepPaying': 'No, keep paying',
  'action.done': 'Done',
  'action.service': 'Service',
  'action.close': 'Close',
  'action.dismiss': 'OK',

  'cart.title': 'Goods',
  'cart.yourCart': 'Your purchase',
  'cart.empty': 'Choose your goods',
  'cart.add': 'Add:',
  'cart.remove': 'Remove: {name}',
  'cart.quantity': '× {count}',
  'cart.total': 'Total',
  'cart.freeAmount': 'Item at a free price, ₽',
  'cart.addFree': 'Add the amount',
  'cart.freeName': 'Item at a free price',
  'cart.opening': 'Opening the receipt…',

  'method.title': 'Choose how to pay',
  'method.amount': 'To pay: {amount}',

  'progress.starting': 'Getting the payment ready…',
  'progress.card': 'Tap, insert or swipe your card',
  'progress.switchHint': 'Press 1 on the pin pad to pay by SBP QR code',
  'progress.qr': 'Scan the QR code on the pin pad screen',
  'progress.switched': 'You chose to pay by SBP QR code on the pin pad',
  'progress.cancelling': 'Cancelling the payment — waiting for the pin pad',
  'progress.amount': 'To pay: {amount}',
  'progress.pinpadSays': 'Pin pad: {text}',
  'progress.lost': 'The connection to the service dropped during the payment. Do not pay again — waiting for the service',

  'qr.copyTitle': 'The same QR code',
  'qr.alt': 'QR code for an SBP payment',
  'qr.expiresIn': 'The QR code is valid for {time} more',
  'qr.expired': 'The QR code has expired — waiting for the pin pad',

  'result.approved': 'Paid {amount}',
  'result.approvedCash': 'Paid in cash {amount}',
  'result.paidInFull': 'Paid in full. Thank you!',
  'result.remaining': 'Still to pay {amount}',
  'result.declined': 'Declined. No money was taken',
  'result.bankSays': 'The bank says: {text}',
  'result.declinedHelp': 'Try again or choose another way to pay',
  'result.failed': 'The payment did not go through. No money was taken',
  'result.cancelled': 'Payment cancelled. No money was taken',
  'result.unknown': 'Do not pay again — please ask a member of staff',
  'result.unknownCashier': 'Do not pay again: the outcome of the payment of {amount} is unknown. Check its status',
  'result.unknownHelp': 'We are asking the bank whether the payment went through. A member of staff will help you finish',
  'result.reversed': 'The payment of {amount} was cancelled and the money given back',
  'result.receiptCancelled': 'Purchase cancelled. What was paid has been given back',
  'result.receiptCancelledNothing': 'Purchase cancelled',
  'result.cancellingReceipt': 'Cancelling the purchase and giving the money back…',
  'result.confirmCancel': 'Give back {amount} and cancel the purchase?',
  'result.takeSlip': 'Take your receipt',

  'receipt.title': 'Receipt {id}',
  'receipt.total': 'Receipt total',
  'receipt.paid': 'Paid so far',
  'receipt.remaining': 'Still to pay',
  'receipt.refunded': 'Refunded',
  'receipt.checking': 'Payment being checked',
  'receipt.state.open': 'open',
  'receipt.state.paid': 'paid',
  'receipt.state.cancelled': 'cancelled',
  'receipt.blocked': 'Do not pay again: a payment of this receipt has an unknown outcome. Check its status',
  'receipt.parts': 'Parts of the payment',
  'receipt.noParts': 'No payments yet',
  'receipt.lines': 'Lines',
  'receipt.partRow': '{kind} · {method} · {amount} · {state}',
  'receipt.partSwitched': 'switched to QR with key 1',
  'receipt.card': 'card {card}',

  'part.kind.payment': 'payment',
  'part.kind.refund': 'refund',
  'part.method.card': 'card',
  'part.method.sbp': 'SBP',
  'part.method.cash': 'cash',
  'part.state.INTENT': 'prepared',
  'part.state.SENT': 'sent to the pin pad',
  'part.state.APPROVED': 'approved',
  'part.state.DECLINED': 'declined',
  'part.state.FAILED': 'not done',
  'part.state.UNKNOWN': 'outcome unknown',
  'part.state.REVERSED': 'cancelled',
  'part.state.REFUNDED': 'refunded',

  'late.kept': 'A QR payment of {amount} arrived after the QR code expired and was added to the receipt',
  'late.reversed': 'A QR payment of {amount} arrived after the QR code expired and was given back to the customer',

  'till.nav': 'Sections',
  'till.tab.sale': 'Sale',
  'till.tab.refund': 'Refund',
  'till.tab.service': 'Service',
  'till.newReceipt': 'New receipt',
  'till.openReceipt': 'Open the receipt',
  'till.partAmount': 'Amount of this part, ₽',
  'till.partAmountHelp': 'The whole remainder by default. To split, type an amount and choose the method',
  'till.amountInvalid': 'Type an amount in roubles, e.g. 150 or 150.50',
  'till.amountTooBig': 'More than still due ({amount})',
  'till.cancelReceipt': 'Cancel receipt',
  'till.confirmCancel': 'Give back every paid part ({amount}) and cancel the receipt?',
  'till.confirmCancelYes': 'Confirm cancelling the receipt',
  'till.confirmCancelNo': 'Keep the receipt',
  'till.cashForSwitched': 'Give back a payment switched to QR in cash (the bank does not refund it)',
  'till.checkStatus': 'Check status',
  'till.checkingStatus': 'Asking the pin pad for the status…',
  'till.receiptDone': 'The receipt is paid in full',
  'till.shortcuts': 'Keys: Esc — cancel the operation on the pin pad',

  'refund.title': 'Refund',
  'refund.search': 'Receipt number or line text',
  'refund.find': 'Find receipts',
  'refund.none': 'No receipts found',
  'refund.choose': 'Choose receipt {id}',
  'refund.receiptRow': '{id} · {total} · {state} · {date}',
  'refund.payments': 'Payments of this receipt',
  'refund.noPayments': 'The receipt has no approved payments to refund',
  'refund.include': 'Refund: {method} {amount}',
  'refund.left': '{amount} can be refunded',
  'refund.amount': 'Refund amount, ₽',
  'refund.check': 'Check the refund rules',
  'refund.rules': 'How the refund will be done',
  'refund.rulesFirst': 'Check the refund rules first: the screen shows how the bank will give back each payment',
  'refund.plan.void': 'Same day: cancelled without the card. The money comes back at once',
  'refund.plan.refundCard': 'Bought on another day: the customer presents the same card at the pin pad',
  'refund.plan.refundSbp': "Bought on another day: SBP refund without a card, to the customer's account",
  'refund.plan.cash': 'Give back in cash from the till',
  'refund.plan.sbpPartialSameDay':
    'This bank does not give back part of a QR payment on the day it was made. Today only the whole amount can be refunded; a partial refund tomorrow or later',
  'refund.plan.switchedCash': 'This bank does not refund a payment the customer switched to QR with key 1. Give this money back in cash',
  'refund.offerCash': 'Refund {amount} in cash',
  'refund.start': 'Make the refund',
  'refund.running': 'Refunding…',
  'refund.presentCard': 'Ask the customer to tap, insert or swipe the card',
  'refund.resultApproved': 'Refunded: {amount}',
  'refund.resultDeclined': 'Refund of {amount} declined{reason}',
  'refund.resultFailed': 'Refund of {amount} not done',
  'refund.resultUnknown': 'Do not repeat the refund of {amount}: the outcome is unknown, check its status',
  'refund.again': 'Another refund',

  'service.title': 'Service',
  'service.pin': 'Staff PIN',
  'service.unlock': 'Enter',
  'service.wrongPin': 'Wrong PIN',
  'service.pinNotSet': 'No staff PIN is set in the configuration — service functions are unavailable',
  'service.lock': 'Leave service',
  'service.back': 'Back to payment',
  'service.status': 'Status',
  'service.connection': 'Connection',
  'service.terminalId': 'Terminal id',
  'service.model': 'Model',
  'service.profile': 'Terminal profile',
  'service.mode': 'Mode',
  'service.qrSbp': 'SBP QR payments',
  'service.on': 'on',
  'service.off': 'off',
  'service.timeout': 'Operation timeout',
  'service.seconds': '{n} s',
  'service.operations': 'Pin-pad operations',
  'service.test': 'Connection test',
  'service.settle': 'Settlement',
  'service.reportShort': 'Short report',
  'service.reportFull': 'Full report',
  'service.slipCopy': 'Copy of the last slip',
  'service.running': 'Running: {op}',
  'service.result': '{op}: {status}',
  'service.status.approved': 'done',
  'service.status.declined': 'declined',
  'service.status.failed': 'not done',
  'service.status.unknown': 'outcome unknown',
  'service.slip': 'Slip',
  'service.unknowns': 'Operations with an unknown outcome',
  'service.unknownsLoad': 'Show unknown operations',
  'service.unknownsNone': 'No operations with an unknown outcome',
  'service.resolve': 'Ask the pin pad for the status',
  'service.resolveAll': 'Check all',
  'service.manual': 'Decide by hand',
  'service.manualApproved': 'Money was taken (it is in the full report)',
  'service.manualDeclined': 'No money was taken',
  'service.manualNote': 'Reason (what was checked)',
  'service.manualRrn': 'RRN (if any)',
  'service.manualSave': 'Save the decision',
  'service.journal': 'Journal',
  'service.journalReceipt': 'Receipt number',
  'service.journalPayment': 'Payment number',
  'service.journalShow': 'Show the journal',
  'service.journalEmpty': 'No entries',
  'service.journalColumns': 'Time|Receipt|Payment|Event|From → to|Details',
  'service.bundle': 'Make a support bundle',
  'service.bundleDone': 'Bundle saved: {path}',
  'service.quit': 'Quit the app',

  'error.title': 'Error',
};

const CATALOGUE: Readonly<Record<Locale, Readonly<Record<TextKey, string>>>> = { ru, en };

export type TextParams = Readonly<Record<string, string | number>>;

/** The text for `key` in `locale`, with `{name}` placeholders filled from `params`. */
export function t(locale: Locale, key: TextKey, params?: TextParams): string {
  const template = CATALOGUE[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** A text to show later, translated when it is shown (so a language switch re-translates it). */
export interface Message {
  readonly key: TextKey;
  readonly params?: TextParams;
  /** Placeholders holding amounts in kopecks, formatted for the locale. */
  readonly money?: Readonly<Record<string, number>>;
  /** Placeholders holding other texts of the catalogue. */
  readonly texts?: Readonly<Record<string, TextKey>>;
}

/** Translates a Message. */
export function translate(locale: Locale, message: Message): string {
  const params: Record<string, string | number> = { ...message.params };
  for (const [name, kopecks] of Object.entries(message.money ?? {})) params[name] = formatMoney(kopecks, locale);
  for (const [name, key] of Object.entries(message.texts ?? {})) params[name] = t(locale, key);
  return t(locale, message.key, params);
}

// --- errors ---------------------------------------------------------------------------------------

interface ErrorTexts {
  /** For the customer at a kiosk: what to do, no jargon. */
  readonly customer: string;
  /** For the cashier or engineer: what happened and what to do. */
  readonly cashier: string;
}

/** Texts per message key of the contract's code table (every key, both languages: the type checker enforces it). */
type ErrorTable = Readonly<Record<ErrorMessageKey, ErrorTexts>>;

const ASK_STAFF_RU = 'Обратитесь к сотруднику';
const ASK_STAFF_EN = 'Please ask a member of staff';

const ERRORS_RU: ErrorTable = {
  'error.invalid-input': { customer: `Не удалось выполнить операцию. ${ASK_STAFF_RU}`, cashier: 'Сервис отклонил данные операции (неверный ввод)' },
  'error.not-found': { customer: `Чек не найден. ${ASK_STAFF_RU}`, cashier: 'Чек или оплата не найдены' },
  'error.receipt-closed': { customer: 'Этот чек уже закрыт', cashier: 'Чек уже закрыт (оплачен или отменён) — новые оплаты по нему невозможны' },
  'error.receipt-blocked': {
    customer: `Не оплачивайте повторно — ${ASK_STAFF_RU.toLowerCase()}`,
    cashier: 'Чек заблокирован: есть оплата с неизвестным результатом. Проверьте её статус, прежде чем продолжать',
  },
  'error.amount-exceeds-remaining': { customer: 'Сумма больше, чем осталось оплатить', cashier: 'Сумма части больше остатка по чеку' },
  'error.method-disabled': { customer: 'Оплата по QR сейчас недоступна. Оплатите картой', cashier: 'Оплата по QR СБП выключена в настройках (qrSBP)' },
  'error.cash-only-at-till': { customer: `Наличные принимаются только на кассе. ${ASK_STAFF_RU}`, cashier: 'Наличные принимаются и возвращаются только в режиме кассы' },
  'error.pinpad-busy': { customer: 'Пин-пад занят. Подождите несколько секунд и попробуйте снова', cashier: 'Пин-пад занят другой операцией — дождитесь её окончания' },
  'error.pinpad-offline': {
    customer: `Пин-пад недоступен. Деньги не списаны. ${ASK_STAFF_RU}`,
    cashier: 'Пин-пад не подключён (проверьте кабель и порт). Ничего не отправлено, деньги не списаны',
  },
  'error.refund-exceeds-paid': { customer: `Сумма возврата больше оплаченной. ${ASK_STAFF_RU}`, cashier: 'Сумма возврата больше, чем ещё можно вернуть по этой оплате' },
  'error.not-refundable': { customer: `Эту оплату нельзя вернуть здесь. ${ASK_STAFF_RU}`, cashier: 'Эту оплату нельзя вернуть: она не одобрена или уже возвращена' },
  'error.sbp-partial-same-day': {
    customer: `Частичный возврат по QR будет возможен завтра. ${ASK_STAFF_RU}`,
    cashier: 'Банк не возвращает часть оплаты по QR в день покупки: сделайте частичный возврат завтра или позже (или верните всю сумму сегодня)',
  },
  'error.switched-refund-cash': {
    customer: `Эту оплату вернут наличными на кассе. ${ASK_STAFF_RU}`,
    cashier: 'Банк не возвращает оплату, переключённую на QR кнопкой 1: верните её наличными',
  },
  'error.not-unresolved': { customer: ASK_STAFF_RU, cashier: 'Результат этой операции уже известен' },
  'error.unknown-method': { customer: `Не удалось выполнить операцию. ${ASK_STAFF_RU}`, cashier: 'Сервис не знает такой операции (версии программы не совпадают?)' },
  'error.forbidden': { customer: `Нужен сотрудник. ${ASK_STAFF_RU}`, cashier: 'Нужен PIN сотрудника (или PIN неверный)' },
  'error.internal': { customer: `Что-то пошло не так. ${ASK_STAFF_RU}`, cashier: 'Внутренняя ошибка сервиса — соберите архив для поддержки' },
  'error.timeout': { customer: `Пин-пад не ответил вовремя. ${ASK_STAFF_RU}`, cashier: 'Пин-пад не ответил за отведённое время' },
  'error.link': { customer: `Нет связи с пин-падом. ${ASK_STAFF_RU}`, cashier: 'Нет связи с пин-падом (кабель, порт, питание)' },
  'error.checksum': { customer: `Ошибка связи с пин-падом. ${ASK_STAFF_RU}`, cashier: 'Ошибка контрольной суммы в обмене с пин-падом' },
  'error.cancelled': { customer: 'Операция отменена', cashier: 'Операция отменена' },
  'error.config': { customer: `Касса не настроена. ${ASK_STAFF_RU}`, cashier: 'Ошибка настроек пин-пада — проверьте конфигурацию' },
  'error.busy': { customer: 'Пин-пад занят. Подождите несколько секунд и попробуйте снова', cashier: 'Пин-пад занят другой операцией' },
  'error.protocol': { customer: `Ошибка обмена с пин-падом. ${ASK_STAFF_RU}`, cashier: 'Пин-пад ответил не по протоколу — проверьте профиль терминала' },
  'error.usage': { customer: `Не удалось выполнить операцию. ${ASK_STAFF_RU}`, cashier: 'Операция вызвана с неверными параметрами' },
  'error.bridge-closed': {
    customer: `Связь с сервисом оплаты прервалась. Не оплачивайте повторно — ${ASK_STAFF_RU.toLowerCase()}`,
    cashier: 'Связь с сервисом оплаты прервалась; результат операции решает сервис — проверьте чек после переподключения',
  },
  'error.config-invalid': { customer: `Касса не настроена. ${ASK_STAFF_RU}`, cashier: 'Ошибка в файле настроек — исправьте ключ, названный в сообщении, и перезапустите' },
  'error.bridge-refused': { customer: `Сервис оплаты недоступен. ${ASK_STAFF_RU}`, cashier: 'Сервис отказал в подключении (неверный токен в ссылке?)' },
};

const ERRORS_EN: ErrorTable = {
  'error.invalid-input': { customer: `The operation could not be done. ${ASK_STAFF_EN}`, cashier: 'The service refused the operation data (invalid input)' },
  'error.not-found': { customer: `The receipt was not found. ${ASK_STAFF_EN}`, cashier: 'Receipt or payment not found' },
  'error.receipt-closed': { customer: 'This receipt is already closed', cashier: 'The receipt is closed (paid or cancelled) — no more payments on it' },
  'error.receipt-blocked': {
    customer: `Do not pay again — ${ASK_STAFF_EN.toLowerCase()}`,
    cashier: 'The receipt is blocked: a payment has an unknown outcome. Check its status before going on',
  },
  'error.amount-exceeds-remaining': { customer: 'The amount is more than is still due', cashier: 'The amount of this part is more than still due' },
  'error.method-disabled': { customer: 'QR payments are not available now. Please pay by card', cashier: 'SBP QR payments are switched off in the settings (qrSBP)' },
  'error.cash-only-at-till': { customer: `Cash is taken only at a staffed till. ${ASK_STAFF_EN}`, cashier: 'Cash is taken and given back only in till mode' },
  'error.pinpad-busy': { customer: 'The pin pad is busy. Wait a few seconds and try again', cashier: 'The pin pad is busy with another operation — wait for it to end' },
  'error.pinpad-offline': {
    customer: `The pin pad is not available. No money was taken. ${ASK_STAFF_EN}`,
    cashier: 'The pin pad is not connected (check the cable and port). Nothing was sent, no money taken',
  },
  'error.refund-exceeds-paid': { customer: `The refund is more than was paid. ${ASK_STAFF_EN}`, cashier: 'The refund is more than can still be given back for this payment' },
  'error.not-refundable': { customer: `This payment cannot be refunded here. ${ASK_STAFF_EN}`, cashier: 'This payment cannot be refunded: it is not approved or already refunded' },
  'error.sbp-partial-same-day': {
    customer: `A partial QR refund can be made from tomorrow. ${ASK_STAFF_EN}`,
    cashier: 'This bank does not give back part of a QR payment on the day it was made: do the partial refund tomorrow or later (or refund the whole amount today)',
  },
  'error.switched-refund-cash': {
    customer: `This payment will be given back in cash at a till. ${ASK_STAFF_EN}`,
    cashier: 'This bank does not refund a payment switched to QR with key 1: give it back in cash',
  },
  'error.not-unresolved': { customer: ASK_STAFF_EN, cashier: 'The outcome of this operation is already known' },
  'error.unknown-method': { customer: `The operation could not be done. ${ASK_STAFF_EN}`, cashier: 'The service does not know this operation (program versions differ?)' },
  'error.forbidden': { customer: `Staff needed. ${ASK_STAFF_EN}`, cashier: 'The staff PIN is needed (or it is wrong)' },
  'error.internal': { customer: `Something went wrong. ${ASK_STAFF_EN}`, cashier: 'Internal error of the service — make a support bundle' },
  'error.timeout': { customer: `The pin pad did not answer in time. ${ASK_STAFF_EN}`, cashier: 'The pin pad did not answer in time' },
  'error.link': { customer: `No connection to the pin pad. ${ASK_STAFF_EN}`, cashier: 'No link to the pin pad (cable, port, power)' },
  'error.checksum': { customer: `Pin pad communication error. ${ASK_STAFF_EN}`, cashier: 'Checksum error talking to the pin pad' },
  'error.cancelled': { customer: 'The operation was cancelled', cashier: 'The operation was cancelled' },
  'error.config': { customer: `The checkout is not set up. ${ASK_STAFF_EN}`, cashier: 'Pin-pad settings error — check the configuration' },
  'error.busy': { customer: 'The pin pad is busy. Wait a few seconds and try again', cashier: 'The pin pad is busy with another operation' },
  'error.protocol': { customer: `Pin pad communication error. ${ASK_STAFF_EN}`, cashier: 'The pin pad answered outside the protocol — check the terminal profile' },
  'error.usage': { customer: `The operation could not be done. ${ASK_STAFF_EN}`, cashier: 'The operation was called with wrong parameters' },
  'error.bridge-closed': {
    customer: `The connection to the payment service dropped. Do not pay again — ${ASK_STAFF_EN.toLowerCase()}`,
    cashier: 'The connection to the payment service dropped; the service decides the outcome — check the receipt after reconnecting',
  },
  'error.config-invalid': { customer: `The checkout is not set up. ${ASK_STAFF_EN}`, cashier: 'The configuration file has an error — fix the key the message names and restart' },
  'error.bridge-refused': { customer: `The payment service is not available. ${ASK_STAFF_EN}`, cashier: 'The service refused the connection (wrong token in the link?)' },
};

const ERRORS: Readonly<Record<Locale, ErrorTable>> = { ru: ERRORS_RU, en: ERRORS_EN };

export type Audience = 'customer' | 'cashier';

/** The text for an error code, through the code table's message key; an unknown code falls back to the 'internal' text. */
export function errorText(locale: Locale, code: string, audience: Audience): string {
  const key = isErrorCode(code) ? ERROR_TABLE[code].message : ERROR_TABLE.internal.message;
  return ERRORS[locale][key][audience];
}

/** Every code whose message key has texts in both languages (tests check it against the code table). */
export const ERROR_CODES_COVERED: readonly string[] = ALL_ERROR_CODES.filter((code) => {
  const key = ERROR_TABLE[code].message;
  return Object.hasOwn(ERRORS_RU, key) && Object.hasOwn(ERRORS_EN, key);
});
