/**
 * Service functions behind the staff PIN (checked by the service, not here): pin-pad status
 * and terminal id, connection test, settlement, reports, slip copy, recovery of unknown
 * outcomes, late-payment watches, journal search, a support bundle, and quitting a kiosk.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Part } from '../../../electron/contract/types.js';
import { DataTable } from '../components/DataTable.js';
import { partLabel } from '../components/ReceiptSummary.js';
import { useActions, useApp, useT } from '../context.js';
import type { TextKey } from '../i18n.js';
import { serviceOpLabel, type ServiceOp } from '../store.js';
import { LateWatches } from './ServiceLateWatches.js';
import { ReconciliationExportForm, ReconciliationView, reconciliationOf } from './ServiceReconciliation.js';

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

function StatusInfo() {
  const t = useT();
  const health = useApp((s) => s.health);
  const config = useApp((s) => s.config);
  const rows: [TextKey, string][] = [
    ['service.connection', health ? `${t(`pinpad.${health.state}` as TextKey)} · ${health.target}${health.emulator ? ` · ${t('pinpad.emulatorStaff')}` : ''}${health.problem ? ` · ${health.problem}` : ''}` : '—'],
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

function Unknowns() {
  const t = useT();
  const unknowns = useApp((s) => s.service.unknowns);
  const busy = useApp((s) => s.service.busy);
  const { serviceUnknowns, serviceResolve } = useActions();
  return (
    <section aria-labelledby="svc-unknown">
      <h3 id="svc-unknown">{t('service.unknowns')}</h3>
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={() => void serviceUnknowns()}>
          {t('service.unknownsLoad')}
        </button>
        {unknowns && unknowns.length > 0 ? (
          <button type="button" className="button button--primary" disabled={busy !== undefined} onClick={() => void serviceResolve()}>
            {t('service.resolveAll')}
          </button>
        ) : null}
      </div>
      {unknowns && unknowns.length === 0 ? <p className="muted">{t('service.unknownsNone')}</p> : null}
      {unknowns && unknowns.length > 0 ? (
        <ul className="unknowns">
          {unknowns.map((part) => (
            <UnknownRow key={part.id} part={part} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function UnknownRow({ part }: { part: Part }) {
  const t = useT();
  const busy = useApp((s) => s.service.busy);
  const { serviceResolve, serviceResolveManually } = useActions();
  const [decision, setDecision] = useState<'approved' | 'declined'>('declined');
  const [note, setNote] = useState('');
  const [rrn, setRrn] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (note.trim().length < 3) return;
    void serviceResolveManually({ paymentId: part.id, decision, note: note.trim(), ...(rrn.trim() ? { rrn: rrn.trim() } : {}) });
  };
  return (
    <li className="unknown" data-part-id={part.id}>
      <p>
        <strong>{t('service.receiptId', { id: part.receiptId })}</strong> · {partLabel(t, part)} · {part.id}
        {part.ecrNumber !== undefined ? ` · ECR ${part.ecrNumber}` : ''}
      </p>
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy !== undefined} onClick={() => void serviceResolve(part.id)}>
          {t('service.resolve')}
        </button>
      </div>
      {part.state === 'UNKNOWN' ? (
        <details>
          <summary>{t('service.manual')}</summary>
          <form className="manual" onSubmit={submit}>
            <fieldset>
              <legend className="sr-only">{t('service.manual')}</legend>
              <p className="check">
                <input id={`${id}-d`} type="radio" name={`${id}-decision`} checked={decision === 'declined'} onChange={() => setDecision('declined')} />
                <label htmlFor={`${id}-d`}>{t('service.manualDeclined')}</label>
              </p>
              <p className="check">
                <input id={`${id}-a`} type="radio" name={`${id}-decision`} checked={decision === 'approved'} onChange={() => setDecision('approved')} />
                <label htmlFor={`${id}-a`}>{t('service.manualApproved')}</label>
              </p>
            </fieldset>
            <p className="field">
              <label htmlFor={`${id}-note`}>{t('service.manualNote')}</label>
              <input id={`${id}-note`} value={note} minLength={3} maxLength={500} required onChange={(e) => setNote(e.target.value)} />
            </p>
            <p className="field">
              <label htmlFor={`${id}-rrn`}>{t('service.manualRrn')}</label>
              <input id={`${id}-rrn`} value={rrn} maxLength={12} pattern="[0-9A-Za-z]{1,12}" onChange={(e) => setRrn(e.target.value)} />
            </p>
            <button type="submit" className="button button--danger">
              {t('service.manualSave')}
            </button>
          </form>
        </details>
      ) : null}
    </li>
  );
}

function Journal() {
  const t = useT();
  const journal = useApp((s) => s.service.journal);
  const { serviceJournal } = useActions();
  const [receiptId, setReceiptId] = useState('');
  const [paymentId, setPaymentId] = useState('');
  const id = useId();
  const columns = t('service.journalColumns').split('|');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void serviceJournal({ ...(receiptId.trim() ? { receiptId: receiptId.trim() } : {}), ...(paymentId.trim() ? { paymentId: paymentId.trim() } : {}) });
  };
  return (
    <section aria-labelledby="svc-journal">
      <h3 id="svc-journal">{t('service.journal')}</h3>
      <form className="search" onSubmit={submit} role="search">
        <p className="field">
          <label htmlFor={`${id}-r`}>{t('service.journalReceipt')}</label>
          <input id={`${id}-r`} value={receiptId} autoComplete="off" onChange={(e) => setReceiptId(e.target.value)} />
        </p>
        <p className="field">
          <label htmlFor={`${id}-p`}>{t('service.journalPayment')}</label>
          <input id={`${id}-p`} value={paymentId} autoComplete="off" onChange={(e) => setPaymentId(e.target.value)} />
        </p>
        <button type="submit" className="button button--primary">
          {t('service.journalShow')}
        </button>
      </form>
      {journal && journal.length === 0 ? <p className="muted">{t('service.journalEmpty')}</p> : null}
      {journal && journal.length > 0 ? (
        <DataTable labelledBy="svc-journal" columns={columns}>
          {journal.map((row, i) => (
            <tr key={i}>
              <td>{row.at.replace('T', ' ').slice(0, 19)}</td>
              <td>{row.receiptId ?? ''}</td>
              <td>{row.partId ?? ''}</td>
              <td>{row.event}</td>
              <td>{row.fromState || row.toState ? `${row.fromState ?? '∅'} → ${row.toState ?? '∅'}` : ''}</td>
              <td>{row.detail ?? ''}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}

function Housekeeping() {
  const t = useT();
  const bundlePath = useApp((s) => s.service.bundlePath);
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
      {bundlePath ? <p>{t('service.bundleDone', { path: bundlePath })}</p> : null}
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
        <button type="submit" className="button button--danger" disabled={!pin}>
          {t('service.quit')}
        </button>
      </form>
    </section>
  );
}
