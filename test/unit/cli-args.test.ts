/** The pinpad command line: argument checks, amount parsing, output and exit codes, run against an in-memory pin pad. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommandLine, parseRubles, type Target } from '../../native/cli/pinpad-args.js';
import { runPinpad, type PinpadIo } from '../../native/cli/pinpad.js';
import { formatMoney as formatRubles } from '../../native/inpas/money.js';
import { encodeFrame } from '../../native/inpas/codec.js';
import { PinpadError } from '../../native/inpas/errors.js';
import { Link } from '../../native/inpas/link.js';
import { Message, type FieldInput } from '../../native/inpas/message.js';
import { DEFAULT_PROFILE_PATH } from '../../native/inpas/profile.js';
import { Tag } from '../../native/inpas/tags.js';
import { memoryPair } from '../../native/transport/memory.js';
import type { ByteStream } from '../../native/transport/types.js';

const FULL_PAN = '4111111111111111';
const MASKED_PAN = '411111******1111';

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'pinpad-cli-'));
});
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with the counter in the test's temp directory (never the user's home). */
async function run(argv: string[], io: Partial<PinpadIo> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runPinpad(argv, {
    env: { XDG_STATE_HOME: stateDir, HOME: stateDir },
    ...io,
    stdout: (s) => {
      stdout += s;
      io.stdout?.(s);
    },
    stderr: (s) => {
      stderr += s;
      io.stderr?.(s);
    },
  });
  return { code, stdout, stderr };
}

/** stdout must be exactly one JSON object (and nothing else). */
function onlyJson(stdout: string): Record<string, unknown> {
  const lines = stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  const value: unknown = JSON.parse(lines[0]!);
  expect(typeof value).toBe('object');
  return value as Record<string, unknown>;
}

