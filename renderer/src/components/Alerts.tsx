/** Errors and notices: shown in an alert, in the customer's or the cashier's words. */
import { useActions, useApp, useT } from '../context.js';

export function Alerts() {
  const t = useT();
  const error = useApp((s) => s.error);
  const notice = useApp((s) => s.notice);
  const staff = useApp((s) => s.mode === 'till' || s.view === 'service');
  const { clearError, clearNotice } = useActions();
  if (!error && !notice) return null;
  return (
    <div className="alerts">
      {error ? (
        <div role="alert" className="alert alert--error" data-error-code={error.code}>
          <p className="alert__text">{t.error(error)}</p>
          {staff ? (
            <p className="alert__detail">
              <code>{error.code}</code>: {error.message}
            </p>
          ) : null}
          <button type="button" className="button button--secondary" onClick={clearError}>
            {t('action.dismiss')}
          </button>
        </div>
      ) : null}
      {notice ? (
        <div role="alert" className="alert alert--notice">
          <p className="alert__text">{t.msg(notice)}</p>
          <button type="button" className="button button--secondary" onClick={clearNotice}>
            {t('action.dismiss')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
