/** The pinpad command line: amounts in rubles, option checks, the target, and the errors a person gets. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommandLine, parseRubles, type Target } from '../../../native/cli/pinpad-args.js';
import type { PinpadIo } from '../../../native/cli/pinpad.js';
import { formatMoney as formatRubles } from '../../../native/inpas/money.js';
import { PinpadError } from '../../../native/inpas/errors.js';
import { DEFAULT_PROFILE_PATH } from '../../../native/inpas/profile.js';
import { onlyJson, runCli, type Run } from './rig.js';

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'pinpad-cli-'));
});
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

const run = (argv: string[], io: Partial<PinpadIo> = {}): Promise<Run> => runCli(stateDir, argv, io);

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
