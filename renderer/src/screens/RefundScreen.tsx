/**
 * Refunds at the till: find the receipt, choose payments and amounts, see how the bank will
 * do each one (same day without the card; a later day with the card; a partial QR refund
 * this bank only does from tomorrow; a switched payment given back in cash) — and only then
 * send it.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Part, RefundPlanItem } from '../../../electron/contract/types.js';
import { Modal } from '../components/Modal.js';
import { PartsList, ReceiptSummary, receiptName } from '../components/ReceiptSummary.js';
import { useActions, useApp, useT } from '../context.js';
import type { TextKey } from '../i18n.js';
import { refundablePayments, refundStartAllowed, selectedRefundItems, type PlanRow, type UiError } from '../store.js';

export function RefundScreen() {
  const receipt = useApp((s) => s.refund.receipt);
  return (
    <div className="refund">
      <RefundSearch />
      {receipt ? <RefundReceipt /> : null}
      <RefundProgress />
    </div>
  );
}

/** While a refund runs: what the pin pad says, and "Отмена" (a card refund waits for the card). */
function RefundProgress() {
  const t = useT();
  const progress = useApp((s) => (s.refund.running ? s.refund.progress : undefined));
  const running = useApp((s) => s.refund.running);
  const { cancelPayment } = useActions();
  if (!running) return null;
  return (
    <section className="progress" aria-label={t('refund.running')}>
      {progress?.text ? <p className="progress__pinpad">{t('progress.pinpadSays', { text: progress.text })}</p> : null}
      {progress && progress.phase !== 'done' && progress.phase !== 'cancel-requested' ? (
        <button type="button" className="button button--secondary button--cancel" onClick={() => void cancelPayment()} aria-keyshortcuts="Escape">
          {t('action.cancel')}
        </button>
      ) : null}
    </section>
  );
}

