/** The pin pad answers with another terminal id than configured: payments are refused until the setting is fixed. */
import { useApp, useT } from '../context.js';
import { wrongTerminalIdText } from '../pinpad-state.js';

export function WrongTerminalId() {
  const t = useT();
  const health = useApp((s) => s.health);
  const mode = useApp((s) => s.mode);
  const view = useApp((s) => s.view);
  const text = wrongTerminalIdText(health, mode, view);
  if (!text) return null;
  return (
    <p className="warning warning--wrong-terminal-id" role="alert" data-pinpad-problem="wrong-terminal-id">
      {t(text.key, text.params)}
    </p>
  );
}
