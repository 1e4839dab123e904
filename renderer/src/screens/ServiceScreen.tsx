/**
 * Service functions behind the staff PIN (checked by the service, not here): pin-pad status
 * and terminal id, connection test, settlement, reports, slip copy, recovery of unknown
 * outcomes, late-payment watches, journal search, a support bundle, and quitting a kiosk.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useActions, useApp, useT } from '../context.js';
import type { TextKey } from '../i18n.js';
import { PINPAD_STATE_TEXT, shownPinpadState } from '../pinpad-state.js';
import { serviceOpLabel, type ServiceOp } from '../store.js';
import { Journal } from './ServiceJournal.js';
import { LateWatches } from './ServiceLateWatches.js';
import { ReconciliationExportForm, ReconciliationView, reconciliationOf } from './ServiceReconciliation.js';
import { Unknowns } from './ServiceUnknowns.js';

export function ServiceScreen() {
  const unlocked = useApp((s) => s.service.unlocked);
  return <div className="service">{unlocked ? <ServicePanel /> : <PinGate />}</div>;
}

function PinGate() {
  const t = useT();
  const pinSet = useApp((s) => s.config?.servicePinSet ?? false);
  const wrong = useApp((s) => s.service.pinError);
  const mode = useApp((s) => s.mode);
  const { serviceUnlock, setView } = useActions();
  const [pin, setPin] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pin) return;
    void serviceUnlock(pin).then(() => setPin(''));
  };
  return (
    <section className="pin-gate" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('service.title')}</h2>
      {!pinSet ? (
        <p className="field-error">{t('service.pinNotSet')}</p>
      ) : (
        <form onSubmit={submit} className="pin-form">
          <label htmlFor={`${id}-pin`}>{t('service.pin')}</label>
          <input
            id={`${id}-pin`}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            autoFocus={mode === 'till'}
            value={pin}
            aria-invalid={wrong}
            aria-describedby={wrong ? `${id}-err` : undefined}
            onChange={(e) => setPin(e.target.value)}
          />
          {wrong ? (
            <p id={`${id}-err`} className="field-error">
              {t('service.wrongPin')}
            </p>
          ) : null}
          {mode === 'kiosk' ? <Keypad value={pin} onChange={setPin} /> : null}
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={!pin}>
              {t('service.unlock')}
            </button>
            {mode === 'kiosk' ? (
              <button type="button" className="button button--secondary" onClick={() => setView('main')}>
                {t('service.back')}
              </button>
            ) : null}
          </div>
        </form>
      )}
      {!pinSet && mode === 'kiosk' ? (
        <button type="button" className="button button--secondary" onClick={() => setView('main')}>
          {t('service.back')}
        </button>
      ) : null}
    </section>
  );
}

/** On-screen digits for a touch kiosk (no keyboard there). */
function Keypad({ value, onChange }: { value: string; onChange: (next: string) => void }) {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
  return (
    <div className="keypad">
      {keys.map((k) => (
        <button key={k} type="button" className="button keypad__key" onClick={() => onChange((value + k).slice(0, 32))}>
          {k}
        </button>
      ))}
      <button type="button" className="button keypad__key" aria-label="⌫ Backspace" onClick={() => onChange(value.slice(0, -1))}>
        ⌫
      </button>
    </div>
  );
}

const OPS: readonly ServiceOp[] = ['test', 'settle', 'reportShort', 'reportFull', 'slipCopy'];

function ServicePanel() {
  const t = useT();
  const mode = useApp((s) => s.mode);
  const { serviceLock, setView } = useActions();
  return (
    <div className="service-panel">
      <div className="service-panel__head">
        <h2>{t('service.title')}</h2>
        <div className="actions">
          {mode === 'kiosk' ? (
            <button type="button" className="button button--secondary" onClick={() => setView('main')}>
              {t('service.back')}
            </button>
          ) : null}
          <button type="button" className="button button--secondary" onClick={() => void serviceLock()}>
            {t('service.lock')}
          </button>
        </div>
      </div>
      <StatusInfo />
      <Operations />
      <Unknowns />
      <LateWatches />
      <Journal />
      <Housekeeping />
    </div>
  );
}

/** How often the open service screen reads the pin pad's health again (its last answer is not an event). */
const HEALTH_REFRESH_MS = 5000;

