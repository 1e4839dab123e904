/**
 * A payment in progress: the amount, what to do at the pin pad, the QR copy with its
 * countdown, what the pin pad says, and "Отмена". The main instruction itself is in the
 * status region; this shows the rest. The screen follows a key-1 switch at once.
 */
import { useActions, useApp, useT } from '../context.js';
import { paymentPhase, runningPayment } from '../store.js';
import { QrCountdown, QrImage } from './QrCode.js';

export function PaymentProgress() {
  const t = useT();
  const p = useApp(runningPayment);
  const phase = useApp(paymentPhase);
  const qrSbp = useApp((s) => s.config?.qrSbp ?? false);
  // The pin pad's own screen text is meant for the cashier; the customer has the instruction above.
  const showPinpadText = useApp((s) => s.mode === 'till');
  const { cancelPayment } = useActions();
  if (!p) return null;
  const live = p.status === 'running' || p.status === 'cancelling' ? p : undefined;
  const qrMode = p.method === 'sbp' || (live?.switched ?? false);
  // At the pin pad with its id known and no cancel asked yet.
  const atPinpad = p.status === 'running' ? p : undefined;
  return (
    <section className={`progress ${qrMode ? 'progress--qr' : 'progress--card'}`} aria-label={t('progress.amount', { amount: t.money(p.amount) })} data-payment-id={live?.id ?? ''} data-method={p.method} data-phase={phase}>
      <p className="progress__amount">{t('progress.amount', { amount: t.money(p.amount) })}</p>
      {atPinpad ? (
        qrMode ? (
          <div className="progress__qr">
            {atPinpad.switched ? <p className="progress__note">{t('progress.switched')}</p> : null}
            {atPinpad.qr?.payload ? <QrImage payload={atPinpad.qr.payload} /> : null}
            {atPinpad.qr ? <QrCountdown expiresAt={atPinpad.qr.expiresAt} /> : null}
          </div>
        ) : (
          <div className="progress__card">
            <div className="card-art" aria-hidden="true">
              <span className="card-art__card" />
            </div>
            {qrSbp && p.requestedMethod === 'card' && p.method === 'card' ? <p className="progress__hint">{t('progress.switchHint')}</p> : null}
          </div>
        )
      ) : null}
      {atPinpad ? (
        <button type="button" className="button button--secondary button--cancel" onClick={() => void cancelPayment()} aria-keyshortcuts="Escape">
          {t('action.cancel')}
        </button>
      ) : null}
      {live?.screenText && showPinpadText ? <p className="progress__pinpad">{t('progress.pinpadSays', { text: live.screenText })}</p> : null}
    </section>
  );
}