function RefundSearch() {
  const t = useT();
  const f = useApp((s) => s.refund);
  const { refundSearch, refundChoose } = useActions();
  const [query, setQuery] = useState(f.query);
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void refundSearch(query);
  };
  return (
    <section className="refund-search" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('refund.title')}</h2>
      <form className="search" onSubmit={submit} role="search">
        <label htmlFor={`${id}-q`}>{t('refund.search')}</label>
        <input id={`${id}-q`} value={query} autoComplete="off" onChange={(e) => setQuery(e.target.value)} disabled={f.running} />
        <button type="submit" className="button button--primary" disabled={f.searching || f.running}>
          {t('refund.find')}
        </button>
      </form>
      {f.results && f.results.length === 0 ? <p className="muted">{t('refund.none')}</p> : null}
      {f.results && f.results.length > 0 ? (
        <ul className="search-results">
          {f.results.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className="row-button"
                aria-pressed={f.receipt?.id === r.id}
                disabled={f.running}
                onClick={() => void refundChoose(r.id)}
              >
                {t('refund.receiptRow', {
                  name: receiptName(t, r),
                  total: t.money(r.total),
                  state: t(`receipt.state.${r.state}` as TextKey),
                  date: localStamp(r.createdAt),
                })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** An ISO time as the local "YYYY-MM-DD HH:MM" (the day a short receipt number belongs to). */
function localStamp(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function methodName(t: ReturnType<typeof useT>, part: Part): string {
  return t(`part.method.${part.method}` as TextKey);
}

function RefundReceipt() {
  const t = useT();
  const f = useApp((s) => s.refund);
  const allowed = useApp(refundStartAllowed);
  const receipt = f.receipt!;
  const { refundDraft, refundPlan, refundStart, refundOfferCash, refundReset } = useActions();
  const payments = refundablePayments(receipt);
  const items = selectedRefundItems(f);
  const canPlan = !f.running && !f.planning && items !== undefined && items.length > 0;
  // Money leaves the shop: one more step, with the amount, before anything is sent.
  const [confirming, setConfirming] = useState(false);
  const total = (items ?? []).reduce((sum, item) => sum + item.amount, 0);
  const id = useId();
  return (
    <section className="refund-receipt" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{receiptName(t, receipt)}</h3>
      <ReceiptSummary receipt={receipt} showLines />
      <PartsList receipt={receipt} />
      <h4>{t('refund.payments')}</h4>
      {payments.length === 0 ? <p className="muted">{t('refund.noPayments')}</p> : null}
      <ul className="refund-items">
        {payments.map((part) => {
          const d = f.drafts[part.id];
          if (!d) return null;
          const left = part.amount - part.refunded;
          const invalid = d.include && (d.amount === undefined || d.amount <= 0 || d.amount > left);
          return (
            <li key={part.id} className="refund-item" data-payment-id={part.id}>
              <p className="check">
                <input id={`${id}-${part.id}-inc`} type="checkbox" checked={d.include} disabled={f.running} onChange={(e) => refundDraft(part.id, { include: e.target.checked })} />
                <label htmlFor={`${id}-${part.id}-inc`}>
                  {t('refund.include', { method: methodName(t, part), amount: t.money(part.amount) })}
                  {part.switchedToSbp ? ` (${t('receipt.partSwitched')})` : ''} — {t('refund.left', { amount: t.money(left) })}
                </label>
              </p>
              <p className="field">
                <label htmlFor={`${id}-${part.id}-amt`}>{t('refund.amount')}</label>
                <input
                  id={`${id}-${part.id}-amt`}
                  className="num"
                  inputMode="decimal"
                  autoComplete="off"
                  value={d.amountText}
                  disabled={!d.include || f.running}
                  aria-invalid={invalid}
                  onChange={(e) => refundDraft(part.id, { amountText: e.target.value })}
                />
              </p>
            </li>
          );
        })}
      </ul>
      {items === undefined ? <p className="field-error">{t('till.amountInvalid')}</p> : null}
      <div className="actions">
        <button type="button" className="button button--primary" disabled={!canPlan} onClick={() => void refundPlan()}>
          {t('refund.check')}
        </button>
      </div>
      <RefundPlan rows={f.plan?.rows} combined={f.plan?.combined} onOfferCash={(pid) => void refundOfferCash(pid)} parts={receipt.parts} />
      {!f.plan && items && items.length > 0 && !f.running ? <p className="muted">{t('refund.rulesFirst')}</p> : null}
      <div className="actions">
        <button type="button" className="button button--danger" disabled={!allowed} onClick={() => setConfirming(true)}>
          {t('refund.start')}
        </button>
        {confirming && allowed ? (
          <Modal title={t('refund.confirmTitle')} onClose={() => setConfirming(false)}>
            <p>{t('refund.confirmText', { amount: t.money(total) })}</p>
            <div className="actions">
              <button
                type="button"
                className="button button--danger"
                onClick={() => {
                  setConfirming(false);
                  void refundStart();
                }}
              >
                {t('refund.confirmYes', { amount: t.money(total) })}
              </button>
              <button type="button" className="button button--secondary" autoFocus onClick={() => setConfirming(false)}>
                {t('refund.confirmNo')}
              </button>
            </div>
          </Modal>
        ) : null}
        {f.done ? (
          <button type="button" className="button button--secondary" onClick={refundReset}>
            {t('refund.again')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function planText(item: RefundPlanItem): TextKey {
  if (item.how === 'cash') return 'refund.plan.cash';
  if (item.how === 'void') return 'refund.plan.void';
  return item.method === 'sbp' ? 'refund.plan.refundSbp' : 'refund.plan.refundCard';
}

function RefundPlan({
  rows,
  combined,
  onOfferCash,
  parts,
}: {
  rows: readonly PlanRow[] | undefined;
  combined: UiError | undefined;
  onOfferCash: (paymentId: string) => void;
  parts: readonly Part[];
}) {
  const t = useT();
  const mode = useApp((s) => s.mode);
  if (!rows) return null;
  return (
    <section className="plan" aria-labelledby="plan-title">
      <h4 id="plan-title">{t('refund.rules')}</h4>
      <ul className="plan__rows">
        {rows.map((row) => {
          const part = parts.find((p) => p.id === row.paymentId);
          const head = part ? `${t(`part.method.${part.method}` as TextKey)} ${t.money(row.amount)}` : t.money(row.amount);
          if (row.ok) {
            return (
              <li key={row.paymentId} className={`plan__row plan__row--${row.item.how}`} data-how={row.item.how}>
                <strong>{head}</strong>: {t(planText(row.item))}
              </li>
            );
          }
          const code = row.error.code;
          return (
            <li key={row.paymentId} className="plan__row plan__row--refused" data-error-code={code}>
              <strong>{head}</strong>:{' '}
              {code === 'sbp-partial-same-day'
                ? t('refund.plan.sbpPartialSameDay')
                : code === 'switched-refund-cash'
                  ? t('refund.plan.switchedCash')
                  : t.error(row.error)}
              {code === 'switched-refund-cash' && mode === 'till' ? (
                <button type="button" className="button button--primary button--small" onClick={() => onOfferCash(row.paymentId)}>
                  {t('refund.offerCash', { amount: t.money(row.amount) })}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {combined ? <p className="field-error">{t.error(combined)}</p> : null}
    </section>
  );
}
