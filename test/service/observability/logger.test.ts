import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { containsCardData } from '../../../native/inpas/card-data.js';
import {
  createLogger,
  createTraceWriter,
  RotatingFile,
  scrubLogLine,
  type ServiceLogger,
  type TraceWriter,
} from '../../../electron/service/observability/logger.js';

// Built at run time so that no full card number sits in the repository.
const PAN = ['2200', '7001', '2345', '6781'].join('');
const TRACK2 = `${PAN}=29122011234500000000`;
const DAY = 86_400_000;

const root = mkdtempSync(join(tmpdir(), 'logger-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const open: Array<ServiceLogger | TraceWriter> = [];
afterEach(() => {
  for (const item of open.splice(0)) {
    if ('logFile' in item) item.logFile.close();
    else item.close();
  }
});

let dirCount = 0;
const freshDir = (): string => mkdtempSync(join(root, `d${dirCount++}-`));

function logger(options: Parameters<typeof createLogger>[0]): ServiceLogger {
  const created = createLogger(options);
  open.push(created);
  return created;
}

function trace(options: Parameters<typeof createTraceWriter>[0]): TraceWriter {
  const created = createTraceWriter(options);
  open.push(created);
  return created;
}

function allText(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('');
}

describe('card data never reaches the log file', () => {
  it('the test data really is card data', () => {
    expect(containsCardData(PAN)).toBe(true);
    expect(containsCardData(TRACK2)).toBe(true);
  });

  it('masks a card number and removes track 2 in objects, messages and nested values', () => {
    const dir = freshDir();
    const log = logger({ dir, maxSizeMB: 10, retentionDays: 30 });
    log.info({ pan: PAN, track2: TRACK2, nested: { deep: [`card ${PAN}`] } }, `payment with ${PAN}`);
    log.warn({ panAsNumber: Number(PAN) }, 'number form');
    log.error(new Error(`terminal said ${TRACK2}`), 'failure');
    log.child({ card: PAN }).info('child logger');

    const text = readFileSync(join(dir, 'service.log'), 'utf8');
    expect(text).not.toContain(PAN);
    expect(text).not.toContain(TRACK2);
    expect(text).not.toContain('=29122011234500000000');
    expect(containsCardData(text)).toBe(false);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(4);
    // Still one valid JSON object per line, with the masked number kept for support.
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records[0]).toMatchObject({
      level: 30,
      pan: '220070******6781',
      track2: '[track2 removed]',
      nested: { deep: ['card 220070******6781'] },
      msg: 'payment with 220070******6781',
    });
    expect(records[1]).toMatchObject({ level: 40, panAsNumber: '220070******6781', msg: 'number form' });
    expect(records[2]!.msg).toBe('failure');
    expect(JSON.stringify(records[2])).toContain('[track2 removed]');
    expect(records[3]).toMatchObject({ card: '220070******6781', msg: 'child logger' });
  });

  it('secrets by key name are redacted', () => {
    const dir = freshDir();
    const log = logger({ dir, maxSizeMB: 10, retentionDays: 30 });
    log.info({ pin: '1234', token: 'bridge-secret-value', service: { pinHash: 'scrypt$x' } }, 'secrets');
    const record = JSON.parse(readFileSync(join(dir, 'service.log'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ pin: '[secret]', token: '[secret]', service: { pinHash: '[secret]' } });
  });

  it('uses the injected clock for the time of each line', () => {
    const dir = freshDir();
    const log = logger({ dir, maxSizeMB: 10, retentionDays: 30, now: () => new Date('2031-02-03T04:05:06.789Z'), level: 'debug' });
    log.debug('tick');
    expect(JSON.parse(readFileSync(join(dir, 'service.log'), 'utf8'))).toMatchObject({ time: '2031-02-03T04:05:06.789Z', msg: 'tick', level: 20 });
  });

  it('scrubLogLine keeps clean lines as they are and masks free text that is not JSON', () => {
    expect(scrubLogLine('{"a":1}\n')).toBe('{"a":1}\n');
    expect(scrubLogLine(`plain ${PAN} text`)).toBe('plain 220070******6781 text\n');
    expect(containsCardData(scrubLogLine(`{"n":${PAN}}`))).toBe(false);
    expect(JSON.parse(scrubLogLine(`{"n":${PAN}}`))).toEqual({ n: '220070******6781' });
  });
});

describe('rotation by size', () => {
  it('renames service.log to service.<time>.log before it would pass maxSizeMB, keeping every line', () => {
    const dir = freshDir();
    let t = Date.parse('2030-01-01T00:00:00.000Z');
    const now = (): Date => new Date((t += 1000));
    const log = logger({ dir, maxSizeMB: 0.001, retentionDays: 30, now });
    const count = 60;
    for (let i = 0; i < count; i++) log.info({ i, card: PAN }, `line ${i} ${'x'.repeat(40)}`);

    const names = readdirSync(dir).sort();
    const rotated = names.filter((name) => name !== 'service.log');
    expect(names).toContain('service.log');
    expect(rotated.length).toBeGreaterThanOrEqual(3);
    for (const name of rotated) expect(name).toMatch(/^service\.2030-01-01T\d\d-\d\d-\d\d-\d{3}Z(?:-\d+)?\.log$/);
    const limit = Math.floor(0.001 * 1024 * 1024);
    for (const name of names) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(limit);

    // Every line is somewhere, once, in order, and none carries the card number.
    const ordered = [...rotated, 'service.log'];
    const seen = ordered.flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { i: number }).i),
    );
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(containsCardData(allText(dir))).toBe(false);
  });

  it('continues an existing file and rotates it when it is already full', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'service.log'), `${'{"old":true}\n'.repeat(200)}`);
    const log = logger({ dir, maxSizeMB: 0.001, retentionDays: 30, now: () => new Date('2030-05-05T05:05:05.005Z') });
    expect(log.logFile.size).toBeGreaterThan(1000);
    log.info('fresh');
    expect(readdirSync(dir).sort()).toEqual(['service.2030-05-05T05-05-05-005Z.log', 'service.log']);
    expect(readFileSync(join(dir, 'service.log'), 'utf8')).toContain('"msg":"fresh"');
  });

  it('two rotations in the same millisecond do not overwrite each other', () => {
    const dir = freshDir();
    const file = new RotatingFile('service.log', { dir, maxSizeMB: 1, retentionDays: 30, now: () => new Date('2030-01-01T00:00:00.000Z') });
    try {
      file.write('one\n');
      const first = file.rotate();
      file.write('two\n');
      const second = file.rotate();
      expect(first).not.toBe(second);
      expect(readFileSync(first!, 'utf8')).toBe('one\n');
      expect(readFileSync(second!, 'utf8')).toBe('two\n');
    } finally {
      file.close();
    }
  });
});

