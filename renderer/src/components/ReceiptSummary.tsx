/** Total, paid and — always visible while anything is due — the amount still to pay. */
import type { Part, Receipt } from '../../../electron/contract/types.js';
import { useT } from '../context.js';
import type { TextKey } from '../i18n.js';

/**
 * `hideDueWhileChecking`: on the kiosk, while a payment's outcome is being checked, the
 * amount "still to pay" would invite the customer to pay again — show what is being checked.
 */
export function ReceiptSummary({ receipt, showLines = false, hideDueWhileChecking = false }: { receipt: Receipt; showLines?: boolean; hideDueWhileChecking?: boolean }) {
  const t = useT();
  const checking = receipt.parts.filter((p) => p.kind === 'payment' && (p.state === 'UNKNOWN' || p.state === 'SENT' || p.state === 'INTENT')).reduce((sum, p) => sum + p.amount, 0);
  return (
    <section className="receipt" aria-label={t('receipt.title', { id: receipt.id })}>
      {showLines && receipt.lines.length > 0 ? (
        <ul className="receipt__lines" aria-label={t('receipt.lines')}>
          {receipt.lines.map((line, i) => (
            <li key={i}>
              <span>
                {line.name}
                {line.quantity !== 1 ? ` × ${line.quantity}` : ''}
              </span>
              <span className="num">{t.money(line.amount)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="receipt__sums">
        <div>
          <dt>{t('receipt.total')}</dt>
          <dd className="num">{t.money(receipt.total)}</dd>
        </div>
        {receipt.paid > 0 || receipt.state !== 'open' ? (
          <div>
            <dt>{t('receipt.paid')}</dt>
            <dd className="num">{t.money(receipt.paid)}</dd>
          </div>
        ) : null}
        {receipt.refunded > 0 ? (
          <div>
            <dt>{t('receipt.refunded')}</dt>
            <dd className="num">{t.money(receipt.refunded)}</dd>
          </div>
        ) : null}
        {checking > 0 ? (
          <div className="receipt__checking">
            <dt>{t('receipt.checking')}</dt>
            <dd className="num">{t.money(checking)}</dd>
          </div>
        ) : null}
        {receipt.state === 'open' && !(hideDueWhileChecking && checking > 0) ? (
          <div className="receipt__remaining" data-testid="remaining">
            <dt>{t('receipt.remaining')}</dt>
            <dd className="num">{t.money(receipt.remaining)}</dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

export function partLabel(t: ReturnType<typeof useT>, part: Part): string {
  const base = t('receipt.partRow', {
    kind: t(`part.kind.${part.kind}` as TextKey),
    method: t(`part.method.${part.method}` as TextKey),
    amount: t.money(part.amount),
    state: t(`part.state.${part.state}` as TextKey),
  });
  const extra = [part.switchedToSbp ? t('receipt.partSwitched') : undefined, part.cardMasked ? t('receipt.card', { card: part.cardMasked }) : undefined, part.rrn ? `RRN ${part.rrn}` : undefined].filter(Boolean);
  return extra.length ? `${base} · ${extra.join(' · ')}` : base;
}

export function PartsList({ receipt, onCheckStatus, checking }: { receipt: Receipt; onCheckStatus?: (paymentId: string) => void; checking?: boolean }) {
  const t = useT();
  return (
    <section className="parts" aria-labelledby="parts-title">
      <h3 id="parts-title">{t('receipt.parts')}</h3>
      {receipt.parts.length === 0 ? (
        <p className="muted">{t('receipt.noParts')}</p>
      ) : (
        <ol className="parts__list">
          {receipt.parts.map((part) => (
            <li key={part.id} className={`part part--${part.state.toLowerCase()}`} data-part-id={part.id} data-part-state={part.state}>
              <span>{partLabel(t, part)}</span>
              {part.state === 'UNKNOWN' && onCheckStatus ? (
                <button type="button" className="button button--small" disabled={checking} onClick={() => onCheckStatus(part.id)}>
                  {t('till.checkStatus')}
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
