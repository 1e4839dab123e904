/**
 * The service screen's late-payment watches: QR payments that may still arrive, each with its
 * receipt, amount, reason and deadline, and ending a watch with a note (audited by the service).
 */
import { useState, type FormEvent } from 'react';
import type { LateWatchView } from '../../../electron/contract/types.js';
import { lateWatchReasonText } from '../audit-text.js';
import { NO_REASON, ReasonChoice, reasonText, type ReasonState } from '../components/ReasonChoice.js';
import { useActions, useApp, useT } from '../context.js';

export function LateWatches() {
  const t = useT();
  const watches = useApp((s) => s.service.lateWatches);
  const { serviceLateWatches } = useActions();
  return (
    <section aria-labelledby="svc-late">
      <h3 id="svc-late">{t('service.lateWatches')}</h3>
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={() => void serviceLateWatches()}>
          {t('service.lateWatchesLoad')}
        </button>
      </div>
      {watches && watches.length === 0 ? <p className="muted">{t('service.lateWatchesNone')}</p> : null}
      {watches && watches.length > 0 ? (
        <ul className="unknowns">
          {watches.map((watch) => (
            <WatchRow key={watch.paymentId} watch={watch} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function WatchRow({ watch }: { watch: LateWatchView }) {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const { serviceEndLateWatch } = useActions();
  const [reason, setReason] = useState<ReasonState>(NO_REASON);
  const [error, setError] = useState<string | undefined>(undefined);
  const receipt =
    watch.receiptShortNumber !== undefined ? t('receipt.title', { n: watch.receiptShortNumber }) : t('service.receiptId', { id: watch.receiptId });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const note = reasonText(t, reason);
    setError(note ? undefined : reason.choice === 'reason.other' ? t('form.noteTooShort') : t('form.chooseReason'));
    if (!note) return;
    void serviceEndLateWatch(watch.paymentId, note);
  };
  return (
    <li className="unknown" data-part-id={watch.paymentId}>
      <p>
        {t('service.lateWatchLine', {
          receipt,
          amount: t.money(watch.amount),
          reason: lateWatchReasonText(watch.reason, locale),
          deadline: new Date(watch.deadline).toLocaleString(locale),
        })}
      </p>
      {watch.state === 'watching' ? (
        <details>
          <summary className="summary-button">{t('service.lateWatchEnd')}</summary>
          <form className="manual" onSubmit={submit} noValidate>
            <ReasonChoice reasons={['reason.checkedReport', 'reason.checkedBank', 'reason.noPaymentInApp']} state={reason} onChange={setReason} error={error} />
            <button type="submit" className="button button--danger">
              {t('service.lateWatchEndSave')}
            </button>
          </form>
        </details>
      ) : (
        <p className="muted">{t('service.lateWatchReversing')}</p>
      )}
    </li>
  );
}
