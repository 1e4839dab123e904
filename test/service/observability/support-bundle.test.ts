/** The support bundle: logs, journal extract and configuration without secrets or card data. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { list } from 'tar';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containsCardData } from '../../../native/inpas/card-data.js';
import { ServiceError } from '../../../electron/contract/errors.js';
import type { PinpadHealth } from '../../../electron/contract/types.js';
import { hashPin, parseConfigText } from '../../../electron/service/config/config.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { createLogger, createTraceWriter } from '../../../electron/service/observability/logger.js';
import { writeSupportBundle } from '../../../electron/service/observability/support-bundle.js';

// Built at run time so that no full card number sits in the repository.
const PAN = ['2200', '7001', '2345', '6781'].join('');
const TRACK2 = `${PAN}=29122011234500000000`;
const TOKEN = 'bundle-test-token-0123456789';
const NOW = new Date('2030-04-05T06:07:08.009Z');

const root = mkdtempSync(join(tmpdir(), 'bundle-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dir: string;
let journal: Journal;
beforeEach(() => {
  dir = mkdtempSync(join(root, 'case-'));
  journal = new Journal(join(dir, 'data', 'journal.db'));
});
afterEach(() => journal.close());

/** Every entry of the archive with its text, read back from the .tar.gz. */
async function readArchive(file: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const pending: Array<Promise<void>> = [];
  await list({
    file,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      pending.push(
        new Promise((resolve, reject) => {
          entry.on('data', (chunk: Buffer) => chunks.push(chunk));
          entry.on('end', () => {
            if (entry.type === 'File') entries.set(entry.path, Buffer.concat(chunks).toString('utf8'));
            resolve();
          });
          entry.on('error', reject);
        }),
      );
    },
  });
  await Promise.all(pending);
  return entries;
}

function config(): ReturnType<typeof parseConfigText> {
  return parseConfigText(
    `[pinpad]\nport = "/dev/ttyS39"\nid = "00322346"\nqrSBP = true\n[service]\npinHash = "${hashPin('4321')}"\n[bridge]\nenabled = true\ntoken = "${TOKEN}"\n`,
    '/etc/kiosk/config.toml',
  );
}

const health: PinpadHealth = {
  state: 'connected',
  emulator: false,
  target: '/dev/ttyS39',
  terminalId: '00322346',
  model: 'PAX S300',
  problem: undefined,
  since: '2030-04-05T06:00:00.000Z',
};

function fillJournal(receipts: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < receipts; i++) {
    const id = journal.createReceipt({ lines: [{ name: i === 0 ? `gift card ${PAN}` : `item ${i}`, quantity: 1, amount: 1000 }], total: 1000 });
    ids.push(id);
  }
  return ids;
}

