/** The pin pad answers with another terminal id than configured: payments are refused until the setting is fixed. */
import { useApp, useT } from '../context.js';

export function WrongTerminalId() {
  const t = useT();
  const health = useApp((s) => s.health);
  const mode = useApp((s) => s.mode);
  const view = useApp((s) => s.view);
  if (health?.state !== 'wrong-terminal-id') return null;
  // The customer is told to ask staff; the cashier and the service screen get the ids and the fix.
  const staff = mode === 'till' || view === 'service';
  return (
    <p className="warning warning--wrong-terminal-id" role="alert" data-pinpad-problem="wrong-terminal-id">
      {staff ? t('pinpad.wrongTerminalIdStaff', { problem: health.problem ?? '' }) : t('pinpad.wrongTerminalIdCustomer')}
    </p>
  );
}
