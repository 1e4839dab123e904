/**
 * The journal for staff: receipt numbers ("Чек № 3"), local time, roubles and event names in
 * the screen's language; found by what staff read on screen ("3" or "Чек № 3").
 */
import { useId, useState, type FormEvent } from 'react';
import { auditDetailText, auditEventText } from '../audit-text.js';
import { DataTable } from '../components/DataTable.js';
import { ScreenKeyboard } from '../components/ScreenKeyboard.js';
import { useActions, useApp, useT } from '../context.js';
import type { TextKey } from '../i18n.js';

export function Journal() {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const journal = useApp((s) => s.service.journal);
  const { serviceJournal } = useActions();
  const [receipt, setReceipt] = useState('');
  const id = useId();
  const columns = t('service.journalColumns').split('|');
  const state = (value: string | null) => (value ? t(`part.state.${value}` as TextKey) : '∅');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void serviceJournal(receipt.trim() ? { receipt: receipt.trim() } : {});
  };
  return (
    <section aria-labelledby="svc-journal">
      <h3 id="svc-journal">{t('service.journal')}</h3>
      <form className="search" onSubmit={submit} role="search" noValidate>
        <p className="field">
          <label htmlFor={`${id}-r`}>{t('service.journalReceipt')}</label>
          <input id={`${id}-r`} value={receipt} maxLength={64} autoComplete="off" onChange={(e) => setReceipt(e.target.value)} />
        </p>
        <ScreenKeyboard value={receipt} onChange={setReceipt} layouts={['digits', 'ru', 'en']} maxLength={64} label={t('service.journalReceipt')} />
        <button type="submit" className="button button--primary">
          {t('service.journalShow')}
        </button>
      </form>
      {journal && journal.length === 0 ? <p className="muted">{t('service.journalEmpty')}</p> : null}
      {journal && journal.length > 0 ? (
        <DataTable labelledBy="svc-journal" columns={columns}>
          {journal.map((row, i) => (
            <tr key={i}>
              <td>{new Date(row.at).toLocaleString(locale)}</td>
              <td>{row.receiptNumber !== null ? t('receipt.title', { n: row.receiptNumber }) : ''}</td>
              <td>{auditEventText(row.event, locale)}</td>
              <td className="num">{row.amount !== null ? t.money(row.amount) : ''}</td>
              <td>{row.fromState || row.toState ? `${state(row.fromState)} → ${state(row.toState)}` : ''}</td>
              <td>{auditDetailText(row.event, row.detail)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
