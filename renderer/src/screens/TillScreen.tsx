/**
 * The cashier's screens: sale (split payment: an amount per part — card, SBP, cash — with
 * the remainder always visible), refund, service. Fully keyboard-operable: native controls
 * in a sensible tab order, Escape cancels the operation on the pin pad.
 */
import { useEffect, useId, useState } from 'react';
import type { PartMethod } from '../../../electron/contract/types.js';
import { CashDialog } from '../components/CashDialog.js';
import { Catalogue } from '../components/Catalogue.js';
import { ClosingNotice } from '../components/ClosingNotice.js';
import { Modal } from '../components/Modal.js';
import { PaymentProgress } from '../components/PaymentProgress.js';
import { PinpadWarning } from '../components/PinpadWarning.js';
import { PartsList, ReceiptSummary, receiptName } from '../components/ReceiptSummary.js';
import { useActions, useApp, useT } from '../context.js';
import type { TextKey } from '../i18n.js';
import { kopecksToInput, parseRoubles } from '../money.js';
import { appClosing, hasUnresolvedParts, paymentOutcome, paymentRunning, type View } from '../store.js';
import { RefundScreen } from './RefundScreen.js';
import { ServiceScreen } from './ServiceScreen.js';

const TABS: readonly { view: View; label: TextKey }[] = [
  { view: 'main', label: 'till.tab.sale' },
  { view: 'refund', label: 'till.tab.refund' },
  { view: 'service', label: 'till.tab.service' },
];

export function TillScreen() {
  const t = useT();
  const view = useApp((s) => s.view);
  const running = useApp((s) => paymentRunning(s) || s.refund.running);
  const { setView, cancelPayment } = useActions();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('dialog[open]')) void cancelPayment();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [cancelPayment]);

  return (
    <div className="till">
      <nav className="tabs" aria-label={t('till.nav')}>
        {TABS.map((tab) => (
          <button
            key={tab.view}
            type="button"
            className="tab"
            aria-current={view === tab.view ? 'page' : undefined}
            // Leaving a running operation's screen would hide its progress and its cancel button.
            disabled={running && view !== tab.view}
            onClick={() => setView(tab.view)}
          >
            {t(tab.label)}
          </button>
        ))}
      </nav>
      <ClosingNotice />
      {view === 'main' ? <SaleView /> : view === 'refund' ? <RefundScreen /> : <ServiceScreen />}
    </div>
  );
}

function SaleView() {
  const t = useT();
  const receipt = useApp((s) => s.receipt);
  const checking = useApp((s) => s.checkingStatus);
  const { openReceipt, checkStatus } = useActions();
  if (!receipt) {
    return <Catalogue onProceed={() => void openReceipt()} proceedLabel={t('till.openReceipt')} allowFree />;
  }
  return (
    <div className="sale">
      <div className="sale__receipt">
        <h2>
          {receiptName(t, receipt)} <span className="muted">({t(`receipt.state.${receipt.state}` as TextKey)})</span>
        </h2>
        <ReceiptSummary receipt={receipt} showLines />
        <PartsList receipt={receipt} checking={checking} onCheckStatus={(id) => void checkStatus(id)} />
      </div>
      <div className="sale__pay">
        <PaymentProgress />
        <PartForm />
      </div>
      <ConfirmCancelReceipt />
    </div>
  );
}

