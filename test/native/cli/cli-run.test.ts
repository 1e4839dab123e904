/** The pinpad command run against a scripted pin pad on an in-memory line: results, output, exit codes, Ctrl-C, the till counter. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../../native/cli/pinpad-args.js';
import type { PinpadIo } from '../../../native/cli/pinpad.js';
import { encodeFrame } from '../../../native/inpas/codec.js';
import { Link } from '../../../native/inpas/link.js';
import { Message, type FieldInput } from '../../../native/inpas/message.js';
import { Tag } from '../../../native/inpas/tags.js';
import { memoryPair } from '../../../native/transport/memory.js';
import type { ByteStream } from '../../../native/transport/types.js';
import { onlyJson, runCli, type Run } from './rig.js';

const FULL_PAN = '4111111111111111';
const MASKED_PAN = '411111******1111';

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'pinpad-cli-'));
});
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

const run = (argv: string[], io: Partial<PinpadIo> = {}): Promise<Run> => runCli(stateDir, argv, io);

/** A scripted pin pad on the other end of an in-memory line. */
interface FakeTerminal {
  readonly requests: Message[];
  readonly controls: string[];
  reply(fields: FieldInput): void;
}

function withTerminal(
  script: (request: Message, terminal: FakeTerminal) => void,
  onControl?: (control: string, terminal: FakeTerminal) => void,
): { connect: (target: Target) => Promise<ByteStream>; terminal: FakeTerminal; targets: Target[] } {
  const [till, pad] = memoryPair();
  const link = new Link(pad);
  const targets: Target[] = [];
  const terminal: FakeTerminal = {
    requests: [],
    controls: [],
    reply(fields) {
      const message = Message.of(fields);
      link.sendFrame(encodeFrame(message), message).catch(() => undefined);
    },
  };
  link.on('message', (message) => {
    terminal.requests.push(message);
    script(message, terminal);
  });
  link.on('control', (control) => {
    if (control === 'ACK' || control === 'NAK') return;
    terminal.controls.push(control);
    onControl?.(control, terminal);
  });
  return {
    terminal,
    targets,
    connect: async (target) => {
      targets.push(target);
      return till;
    },
  };
}

function approvedSale(request: Message, slipPan = MASKED_PAN): FieldInput {
  return {
    [Tag.operation]: request.text(Tag.operation),
    [Tag.ecrNumber]: request.text(Tag.ecrNumber),
    [Tag.amount]: request.text(Tag.amount),
    [Tag.currency]: '643',
    [Tag.terminalId]: '00322346',
    [Tag.status]: 1,
    [Tag.responseCode]: '00',
    [Tag.authCode]: 'A1B2C3',
    [Tag.rrn]: '512345678901',
    [Tag.resultText]: 'ОДОБРЕНО',
    [Tag.cardNumber]: FULL_PAN,
    [Tag.slip]: `0xDF^^ПРОДАЖА~СУММА 100.00~КАРТА ${slipPan}~0xDA^^КОПИЯ КАССИРА~0xDD^^`,
  };
}

