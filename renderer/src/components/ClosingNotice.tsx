/** Said while the app stops: what is at the pin pad is finished, nothing new is taken. */
import { useApp, useT } from '../context.js';
import { appClosing } from '../store.js';

export function ClosingNotice() {
  const t = useT();
  const closing = useApp(appClosing);
  if (!closing) return null;
  return (
    <p className="warning warning--closing" role="alert">
      {t('app.closing')}
    </p>
  );
}
