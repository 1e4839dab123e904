/** Exports and bundles copied to a removable drive mounted under <root>/<user>/<label>. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyToRemovable, removableDrives } from '../../../electron/service/observability/removable-media.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-media-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('removable drives', () => {
  it('finds <root>/<user>/<label> under either root; none means nothing is copied', () => {
    const base = temp();
    const media = join(base, 'media');
    const run = join(base, 'run-media');
    const file = join(base, 'bundle.tar.gz');
    writeFileSync(file, 'bundle');
    expect(removableDrives([media, run])).toEqual([]);
    expect(copyToRemovable([file], [media, run])).toBeUndefined();

    mkdirSync(join(run, 'kiosk', 'USB-STICK'), { recursive: true });
    writeFileSync(join(run, 'kiosk', 'not-a-drive.txt'), 'x');
    expect(removableDrives([media, run])).toEqual([join(run, 'kiosk', 'USB-STICK')]);
    const copies = copyToRemovable([file], [media, run]);
    expect(copies).toEqual([join(run, 'kiosk', 'USB-STICK', 'inpas-kiosk-pay', 'bundle.tar.gz')]);
    expect(readFileSync(copies![0]!, 'utf8')).toBe('bundle');
  });
});
