import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../electron/service/journal/journal.js';
import { EcrCounter, ecrSourceFor } from '../../../native/cli/ecr-counter.js';
import { JournalEcrSource } from '../../../native/cli/journal-ecr.js';
import { PinpadError } from '../../../native/inpas/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-ecr-'));
  dirs.push(dir);
  return dir;
}

describe('pinpad on an installed kiosk: one till-number counter with the app', () => {
  it('takes numbers from the app journal, interleaved with the app, never the same one twice', () => {
    const home = tempDir();
    const path = join(home, '.config', 'Inpas Kiosk Pay', 'journal.sqlite');
    mkdirSync(join(home, '.config', 'Inpas Kiosk Pay'), { recursive: true });
    const journal = new Journal(path);
    try {
      const taken = [journal.nextEcrNumber(), journal.nextEcrNumber()];
      const source = ecrSourceFor({ env: { HOME: home } });
      expect(source).toBeInstanceOf(JournalEcrSource);
      expect(source.file).toBe(path);
      taken.push(source.next());
      taken.push(journal.nextEcrNumber());
      taken.push(source.next(), source.next());
      taken.push(journal.nextEcrNumber());
      expect(taken).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(source.last()).toBe(7);
      // Support can see which numbers the command took.
      expect(
        journal
          .audit()
          .filter((a) => a.event === 'ecr-taken-by-cli')
          .map((a) => a.detail),
      ).toEqual(expect.arrayContaining(['till no. 3 taken by the pinpad command', 'till no. 6 taken by the pinpad command']));
    } finally {
      journal.close();
    }
  });

  it('PINPAD_JOURNAL names the journal; an explicit --state-dir keeps the CLI its own counter; a missing journal is a config error', () => {
    const dir = tempDir();
    const path = join(dir, 'journal.sqlite');
    new Journal(path).close();
    expect(ecrSourceFor({ env: { HOME: dir, PINPAD_JOURNAL: path } })).toBeInstanceOf(JournalEcrSource);
    expect(ecrSourceFor({ stateDir: join(dir, 'state'), env: { HOME: dir, PINPAD_JOURNAL: path } })).toBeInstanceOf(EcrCounter);
    expect(ecrSourceFor({ env: { HOME: dir } })).toBeInstanceOf(EcrCounter);
    expect(() => ecrSourceFor({ env: { HOME: dir, PINPAD_JOURNAL: join(dir, 'nope.sqlite') } })).toThrow(PinpadError);
    const notJournal = join(dir, 'other.sqlite');
    new JournalEcrSource(path).next();
    expect(() => new JournalEcrSource(notJournal).next()).toThrow(/cannot open|not a kiosk journal/);
  });
});
