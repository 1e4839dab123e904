/**
 * The shape of the source the issue on rooms asked for, kept: no source file over 400 lines (the
 * i18n catalogue aside), at most 12 files at the root of electron/service/, and the helpers,
 * constants and types that were once declared in several places declared once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCE_DIRS = ['electron', 'native', 'renderer/src', 'scripts', 'bin'];
const SOURCE = /\.(ts|tsx|mjs|js)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : SOURCE.test(name) ? [path] : [];
  });
}

const files = SOURCE_DIRS.flatMap((dir) => walk(join(ROOT, dir)));
const testFiles = walk(join(ROOT, 'test'));
const text = new Map([...files, ...testFiles].map((path) => [relative(ROOT, path), readFileSync(path, 'utf8')]));

/** Where a declaration matching `pattern` is written, among the given files. */
function declaredIn(pattern: RegExp, among: readonly string[] = [...text.keys()]): string[] {
  return among.filter((path) => pattern.test(text.get(path)!));
}

describe('the source keeps its shape', () => {
  it('reads the whole source (a walk that found nothing would pass everything below)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(text.has('electron/service/app.ts')).toBe(true);
  });

  it('no source file is over 400 lines, the i18n catalogue aside', () => {
    const long = files
      .map((path) => ({ path: relative(ROOT, path), lines: text.get(relative(ROOT, path))!.split('\n').length - 1 }))
      .filter((file) => file.lines > 400 && file.path !== 'renderer/src/i18n.ts');
    expect(long).toEqual([]);
  });

  it('electron/service/ has at most 12 files at its root; the rest live in its rooms', () => {
    const root = readdirSync(join(ROOT, 'electron/service')).filter((name) => !statSync(join(ROOT, 'electron/service', name)).isDirectory());
    expect(root.length).toBeLessThanOrEqual(12);
  });

  it('each once-repeated helper, constant and type is declared once', () => {
    const source = [...text.keys()].filter((path) => !path.startsWith('test/'));
    expect(declaredIn(/function localDay\b/, source)).toEqual(['electron/service/journal/business-day.ts']);
    expect(declaredIn(/\bMAX_ECR_NUMBER\s*=/, source)).toEqual(['native/inpas/driver.ts']);
    expect(declaredIn(/type TotalKind\s*=/, source)).toEqual(['native/inpas/settlement-totals.ts']);
    expect(declaredIn(/interface Total\s*\{/, source)).toEqual(['native/inpas/settlement-totals.ts']);
    expect(declaredIn(/'approved' \| 'declined' \| 'failed' \| 'unknown'/, source)).toEqual(['native/inpas/result.ts']);
    expect(declaredIn(/export (function|const) weakTokenReason\b/, source)).toEqual(['electron/contract/token-strength.ts']);
    expect(declaredIn(/export function contentSecurityPolicy\b/, source)).toEqual(['electron/web-content.ts']);
    const tests = [...text.keys()].filter((path) => path.startsWith('test/'));
    expect(declaredIn(/function sum\(/, tests)).toEqual(['test/helpers.ts']);
    expect(declaredIn(/function waitFor\(/, tests)).toEqual(['test/helpers.ts']);
  });

  it('nothing in the service reads the clock or the environment where it should be given them', () => {
    const service = [...text.keys()].filter((path) => path.startsWith('electron/service/'));
    expect(declaredIn(/process\.env\b/, ['electron/service/crash-points.ts', ...service.filter((p) => p.includes('/recovery/') || p.includes('/payments/'))])).toEqual([]);
    expect(declaredIn(/Date\.now\(\)/, service.filter((p) => p.includes('/recovery/') || p.includes('/payments/') || p.endsWith('/app.ts') || p.endsWith('/connection.ts')))).toEqual([]);
  });
});
