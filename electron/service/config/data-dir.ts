/**
 * The service's folders and the files in them are its user's only: folders 0700, files 0600
 * (journal, its WAL, logs, support bundles). A folder that cannot be used is a configuration
 * error that names the file and the key.
 */
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { ConfigError } from '../../contract/errors.js';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (0700) when missing and makes sure it is a writable folder; tightens an existing
 * one to 0700. Errors name `source` (the configuration file) and `key` (e.g. "logs.dir").
 */
export function prepareFolder(dir: string, source: string, key: string): void {
  const fail = (reason: string, cause?: unknown): ConfigError =>
    new ConfigError(`${source}: ${key}: cannot use the folder ${dir}: ${reason}`, { data: { source, keys: [key] }, ...(cause ? { cause } : {}) });
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a file is in the way (the path or a part of it is not a folder)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : (error as Error).message;
    throw fail(why, error);
  }
  if (!statSync(dir).isDirectory()) throw fail('it is not a folder');
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw fail('not writable by this user', error);
  }
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    // A folder of another owner (a shared log folder set up by an administrator) keeps its mode.
  }
}

/** The journal file and its WAL / shared-memory companions: created 0600 before SQLite opens it (SQLite gives the WAL the same mode). */
export function prepareJournalFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
    } catch {
      // Not ours to change; the folder's 0700 still keeps others out.
    }
  }
}
