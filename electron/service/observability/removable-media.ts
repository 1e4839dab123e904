/**
 * Exports and support bundles staff can take away: a removable drive mounted the usual Linux
 * ways (udisks under /run/media/<user>/<label>, older automounters under /media/<user>/<label>)
 * gets a copy under inpas-kiosk-pay/. The roots are a parameter, so tests use a temporary tree.
 */
import { accessSync, constants, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export const MEDIA_ROOTS: readonly string[] = ['/media', '/run/media'];

/** Mounted drives one can write to: every directory two levels under a root (<root>/<user>/<label>). */
export function removableDrives(roots: readonly string[] = MEDIA_ROOTS): string[] {
  const drives: string[] = [];
  for (const root of roots) {
    for (const user of list(root)) {
      for (const label of list(join(root, user))) {
        const path = join(root, user, label);
        try {
          if (!statSync(path).isDirectory()) continue;
          accessSync(path, constants.W_OK);
          drives.push(path);
        } catch {
          // Not a drive one can write to (read-only, gone): skipped.
        }
      }
    }
  }
  return drives.sort();
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Copies `files` to the first removable drive (into inpas-kiosk-pay/); returns the copies'
 * paths, or undefined when there is no drive or the copy failed (the files stay where they are).
 */
export function copyToRemovable(files: readonly string[], roots: readonly string[] = MEDIA_ROOTS): string[] | undefined {
  const [drive] = removableDrives(roots);
  if (!drive) return undefined;
  try {
    const dir = join(drive, 'inpas-kiosk-pay');
    mkdirSync(dir, { recursive: true });
    return files.map((file) => {
      const to = join(dir, basename(file));
      copyFileSync(file, to);
      return to;
    });
  } catch {
    return undefined;
  }
}
