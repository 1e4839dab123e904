/**
 * Cash at the till: what the customer handed over and the change to give, before the cash
 * part is recorded. Nothing is recorded when the cashier goes back.
 */
import { useId, useState } from 'react';
import { useApp, useT } from '../context.js';
import { kopecksToInput, parseRoubles } from '../money.js';
import { Modal } from './Modal.js';

export function CashDialog({ amount, onTake, onClose }: { amount: number; onTake: (change: number) => void; onClose: () => void }) {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const id = useId();
  const [text, setText] = useState(kopecksToInput(amount, locale));
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const tendered = parseRoubles(text);
  const change = tendered !== undefined && tendered >= amount ? tendered - amount : undefined;
  // Not a <form>: the dialog opens inside the till's part form, and forms do not nest.
  const submit = () => {
    if (tendered === undefined) return setProblem(t('till.amountInvalid'));
    if (tendered < amount) return setProblem(t('cash.tooLittle', { amount: t.money(amount) }));
    onTake(tendered - amount);
  };
  return (
    <Modal title={t('cash.title')} onClose={onClose}>
      <div className="cash">
        <p className="cash__due">{t('cash.due', { amount: t.money(amount) })}</p>
        <p className="field">
          <label htmlFor={`${id}-given`}>{t('cash.tendered')}</label>
          <input
            id={`${id}-given`}
            className="amount-input num"
            inputMode="decimal"
            autoComplete="off"
            autoFocus
            value={text}
            aria-invalid={problem !== undefined}
            aria-describedby={problem ? `${id}-err` : undefined}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                submit();
              }
            }}
            onChange={(e) => {
              setText(e.target.value);
              setProblem(undefined);
            }}
          />
        </p>
        {problem ? (
          <p id={`${id}-err`} className="field-error">
            {problem}
          </p>
        ) : null}
        <p className="cash__change" data-testid="cash-change">
          {t('cash.change', { amount: change === undefined ? '—' : t.money(change) })}
        </p>
        <div className="actions">
          <button type="button" className="button button--primary" onClick={submit}>
            {t('cash.take')}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('cash.back')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