describe('pruning by age', () => {
  function rotatedFile(dir: string, name: string, mtime: Date): string {
    const path = join(dir, name);
    writeFileSync(path, '{"old":true}\n');
    utimesSync(path, mtime, mtime);
    return path;
  }

  it('deletes rotated files older than retentionDays at start, keeps recent ones, the live file and unrelated files', () => {
    const dir = freshDir();
    const now = new Date('2030-06-30T12:00:00.000Z');
    const old = rotatedFile(dir, 'service.2030-05-01T00-00-00-000Z.log', new Date(now.getTime() - 31 * DAY));
    const oldTrace = rotatedFile(dir, 'pinpad-trace.2030-05-01T00-00-00-000Z.log', new Date(now.getTime() - 40 * DAY));
    const recent = rotatedFile(dir, 'service.2030-06-20T00-00-00-000Z.log', new Date(now.getTime() - 10 * DAY));
    const unrelated = rotatedFile(dir, 'notes.txt', new Date(now.getTime() - 400 * DAY));
    const live = rotatedFile(dir, 'service.log', new Date(now.getTime() - 400 * DAY));

    logger({ dir, maxSizeMB: 10, retentionDays: 30, now: () => now });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(oldTrace)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    expect(existsSync(live)).toBe(true);
  });

  it('prunes again on each rotation, by the injected clock', () => {
    const dir = freshDir();
    let now = new Date('2030-01-01T00:00:00.000Z');
    const log = logger({ dir, maxSizeMB: 0.001, retentionDays: 7, now: () => now });
    const first = rotatedFile(dir, 'service.2029-12-30T00-00-00-000Z.log', new Date('2029-12-30T00:00:00.000Z'));
    for (let i = 0; i < 30; i++) log.info(`filler ${i} ${'y'.repeat(40)}`);
    // A rotation has happened; the 2-day-old file is still inside the retention period.
    expect(readdirSync(dir).filter((name) => name !== 'service.log').length).toBeGreaterThanOrEqual(2);
    expect(existsSync(first)).toBe(true);

    now = new Date('2030-01-20T00:00:00.000Z');
    const before = readdirSync(dir).filter((name) => name.startsWith('service.2029') || name.startsWith('service.2030-01-01'));
    expect(before.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 30; i++) log.info(`filler ${i} ${'z'.repeat(40)}`);
    const after = readdirSync(dir);
    for (const name of before) expect(after).not.toContain(name);
    expect(after).toContain('service.log');
    expect(after.some((name) => name.startsWith('service.2030-01-20'))).toBe(true);
  });
});