describe('support bundle', () => {
  it('holds README, config without secrets, health, journal extract and logs, with no card data', async () => {
    const cfg = config();
    const [first] = fillJournal(3);
    const part = journal.createPart({ receiptId: first!, kind: 'payment', method: 'card', amount: 1000, needsEcrNumber: true, businessDay: '2030-04-05' });
    journal.transition(part.id, 'SENT');
    journal.transition(part.id, 'APPROVED', { rrn: '123456789012', authCode: 'A1B2C3', cardMasked: '220070******6781', text: `ОДОБРЕНО ${PAN}` });

    const logsDir = join(dir, 'logs');
    const log = createLogger({ dir: logsDir, maxSizeMB: 10, retentionDays: 30 });
    log.info({ pan: PAN, track2: TRACK2 }, 'payment approved');
    log.logFile.close();
    const trace = createTraceWriter({ dir: logsDir, maxSizeMB: 10, retentionDays: 30 });
    trace.write(`RX frame: 10(cardNumber)=${PAN}`);
    trace.close();
    // A log left by an older version, before scrubbing existed: the bundle scrubs it too.
    writeFileSync(join(logsDir, 'service.2030-01-01T00-00-00-000Z.log'), `{"msg":"legacy ${PAN} ${TRACK2}"}\n`);
    writeFileSync(join(logsDir, 'not-a-log.bin'), 'ignored');

    const outDir = join(dir, 'out');
    const path = await writeSupportBundle({ outDir, logsDir, journal, config: cfg, health, now: () => NOW });

    expect(path).toBe(join(outDir, 'support-2030-04-05T06-07-08-009Z.tar.gz'));
    expect(statSync(path).size).toBeGreaterThan(0);
    // Nothing else left behind: no staging folder, no partial archive.
    expect(readdirSync(outDir)).toEqual(['support-2030-04-05T06-07-08-009Z.tar.gz']);

    const entries = await readArchive(path);
    const prefix = 'support-2030-04-05T06-07-08-009Z/';
    expect([...entries.keys()].sort()).toEqual(
      [
        'README.txt',
        'bundle.json',
        'config.json',
        'health.json',
        'journal/audit.json',
        'journal/receipts.json',
        'journal/unresolved.json',
        'logs/pinpad-trace.log',
        'logs/service.2030-01-01T00-00-00-000Z.log',
        'logs/service.log',
      ]
        .map((name) => prefix + name)
        .sort(),
    );
    const get = (name: string): string => entries.get(prefix + name)!;

    for (const [name, text] of entries) {
      expect(containsCardData(text), name).toBe(false);
      expect(text, name).not.toContain(PAN);
      expect(text, name).not.toContain(TOKEN);
      expect(text, name).not.toContain(cfg.service.pinHash!);
    }

    const configJson = JSON.parse(get('config.json')) as Record<string, Record<string, unknown>>;
    expect(configJson.service).toEqual({ pinSet: true });
    expect(configJson.bridge).toEqual({ port: 5781, enabled: true, tokenSet: true });
    expect(configJson.pinpad).toMatchObject({ port: '/dev/ttyS39', id: '00322346', qrSBP: true, emulator: false });

    expect(JSON.parse(get('health.json'))).toEqual(JSON.parse(JSON.stringify(health)));

    const receipts = JSON.parse(get('journal/receipts.json')) as Array<{
      id: string;
      lines: Array<{ name: string }>;
      parts: Array<{ id: string; state: string; rrn: string; cardMasked: string; text: string }>;
    }>;
    expect(receipts).toHaveLength(3);
    const withPart = receipts.find((r) => r.id === first)!;
    expect(withPart.parts).toHaveLength(1);
    expect(withPart.parts[0]).toMatchObject({ id: part.id, state: 'APPROVED', rrn: '123456789012', cardMasked: '220070******6781' });
    expect(withPart.lines[0]!.name).toBe('gift card 220070******6781');

    const audit = JSON.parse(get('journal/audit.json')) as Array<{ event: string; partId: string | null }>;
    expect(audit.length).toBe(3 + 3);
    expect(audit.filter((entry) => entry.partId === part.id).map((entry) => entry.event)).toEqual(['state', 'state', 'payment-intent']);
    expect(JSON.parse(get('journal/unresolved.json'))).toEqual([]);

    expect(get('logs/service.log')).toContain('payment approved');
    expect(get('logs/service.log')).toContain('220070******6781');
    expect(get('logs/pinpad-trace.log')).toContain('RX frame');
    expect(get('logs/service.2030-01-01T00-00-00-000Z.log')).toContain('[track2 removed]');

    const readme = get('README.txt');
    for (const name of ['config.json', 'health.json', 'journal/audit.json', 'journal/receipts.json', 'logs/']) expect(readme).toContain(name);
    expect(readme).toMatch(/WITHOUT secrets/);
    expect(readme).toMatch(/No full card number/);
    expect((JSON.parse(get('bundle.json')) as { createdAt: string; entries: string[] }).createdAt).toBe(NOW.toISOString());
  });

  it('takes the last 500 audit entries and the last 200 receipts', async () => {
    fillJournal(260);
    const path = await writeSupportBundle({ outDir: join(dir, 'out'), logsDir: join(dir, 'no-logs'), journal, config: config(), now: () => NOW });
    const entries = await readArchive(path);
    const prefix = 'support-2030-04-05T06-07-08-009Z/';
    expect((JSON.parse(entries.get(`${prefix}journal/receipts.json`)!) as unknown[]).length).toBe(200);
    const audit = JSON.parse(entries.get(`${prefix}journal/audit.json`)!) as Array<{ id: number }>;
    expect(audit).toHaveLength(260);
    // No health given, no logs folder: said so, not failed.
    expect(JSON.parse(entries.get(`${prefix}health.json`)!)).toMatchObject({ available: false });
    expect(entries.get(`${prefix}README.txt`)).toContain('could not be read');
    expect([...entries.keys()].some((name) => name.includes('/logs/'))).toBe(false);

    // 260 receipts give 260 audit entries; add more than 500 in all.
    fillJournal(300);
    const again = await readArchive(
      await writeSupportBundle({ outDir: join(dir, 'out2'), logsDir: join(dir, 'no-logs'), journal, config: config(), now: () => NOW }),
    );
    const newest = JSON.parse(again.get(`${prefix}journal/audit.json`)!) as Array<{ id: number }>;
    expect(newest).toHaveLength(500);
    expect(newest[0]!.id).toBe(560);
    expect(newest.at(-1)!.id).toBe(61);
  });

  it('leaves older logs out beyond the size limit and lists them in the README', async () => {
    const logsDir = join(dir, 'logs');
    mkdirSync(logsDir, { recursive: true });
    writeFileSync(join(logsDir, 'service.log'), 'a'.repeat(600));
    writeFileSync(join(logsDir, 'service.2030-01-01T00-00-00-000Z.log'), 'b'.repeat(600));
    const old = new Date('2020-01-01T00:00:00.000Z');
    utimesSync(join(logsDir, 'service.2030-01-01T00-00-00-000Z.log'), old, old);
    const entries = await readArchive(
      await writeSupportBundle({ outDir: join(dir, 'out'), logsDir, journal, config: config(), now: () => NOW, maxLogBytes: 1000 }),
    );
    const names = [...entries.keys()];
    expect(names.some((name) => name.endsWith('/logs/service.log'))).toBe(true);
    expect(names.some((name) => name.endsWith('/logs/service.2030-01-01T00-00-00-000Z.log'))).toBe(false);
    expect(entries.get('support-2030-04-05T06-07-08-009Z/README.txt')).toContain(
      'left out (older, over the size limit): service.2030-01-01T00-00-00-000Z.log (600 bytes)',
    );
  });

  it('refuses to write anything when an entry still holds card data after scrubbing', async () => {
    const logsDir = join(dir, 'logs');
    mkdirSync(logsDir, { recursive: true });
    writeFileSync(join(logsDir, 'service.log'), `{"msg":"${PAN}"}\n`);
    const outDir = join(dir, 'out');
    // A scrubber that does nothing stands for a scrubber with a gap.
    const attempt = writeSupportBundle({ outDir, logsDir, journal, config: config(), now: () => NOW, scrub: (text) => text });
    await expect(attempt).rejects.toBeInstanceOf(ServiceError);
    await expect(writeSupportBundle({ outDir, logsDir, journal, config: config(), now: () => NOW, scrub: (text) => text })).rejects.toThrow(
      /logs\/service\.log still holds card data/,
    );
    expect(existsSync(outDir) ? readdirSync(outDir) : []).toEqual([]);
  });
});
