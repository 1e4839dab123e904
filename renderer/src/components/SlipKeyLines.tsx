/**
 * A paid receipt's slip, in its key lines, for a customer who gets no paper: the receipt's
 * number, and per payment its amount, the card (masked) or SBP or cash, the RRN and the
 * terminal's slip number. And what the result screen says about the paper receipt: "take it"
 * only once the POS core confirmed printing it.
 */
import type { Receipt } from '../../../electron/contract/types.js';
import { useT } from '../context.js';
import type { TextKey } from '../i18n.js';
import { receiptName } from './ReceiptSummary.js';

/** The kiosk's words about the paper receipt of a paid receipt. */
export function paperReceiptText(receipt: Pick<Receipt, 'posPrints' | 'printed'>): TextKey {
  if (receipt.printed) return 'result.takeSlip';
  return receipt.posPrints ? 'result.thanks' : 'result.noPaperSlip';
}

export function SlipKeyLines({ receipt }: { receipt: Receipt }) {
  const t = useT();
  const payments = receipt.parts.filter((p) => p.kind === 'payment' && (p.state === 'APPROVED' || p.state === 'REFUNDED'));
  if (payments.length === 0) return null;
  return (
    <section className="slip-lines" aria-label={t('result.slipLines')}>
      <p className="slip-lines__title">{receiptName(t, receipt)}</p>
      <ul>
        {payments.map((part) => {
          const how =
            part.method === 'cash'
              ? t('result.slipCash')
              : part.method === 'sbp' || part.switchedToSbp
                ? t('result.slipSbp')
                : part.cardMasked
                  ? t('result.slipCard', { card: part.cardMasked })
                  : t('result.slipCardUnnamed');
          const extra = [
            part.rrn ? t('result.slipRrn', { rrn: part.rrn }) : undefined,
            part.slipNumber ? t('result.slipNumber', { n: part.slipNumber }) : undefined,
          ].filter(Boolean);
          return (
            <li key={part.id} data-part-id={part.id}>
              <span className="num">{t.money(part.amount)}</span> · {how}
              {extra.length > 0 ? ` · ${extra.join(' · ')}` : ''}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
