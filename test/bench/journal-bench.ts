/**
 * The journal at scale for npm run bench: seeded with 1,000,000 parts (--quick: 20,000), then a
 * receipt search and one day's totals, and the file's size.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dayTotals } from '../../electron/service/journal/day-totals.js';
import { Journal } from '../../electron/service/journal/journal.js';
import { goal, ms, percentile, type BenchOptions, type Row } from './rows.js';

const DAYS = 365;
const FIRST_DAY = Date.UTC(2025, 0, 1);

function dayOf(i: number, parts: number): string {
  return new Date(FIRST_DAY + Math.floor((i / parts) * DAYS) * 86_400_000).toISOString().slice(0, 10);
}

/** Writes `parts` parts (two per receipt, one in ten paid cash) straight into a migrated journal. */
function seed(path: string, parts: number): void {
  const journal = new Journal(path);
  const db = journal.db;
  db.pragma('synchronous = OFF');
  const receipt = db.prepare("INSERT INTO receipts (id, lines, total, state, created_at, updated_at) VALUES (?, '[]', ?, 'paid', ?, ?)");
  const number = db.prepare('INSERT INTO receipt_numbers (receipt_id, day, number) VALUES (?, ?, ?)');
  const part = db.prepare(
    `INSERT INTO parts (id, receipt_id, kind, method, amount, state, ecr_number, rrn, auth_code, response_code, card_masked, terminal_id, business_day, created_at, updated_at)
     VALUES (?, ?, 'payment', ?, ?, 'APPROVED', ?, ?, ?, '00', ?, '00322346', ?, ?, ?)`,
  );
  let ecr = 0;
  let perDay = 0;
  let lastDay = '';
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 2) {
      const day = dayOf(i, parts);
      perDay = day === lastDay ? perDay + 1 : 1;
      lastDay = day;
      const at = `${day}T10:00:00.000Z`;
      const id = `r${String(i / 2).padStart(9, '0')}`;
      receipt.run(id, 20_000, at, at);
      number.run(id, day, perDay);
      for (let k = 0; k < 2; k++) {
        const n = i + k;
        const cash = n % 10 === 9;
        part.run(
          `p${String(n).padStart(9, '0')}`,
          id,
          cash ? 'cash' : n % 3 === 0 ? 'sbp' : 'card',
          10_000,
          cash ? null : ++ecr,
          cash ? null : String(500_000_000_000 + n),
          cash ? null : String(n % 1_000_000).padStart(6, '0'),
          cash ? null : '220070******' + String(n % 10_000).padStart(4, '0'),
          day,
          at,
          at,
        );
      }
    }
  });
  for (let from = 0; from < parts; from += 50_000) batch(from, Math.min(parts, from + 50_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  journal.close();
}

export async function journalBench(row: Row, options: BenchOptions, dir: string): Promise<void> {
  const parts = options.quick ? 20_000 : 1_000_000;
  const path = join(dir, 'journal.sqlite');
  const seedStart = performance.now();
  seed(path, parts);
  const seedMs = performance.now() - seedStart;
  const size = statSync(path).size;
  row(
    `journal of ${parts.toLocaleString('en-US')} parts: file size`,
    `${(size / 1024 / 1024).toFixed(1)} MiB`,
    `${Math.round(size / parts)} B per part; seeded in ${(seedMs / 1000).toFixed(1)} s`,
  );

  const journal = new Journal(path);
  try {
    const rounds = options.quick ? 5 : 50;
    const search: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // A card payment's RRN, as support types it in: the receipt it belongs to must come back.
      const n = Math.floor((((r * 7919) % 1000) / 1000) * parts) & ~1;
      const rrn = String(500_000_000_000 + n);
      const start = performance.now();
      const found = journal.searchReceipts({ text: rrn, limit: 50 });
      search.push(performance.now() - start);
      if (found[0] !== `r${String(n / 2).padStart(9, '0')}`) throw new Error(`journal bench: RRN ${rrn} found ${found[0]}`);
    }
    const p99 = percentile(search, 99);
    row(
      'journal: receipt search by RRN',
      `${ms(percentile(search, 50))} p50`,
      `p99 ${ms(p99)} over ${rounds} searches; ${goal(options, '≤ 20 ms', p99 <= 20)}`,
    );

    const totals: number[] = [];
    let count = 0;
    for (let r = 0; r < rounds; r++) {
      const day = dayOf(Math.floor((((r * 104_729) % 1000) / 1000) * parts), parts);
      const start = performance.now();
      const t = dayTotals(journal.db, day);
      totals.push(performance.now() - start);
      count = t.reduce((sum, line) => sum + line.count, 0);
      if (count === 0) throw new Error(`journal bench: no parts on ${day}`);
    }
    const totalsP99 = percentile(totals, 99);
    row(
      "journal: one day's totals",
      `${ms(percentile(totals, 50))} p50`,
      `p99 ${ms(totalsP99)}, ~${count} parts a day; ${goal(options, '≤ 200 ms', totalsP99 <= 200)}`,
    );
  } finally {
    journal.close();
  }
}
