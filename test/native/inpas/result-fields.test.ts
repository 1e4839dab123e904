/**
 * The public facts in the terminal profile and in a result: field 39 codes as the public
 * DualConnector enums, fields 102–108 decoded where a terminal sends them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Message } from '../../../native/inpas/message.js';
import { loadProfile } from '../../../native/inpas/profile.js';
import { doneCondition, resultFromResponse } from '../../../native/inpas/result.js';

const profile = loadProfile();

describe('field 39 in the default profile', () => {
  it('maps the public DualConnector status codes, and only 255 has no public source', () => {
    expect(profile.sbp.statusValues).toEqual({
      '0': 'pending',
      '1': 'done',
      '2': 'done',
      '13': 'reversed',
      '16': 'rejected',
      '17': 'done',
      '34': 'pending',
      '53': 'expired',
      '101': 'rejected',
      '255': 'not-found',
    });
    expect(profile.sbp.statusValues['20']).toBeUndefined();
  });

  it.each([
    ['0', 'pending'],
    ['2', 'done'],
    ['13', 'reversed'],
    ['53', 'expired'],
    ['99', undefined],
  ] as const)('a status answer with 39=%s is read as %s', (code, state) => {
    const answer = Message.of({ 25: '112', 26: '5', 39: code, 19: 'СТАТУС' });
    expect(resultFromResponse(profile, answer, { operation: 'status' }).sbpState).toBe(state);
  });

  it('has a row with a filled source column in docs/terminal-profile.md for every code', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'terminal-profile.md'), 'utf8');
    for (const [code, state] of Object.entries(profile.sbp.statusValues)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${code} |`));
      expect(row, `doc row for 39=${code}`).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(cells[3]).toBe(`\`${state}\``);
      // | 39 | meaning | state | does | mark | source |
      expect(['C', 'A']).toContain(cells[5]);
      expect(cells[6]!.length).toBeGreaterThan(3);
      if (cells[5] === 'A') expect(cells[6]).toMatch(/none public/);
    }
  });
});

describe('fields 102–108', () => {
  it('are decoded from an answer that carries them, and kept among the allow-listed raw fields', () => {
    const answer = Message.of({
      25: '26',
      39: '1',
      19: 'СВЯЗЬ УСТАНОВЛЕНА',
      27: '00322346',
      102: '1',
      103: 'Prolin 2.4',
      104: ' HOST0042 ',
      105: 'ПАО БАНК',
      106: '0',
      107: '1',
      108: '0042',
    });
    const result = resultFromResponse(profile, answer, { operation: 'test' });
    expect(result).toMatchObject({ status: 'approved', bankName: 'ПАО БАНК', hostTerminalId: 'HOST0042', slipNumber: '0042' });
    expect(result.raw).toMatchObject({ '102': '1', '103': 'Prolin 2.4', '104': ' HOST0042 ', '105': 'ПАО БАНК', '106': '0', '107': '1', '108': '0042' });
  });

  it('are undefined where the terminal does not send them, or sends blanks', () => {
    const result = resultFromResponse(profile, Message.of({ 25: '1', 39: '1', 26: '3', 105: '   ' }), { operation: 'sale', requestedMethod: 'card' });
    expect(result.bankName).toBeUndefined();
    expect(result.hostTerminalId).toBeUndefined();
    expect(result.slipNumber).toBeUndefined();
  });

  it('never carry a card number through', () => {
    const result = resultFromResponse(profile, Message.of({ 25: '1', 39: '1', 105: 'БАНК 4111111111111111' }), { operation: 'sale' });
    expect(result.bankName).toBe('БАНК 411111******1111');
  });
});

describe('a final answer to a card sale, by field 39', () => {
  it.each([
    ['1', 'approved'],
    ['2', 'approved'],
    ['17', 'approved'],
    ['0', 'declined'],
    ['13', 'declined'],
    ['16', 'declined'],
    ['34', 'declined'],
    ['53', 'declined'],
    ['101', 'declined'],
  ] as const)('39=%s is %s', (code, status) => {
    const answer = Message.of({ 25: '1', 26: '7', 39: code, 4: '12345', 14: '000000123456' });
    const result = resultFromResponse(profile, answer, { operation: 'sale', requestedMethod: 'card', amount: 12_345 });
    expect(result.status).toBe(status);
    expect(result.transactionStatus).toBe(Number(code));
  });

  it('names the condition of a done answer that is not the plain success, and nothing for 39=1', () => {
    expect(doneCondition(2)).toMatch(/with conditions \(39=2\)/);
    expect(doneCondition(17)).toMatch(/offline \(39=17\)/);
    expect(doneCondition(1)).toBeUndefined();
    expect(doneCondition(undefined)).toBeUndefined();
  });
});
