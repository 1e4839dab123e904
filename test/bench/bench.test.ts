/**
 * `npm run bench -- --quick` in the test run, so the bench cannot break unnoticed: it must exit 0
 * and print every row with a measured value. No figure is judged here (goals are the bench's).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const ROWS = [
  'codec: encode + decode',
  'end to end: card sale, driver ↔ emulator over a pty',
  'bare pty echo of the same exchange',
  'ratio transaction / bare echo',
  'journal of 20,000 parts: file size',
  'journal: receipt search by RRN',
  "journal: one day's totals",
  'service RSS after 10 card payments (compiled JS)',
  'soak: card payments in one service process',
  'soak: service RSS growth',
  'soak: open file descriptors',
  'soak: log files at the end',
  'soak: payment.start → sale frame p99, end / start',
  'UI bundle (index.html + assets)',
  'tap "Оплата картой" → sale frame on the wire',
  'terminal answer → screen ("Оплачено")',
];

describe('npm run bench -- --quick', () => {
  it('runs to the end and prints every row with a measured value', { timeout: 600_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'test', 'bench', 'bench.ts'), '--quick'], {
      cwd: ROOT,
      timeout: 540_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const table = new Map(
      stdout
        .split('\n')
        .filter((l) => l.startsWith('| '))
        .map((l) => l.split('|').map((c) => c.trim()))
        .map((cells) => [cells[1]!, { value: cells[2]!, note: cells[3]! }] as const),
    );
    for (const name of ROWS) {
      const cell = table.get(name);
      expect(cell, `row "${name}" in:\n${stdout}`).toBeDefined();
      expect(cell!.value, name).toMatch(/^[+−]?\d[\d,.]*\s?(frames\/s|tx\/s|ms|×|MiB|KiB|fds|files)/);
    }
    // Goals are named but not judged in a quick run.
    expect(table.get('tap "Оплата картой" → sale frame on the wire')!.note).toContain('goal p99 ≤ 20 ms (not judged in --quick)');
    expect(table.get('soak: service RSS growth')!.note).toContain('goal growth ≤ 5 MiB (not judged in --quick)');
    expect(stdout).not.toMatch(/NOT met|— met/);
  });
});
