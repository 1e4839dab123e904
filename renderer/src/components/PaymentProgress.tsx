/**
 * A payment in progress: the amount, what to do at the pin pad, the QR copy with its
 * countdown, what the pin pad says, and "Отмена". The main instruction itself is in the
 * status region; this shows the rest. The screen follows a key-1 switch at once.
 */
import { useActions, useApp, useT } from '../context.js';
import { PressOnePicture, ScanQrPicture, TapOrInsertCardPicture } from './Pictograms.js';
import { QrCountdown, QrImage } from './QrCode.js';

export function PaymentProgress() {
  const t = useT();
  const p = useApp((s) => s.payment);
  const qrSbp = useApp((s) => s.config?.qrSbp ?? false);
  // The pin pad's own screen text is meant for the cashier; the customer has the instruction above.
  const showPinpadText = useApp((s) => s.mode === 'till');
  const { cancelPayment } = useActions();
  if (!p || (p.outcome !== undefined && !p.lost)) return null;
  const qrMode = p.method === 'sbp' || p.switched;
  const canCancel = p.id !== undefined && !p.lost && !p.cancelRequested;
  return (
    <section className={`progress ${qrMode ? 'progress--qr' : 'progress--card'}`} aria-label={t('progress.amount', { amount: t.money(p.amount) })} data-payment-id={p.id ?? ''} data-method={p.method} data-phase={p.phase}>
      <p className="progress__amount">{t('progress.amount', { amount: t.money(p.amount) })}</p>
      {p.id !== undefined && !p.cancelRequested && !p.lost ? (
        qrMode ? (
          <div className="progress__stage progress__stage--qr">
            <ScanQrPicture label={t('picture.scanQr')} className="progress__picture" />
            <div className="progress__qr">
              {p.switched ? <p className="progress__note">{t('progress.switched')}</p> : null}
              {p.qr?.payload ? <QrImage payload={p.qr.payload} /> : null}
              {p.qr ? <QrCountdown expiresAt={p.qr.expiresAt} /> : null}
            </div>
          </div>
        ) : (
          <div className="progress__stage progress__card">
            <TapOrInsertCardPicture label={t('picture.tapOrInsert')} className="progress__picture" />
            {qrSbp && p.requestedMethod === 'card' && p.method === 'card' ? (
              <p className="progress__hint">
                <PressOnePicture label={t('picture.pressOne')} className="progress__key1" />
                <span>{t('progress.switchHint')}</span>
              </p>
            ) : null}
          </div>
        )
      ) : null}
      {canCancel ? (
        <button type="button" className="button button--secondary button--cancel" onClick={() => void cancelPayment()} aria-keyshortcuts="Escape">
          {t('action.cancel')}
        </button>
      ) : null}
      {p.screenText && showPinpadText ? <p className="progress__pinpad">{t('progress.pinpadSays', { text: p.screenText })}</p> : null}
    </section>
  );
}
