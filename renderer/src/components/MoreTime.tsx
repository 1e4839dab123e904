/**
 * "Нужно ещё время?": before an idle kiosk clears the screen it asks, with a countdown and a big
 * "Да". A screen with money on it is never cleared, so it is never asked there either.
 */
import { useActions, useApp, useT } from '../context.js';
import { Modal } from './Modal.js';
import { useNow } from './useNow.js';

export function MoreTime() {
  const t = useT();
  const until = useApp((s) => (s.mode === 'kiosk' ? s.idleAskUntil : undefined));
  const { moreTime, noMoreTime } = useActions();
  const now = useNow(250);
  if (until === undefined) return null;
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <Modal title={t('truth.moreTimeTitle')} onClose={moreTime} className="modal--more-time">
      <p className="more-time__countdown" aria-live="off">
        {t('truth.moreTimeCountdown', { seconds })}
      </p>
      <div className="actions">
        <button type="button" className="button button--primary button--wide button--huge" autoFocus onClick={moreTime}>
          {t('truth.moreTimeYes')}
        </button>
        <button type="button" className="button button--secondary" onClick={noMoreTime}>
          {t('truth.moreTimeNo')}
        </button>
      </div>
    </Modal>
  );
}