function parseError(argv: string[], env: NodeJS.ProcessEnv = {}): PinpadError {
  try {
    parseCommandLine(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(PinpadError);
    return error as PinpadError;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseRubles', () => {
  it.each([
    ['100', 10_000],
    ['100.00', 10_000],
    ['100.5', 10_050],
    ['100.50', 10_050],
    ['100,50', 10_050],
    ['1,5', 150],
    ['0.01', 1],
    ['0,1', 10],
    ['007', 700],
    ['99999999999.99', 9_999_999_999_999],
  ])('%s rubles → %i kopecks', (text, kopecks) => {
    expect(parseRubles(text)).toBe(kopecks);
  });

  it.each(['1.234', '-1', '0', '0.00', '0,0', 'abc', '1e3', '', '.5', '1.', '1 000', '1.2.3', '+5', '0x10', 'Infinity', 'NaN', '١٠٠', '100000000000'])(
    'rejects "%s" as a usage error',
    (text) => {
      let error: unknown;
      try {
        parseRubles(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PinpadError);
      expect((error as PinpadError).code).toBe('usage');
    },
  );

  it('is exact where floats are not: 0.29, 1.15, 4.35, 19.99', () => {
    // (x * 100) on floats gives 28.999999999999996, 114.99999999999999, 434.99999999999994, 1998.9999999999998.
    expect([parseRubles('0.29'), parseRubles('1.15'), parseRubles('4.35'), parseRubles('19.99')]).toEqual([29, 115, 435, 1999]);
  });

  it('formats kopecks back as rubles', () => {
    expect(formatRubles(10_000)).toBe('100.00 ₽');
    expect(formatRubles(1)).toBe('0.01 ₽');
    expect(formatRubles(150)).toBe('1.50 ₽');
  });
});

describe('command line', () => {
  it('--help prints every command and global option and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'test',
      'sale <rubles> [--qr]',
      'void <rubles> --rrn R --auth A',
      'refund <rubles> --rrn R [--auth A] [--qr]',
      'status (--ecr N | --rrn R) [--refund]',
      'settle',
      'report [--full]',
      'slip-copy',
    ]) {
      expect(stdout).toContain(command);
    }
    for (const option of [
      '--port <path>',
      '--tcp <host:port>',
      '--baud <n>',
      '--terminal-id <id>',
      '--currency <code>',
      '--timeout <seconds>',
      '--profile <file>',
      '--state-dir <dir>',
      '--json',
      '--trace',
      '-h, --help',
    ]) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toMatch(/void of a same-day SBP QR payment/);
    for (const exit of ['0  approved', '1  declined', '2  usage', '3  failed', '4  outcome unknown']) expect(stdout).toContain(exit);
  });

  it('-h after a command also prints the help', async () => {
    const { code, stdout } = await run(['sale', '100', '-h']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: pinpad');
  });

  it.each([
    [['--baudrate', '9600', 'test'], '--baudrate', '--baud'],
    [['test', '--terminal', '00322346'], '--terminal', '--terminal-id'],
    [['sale', '100', '--qrr'], '--qrr', '--qr'],
  ])('refuses a misspelled option %j with exit 2, a suggestion and a pointer to --help', async (argv, bad, suggestion) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`unknown option ${bad}`);
    expect(stderr).toContain(`did you mean ${suggestion}?`);
    expect(stderr).toContain('pinpad --help');
  });

  it('refuses both --port and --tcp', async () => {
    const { code, stderr } = await run(['--port', '/dev/ttyS0', '--tcp', '10.0.0.5:27015', 'test']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/either --port or --tcp/);
  });

  it('status needs exactly one of --ecr / --rrn', async () => {
    for (const argv of [['status'], ['status', '--ecr', '5', '--rrn', '123456789012'], ['status', '--refund']]) {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stderr).toMatch(/exactly one of --ecr N or --rrn R/);
    }
  });

  it('prints exactly one JSON object for a usage error with --json', async () => {
    const { code, stdout, stderr } = await run(['sale', '1.234', '--json']);
    expect(code).toBe(2);
    expect(onlyJson(stdout)).toEqual({ status: 'error', error: { code: 'usage', message: expect.stringMatching(/more than 2 decimals/) as unknown } });
    expect(stderr).toContain('more than 2 decimals');
  });

  it('prints one JSON object even when the option parser itself fails', async () => {
    const { code, stdout } = await run(['--json', '--baudrate', '1', 'test']);
    expect(code).toBe(2);
    const json = onlyJson(stdout);
    expect(json.status).toBe('error');
    expect((json.error as { code: string }).code).toBe('usage');
  });

  it.each([
    [['sale', '-1'], /negative/],
    [['sale', '0'], /above 0/],
    [['sale'], /needs an amount/],
    [['sale', '100', '200'], /unexpected argument/],
    [['test', 'extra'], /unexpected argument/],
    [[], /no command/],
    [['sael', '100'], /unknown command "sael" \(did you mean "sale"\?\)/],
    [['test', '--qr'], /--qr is not an option of "test"/],
    [['sale', '100', '--rrn', '1'], /--rrn is not an option of "sale"/],
    [['void', '100', '--auth', 'A1'], /needs --rrn/],
    [['void', '100', '--rrn', '123'], /needs --auth/],
    [['refund', '100'], /needs --rrn/],
    [['refund', '100', '--rrn', 'bad rrn!'], /--rrn must be/],
    [['status', '--ecr', '1000000'], /--ecr must be/],
    [['--baud', '11520', 'test'], /not a standard rate/],
    [['--tcp', '10.0.0.5', 'test'], /host:port/],
    [['--tcp', '10.0.0.5:70000', 'test'], /host:port/],
    [['--tcp', '10.0.0.5:27015', '--baud', '9600', 'test'], /--baud applies to a serial port/],
    [['--timeout', '0', 'test'], /--timeout/],
    [['--timeout', 'soon', 'test'], /--timeout/],
    [['--currency', 'RUB', 'test'], /--currency/],
    [['--terminal-id', '0032 2346', 'test'], /--terminal-id/],
    [['--port', '/dev/ttyS0', '--port', '/dev/ttyS1', 'test'], /--port is given more than once/],
    [['--port'], /argument missing/],
    [['--json=yes', 'test'], /does not take an argument/],
  ])('%j is a usage error', (argv, message) => {
    const error = parseError(argv);
    expect(error.code).toBe('usage');
    expect(error.message).toMatch(message);
  });

  it('accepts options before or after the command alike', () => {
    const before = parseCommandLine(['--port', '/dev/ttyUSB0', '--json', '--terminal-id', '00322346', 'sale', '100,50', '--qr']);
    const after = parseCommandLine(['sale', '--qr', '100,50', '--terminal-id', '00322346', '--json', '--port', '/dev/ttyUSB0']);
    expect(after).toEqual(before);
    expect(before).toEqual({
      kind: 'run',
      invocation: {
        command: { name: 'sale', amount: 10_050, method: 'sbp' },
        target: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115_200 },
        terminalId: '00322346',
        currency: '643',
        timeoutSeconds: undefined,
        profilePath: DEFAULT_PROFILE_PATH,
        stateDir: undefined,
        json: true,
        trace: false,
      },
    });
  });

  it('takes the port from PINPAD_PORT / PINPAD_TCP, else /dev/ttyS39; flags win', () => {
    const target = (argv: string[], env: NodeJS.ProcessEnv): Target => {
      const parsed = parseCommandLine([...argv, 'test'], env);
      if (parsed.kind !== 'run') throw new Error('expected a run');
      return parsed.invocation.target;
    };
    expect(target([], {})).toEqual({ kind: 'serial', path: '/dev/ttyS39', baudRate: 115_200 });
    expect(target(['--baud', '9600'], { PINPAD_PORT: '/dev/ttyACM0' })).toEqual({ kind: 'serial', path: '/dev/ttyACM0', baudRate: 9600 });
    expect(target([], { PINPAD_TCP: '10.0.0.5:27015' })).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 27_015 });
    expect(target([], { PINPAD_TCP: '[::1]:27015' })).toEqual({ kind: 'tcp', host: '::1', port: 27_015 });
    expect(target(['--port', '/dev/ttyS1'], { PINPAD_TCP: '10.0.0.5:27015' })).toEqual({ kind: 'serial', path: '/dev/ttyS1', baudRate: 115_200 });
    expect(target(['--tcp', 'pinpad.local:27015'], { PINPAD_PORT: '/dev/ttyS1' })).toEqual({ kind: 'tcp', host: 'pinpad.local', port: 27_015 });
    const conflict = parseError(['test'], { PINPAD_PORT: '/dev/ttyS1', PINPAD_TCP: '10.0.0.5:27015' });
    expect(conflict.code).toBe('config');
    expect(conflict.message).toMatch(/both PINPAD_PORT and PINPAD_TCP/);
  });

  it('void --qr means the original was an SBP payment and makes --auth optional', () => {
    const parsed = parseCommandLine(['void', '5', '--qr', '--rrn', '123456789012']);
    expect(parsed.kind === 'run' && parsed.invocation.command).toEqual({ name: 'void', amount: 500, rrn: '123456789012', authCode: undefined, method: 'sbp' });
  });

  it('a port that does not exist: exit 3, status "failed", and no till number used', async () => {
    const missing = join(stateDir, 'no-such-tty');
    const { code, stdout } = await run(['sale', '100.00', '--port', missing, '--json', '--state-dir', stateDir]);
    expect(code).toBe(3);
    const json = onlyJson(stdout);
    expect(json).toMatchObject({ status: 'failed', operation: 'sale', amount: 10_000, method: 'card', ecrNumber: null, rrn: null, slip: null });
    expect((json.error as { code: string }).code).toBe('link');
    expect(existsSync(join(stateDir, 'ecr-counter'))).toBe(false);
  });

  it('a bad terminal profile is a configuration error (exit 2) naming the file', async () => {
    const profile = join(stateDir, 'profile.json');
    writeFileSync(profile, '{"name": "x"}');
    const { code, stdout } = await run(['test', '--profile', profile, '--json']);
    expect(code).toBe(2);
    const json = onlyJson(stdout);
    expect(json.status).toBe('error');
    expect(json.error).toMatchObject({ code: 'config', message: expect.stringContaining(profile) as unknown });
  });
});

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