function StatusInfo() {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const health = useApp((s) => s.health);
  const config = useApp((s) => s.config);
  const { refreshHealth } = useActions();
  useEffect(() => {
    void refreshHealth();
    const timer = setInterval(() => void refreshHealth(), HEALTH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refreshHealth]);
  // The state from the line, not the port: "connected" only while the pin pad answers; and when it last did.
  const lastAnswer = health?.lastAnswerAt
    ? t('pinpad.lastAnswer', { time: new Date(health.lastAnswerAt).toLocaleTimeString(locale) })
    : t('pinpad.noAnswerYet');
  const rows: [TextKey, string][] = [
    [
      'service.connection',
      health
        ? `${t(PINPAD_STATE_TEXT[shownPinpadState(health)] ?? 'pinpad.unknownState')} · ${lastAnswer} · ${health.target}${health.emulator ? ` · ${t('pinpad.emulatorStaff')}` : ''}${health.problem ? ` · ${health.problem}` : ''}`
        : '—',
    ],
    ['service.terminalId', health?.terminalId ?? config?.terminalId ?? '—'],
    ['service.model', health?.model ?? '—'],
    ['service.profile', config?.profileName ?? '—'],
    ['service.mode', config ? t(`app.mode.${config.mode}` as TextKey) : '—'],
    ['service.qrSbp', config ? t(config.qrSbp ? 'service.on' : 'service.off') : '—'],
    ['service.timeout', config ? t('service.seconds', { n: config.timeoutSeconds }) : '—'],
  ];
  return (
    <section aria-labelledby="svc-status">
      <h3 id="svc-status">{t('service.status')}</h3>
      <dl className="info">
        {rows.map(([key, value]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Operations() {
  const t = useT();
  const busy = useApp((s) => s.service.busy);
  const last = useApp((s) => s.service.lastOp);
  const { serviceRun } = useActions();
  return (
    <section aria-labelledby="svc-ops">
      <h3 id="svc-ops">{t('service.operations')}</h3>
      <div className="actions">
        {OPS.map((op) => (
          <button key={op} type="button" className="button button--primary" disabled={busy !== undefined} onClick={() => void serviceRun(op)}>
            {t(serviceOpLabel(op))}
          </button>
        ))}
      </div>
      {last ? (
        <div className="op-result" data-op={last.op} data-status={last.result.status}>
          <p>
            {t('service.result', { op: t(serviceOpLabel(last.op)), status: t(`service.status.${last.result.status}` as TextKey) })}
            {last.result.text ? ` — ${last.result.text}` : ''}
            {last.result.terminalId ? ` · ${t('pinpad.terminal', { id: last.result.terminalId })}` : ''}
            {last.result.model ? ` · ${last.result.model}` : ''}
            {last.result.bankName ? ` · ${t('service.bankName', { name: last.result.bankName })}` : ''}
            {last.result.hostTerminalId ? ` · ${t('service.hostTerminalId', { id: last.result.hostTerminalId })}` : ''}
          </p>
          {last.result.slip?.cashier || last.result.slip?.customer ? (
            <>
              <h4>{t('service.slip')}</h4>
              <pre className="slip">{last.result.slip.cashier ?? last.result.slip.customer}</pre>
            </>
          ) : null}
          {last.op === 'settle' && reconciliationOf(last.result) ? <ReconciliationView rec={reconciliationOf(last.result)!} /> : null}
        </div>
      ) : null}
      <ReconciliationExportForm />
    </section>
  );
}

function Housekeeping() {
  const t = useT();
  const mode = useApp((s) => s.mode);
  const bundlePath = useApp((s) => s.service.bundlePath);
  const bundleRemovable = useApp((s) => s.service.bundleRemovable);
  const { serviceBundle, quitApp } = useActions();
  const [pin, setPin] = useState('');
  const id = useId();
  return (
    <section aria-labelledby="svc-house">
      <h3 id="svc-house" className="sr-only">
        {t('service.bundle')}
      </h3>
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={() => void serviceBundle()}>
          {t('service.bundle')}
        </button>
      </div>
      {bundlePath ? (
        <p className="op-note" data-testid="bundle-done">
          {bundleRemovable ? t('service.bundleRemovable', { path: bundleRemovable }) : t('service.bundleKept', { path: bundlePath })}
        </p>
      ) : null}
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (pin) void quitApp(pin);
        }}
      >
        <p className="field">
          <label htmlFor={`${id}-quit`}>{t('service.pin')}</label>
          <input id={`${id}-quit`} type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} />
        </p>
        {mode === 'kiosk' ? <Keypad value={pin} onChange={setPin} /> : null}
        <button type="submit" className="button button--danger" disabled={!pin}>
          {t('service.quit')}
        </button>
      </form>
    </section>
  );
}
