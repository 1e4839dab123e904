/**
 * Payments with an unknown outcome, as staff need them: the receipt's number, amount, time and
 * the pin pad's last words; asking the pin pad (with its progress and what it found); and a
 * decision by hand — by touch, with nothing preselected and a reason from a short list.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Part } from '../../../electron/contract/types.js';
import { ReasonChoice, reasonText, NO_REASON, type ReasonState } from '../components/ReasonChoice.js';
import { ScreenKeyboard } from '../components/ScreenKeyboard.js';
import { useActions, useApp, useT } from '../context.js';

function useReceiptLabel(): (part: Part) => string {
  const t = useT();
  const info = useApp((s) => s.service.unknownInfo);
  return (part) => {
    const n = info[part.id]?.receiptNumber;
    return n === undefined ? t('receipt.titleUnnumbered') : t('receipt.title', { n });
  };
}

export function Unknowns() {
  const t = useT();
  const unknowns = useApp((s) => s.service.unknowns);
  const busy = useApp((s) => s.service.busy);
  const result = useApp((s) => s.service.resolveResult);
  const receiptLabel = useReceiptLabel();
  const { serviceUnknowns, serviceResolve } = useActions();
  return (
    <section aria-labelledby="svc-unknown">
      <h3 id="svc-unknown">{t('service.unknowns')}</h3>
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={() => void serviceUnknowns()}>
          {t('service.unknownsLoad')}
        </button>
        {unknowns && unknowns.length > 0 ? (
          <button type="button" className="button button--primary" disabled={busy !== undefined} onClick={() => void serviceResolve()}>
            {t('service.resolveAll')}
          </button>
        ) : null}
      </div>
      {busy === 'resolve' ? (
        <p className="op-note" data-testid="resolve-progress">
          <progress aria-label={t('unknown.asking')} /> {t('unknown.asking')}
        </p>
      ) : null}
      {busy !== 'resolve' && result ? (
        <div className="op-note" data-testid="resolve-result">
          {result.length === 0 ? <p>{t('unknown.resultNone')}</p> : null}
          {result.map((part) => (
            <p key={part.id}>
              {t(part.state === 'APPROVED' ? 'unknown.resultApproved' : part.state === 'UNKNOWN' || part.state === 'SENT' ? 'unknown.resultStill' : 'unknown.resultNotTaken', {
                receipt: receiptLabel(part),
                amount: t.money(part.amount),
              })}
            </p>
          ))}
        </div>
      ) : null}
      {unknowns && unknowns.length === 0 ? <p className="muted">{t('service.unknownsNone')}</p> : null}
      {unknowns && unknowns.length > 0 ? (
        <ul className="unknowns">
          {unknowns.map((part) => (
            <UnknownRow key={part.id} part={part} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function UnknownRow({ part }: { part: Part }) {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const busy = useApp((s) => s.service.busy);
  const lastWords = useApp((s) => s.service.unknownInfo[part.id]?.lastWords);
  const receiptLabel = useReceiptLabel();
  const { serviceResolve, serviceResolveManually } = useActions();
  // No answer is preselected: "no money taken" by mistake would lose the shop the money, "taken" would charge nothing.
  const [decision, setDecision] = useState<'approved' | 'declined' | undefined>(undefined);
  const [reason, setReason] = useState<ReasonState>(NO_REASON);
  const [rrn, setRrn] = useState('');
  const [errors, setErrors] = useState<{ decision?: string; reason?: string; rrn?: string }>({});
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const note = reasonText(t, reason);
    const found = {
      ...(decision ? {} : { decision: t('form.chooseDecision') }),
      ...(note ? {} : { reason: reason.choice === 'reason.other' ? t('form.noteTooShort') : t('form.chooseReason') }),
      ...(rrn.trim() === '' || /^[0-9A-Za-z]{1,12}$/.test(rrn.trim()) ? {} : { rrn: t('form.rrnInvalid') }),
    };
    setErrors(found);
    if (!decision || !note || found.rrn) return;
    void serviceResolveManually({ paymentId: part.id, decision, note, ...(rrn.trim() ? { rrn: rrn.trim() } : {}) });
  };
  return (
    <li className="unknown" data-part-id={part.id}>
      <p>
        <strong>{t('unknown.line', { receipt: receiptLabel(part), amount: t.money(part.amount), time: new Date(part.createdAt).toLocaleString(locale) })}</strong> ·{' '}
        {t(`part.method.${part.method}`)}
      </p>
      <p>{lastWords ? t('unknown.lastWords', { text: lastWords }) : t('unknown.noWords')}</p>
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy !== undefined} onClick={() => void serviceResolve(part.id)}>
          {t('service.resolve')}
        </button>
      </div>
      {part.state === 'UNKNOWN' ? (
        <details>
          <summary className="summary-button">{t('service.manual')}</summary>
          <form className="manual" onSubmit={submit} noValidate>
            <fieldset aria-describedby={errors.decision ? `${id}-derr` : undefined}>
              <legend>{t('service.manual')}</legend>
              <p className="check">
                <input id={`${id}-a`} type="radio" name={`${id}-decision`} checked={decision === 'approved'} onChange={() => setDecision('approved')} />
                <label htmlFor={`${id}-a`}>{t('service.manualApproved')}</label>
              </p>
              <p className="check">
                <input id={`${id}-d`} type="radio" name={`${id}-decision`} checked={decision === 'declined'} onChange={() => setDecision('declined')} />
                <label htmlFor={`${id}-d`}>{t('service.manualDeclined')}</label>
              </p>
              {errors.decision ? (
                <p id={`${id}-derr`} className="field-error">
                  {errors.decision}
                </p>
              ) : null}
            </fieldset>
            <ReasonChoice reasons={['reason.checkedReport', 'reason.checkedBank', 'reason.customerSlip']} state={reason} onChange={setReason} error={errors.reason} />
            <p className="field">
              <label htmlFor={`${id}-rrn`}>{t('service.manualRrn')}</label>
              <input id={`${id}-rrn`} value={rrn} maxLength={12} autoComplete="off" aria-invalid={errors.rrn !== undefined} onChange={(e) => setRrn(e.target.value)} />
              {errors.rrn ? <span className="field-error">{errors.rrn}</span> : null}
            </p>
            <ScreenKeyboard value={rrn} onChange={setRrn} layouts={['digits', 'en']} maxLength={12} label={t('service.manualRrn')} />
            <button type="submit" className="button button--danger">
              {t('service.manualSave')}
            </button>
          </form>
        </details>
      ) : null}
    </li>
  );
}
