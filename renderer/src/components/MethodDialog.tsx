/** "Оплата картой" / "Оплата QR СБП": shown only when QR payments are on (qrSBP). */
import { useActions, useApp, useT } from '../context.js';
import { methodOpen } from '../store.js';
import { Modal } from './Modal.js';

export function MethodDialog() {
  const t = useT();
  const open = useApp(methodOpen);
  const remaining = useApp((s) => s.receipt?.remaining ?? 0);
  const { chooseMethod, closeMethodDialog } = useActions();
  if (!open) return null;
  return (
    <Modal title={t('method.title')} onClose={closeMethodDialog} className="modal--method">
      <p className="modal__amount">{t('method.amount', { amount: t.money(remaining) })}</p>
      <div className="method-choices">
        <button type="button" className="button button--method button--card" autoFocus onClick={() => void chooseMethod('card')}>
          <span className="method-icon" aria-hidden="true">
            ▭
          </span>
          {t('action.card')}
        </button>
        <button type="button" className="button button--method button--sbp" onClick={() => void chooseMethod('sbp')}>
          <span className="method-icon" aria-hidden="true">
            ▦
          </span>
          {t('action.sbp')}
        </button>
      </div>
      <button type="button" className="button button--secondary" onClick={closeMethodDialog}>
        {t('action.cancel')}
      </button>
    </Modal>
  );
}