describe('operations over an in-memory line', () => {
  it('sale 100.00: builds field 0 = "10000" with a fresh till number, prints one JSON object, exit 0', async () => {
    const { connect, terminal, targets } = withTerminal((request, t) => t.reply(approvedSale(request)));
    const { code, stdout, stderr } = await run(['sale', '100.00', '--json', '--terminal-id', '00322346', '--state-dir', stateDir], { connect });
    expect(code).toBe(0);
    expect(targets).toEqual([{ kind: 'serial', path: '/dev/ttyS39', baudRate: 115_200 }]);
    const request = terminal.requests[0]!;
    expect(request.text(Tag.amount)).toBe('10000');
    expect(request.text(Tag.currency)).toBe('643');
    expect(request.text(Tag.operation)).toBe('1');
    expect(request.text(Tag.ecrNumber)).toBe('1');
    expect(request.text(Tag.terminalId)).toBe('00322346');
    expect(readFileSync(join(stateDir, 'ecr-counter'), 'utf8')).toBe('1\n');
    expect(onlyJson(stdout)).toEqual({
      status: 'approved',
      operation: 'sale',
      amount: 10_000,
      method: 'card',
      rrn: '512345678901',
      authCode: 'A1B2C3',
      responseCode: '00',
      text: 'ОДОБРЕНО',
      cardMasked: MASKED_PAN,
      ecrNumber: 1,
      terminalId: '00322346',
      slip: { customer: `ПРОДАЖА\nСУММА 100.00\nКАРТА ${MASKED_PAN}`, cashier: 'КОПИЯ КАССИРА', cardType: null },
      switchedToSbp: false,
      sbpState: null,
      model: null,
      serialNumber: null,
      transactionStatus: 1,
      error: null,
    });
    expect(stdout + stderr).not.toContain(FULL_PAN);
  });

  it('the next run takes the next till number', async () => {
    for (const expected of ['1', '2']) {
      const { connect, terminal } = withTerminal((request, t) => t.reply(approvedSale(request)));
      const { code } = await run(['sale', '1', '--state-dir', stateDir], { connect });
      expect(code).toBe(0);
      expect(terminal.requests[0]!.text(Tag.ecrNumber)).toBe(expected);
    }
  });

  it('prints a human summary with rubles, RRN, auth code, masked card and the customer slip', async () => {
    // A slip that (wrongly) carries the whole card number is still printed masked.
    const { connect } = withTerminal((request, t) => t.reply(approvedSale(request, FULL_PAN)));
    const { code, stdout } = await run(['sale', '100', '--state-dir', stateDir], { connect });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sale: APPROVED\n/);
    for (const part of ['100.00 ₽', 'card', '512345678901', 'A1B2C3', MASKED_PAN, 'ОДОБРЕНО', '--- customer slip ---', 'ПРОДАЖА'])
      expect(stdout).toContain(part);
    expect(stdout).toContain(`КАРТА ${MASKED_PAN}`);
    expect(stdout).not.toContain('КОПИЯ КАССИРА');
    expect(stdout).not.toContain(FULL_PAN);
  });

  it('--trace shows every frame both ways with the card number masked, and driver events prefixed', async () => {
    const { connect } = withTerminal((request, t) => {
      t.reply({ [Tag.operation]: 21, [Tag.screenText]: 'ПРИЛОЖИТЕ КАРТУ' });
      t.reply(approvedSale(request));
    });
    const { code, stderr, stdout } = await run(['sale', '100', '--trace', '--state-dir', stateDir], { connect });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^TX frame .*: 02 /m);
    expect(stderr).toMatch(/^RX frame /m);
    expect(stderr).toMatch(/^RX ACK$/m);
    expect(stderr).toMatch(/^TX ACK$/m);
    expect(stderr).toContain('  · WAIT');
    expect(stderr).toContain('  · pin pad: ПРИЛОЖИТЕ КАРТУ');
    expect(stderr).toContain('  · till transaction number 1');
    expect(stderr).toContain(`10(cardNumber)=${MASKED_PAN}`);
    expect(stderr + stdout).not.toContain(FULL_PAN);
    // Field 10's bytes are not shown as hex either: tag 0a, length 16, then masked bytes.
    expect(stderr).toContain(`0a 10 00 ${Array(16).fill('xx').join(' ')}`);
    expect(stderr).not.toContain(Buffer.from(FULL_PAN).toString('hex').replace(/(..)/g, '$1 ').trim());
  });

  it('a sale completed offline (39=17) is approved, exit 0, and the summary says the condition', async () => {
    const { connect } = withTerminal((request, t) => t.reply({ ...approvedSale(request), [Tag.status]: 17, [Tag.responseCode]: 'Y1' }));
    const { code, stdout } = await run(['sale', '100', '--state-dir', stateDir], { connect });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sale: APPROVED\n/);
    expect(stdout).toMatch(/^ {2}condition {3}the terminal says completed offline \(39=17\)/m);
    const plain = withTerminal((request, t) => t.reply(approvedSale(request)));
    const again = await run(['sale', '100', '--state-dir', stateDir], { connect: plain.connect });
    expect(again.stdout).not.toContain('condition');
  });

  it('a decline exits 1', async () => {
    const { connect } = withTerminal((request, t) =>
      t.reply({ [Tag.operation]: 1, [Tag.ecrNumber]: request.text(Tag.ecrNumber), [Tag.status]: 16, [Tag.responseCode]: '51', [Tag.resultText]: 'ОТКАЗ' }),
    );
    const { code, stdout } = await run(['sale', '5', '--json', '--state-dir', stateDir], { connect });
    expect(code).toBe(1);
    expect(onlyJson(stdout)).toMatchObject({ status: 'declined', responseCode: '51', text: 'ОТКАЗ', ecrNumber: 1 });
  });

  it('no final answer within --timeout: exit 4, outcome unknown, with advice not to repeat', async () => {
    const { connect } = withTerminal(() => undefined);
    const json = await run(['sale', '5', '--json', '--timeout', '0.3', '--state-dir', stateDir], { connect });
    expect(json.code).toBe(4);
    expect(onlyJson(json.stdout)).toMatchObject({ status: 'unknown', operation: 'sale', amount: 500, ecrNumber: 1, error: { code: 'timeout' } });

    const human = await run(['sale', '5', '--timeout', '0.3', '--state-dir', stateDir], { connect: withTerminal(() => undefined).connect });
    expect(human.code).toBe(4);
    expect(human.stdout).toContain('OUTCOME UNKNOWN');
    expect(human.stdout).toContain('Do not repeat the sale');
  });

  it('a cancel (first Ctrl-C) sends EOT and reports what the terminal then says', async () => {
    const controller = new AbortController();
    const { connect, terminal } = withTerminal(
      (request, t) => t.reply({ [Tag.operation]: 21, [Tag.screenText]: 'ВСТАВЬТЕ КАРТУ', [Tag.ecrNumber]: request.text(Tag.ecrNumber) }),
      (control, t) => {
        if (control === 'EOT')
          t.reply({ [Tag.operation]: 1, [Tag.ecrNumber]: terminal.requests[0]!.text(Tag.ecrNumber), [Tag.status]: 53, [Tag.resultText]: 'ОПЕРАЦИЯ ПРЕРВАНА' });
      },
    );
    const { code, stdout, stderr } = await run(['sale', '5', '--json', '--state-dir', stateDir], {
      connect,
      signal: controller.signal,
      stderr: (s) => {
        if (s.includes('ВСТАВЬТЕ КАРТУ')) controller.abort();
      },
    });
    expect(terminal.controls).toContain('EOT');
    expect(stderr).toContain('cancelling…');
    expect(code).toBe(1);
    expect(onlyJson(stdout)).toMatchObject({ status: 'declined', text: 'ОПЕРАЦИЯ ПРЕРВАНА' });
  });

  it('a second Ctrl-C stops waiting: exit 4 and a message that the outcome is unknown', async () => {
    const listeners = new Set<() => void>();
    const interrupt = (): void => {
      for (const listener of [...listeners]) listener();
    };
    const { connect, terminal } = withTerminal(
      (request, t) => t.reply({ [Tag.operation]: 21, [Tag.screenText]: 'ВСТАВЬТЕ КАРТУ', [Tag.ecrNumber]: request.text(Tag.ecrNumber) }),
      (control) => {
        // The terminal stays silent after the EOT; the engineer presses Ctrl-C again.
        if (control === 'EOT') interrupt();
      },
    );
    const { code, stdout, stderr } = await run(['sale', '5', '--json', '--state-dir', stateDir], {
      connect,
      onInterrupt: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      stderr: (s) => {
        if (s.includes('ВСТАВЬТЕ КАРТУ')) interrupt();
      },
    });
    expect(terminal.controls).toEqual(['EOT']);
    expect(code).toBe(4);
    expect(stderr).toMatch(/outcome of the sale is unknown/);
    expect(onlyJson(stdout)).toMatchObject({ status: 'unknown', error: { code: 'cancelled' } });
    expect(listeners.size).toBe(0);
  });

  it('installs a SIGINT handler only while the operation runs', async () => {
    const before = process.listenerCount('SIGINT');
    let during = -1;
    const { connect } = withTerminal((request, t) => {
      during = process.listenerCount('SIGINT');
      t.reply(approvedSale(request));
    });
    const { code } = await run(['sale', '1', '--state-dir', stateDir], { connect });
    expect(code).toBe(0);
    expect(during).toBe(before + 1);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('test, status and reports take no till number; settlement does', async () => {
    const answer = (request: Message, t: FakeTerminal): void =>
      t.reply({
        [Tag.operation]: request.text(Tag.operation),
        [Tag.ecrNumber]: request.text(Tag.ecrNumber),
        [Tag.status]: 1,
        [Tag.terminalId]: '00322346',
        [Tag.model]: 'S300',
      });
    const test = withTerminal(answer);
    const tested = await run(['test', '--json', '--state-dir', stateDir], { connect: test.connect });
    expect(tested.code).toBe(0);
    expect(onlyJson(tested.stdout)).toMatchObject({ status: 'approved', operation: 'test', terminalId: '00322346', model: 'S300', ecrNumber: null });
    expect(test.terminal.requests[0]!.text(Tag.operation)).toBe('26');

    const status = withTerminal(answer);
    const queried = await run(['status', '--ecr', '41', '--json', '--state-dir', stateDir], { connect: status.connect });
    expect(onlyJson(queried.stdout)).toMatchObject({ operation: 'status', sbpState: 'done', method: 'sbp' });
    expect(status.terminal.requests[0]!.text(Tag.ecrNumber)).toBe('41');

    // The answer carries 39: the session takes a 63 frame without 39 for a command-mode request.
    const report = withTerminal((request, t) =>
      t.reply({
        [Tag.operation]: 63,
        [Tag.status]: 1,
        [Tag.commandMode2]: request.text(Tag.commandMode2),
        [Tag.commandResult]: 0,
        [Tag.slip]: '0xDF^^ОТЧЕТ~ИТОГО 0.00~0xDD^^',
      }),
    );
    const reported = await run(['report', '--full', '--state-dir', stateDir], { connect: report.connect });
    expect(reported.code).toBe(0);
    expect(report.terminal.requests[0]!.text(Tag.operation)).toBe('63');
    expect(report.terminal.requests[0]!.text(Tag.commandMode2)).toBe('21');
    expect(reported.stdout).toContain('--- report ---\nОТЧЕТ\nИТОГО 0.00');
    expect(existsSync(join(stateDir, 'ecr-counter'))).toBe(false);

    const settle = withTerminal(answer);
    const settled = await run(['settle', '--json', '--state-dir', stateDir], { connect: settle.connect });
    expect(onlyJson(settled.stdout)).toMatchObject({ status: 'approved', operation: 'settle', ecrNumber: 1 });
    expect(settle.terminal.requests[0]!.text(Tag.operation)).toBe('59');
    expect(readFileSync(join(stateDir, 'ecr-counter'), 'utf8')).toBe('1\n');
  });

  it('void and refund carry the original RRN and auth code; --qr picks the SBP forms', async () => {
    const voided = withTerminal((request, t) => t.reply({ [Tag.operation]: 4, [Tag.ecrNumber]: request.text(Tag.ecrNumber), [Tag.status]: 1 }));
    expect((await run(['void', '100,5', '--rrn', '512345678901', '--auth', 'A1B2C3', '--state-dir', stateDir], { connect: voided.connect })).code).toBe(0);
    const v = voided.terminal.requests[0]!;
    expect([v.text(Tag.operation), v.text(Tag.amount), v.text(Tag.rrn), v.text(Tag.authCode), v.text(Tag.originalOperation)]).toEqual([
      '4',
      '10050',
      '512345678901',
      'A1B2C3',
      '1',
    ]);

    const refunded = withTerminal((request, t) =>
      t.reply({ [Tag.operation]: request.text(Tag.operation), [Tag.ecrNumber]: request.text(Tag.ecrNumber), [Tag.status]: 1 }),
    );
    const result = await run(['refund', '7', '--rrn', '512345678901', '--qr', '--json', '--state-dir', stateDir], { connect: refunded.connect });
    expect(onlyJson(result.stdout)).toMatchObject({ status: 'approved', operation: 'refund', method: 'sbp', amount: 700, ecrNumber: 2 });
    expect(refunded.terminal.requests[0]!.text(Tag.operation)).toBe('111');
  });

  it('a corrupt counter file stops a sale before anything is sent (exit 2)', async () => {
    writeFileSync(join(stateDir, 'ecr-counter'), 'oops\n');
    const { connect, terminal } = withTerminal((request, t) => t.reply(approvedSale(request)));
    const { code, stdout } = await run(['sale', '1', '--json', '--state-dir', stateDir], { connect });
    expect(code).toBe(2);
    expect(onlyJson(stdout)).toEqual({
      status: 'error',
      error: { code: 'config', message: expect.stringContaining(join(stateDir, 'ecr-counter')) as unknown },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(terminal.requests).toHaveLength(0);
  });
});