function PartForm() {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const receipt = useApp((s) => s.receipt);
  const running = useApp(paymentRunning);
  const outcome = useApp(paymentOutcome);
  const qrSbp = useApp((s) => s.config?.qrSbp ?? false);
  const busy = useApp((s) => s.cancellingReceipt || s.checkingStatus || !s.bridgeUp);
  // The till is closing: no payment and no cancellation is offered (the service would refuse them).
  const closing = useApp(appClosing);
  const { startPayment, requestCancelReceipt, finish, checkStatus } = useActions();
  const remaining = receipt?.remaining ?? 0;
  const [text, setText] = useState(() => kopecksToInput(remaining, locale));
  const [problem, setProblem] = useState<string | undefined>();
  // Cash: the amount being taken (the dialog asks what was handed over), then the change to give.
  const [cashFor, setCashFor] = useState<number | undefined>();
  const [change, setChange] = useState<number | undefined>();
  const id = useId();
  useEffect(() => setChange(undefined), [receipt?.id]);

  // A new remainder (a part was paid) refills the field with it.
  useEffect(() => {
    setText(kopecksToInput(remaining, locale));
    setProblem(undefined);
  }, [remaining, receipt?.id, locale]);

  const changeNote = change !== undefined ? <p className="done-note" data-testid="cash-given">{t('cash.changeGiven', { amount: t.money(change) })}</p> : null;
  if (!receipt || running) return null;
  const blocked = receipt.blockedReason !== undefined || hasUnresolvedParts(receipt) || outcome === 'unknown';

  if (receipt.state !== 'open') {
    return (
      <div className="actions">
        {receipt.state === 'paid' ? <p className="done-note">{t('till.receiptDone')}</p> : null}
        {changeNote}
        <button type="button" className="button button--primary" autoFocus onClick={finish}>
          {t('till.newReceipt')}
        </button>
      </div>
    );
  }

  if (blocked) {
    return (
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy} onClick={() => void checkStatus()}>
          {t('till.checkStatus')}
        </button>
      </div>
    );
  }

  const pay = (method: PartMethod) => {
    const amount = parseRoubles(text);
    if (amount === undefined || amount <= 0) {
      setProblem(t('till.amountInvalid'));
      return;
    }
    if (amount > remaining) {
      setProblem(t('till.amountTooBig', { amount: t.money(remaining) }));
      return;
    }
    setProblem(undefined);
    setChange(undefined);
    if (method === 'cash') setCashFor(amount);
    else void startPayment(method, amount);
  };

  return (
    <form className="part-form" onSubmit={(e) => e.preventDefault()} aria-describedby={`${id}-help`}>
      <PinpadWarning />
      <label htmlFor={`${id}-amount`}>{t('till.partAmount')}</label>
      <input
        id={`${id}-amount`}
        className="amount-input num"
        inputMode="decimal"
        autoComplete="off"
        value={text}
        aria-invalid={problem !== undefined}
        aria-describedby={problem ? `${id}-err` : `${id}-help`}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(undefined);
        }}
      />
      <p id={`${id}-help`} className="muted">
        {t('till.partAmountHelp')}
      </p>
      {problem ? (
        <p id={`${id}-err`} className="field-error">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy || closing} onClick={() => pay('card')}>
          {t('action.card')}
        </button>
        {qrSbp ? (
          <button type="button" className="button button--primary" disabled={busy || closing} onClick={() => pay('sbp')}>
            {t('action.sbp')}
          </button>
        ) : null}
        <button type="button" className="button button--primary" disabled={busy || closing} onClick={() => pay('cash')}>
          {t('action.cash')}
        </button>
      </div>
      {changeNote}
      {cashFor !== undefined ? (
        <CashDialog
          amount={cashFor}
          onClose={() => setCashFor(undefined)}
          onTake={(given) => {
            setCashFor(undefined);
            setChange(given);
            void startPayment('cash', cashFor);
          }}
        />
      ) : null}
      <div className="actions actions--end">
        <button type="button" className="button button--danger" disabled={busy || closing} onClick={requestCancelReceipt}>
          {t('till.cancelReceipt')}
        </button>
        {receipt.paid === 0 ? (
          <button type="button" className="button button--secondary" disabled={busy} onClick={finish}>
            {t('till.newReceipt')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function ConfirmCancelReceipt() {
  const t = useT();
  const open = useApp((s) => s.confirmCancel);
  const paid = useApp((s) => s.receipt?.paid ?? 0);
  const hasSwitched = useApp((s) => s.receipt?.parts.some((p) => p.kind === 'payment' && p.state === 'APPROVED' && p.switchedToSbp) ?? false);
  const refundSwitched = useApp((s) => s.config?.bank.refundSwitchedPayment ?? true);
  const { confirmCancelReceipt, abortCancelReceipt } = useActions();
  const [cash, setCash] = useState(true);
  const id = useId();
  if (!open) return null;
  const offerCash = hasSwitched && !refundSwitched;
  return (
    <Modal title={t('till.cancelReceipt')} onClose={abortCancelReceipt}>
      <p>{t('till.confirmCancel', { amount: t.money(paid) })}</p>
      {offerCash ? (
        <p className="check">
          <input id={id} type="checkbox" checked={cash} onChange={(e) => setCash(e.target.checked)} />
          <label htmlFor={id}>{t('till.cashForSwitched')}</label>
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="button button--secondary" autoFocus onClick={abortCancelReceipt}>
          {t('till.confirmCancelNo')}
        </button>
        <button type="button" className="button button--danger" onClick={() => void confirmCancelReceipt(offerCash && cash)}>
          {t('till.confirmCancelYes')}
        </button>
      </div>
    </Modal>
  );
}
