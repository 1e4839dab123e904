/**
 * Till numbers (field 26) for `pinpad` on an installed kiosk, taken from the app's own journal
 * (its SQLite `ecr_counter`), so that the CLI and the app never send the same number to one
 * pin pad. Reads and writes that one counter (and an audit line); nothing else of the journal.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { PinpadError } from '../inpas/errors.js';

export const MAX_JOURNAL_ECR = 999_999;

/** Where the app keeps its journal: Electron's userData folder under $XDG_CONFIG_HOME (or ~/.config). */
export function kioskJournalCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const xdg = env.XDG_CONFIG_HOME;
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(home, '.config');
  return ['Inpas Kiosk Pay', 'inpas-kiosk-pay'].map((name) => join(base, name, 'journal.sqlite'));
}

/** The kiosk journal to take numbers from: $PINPAD_JOURNAL, else the installed app's, else none. */
export function findKioskJournal(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.PINPAD_JOURNAL;
  if (explicit !== undefined && explicit !== '') {
    if (!existsSync(explicit)) throw new PinpadError('config', `PINPAD_JOURNAL names ${explicit}, which does not exist`, { data: { path: explicit } });
    return explicit;
  }
  return kioskJournalCandidates(env).find((path) => existsSync(path));
}

/** The counter of the app's journal, shared with the app (same table, same wrap rule, one SQLite transaction). */
export class JournalEcrSource {
  readonly file: string;

  constructor(path: string) {
    this.file = path;
  }

  #open(): Database.Database {
    let db: Database.Database;
    try {
      db = new Database(this.file, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
    } catch (error) {
      throw new PinpadError('config', `cannot open the kiosk journal ${this.file}: ${error instanceof Error ? error.message : String(error)}`, {
        data: { path: this.file },
        cause: error,
      });
    }
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ecr_counter'").get();
    if (!table) {
      db.close();
      throw new PinpadError('config', `${this.file} is not a kiosk journal (no till number counter)`, { data: { path: this.file } });
    }
    return db;
  }

  last(): number | undefined {
    const db = this.#open();
    try {
      const row = db.prepare('SELECT last FROM ecr_counter WHERE id = 1').get() as { last: number } | undefined;
      return row && row.last > 0 ? row.last : undefined;
    } finally {
      db.close();
    }
  }

  /** Takes the next number, committed (and audited) before it is returned. */
  next(): number {
    const db = this.#open();
    try {
      return db
        .transaction(() => {
          const { last } = db.prepare('SELECT last FROM ecr_counter WHERE id = 1').get() as { last: number };
          let next = last >= MAX_JOURNAL_ECR ? 1 : last + 1;
          // After a wrap, skip numbers the app's parts still hold (as the app does).
          while (db.prepare('SELECT 1 FROM parts WHERE ecr_number = ?').get(next)) next = next >= MAX_JOURNAL_ECR ? 1 : next + 1;
          db.prepare('UPDATE ecr_counter SET last = ? WHERE id = 1').run(next);
          db.prepare('INSERT INTO audit (at, event, detail) VALUES (?, ?, ?)').run(
            new Date().toISOString(),
            'ecr-taken-by-cli',
            `till no. ${next} taken by the pinpad command`,
          );
          return next;
        })
        .immediate();
    } finally {
      db.close();
    }
  }
}
