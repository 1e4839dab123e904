/** The pin pad's connection state, always on screen (and the service link in browser mode). */
import { useApp, useT } from '../context.js';
import { PINPAD_STATE_TEXT, shownPinpadState } from '../pinpad-state.js';

export function PinpadStatus() {
  const t = useT();
  const health = useApp((s) => s.health);
  const bridgeUp = useApp((s) => s.bridgeUp);
  const mode = useApp((s) => s.mode);
  const state = !bridgeUp ? 'service-down' : health ? shownPinpadState(health) : 'unknown';
  const text = health ? t(PINPAD_STATE_TEXT[shownPinpadState(health)] ?? 'pinpad.unknownState') : t('pinpad.unknownState');
  // A customer sees no technical words: no terminal id, and the emulator as "demo mode — no money is taken".
  const staff = mode === 'till';
  return (
    <div className={`pinpad pinpad--${state}`} data-pinpad-state={state}>
      <span className="pinpad__dot" aria-hidden="true" />
      <span className={!staff && state === 'connected' ? 'pinpad__text sr-only' : 'pinpad__text'}>
        {t('pinpad.label')}: {bridgeUp ? text : t('pinpad.unknownState')}
        {health?.emulator && staff ? <span className="pinpad__badge"> · {t('pinpad.emulatorStaff')}</span> : null}
        {health?.terminalId && staff ? <span className="pinpad__terminal"> · {t('pinpad.terminal', { id: health.terminalId })}</span> : null}
        {staff && health?.problem && state !== 'connected' ? <span className="pinpad__problem"> · {health.problem}</span> : null}
      </span>
      {health?.emulator && !staff ? <span className="pinpad__demo">{t('pinpad.emulator')}</span> : null}
      {!bridgeUp ? <span className="pinpad__bridge">{t('app.bridgeDown')}</span> : null}
    </div>
  );
}
