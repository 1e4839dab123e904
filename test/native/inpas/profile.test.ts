import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PinpadError } from '../../../native/inpas/errors.js';
import { DEFAULT_PROFILE_PATH, loadProfile, parseProfile, profileFields } from '../../../native/inpas/profile.js';
import { pinpadError } from '../../helpers.js';

const defaultData = (): Record<string, unknown> => JSON.parse(readFileSync(DEFAULT_PROFILE_PATH, 'utf8')) as Record<string, unknown>;

const configError = (run: () => unknown): PinpadError => pinpadError(run, 'config');

const dir = mkdtempSync(join(tmpdir(), 'profile-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('terminal profile', () => {
  it('loads the default profile with the public operation codes', () => {
    const profile = loadProfile();
    expect(profile.name).toBe('default');
    expect(profile.operations).toEqual({ sale: 1, void: 4, refund: 29, emergencyCancel: 53, settlement: 59, testConnection: 26, userCommand: 63, wait: 21 });
    expect(profile.userCommands).toEqual({ shortReport: 20, fullReport: 21, slipCopy: 22 });
    expect(profile.abort).toBe('eot');
    const sbpOps = [profile.sbp.payment.operation, profile.sbp.refund.operation, profile.sbp.paymentStatus.operation, profile.sbp.refundStatus.operation];
    expect(new Set(sbpOps).size).toBe(4);
    expect(loadProfile(DEFAULT_PROFILE_PATH)).toEqual(profile);
  });

  it('fills in defaults for omitted extra fields', () => {
    const data = defaultData() as { sbp: { payment: Record<string, unknown> } };
    delete data.sbp.payment.fields;
    expect(parseProfile(data).sbp.payment.fields).toEqual({});
  });

  it('rejects an unknown top-level key and names it', () => {
    const data = defaultData();
    data.oprations = data.operations;
    const error = configError(() => parseProfile(data, 'test.json'));
    expect(error.message).toContain('"oprations"');
    expect(error.message).toMatch(/^test\.json: /);
    expect(error.data).toEqual({ source: 'test.json' });
  });

  it('rejects a misspelt key in place of a required one and names both', () => {
    const data = defaultData();
    data.oprations = data.operations;
    delete data.operations;
    const error = configError(() => parseProfile(data));
    expect(error.message).toContain('oprations');
    expect(error.message).toMatch(/\boperations\b/);
  });

  it('rejects an unknown nested key and names its path', () => {
    const data = defaultData() as { sbp: { payment: Record<string, unknown> } };
    data.sbp.payment.opcode = 110;
    const error = configError(() => parseProfile(data));
    expect(error.message).toMatch(/sbp\.payment\b[^;]*"opcode"/);
  });

  it('rejects a value of the wrong type and names its path', () => {
    const data = defaultData() as { operations: Record<string, unknown> };
    data.operations.sale = '1';
    const error = configError(() => parseProfile(data));
    expect(error.message).toContain('operations.sale');
  });

  it('rejects an operation code outside 0..255 and a bad field tag key', () => {
    const outOfRange = defaultData() as { operations: Record<string, unknown> };
    outOfRange.operations.void = 256;
    expect(configError(() => parseProfile(outOfRange)).message).toContain('operations.void');

    const badTag = defaultData() as { sbp: { payment: Record<string, unknown> } };
    badTag.sbp.payment.fields = { '256': 'x' };
    expect(configError(() => parseProfile(badTag)).message).toContain('sbp.payment.fields');
  });

  it('rejects duplicate SBP operation codes', () => {
    const data = defaultData() as { sbp: { refund: { operation: number }; payment: { operation: number } } };
    data.sbp.refund.operation = data.sbp.payment.operation;
    const error = configError(() => parseProfile(data, 'dup.json'));
    expect(error.message).toMatch(/^dup\.json: sbp operations must have distinct codes/);
  });

  it('rejects data that is not an object', () => {
    expect(configError(() => parseProfile(null)).message).toContain('(top level)');
    expect(configError(() => parseProfile([])).message).toContain('(top level)');
  });

  it('gives a config error naming a missing file', () => {
    const missing = join(dir, 'no-such-profile.json');
    const error = configError(() => loadProfile(missing));
    expect(error.message).toContain(missing);
    expect(error.data).toEqual({ source: missing });
  });

  it('gives a config error naming a file that is not valid JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "name": "broken", ');
    const error = configError(() => loadProfile(path));
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('names the file and the key when a profile file has an unknown key', () => {
    const path = join(dir, 'typo.json');
    const data = defaultData() as { sbp: { payment: Record<string, unknown> } };
    data.sbp.payment.opcode = 110;
    writeFileSync(path, JSON.stringify(data));
    const error = configError(() => loadProfile(path));
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.message).toContain('opcode');
  });

  it('loads an edited profile from a file', () => {
    const path = join(dir, 'bank.json');
    const data = defaultData() as { name: string; sbp: { payment: { operation: number; fields: Record<string, string> } } };
    data.name = 'bank';
    data.sbp.payment.operation = 120;
    data.sbp.payment.fields = { '64': '1' };
    writeFileSync(path, JSON.stringify(data));
    const profile = loadProfile(path);
    expect(profile.name).toBe('bank');
    expect(profile.sbp.payment.operation).toBe(120);
    expect(profileFields(profile.sbp.payment.fields)).toEqual({ 64: '1' });
  });
});
