/** Said before the customer or cashier tries: card and QR need the pin pad. */
import { useApp, useT } from '../context.js';
import { WrongTerminalId } from './WrongTerminalId.js';

export function PinpadWarning() {
  const t = useT();
  const away = useApp((s) => s.bridgeUp && s.health !== undefined && s.health.state !== 'connected');
  const wrongId = useApp((s) => s.health?.state === 'wrong-terminal-id');
  if (!away) return null;
  if (wrongId) return <WrongTerminalId />;
  return <p className="warning">{t('pinpad.unavailable')}</p>;
}
