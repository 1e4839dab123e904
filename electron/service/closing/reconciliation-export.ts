/** Writes a business day's reconciliations as CSV and JSON files for the accountant (no card data: amounts, ids, RRNs). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOTAL_KINDS } from '../../../native/inpas/settlement-totals.js';
import type { Reconciliation, ReconciliationExport } from '../../contract/types.js';
import type { Journal } from '../journal/journal.js';
import { ReconciliationStore, type PeriodPart } from '../journal/reconciliation-store.js';
import { localDay } from '../journal/business-day.js';

const CSV_COLUMNS = [
  'settled_at',
  'business_day',
  'kind',
  'terminal_count',
  'terminal_kopecks',
  'journal_count',
  'journal_kopecks',
  'status',
  'reason',
  'part_id',
  'receipt_id',
  'count',
  'kopecks',
  'detail',
] as const;

/** One CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function cell(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The day's reconciliations as CSV: a row per kind of total, then a row per explanation of a difference. */
export function reconciliationCsv(reconciliations: readonly Reconciliation[]): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const rec of reconciliations) {
    if (!rec.terminal) {
      rows.push([rec.settledAt, rec.businessDay, '', '', '', '', '', 'no-terminal-totals', '', '', '', '', '', rec.problem ?? ''].map(cell).join(','));
    }
    for (const kind of TOTAL_KINDS) {
      const t = rec.terminal?.[kind];
      const j = rec.journal[kind];
      const difference = rec.differences.find((d) => d.kind === kind);
      const status = !t ? 'unknown' : difference ? 'differs' : 'matches';
      rows.push([rec.settledAt, rec.businessDay, kind, t?.count, t?.amount, j.count, j.amount, status, '', '', '', '', '', ''].map(cell).join(','));
      for (const e of difference?.explainedBy ?? []) {
        rows.push(
          [rec.settledAt, rec.businessDay, kind, '', '', '', '', 'explanation', e.reason, e.partId, e.receiptId, e.count, e.amount, e.text].map(cell).join(','),
        );
      }
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes reconciliation-<day>.csv and .json into `outDir`; the day defaults to the last one closed (else today). */
export async function writeReconciliationExport(options: { outDir: string; journal: Journal; day?: string; now?: () => Date }): Promise<ReconciliationExport> {
  const store = new ReconciliationStore(options.journal.db);
  const now = options.now ?? (() => new Date());
  const day = options.day ?? store.latest()?.businessDay ?? localDay(now());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  const kept = store.forDay(day);
  const reconciliations = kept.map((k) => k.reconciliation);
  const parts = (list: readonly PeriodPart[]): unknown[] =>
    list.map((p) => ({
      id: p.id,
      receiptId: p.receiptId,
      kind: p.kind,
      method: p.method,
      how: p.how ?? null,
      amount: p.amount,
      state: p.state,
      switchedToSbp: p.switchedToSbp,
      ecrNumber: p.ecrNumber ?? null,
      rrn: p.rrn ?? null,
      createdAt: p.createdAt,
    }));
  mkdirSync(options.outDir, { recursive: true });
  const csvPath = join(options.outDir, `reconciliation-${day}.csv`);
  const jsonPath = join(options.outDir, `reconciliation-${day}.json`);
  writeAtomically(csvPath, reconciliationCsv(reconciliations));
  writeAtomically(
    jsonPath,
    `${JSON.stringify({ day, exportedAt: now().toISOString(), reconciliations: kept.map((k) => ({ ...k.reconciliation, parts: parts(k.parts) })) }, null, 2)}\n`,
  );
  return { day, reconciliations: reconciliations.length, csvPath, jsonPath };
}
