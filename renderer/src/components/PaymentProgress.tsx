/**
 * A payment in progress: the amount, what to do at the pin pad, the QR copy with its
 * countdown, what the pin pad says, and "Отмена". The main instruction itself is in the
 * status region; this shows the rest. The screen follows a key-1 switch at once.
 */
import { useActions, useApp, useT } from '../context.js';
import { paymentPhase, runningPayment } from '../store.js';
import type { TextKey } from '../i18n.js';
import { useNow } from './useNow.js';
import { PressOnePicture, ScanQrPicture, TapOrInsertCardPicture } from './Pictograms.js';
import { QrCountdown, QrImage } from './QrCode.js';

export function PaymentProgress() {
  const t = useT();
  const p = useApp(runningPayment);
  const phase = useApp(paymentPhase);
  const qrSbp = useApp((s) => s.config?.qrSbp ?? false);
  // The pin pad's own screen text is meant for the cashier; the customer has the instruction above.
  const showPinpadText = useApp((s) => s.mode === 'till');
  const { cancelPayment } = useActions();
  const now = useNow();
  if (!p) return null;
  const live = p.status === 'running' || p.status === 'cancelling' ? p : undefined;
  const qrMode = p.method === 'sbp' || (live?.switched ?? false);
  // At the pin pad with its id known and no cancel asked yet.
  const atPinpad = p.status === 'running' ? p : undefined;
  // Waiting for the bank: the pin pad can no longer stop, and the wait is explained as it grows.
  const processing = atPinpad?.stage === 'processing';
  const waiting = waitingTexts(p, now);
  return (
    <section className={`progress ${qrMode ? 'progress--qr' : 'progress--card'}`} aria-label={t('progress.amount', { amount: t.money(p.amount) })} data-payment-id={live?.id ?? ''} data-method={p.method} data-phase={phase}>
      <p className="progress__amount">{t('progress.amount', { amount: t.money(p.amount) })}</p>
      {/* Once the bank has the card, "tap the card" and "press 1 for QR" are over: only the wait is told. */}
      {atPinpad && !processing ? (
        qrMode ? (
          <div className="progress__stage progress__stage--qr">
            <ScanQrPicture label={t('picture.scanQr')} className="progress__picture" />
            <div className="progress__qr">
              {atPinpad.switched ? <p className="progress__note">{t('progress.switched')}</p> : null}
              {atPinpad.qr?.payload ? <QrImage payload={atPinpad.qr.payload} /> : null}
              {atPinpad.qr ? <QrCountdown expiresAt={atPinpad.qr.expiresAt} /> : null}
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
      {waiting.map(([key, seconds]) => (
        <p key={key} className="progress__waiting">
          {t(key, { seconds })}
        </p>
      ))}
      {atPinpad && !processing ? (
        <button type="button" className="button button--secondary button--cancel" onClick={() => void cancelPayment()} aria-keyshortcuts="Escape">
          {t('action.cancel')}
        </button>
      ) : null}
      {live?.screenText && showPinpadText ? <p className="progress__pinpad">{t('progress.pinpadSays', { text: live.screenText })}</p> : null}
    </section>
  );
}

/** What the screen says while a payment waits: after 10 s and after 30 s of waiting for the bank or of a silent pin pad. */
function waitingTexts(p: NonNullable<ReturnType<typeof runningPayment>>, now: number): Array<[TextKey, number]> {
  const live = p.status === 'running' || p.status === 'cancelling' ? p : undefined;
  if (live?.stage === 'processing') {
    const waited = Math.floor((now - live.stageAt) / 1000);
    if (waited >= 30) return [['truth.verySlowBank', waited]];
    if (waited >= 10) return [['truth.slowBank', waited]];
    return [];
  }
  const silent = Math.floor((now - (live ? live.heardAt : p.startedAt)) / 1000);
  if (silent >= 30) return [['truth.silentPinpad', silent], ['truth.verySlowBank', silent]];
  if (silent >= 10) return [['truth.silentPinpad', silent]];
  return [];
}