describe('frame trace writer', () => {
  it('writes time-stamped lines to pinpad-trace.log with card data scrubbed', () => {
    const dir = freshDir();
    const writer = trace({ dir, maxSizeMB: 10, retentionDays: 30, now: () => new Date('2030-03-03T03:03:03.333Z') });
    writer.write(`RX frame 40 B: 02 ...\n   10(cardNumber)=${PAN} 12(track2)=${TRACK2}`);
    writer.write('TX ACK');
    expect(writer.path).toBe(join(dir, 'pinpad-trace.log'));
    const text = readFileSync(writer.path, 'utf8');
    expect(text).not.toContain(PAN);
    expect(containsCardData(text)).toBe(false);
    expect(text).toContain('220070******6781');
    expect(text).toContain('[track2 removed]');
    expect(text.startsWith('2030-03-03T03:03:03.333Z RX frame 40 B')).toBe(true);
    expect(text.endsWith('2030-03-03T03:03:03.333Z TX ACK\n')).toBe(true);
  });

  it('rotates to pinpad-trace.<time>.log', () => {
    const dir = freshDir();
    let t = Date.parse('2030-01-01T00:00:00.000Z');
    const writer = trace({ dir, maxSizeMB: 0.001, retentionDays: 30, now: () => new Date((t += 7)) });
    for (let i = 0; i < 50; i++) writer.write(`TX frame ${i} ${'ab '.repeat(20)}`);
    const names = readdirSync(dir);
    expect(names).toContain('pinpad-trace.log');
    expect(names.filter((name) => /^pinpad-trace\.2030-.+\.log$/.test(name)).length).toBeGreaterThanOrEqual(2);
    expect(
      allText(dir)
        .split('\n')
        .filter((line) => line.includes('TX frame')),
    ).toHaveLength(50);
  });
});

describe('a failing disk does not throw into the caller', () => {
  it('counts the dropped line and reports the error', () => {
    const dir = freshDir();
    const errors: Error[] = [];
    const log = logger({ dir, maxSizeMB: 10, retentionDays: 30, onError: (error) => errors.push(error) });
    log.logFile.close();
    expect(() => log.info('after close')).not.toThrow();
    expect(log.logFile.droppedLines).toBe(1);
    expect(errors).toHaveLength(1);
    expect(log.logFile.lastError?.message).toContain('closed');
  });
});
