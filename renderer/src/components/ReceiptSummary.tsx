/** Total, paid and — always visible while anything is due — the amount still to pay. */
import type { Part, Receipt } from '../../../electron/contract/types.js';
import { useApp, useT } from '../context.js';
import { localLineName } from '../demo-catalogue.js';
import { t as text } from '../i18n.js';
import type { TextKey } from '../i18n.js';

/**
 * `hideDueWhileChecking`: on the kiosk, while a payment's outcome is being checked, the
 * amount "still to pay" would invite the customer to pay again — show what is being checked.
 */
export function ReceiptSummary({ receipt, showLines = false, hideDueWhileChecking = false }: { receipt: Receipt; showLines?: boolean; hideDueWhileChecking?: boolean }) {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const freeName = { ru: text('ru', 'cart.freeName'), en: text('en', 'cart.freeName') };
  const checking = receipt.parts.filter((p) => p.kind === 'payment' && (p.state === 'UNKNOWN' || p.state === 'SENT' || p.state === 'INTENT')).reduce((sum, p) => sum + p.amount, 0);
  return (
    <section className="receipt" aria-label={receiptName(t, receipt)}>
      {showLines && receipt.lines.length > 0 ? (
        <ul className="receipt__lines" aria-label={t('receipt.lines')}>
          {receipt.lines.map((line, i) => (
            <li key={i}>
              <span className="receipt__name" title={localLineName(line.name, locale, freeName)}>
                {localLineName(line.name, locale, freeName)}
              </span>
              <span className="receipt__qty num">{line.quantity !== 1 ? `× ${line.quantity}` : ''}</span>
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

/** "Чек № 12": the short number of its day, which a cashier can read out; the UUID stays internal. */
export function receiptName(t: ReturnType<typeof useT>, receipt: Pick<Receipt, 'shortNumber'>): string {
  return receipt.shortNumber === undefined ? t('receipt.titleUnnumbered') : t('receipt.title', { n: receipt.shortNumber });
}

export function partLabel(t: ReturnType<typeof useT>, part: Part): string {
  const base = t('receipt.partRow', {
    kind: t(`part.kind.${part.kind}` as TextKey),
    method: t(`part.method.${part.method}` as TextKey),
    amount: t.money(part.amount),
    state: t(part.method === 'cash' && part.kind === 'payment' && part.state === 'APPROVED' ? 'part.state.cash.APPROVED' : (`part.state.${part.state}` as TextKey)),
  });
  const extra = [part.switchedToSbp ? t('receipt.partSwitched') : undefined, part.cardMasked ? t('receipt.card', { card: part.cardMasked }) : undefined, part.rrn ? `RRN ${part.rrn}` : undefined, part.slipNumber ? t('receipt.slipNumber', { n: part.slipNumber }) : undefined].filter(Boolean);
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
