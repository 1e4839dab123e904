/**
 * Data at rest: card numbers written in groups ("2200 7001 2345 6781", "4111-1111-1111-1111")
 * are masked in logs, journal, WAL and support bundles; the data folder is 0700 and its files
 * 0600; an unusable logs folder is a configuration error that names the file and the key.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containsCardData, scrubText } from '../../../native/inpas/card-data.js';
import { ConfigError } from '../../../electron/contract/errors.js';
import { startServiceApp } from '../../../electron/service/app.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { createLogger } from '../../../electron/service/observability/logger.js';

// Built at run time so that no full card number sits in the repository.
const MIR = ['2200', '7001', '2345', '6781'];
const VISA = ['4111', '1111', '1111', '1111'];
const AMEX = ['3782', '822463', '10005'];
const root = mkdtempSync(join(tmpdir(), 'at-rest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('card numbers written in groups', () => {
  it.each([
    ['spaces', MIR.join(' '), '2200 70** **** 6781'],
    ['dashes', VISA.join('-'), '4111-11**-****-1111'],
    ['4-6-5 groups', AMEX.join(' '), '3782 82**** *0005'],
    ['a 19-digit number in 4-4-4-4-3', ['2200', '7000', '0000', '0000', '007'].join(' '), '2200 70** **** ***0 007'],
  ])('with %s are masked to first 6 / last 4', (_name, written, masked) => {
    expect(containsCardData(`card ${written} paid`)).toBe(true);
    expect(scrubText(`card ${written} paid`)).toBe(`card ${masked} paid`);
    expect(containsCardData(scrubText(written))).toBe(false);
  });

  it('inside longer digit sequences too', () => {
    expect(scrubText(`rrn 12 ${MIR.join(' ')} 2026`)).toBe('rrn 12 2200 70** **** 6781 2026');
  });

  it.each([
    ['a date and time', '2026-12-01 14:25:32'],
    ['a phone number', '+7 912 345-67-89'],
    ['a hex dump', '02 00 31 32 33 34 35 36 37 38 39 30 31 32 33'],
    ['groups that fail the Luhn check', '2200 7001 2345 6782'],
    ['an amount list', '100 200 300 400 500'],
  ])('%s is left alone', (_name, text) => {
    expect(scrubText(text)).toBe(text);
    expect(containsCardData(text)).toBe(false);
  });

  it('the service log, the journal and its WAL keep no grouped card number', () => {
    const dir = mkdtempSync(join(root, 'grouped-'));
    const log = createLogger({ dir: join(dir, 'logs'), maxSizeMB: 1, retentionDays: 1 });
    log.info({ note: `customer read out ${MIR.join(' ')}` }, `typed ${VISA.join('-')}`);
    log.flush();
    const text = readFileSync(join(dir, 'logs', 'service.log'), 'utf8');
    expect(text).toContain('2200 70** **** 6781');
    expect(text).not.toContain(MIR.join(' '));
    expect(text).not.toContain(VISA.join('-'));
    log.logFile.close();

    const journal = new Journal(join(dir, 'journal.sqlite'));
    journal.createReceipt({ lines: [{ name: `Подарочная карта ${MIR.join(' ')}`, quantity: 1, amount: 100 }], total: 100 });
    const bytes = Buffer.concat(
      readdirSync(dir)
        .filter((name) => name.startsWith('journal.sqlite'))
        .map((name) => readFileSync(join(dir, name))),
    ).toString('latin1');
    expect(bytes).not.toContain(MIR.join(' '));
    expect(containsCardData(bytes)).toBe(false);
    journal.close();
  });
});

describe('the data folder and its files belong to the service user only', () => {
  it('folders 0700, journal, WAL, logs and support bundles 0600; an old 0755 folder is tightened', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const app = await startServiceApp({ dataDir, emulatorArgs: ['--fast'] });
    try {
      app.logger.info('a line');
      const receipt = app.service.openReceipt({ lines: [{ name: 'Хлеб', quantity: 1, amount: 100 }], total: 100 });
      expect(receipt.id).toBeTruthy();
      const { path: bundle } = await app.writeSupportBundle();
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'logs'))).toBe(0o700);
      expect(mode(join(dataDir, 'support'))).toBe(0o700);
      expect(mode(join(dataDir, 'journal.sqlite'))).toBe(0o600);
      expect(mode(join(dataDir, 'journal.sqlite-wal'))).toBe(0o600);
      expect(mode(join(dataDir, 'logs', 'service.log'))).toBe(0o600);
      expect(mode(bundle)).toBe(0o600);
    } finally {
      await app.stop();
    }
  }, 60_000);

  it('an unusable logs.dir is a configuration error naming the file and the key', async () => {
    const dir = mkdtempSync(join(root, 'bad-logs-'));
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const config = join(dir, 'config.toml');
    writeFileSync(config, '[logs]\ndir = "not-a-folder/logs"\n');
    let error: unknown;
    try {
      const app = await startServiceApp({ configPath: config, dataDir: join(dir, 'data'), emulatorArgs: ['--fast'] });
      await app.stop();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('config-invalid');
    expect((error as ConfigError).message).toBe(
      `${config}: logs.dir: cannot use the folder ${join(dir, 'not-a-folder', 'logs')}: a file is in the way (the path or a part of it is not a folder)`,
    );
    expect((error as ConfigError).data).toMatchObject({ source: config, keys: ['logs.dir'] });
  });
});
