/**
 * The support bundle: one `support-<time>.tar.gz` a field engineer or store support can send
 * to the developers when "it does not work". It holds the logs, a journal extract, the
 * configuration without secrets and the pin-pad health, plus a README.txt that says so.
 *
 * Every entry is scrubbed of card data (scrubText) and then checked (containsCardData) before
 * anything is written; one entry that still holds card data stops the whole bundle.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { create as createTar } from 'tar';
import { containsCardData, scrubText } from '../../../native/inpas/card-data.js';
import { describeConfig, type AppConfig } from '../config/config.js';
import type { PinpadHealth } from '../../contract/types.js';
import { ServiceError } from '../../contract/errors.js';
import { receiptView, type Journal } from '../journal/journal.js';
import { scrubJsonValue } from './logger.js';

/** Audit entries in the extract (newest first). */
export const BUNDLE_AUDIT_ENTRIES = 500;
/** Receipts, with their parts, in the extract (newest first). */
export const BUNDLE_RECEIPTS = 200;
/** Log bytes taken, newest files first; older files beyond this are listed as left out. */
export const DEFAULT_MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface SupportBundleOptions {
  /** Folder the bundle is written to (created when missing). */
  readonly outDir: string;
  /** The logs folder: every `*.log` in it goes in (newest first, up to `maxLogBytes`). */
  readonly logsDir: string;
  readonly journal: Journal;
  readonly config: AppConfig;
  readonly health?: PinpadHealth | undefined;
  readonly now?: () => Date;
  readonly maxLogBytes?: number;
  /** The scrubber; replaceable only so that tests can prove the card-data check stops a bundle. */
  readonly scrub?: (text: string) => string;
}

interface Entry {
  readonly name: string;
  readonly text: string;
}

function json(value: unknown): string {
  return `${JSON.stringify(scrubJsonValue(value), null, 2)}\n`;
}

interface LogFiles {
  readonly taken: Entry[];
  readonly leftOut: string[];
  readonly problem: string | undefined;
}

function collectLogs(logsDir: string, maxBytes: number): LogFiles {
  let names: string[];
  try {
    names = readdirSync(logsDir);
  } catch (error) {
    return { taken: [], leftOut: [], problem: `the logs folder ${logsDir} could not be read: ${(error as Error).message}` };
  }
  const files = names
    .filter((name) => name.endsWith('.log'))
    .map((name) => ({ name, path: join(logsDir, name), stat: statSync(join(logsDir, name)) }))
    .filter((file) => file.stat.isFile())
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs || a.name.localeCompare(b.name));
  const taken: Entry[] = [];
  const leftOut: string[] = [];
  let total = 0;
  for (const file of files) {
    if (total + file.stat.size > maxBytes) {
      leftOut.push(`${file.name} (${file.stat.size} bytes)`);
      continue;
    }
    total += file.stat.size;
    taken.push({ name: `logs/${file.name}`, text: readFileSync(file.path, 'utf8') });
  }
  return { taken, leftOut, problem: undefined };
}

function readme(createdAt: string, logs: LogFiles, entries: readonly string[], healthGiven: boolean): string {
  return `Support bundle of the kiosk / till payment service
Created: ${createdAt}

What is inside
  README.txt               this file
  bundle.json              when and where the bundle was made, and the list of entries
  config.json              the configuration in effect, WITHOUT secrets: the service PIN hash
                           and the bridge token are left out (only whether they are set)
  health.json              the pin-pad connection health at the time of the bundle
                           (state, port or host, terminal id, model, the problem in words)${healthGiven ? '' : '\n                           - not available: the service did not pass it'}
  journal/audit.json       the last ${BUNDLE_AUDIT_ENTRIES} audit entries of the journal, newest first:
                           every state change of every payment part, with its time
  journal/receipts.json    the last ${BUNDLE_RECEIPTS} receipts, newest first, each with its parts
                           (amount, method, state, till number (field 26), RRN, auth code,
                           masked card number, slips) and the amounts paid / still due
  journal/unresolved.json  payment parts whose outcome is not known yet (INTENT, SENT, UNKNOWN)
  logs/                    service.log and pinpad-trace.log with their rotated files
                           (JSON lines; the trace only when logs.trace = true)
${logs.problem ? `                           - ${logs.problem}\n` : ''}${logs.leftOut.length > 0 ? `                           - left out (older, over the size limit): ${logs.leftOut.join(', ')}\n` : ''}
Card data
  No full card number, track 2 or PIN data is in this bundle. Card numbers show at most the
  first 6 and last 4 digits. Every entry was scrubbed and then checked before it was written;
  the bundle is not written at all when the check fails.

Entries: ${entries.length}
${entries.map((name) => `  ${name}`).join('\n')}
`;
}

/** Writes the support bundle (`<outDir>/support-<time>.tar.gz`, gzipped tar) and returns its path. */
export async function writeSupportBundle(options: SupportBundleOptions): Promise<string> {
  const now = options.now ?? (() => new Date());
  const scrub = options.scrub ?? scrubText;
  const createdAt = now().toISOString();
  const name = `support-${createdAt.replace(/[:.]/g, '-')}`;
  const outDir = resolve(options.outDir);
  const journal = options.journal;

  const logs = collectLogs(resolve(options.logsDir), options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES);
  const receipts = journal.searchReceipts({ limit: BUNDLE_RECEIPTS }).flatMap((id) => {
    const view = receiptView(journal, id);
    return view ? [view] : [];
  });
  const data: Entry[] = [
    { name: 'config.json', text: json(describeConfig(options.config)) },
    { name: 'health.json', text: json(options.health ?? { available: false, reason: 'the pin-pad health was not passed to the bundle writer' }) },
    { name: 'journal/audit.json', text: json(journal.audit({ limit: BUNDLE_AUDIT_ENTRIES })) },
    { name: 'journal/receipts.json', text: json(receipts) },
    { name: 'journal/unresolved.json', text: json(journal.partsInStates(['INTENT', 'SENT', 'UNKNOWN'])) },
    ...logs.taken,
  ];
  const names = ['README.txt', 'bundle.json', ...data.map((entry) => entry.name)];
  const meta: Entry = {
    name: 'bundle.json',
    text: json({
      createdAt,
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      journalSchemaVersion: journal.schemaVersion,
      entries: names,
      logsLeftOut: logs.leftOut,
      logsProblem: logs.problem ?? null,
    }),
  };
  const all: Entry[] = [{ name: 'README.txt', text: readme(createdAt, logs, names, options.health !== undefined) }, meta, ...data];

  // Scrub and check everything before the first byte reaches the disk.
  const clean = all.map((entry) => {
    const text = scrub(entry.text);
    if (containsCardData(text)) {
      throw new ServiceError('internal', `support bundle: ${entry.name} still holds card data after scrubbing; no bundle was written`, { entry: entry.name });
    }
    return { name: entry.name, text };
  });

  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(outDir, '.support-staging-'));
  const finalPath = join(outDir, `${name}.tar.gz`);
  const partialPath = `${finalPath}.partial`;
  try {
    for (const entry of clean) {
      const path = join(staging, name, entry.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, entry.text, { mode: 0o600 });
    }
    await createTar({ gzip: true, file: partialPath, cwd: staging, portable: true }, [name]);
    chmodSync(partialPath, 0o600);
    renameSync(partialPath, finalPath);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partialPath, { force: true });
  }
  return finalPath;
}
