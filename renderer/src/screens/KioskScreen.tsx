/**
 * The customer's screens: goods → "Оплатить" → method dialog (only with QR on) → card or
 * QR in progress → the result. Everything offered comes from `kioskActions`: after an
 * unknown outcome nothing offers to pay again.
 */
import { Catalogue } from '../components/Catalogue.js';
import { ClosingNotice } from '../components/ClosingNotice.js';
import { MethodDialog } from '../components/MethodDialog.js';
import { Modal } from '../components/Modal.js';
import { PaymentProgress } from '../components/PaymentProgress.js';
import { PinpadWarning } from '../components/PinpadWarning.js';
import { ReceiptSummary } from '../components/ReceiptSummary.js';
import { paperReceiptText, SlipKeyLines } from '../components/SlipKeyLines.js';
import { useActions, useApp, useT } from '../context.js';
import { hasOpenWatch, kioskActions, moneyBackIfCancelled, paymentOutcome, paymentRunning, shownPaymentOf, type AppState, type KioskAction } from '../store.js';
import { MoreTime } from '../components/MoreTime.js';
import { shownPayment } from '../store/payment-phases.js';
import { ServiceScreen } from './ServiceScreen.js';

function useKioskActions(): ReadonlySet<KioskAction> {
  const key = useApp((s) => [...kioskActions(s)].join(','));
  return new Set(key ? (key.split(',') as KioskAction[]) : []);
}

export function KioskScreen() {
  const view = useApp((s) => s.view);
  const running = useApp(paymentRunning);
  const hasReceipt = useApp((s) => s.receipt !== undefined);
  const t = useT();
  // Before a cart is built: with the pin pad gone a kiosk cannot take money, so say so instead of the goods.
  const unavailable = useApp((s) => !hasReceiptOrCart(s) && s.bridgeUp && s.health !== undefined && s.health.state !== 'connected' && s.health.state !== 'wrong-terminal-id');
  const { checkout } = useActions();
  if (view === 'service') return <ServiceScreen />;
  if (unavailable && !running) {
    return (
      <div className="kiosk">
        <section className="unavailable" aria-labelledby="unavailable-title">
          <h2 id="unavailable-title">{t('pinpad.unavailableKiosk')}</h2>
        </section>
      </div>
    );
  }
  return (
    <div className="kiosk">
      {running ? null : <ClosingNotice />}
      {running ? null : <PinpadWarning />}
      {running ? <PaymentProgress /> : hasReceipt ? <KioskReceipt /> : <Catalogue onProceed={() => void checkout()} proceedLabel={t('action.pay')} />}
      <MethodDialog />
      <ConfirmCancelPurchase />
      <MoreTime />
    </div>
  );
}

function hasReceiptOrCart(s: AppState): boolean {
  return s.receipt !== undefined || s.cart.length > 0;
}

/** The pin pad's or bank's own words after a payment that did not go through: small, for staff. */
function staffNote(s: AppState): { text: string; code: string | undefined } | undefined {
  const p = shownPayment(s.payment);
  if (p?.status !== 'done' || (p.outcome !== 'declined' && p.outcome !== 'failed') || !p.part.text) return undefined;
  return { text: p.part.text, code: p.part.responseCode?.trim() || undefined };
}

function KioskReceipt() {
  const t = useT();
  const noteText = useApp((s) => staffNote(s)?.text);
  const noteCode = useApp((s) => staffNote(s)?.code);
  const receipt = useApp((s) => s.receipt);
  const outcome = useApp(paymentOutcome);
  const blocked = useApp((s) => s.receipt?.blockedReason !== undefined);
  const turn = useApp((s) => {
    const p = shownPaymentOf(s);
    return p?.status === 'done' ? p.turn : undefined;
  });
  const watching = useApp((s) => s.receipt?.state === 'open' && hasOpenWatch(s.receipt));
  const actions = useKioskActions();
  const { checkout, retry, otherMethod, requestCancelReceipt, finish } = useActions();
  if (!receipt) return null;
  const help =
    outcome === 'unknown' || blocked
      ? t('result.unknownHelp')
      : turn === 'cancel-too-late'
        ? t('truth.cancelTooLateHelp')
        : watching
          ? t('truth.watchingHelp')
          : receipt.state === 'paid' && outcome !== undefined && outcome !== 'approved'
            ? undefined
            : outcome === 'declined' || outcome === 'failed' || outcome === 'cancelled'
        ? t('result.declinedHelp')
        : receipt.state === 'paid'
          ? t(paperReceiptText(receipt))
          : undefined;
  return (
    <section className={`result result--${outcome ?? receipt.state}`}>
      {help ? <p className="result__help">{help}</p> : null}
      <ReceiptSummary receipt={receipt} showLines hideDueWhileChecking />
      {receipt.state === 'paid' ? <SlipKeyLines receipt={receipt} /> : null}
      {noteText ? <p className="result__staff">{noteCode ? t('result.forStaffCode', { text: noteText, code: noteCode }) : t('result.forStaff', { text: noteText })}</p> : null}
      <div className="actions">
        {actions.has('pay') ? (
          <button type="button" className="button button--primary button--wide" onClick={() => void checkout()}>
            {t('action.pay')}
          </button>
        ) : null}
        {actions.has('retry') ? (
          <button type="button" className="button button--primary" onClick={() => void retry()}>
            {t('action.retry')}
          </button>
        ) : null}
        {actions.has('other-method') ? (
          <button type="button" className="button button--primary" onClick={otherMethod}>
            {t('action.otherMethod')}
          </button>
        ) : null}
        {actions.has('done') ? (
          <button type="button" className="button button--primary button--wide" onClick={finish}>
            {t('action.done')}
          </button>
        ) : null}
        {actions.has('cancel-purchase') ? (
          <button type="button" className="button button--secondary" onClick={requestCancelReceipt}>
            {t('action.cancelPurchase')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function ConfirmCancelPurchase() {
  const t = useT();
  const open = useApp((s) => s.confirmCancel);
  const paid = useApp((s) => s.receipt?.paid ?? 0);
  const back = useApp((s) => JSON.stringify(s.receipt ? moneyBackIfCancelled(s.receipt) : []));
  const { confirmCancelReceipt, abortCancelReceipt } = useActions();
  if (!open) return null;
  return (
    <Modal title={t('action.cancelPurchase')} onClose={abortCancelReceipt}>
      <p>{t('result.confirmCancel', { amount: t.money(paid) })}</p>
      {(JSON.parse(back) as Parameters<typeof t.msg>[0][]).map((m, i) => (
        <p key={i}>{t.msg(m)}</p>
      ))}
      <div className="actions">
        <button type="button" className="button button--primary" autoFocus onClick={abortCancelReceipt}>
          {t('action.keepPaying')}
        </button>
        <button type="button" className="button button--danger" onClick={() => void confirmCancelReceipt()}>
          {t('action.confirmCancelPurchase')}
        </button>
      </div>
    </Modal>
  );
}
