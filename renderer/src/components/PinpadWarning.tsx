/** Said before the customer or cashier tries: card and QR need the pin pad. */
import { useApp, useT } from '../context.js';

export function PinpadWarning() {
  const t = useT();
  const away = useApp((s) => s.bridgeUp && s.health !== undefined && s.health.state !== 'connected');
  if (!away) return null;
  return <p className="warning">{t('pinpad.unavailable')}</p>;
}
