/**
 * The service screen's close-of-day part: the reconciliation a settlement returned ("Итоги
 * совпали" or each difference with what explains it) and the export of a day as CSV and JSON.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Explanation, Reconciliation, ReconciliationExport, TotalKind } from '../../../electron/contract/types.js';
import { DataTable } from '../components/DataTable.js';
import { useNow } from '../components/useNow.js';
import { useActions, useApp, useT } from '../context.js';
import type { TextKey } from '../i18n.js';

const KINDS: readonly TotalKind[] = ['cardSales', 'sbpSales', 'voids', 'refunds'];

/** The reconciliation in a settlement result, when there is one. */
export function reconciliationOf(result: object): Reconciliation | undefined {
  const rec = (result as { reconciliation?: unknown }).reconciliation;
  return rec && typeof rec === 'object' && 'matched' in rec ? (rec as Reconciliation) : undefined;
}

function ExplanationItem({ e }: { e: Explanation }) {
  const t = useT();
  return (
    <li data-reason={e.reason} data-part-id={e.partId}>
      {t('service.recExplanation', { reason: t(`service.recReason.${e.reason}` as TextKey), count: e.count, amount: t.money(e.amount) })}
      {e.partId ? ` · ${e.partId}` : ''}
    </li>
  );
}

export function ReconciliationView({ rec }: { rec: Reconciliation }) {
  const t = useT();
  const id = useId();
  const columns = t('service.recColumns').split('|');
  const differs = new Set(rec.differences.map((d) => d.kind));
  const total = (v: { count: number; amount: number } | undefined) => (v ? t('service.recTotal', { count: v.count, amount: t.money(v.amount) }) : '—');
  return (
    <section className="reconciliation" aria-labelledby={`${id}-title`} data-matched={rec.matched}>
      <h4 id={`${id}-title`}>
        {t('service.reconciliation')} · {t('service.recDay', { day: rec.businessDay })}
      </h4>
      <p className={rec.matched ? 'reconciliation__verdict' : 'reconciliation__verdict field-error'}>
        {rec.matched ? t('service.recMatched') : rec.terminal ? t('service.recDiffers', { n: rec.differences.length }) : t('service.recNoTotals')}
      </p>
      <DataTable labelledBy={`${id}-title`} columns={columns}>
        {KINDS.map((kind) => (
          <tr key={kind} data-kind={kind} data-differs={differs.has(kind)}>
            <th scope="row">{t(`service.recKind.${kind}` as TextKey)}</th>
            <td>{total(rec.terminal?.[kind])}</td>
            <td>{total(rec.journal[kind])}</td>
          </tr>
        ))}
      </DataTable>
      {rec.differences.map((d) => (
        <div key={d.kind} className="reconciliation__difference" data-kind={d.kind}>
          <p>
            <strong>{t(`service.recKind.${d.kind}` as TextKey)}</strong>: {total(d.terminal)} ≠ {total(d.journal)}
          </p>
          {d.explainedBy.length > 0 ? (
            <ul>
              {d.explainedBy.map((e, i) => (
                <ExplanationItem key={i} e={e} />
              ))}
            </ul>
          ) : (
            <p className="muted">{t('service.recUnexplained')}</p>
          )}
        </div>
      ))}
    </section>
  );
}

/** The last `count` local days, newest first, as YYYY-MM-DD. */
export function recentDays(now: number, count: number): string[] {
  const days: string[] = [];
  const d = new Date(now);
  for (let i = 0; i < count; i++) {
    days.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`);
    d.setDate(d.getDate() - 1);
  }
  return days;
}

export function ReconciliationExportForm() {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const now = useNow(60_000);
  const id = useId();
  const { serviceExportReconciliation } = useActions();
  const [day, setDay] = useState('');
  const [done, setDone] = useState<ReconciliationExport | undefined>(undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(undefined);
    void serviceExportReconciliation(day.trim() || undefined).then(setDone);
  };
  return (
    <form className="search" onSubmit={submit} noValidate>
      {/* A day chosen by touch: the last two weeks, nothing typed. */}
      <p className="field">
        <label htmlFor={`${id}-day`}>{t('service.recExportDay')}</label>
        <select id={`${id}-day`} value={day} onChange={(e) => setDay(e.target.value)}>
          <option value="">{t('service.recExportLastDay')}</option>
          {recentDays(now, 14).map((d) => (
            <option key={d} value={d}>
              {new Date(`${d}T12:00:00`).toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' })}
            </option>
          ))}
        </select>
      </p>
      <button type="submit" className="button button--secondary">
        {t('service.recExport')}
      </button>
      {done ? (
        <p className="reconciliation__export">
          {t('service.recExportDone', { day: done.day, n: done.reconciliations, csv: done.csvPath, json: done.jsonPath })}{' '}
          {done.removable ? t('service.exportRemovable', { paths: done.removable.join(', ') }) : t('service.exportKept')}
        </p>
      ) : null}
    </form>
  );
}
