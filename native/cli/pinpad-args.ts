/**
 * `pinpad` command line: the commands, the options and their checks, the help text. Everything
 * a person can get wrong is a PinpadError('usage') (or 'config' for conflicting environment).
 */
import { parseArgs } from 'node:util';
import { MAX_AMOUNT_KOPECKS } from '../inpas/driver.js';
import { PinpadError } from '../inpas/errors.js';
import { DEFAULT_PROFILE_PATH } from '../inpas/profile.js';
import type { PaymentMethod } from '../inpas/result.js';
import type { PinpadTarget } from '../inpas/stack.js';
import { STANDARD_BAUD_RATES } from '../transport/serial.js';
import { MAX_ECR } from './ecr-counter.js';

/** Where the pin pad is. */
export type Target = PinpadTarget;

export const DEFAULT_PORT = '/dev/ttyS39';
export const DEFAULT_BAUD = 115_200;
export const DEFAULT_CURRENCY = '643';
export const DEFAULT_OPERATION_TIMEOUT_S = 180;
/** Longest --timeout accepted; settlement can take minutes, not hours. */
export const MAX_TIMEOUT_S = 3600;

const COMMANDS = ['test', 'sale', 'void', 'refund', 'status', 'settle', 'report', 'slip-copy', 'probe'] as const;
type CommandName = (typeof COMMANDS)[number];

export type Command =
  | { readonly name: 'test' }
  | { readonly name: 'sale'; readonly amount: number; readonly method: PaymentMethod }
  | { readonly name: 'void'; readonly amount: number; readonly rrn: string; readonly authCode: string | undefined; readonly method: PaymentMethod }
  | { readonly name: 'refund'; readonly amount: number; readonly rrn: string; readonly authCode: string | undefined; readonly method: PaymentMethod }
  | { readonly name: 'status'; readonly ecr: number | undefined; readonly rrn: string | undefined; readonly refund: boolean }
  | { readonly name: 'settle' }
  | { readonly name: 'report'; readonly full: boolean }
  | { readonly name: 'slip-copy' }
  | { readonly name: 'probe' };

export interface Invocation {
  readonly command: Command;
  readonly target: Target;
  readonly terminalId: string;
  readonly currency: string;
  /** --timeout in seconds, when given. */
  readonly timeoutSeconds: number | undefined;
  readonly profilePath: string;
  readonly stateDir: string | undefined;
  readonly json: boolean;
  readonly trace: boolean;
}

export type ParsedCommandLine = { readonly kind: 'help' } | { readonly kind: 'run'; readonly invocation: Invocation };

const OPTIONS = {
  port: { type: 'string' },
  tcp: { type: 'string' },
  baud: { type: 'string' },
  'terminal-id': { type: 'string' },
  currency: { type: 'string' },
  timeout: { type: 'string' },
  profile: { type: 'string' },
  'state-dir': { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  qr: { type: 'boolean' },
  rrn: { type: 'string' },
  auth: { type: 'string' },
  ecr: { type: 'string' },
  refund: { type: 'boolean' },
  full: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Options that belong to one command or another; every other option is global. */
const COMMAND_OPTIONS: Readonly<Record<CommandName, readonly OptionName[]>> = {
  test: [],
  sale: ['qr'],
  void: ['rrn', 'auth', 'qr'],
  refund: ['rrn', 'auth', 'qr'],
  status: ['ecr', 'rrn', 'refund'],
  settle: [],
  report: ['full'],
  'slip-copy': [],
  probe: [],
};
const PER_COMMAND: ReadonlySet<OptionName> = new Set(Object.values(COMMAND_OPTIONS).flat());

export function usageText(): string {
  return `pinpad — the field engineer's tool for an Inpas pin pad (Inpas SA protocol)

Usage: pinpad [global options] <command> [args]
Options may come before or after the command.

Commands:
  test                                    connection test (op 26); tells the terminal id, model, serial number
  sale <rubles> [--qr]                    card sale, or SBP QR sale with --qr; "100.00" → field 0 = "10000"
  void <rubles> --rrn R --auth A [--qr]   same-day cancel of a sale (op 4), no card needed;
                                          with --qr: void of a same-day SBP QR payment (--auth then optional)
  refund <rubles> --rrn R [--auth A] [--qr]
                                          refund of an earlier day's card sale (op 29, card presented again),
                                          or of an SBP QR payment with --qr
  status (--ecr N | --rrn R) [--refund]   status of an SBP payment, or of an SBP refund with --refund;
                                          N is the till number (field 26) the payment was made with
  settle                                  settlement (op 59); same-day void no longer works after it
  report [--full]                         short report (op 63, field 65 = 20), or the full journal (21)
  slip-copy                               copy of the last slip (op 63, field 65 = 22)
  probe                                   install check: connection test, terminal id and model, which
                                          non-money operations answer, the profile in use, and what
                                          this bank setup supports (moves no money)

Global options:
  --port <path>          serial port of the pin pad (default: $PINPAD_PORT, else ${DEFAULT_PORT})
  --tcp <host:port>      TCP straight to the terminal, e.g. 10.0.0.5:27015 (default: $PINPAD_TCP);
                         exactly one of --port / --tcp
  --baud <n>             serial speed, default ${DEFAULT_BAUD} (${STANDARD_BAUD_RATES.join(', ')})
  --terminal-id <id>     terminal id, field 27 ("test" without it tells the real one)
  --currency <code>      numeric ISO 4217 currency, field 4, default ${DEFAULT_CURRENCY} (rouble)
  --timeout <seconds>    the whole operation, default ${DEFAULT_OPERATION_TIMEOUT_S}
                         (settlement and reports: the driver's longer default unless given)
  --profile <file>       terminal profile JSON with the bank-specific codes
                         (default: ${DEFAULT_PROFILE_PATH})
  --state-dir <dir>      where the till transaction counter (field 26) lives
                         (default: $XDG_STATE_HOME/inpas-pinpad or ~/.local/state/inpas-pinpad)
  --json                 exactly one JSON object on stdout, last
  --trace                every frame both ways on stderr, hex + decoded fields, card numbers masked
  -h, --help             this help

Amounts are rubles: 100, 100.5, 100.50 or 100,50 (never negative or zero, at most 2 decimals).

Exit codes:
  0  approved / done
  1  declined
  2  usage or configuration error
  3  failed before the terminal could act
  4  outcome unknown: do NOT repeat a sale. Find out first: "pinpad slip-copy",
     "pinpad report --full", "pinpad status --ecr N" for a QR payment; cancel a same-day
     sale with "pinpad void".

Ctrl-C during an operation asks the pin pad to stop (EOT) and prints what it then says;
a second Ctrl-C stops waiting (exit 4, outcome unknown).

--json fields: status, operation, amount (kopecks), method, rrn, authCode, responseCode, text,
cardMasked, ecrNumber, terminalId, slip, switchedToSbp, sbpState, model, serialNumber,
transactionStatus (field 39: 1 done; 2 done with conditions and 17 completed offline are
approved too), error (null when absent). Usage and configuration errors: {"status":"error","error":{code,message}}.
`;
}

function usage(message: string): PinpadError {
  return new PinpadError('usage', message);
}

/**
 * Rubles as typed by a person → kopecks, by string only (never floats).
 * Accepts "100", "100.5", "100.50", "100,50"; rejects zero, negatives, more than 2 decimals, anything else.
 */
export function parseRubles(text: string): number {
  const match = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) {
    if (/^-/.test(text.trim())) throw usage(`amount "${text}" is negative; amounts are rubles above 0`);
    if (/^\d+[.,]\d{3,}$/.test(text.trim())) throw usage(`amount "${text}" has more than 2 decimals (kopecks)`);
    throw usage(`amount "${text}" is not a number of rubles such as 100, 100.50 or 100,50`);
  }
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const maxWholeDigits = String(Math.floor(MAX_AMOUNT_KOPECKS / 100)).length;
  if (whole.length > maxWholeDigits) throw usage(`amount "${text}" is too large`);
  const kopecks = Number(whole) * 100 + Number(fraction);
  if (kopecks <= 0) throw usage(`amount "${text}" must be above 0`);
  if (kopecks > MAX_AMOUNT_KOPECKS) throw usage(`amount "${text}" is too large`);
  return kopecks;
}

function parseEcr(text: string): number {
  if (!/^\d{1,6}$/.test(text)) throw usage(`--ecr must be a till transaction number 0..${MAX_ECR}, got "${text}"`);
  return Number(text);
}

function parseRrn(text: string): string {
  if (!/^[0-9A-Za-z]{1,12}$/.test(text)) throw usage(`--rrn must be 1–12 letters or digits, got "${text}"`);
  return text;
}

function parseAuth(text: string): string {
  if (!/^[0-9A-Za-z]{1,12}$/.test(text)) throw usage(`--auth must be 1–12 letters or digits, got "${text}"`);
  return text;
}

function parseBaud(text: string): number {
  const baud = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!STANDARD_BAUD_RATES.includes(baud)) throw usage(`--baud ${text} is not a standard rate (${STANDARD_BAUD_RATES.join(', ')})`);
  return baud;
}

function parseTimeout(text: string): number {
  const seconds = /^\d{1,5}(?:\.\d{1,3})?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_S)) throw usage(`--timeout must be seconds above 0 and at most ${MAX_TIMEOUT_S}, got "${text}"`);
  return seconds;
}

function parseTcp(text: string, source: string): { host: string; port: number } {
  const match = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^\s:[\]]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 1 && port <= 65535)) throw usage(`${source} must be host:port (e.g. 10.0.0.5:27015 or [::1]:27015), got "${text}"`);
  return { host: match[1]!, port };
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function closest(input: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.find((c) => c.startsWith(input) || input.startsWith(c));
  if (prefixed !== undefined && input.length >= 3) return prefixed;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** parseArgs' own messages suggest "--" for unknown options, which is wrong advice here. */
function translateParseError(error: unknown): PinpadError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /Unknown option '([^']+)'/.exec(message)?.[1] ?? message;
    const name = option.replace(/^-+/, '').replace(/=.*$/, '');
    const suggestion = option.startsWith('--') ? closest(name, Object.keys(OPTIONS)) : undefined;
    return usage(`unknown option ${option}${suggestion ? ` (did you mean --${suggestion}?)` : ''}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return usage(message.split('\n')[0]!.replace(/\.$/, ''));
  }
  return usage(message);
}

/** Arguments before a "--" terminator: options can only appear there. */
function optionArea(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

/** Whether the caller asked for JSON, even when the rest of the command line is wrong. */
export function wantsJson(argv: readonly string[]): boolean {
  return optionArea(argv).includes('--json');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function resolveTarget(values: { port?: string; tcp?: string; baud?: string }, env: NodeJS.ProcessEnv): Target {
  if (values.port !== undefined && values.tcp !== undefined) throw usage('give either --port or --tcp, not both');
  let port = values.port;
  let tcp = values.tcp;
  let tcpSource = '--tcp';
  if (port === undefined && tcp === undefined) {
    const envPort = nonEmpty(env.PINPAD_PORT);
    const envTcp = nonEmpty(env.PINPAD_TCP);
    if (envPort !== undefined && envTcp !== undefined) {
      throw new PinpadError('config', 'both PINPAD_PORT and PINPAD_TCP are set; unset one, or choose with --port / --tcp');
    }
    port = envPort;
    tcp = envTcp;
    tcpSource = 'PINPAD_TCP';
    if (port === undefined && tcp === undefined) port = DEFAULT_PORT;
  }
  if (tcp !== undefined) {
    if (values.baud !== undefined) throw usage(`--baud applies to a serial port, not to TCP (${tcpSource})`);
    return { kind: 'tcp', ...parseTcp(tcp, tcpSource) };
  }
  if (port === undefined || port === '') throw usage('--port needs a device path such as /dev/ttyS39');
  return { kind: 'serial', path: port, baudRate: values.baud === undefined ? DEFAULT_BAUD : parseBaud(values.baud) };
}

/** Validates the whole command line; throws `usage` (or `config` for conflicting environment settings). */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ParsedCommandLine {
  const area = optionArea(argv);
  if (area.includes('--help') || area.includes('-h')) return { kind: 'help' };
  const negative = area.find((arg) => /^-\d/.test(arg));
  if (negative !== undefined) throw usage(`"${negative}": negative numbers are not allowed (amounts are rubles above 0)`);

  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw translateParseError(error);
  }
  const { values, positionals, tokens } = parsed;

  // The last of two values would silently win; a field engineer's typo must not.
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw usage(`--${token.name} is given more than once`);
    seen.add(token.name);
  }

  const [name, ...args] = positionals;
  if (name === undefined) throw usage('no command given');
  if (!(COMMANDS as readonly string[]).includes(name)) {
    const suggestion = closest(name, COMMANDS);
    throw usage(`unknown command "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
  }
  const commandName = name as CommandName;
  for (const option of seen) {
    if (PER_COMMAND.has(option as OptionName) && !COMMAND_OPTIONS[commandName].includes(option as OptionName)) {
      throw usage(`--${option} is not an option of "${commandName}"`);
    }
  }
  const takesAmount = commandName === 'sale' || commandName === 'void' || commandName === 'refund';
  if (takesAmount && args.length === 0) throw usage(`"${commandName}" needs an amount in rubles, e.g. "pinpad ${commandName} 100.00"`);
  const extra = takesAmount ? args.slice(1) : args;
  if (extra.length > 0) throw usage(`unexpected argument${extra.length > 1 ? 's' : ''} for "${commandName}": ${extra.map((a) => `"${a}"`).join(' ')}`);

  const method: PaymentMethod = values.qr === true ? 'sbp' : 'card';
  let command: Command;
  switch (commandName) {
    case 'sale':
      command = { name: 'sale', amount: parseRubles(args[0]!), method };
      break;
    case 'void': {
      const amount = parseRubles(args[0]!);
      if (values.rrn === undefined) throw usage('"void" needs --rrn (the RRN of the sale being cancelled)');
      if (values.auth === undefined && method === 'card') throw usage('"void" of a card sale needs --auth (the authorization code of the sale)');
      command = { name: 'void', amount, rrn: parseRrn(values.rrn), authCode: values.auth === undefined ? undefined : parseAuth(values.auth), method };
      break;
    }
    case 'refund': {
      const amount = parseRubles(args[0]!);
      if (values.rrn === undefined) throw usage('"refund" needs --rrn (the RRN of the original payment)');
      command = { name: 'refund', amount, rrn: parseRrn(values.rrn), authCode: values.auth === undefined ? undefined : parseAuth(values.auth), method };
      break;
    }
    case 'status': {
      if ((values.ecr === undefined) === (values.rrn === undefined)) throw usage('"status" needs exactly one of --ecr N or --rrn R');
      command = {
        name: 'status',
        ecr: values.ecr === undefined ? undefined : parseEcr(values.ecr),
        rrn: values.rrn === undefined ? undefined : parseRrn(values.rrn),
        refund: values.refund === true,
      };
      break;
    }
    case 'report':
      command = { name: 'report', full: values.full === true };
      break;
    case 'test':
    case 'settle':
    case 'slip-copy':
    case 'probe':
      command = { name: commandName };
      break;
  }

  const terminalId = values['terminal-id'] ?? '';
  if (!/^[0-9A-Za-z]{0,16}$/.test(terminalId)) throw usage(`--terminal-id must be up to 16 letters or digits, got "${terminalId}"`);
  const currency = values.currency ?? DEFAULT_CURRENCY;
  if (!/^\d{3}$/.test(currency)) throw usage(`--currency must be a 3-digit numeric code such as 643, got "${currency}"`);
  const timeoutSeconds = values.timeout === undefined ? undefined : parseTimeout(values.timeout);
  if (values.profile === '') throw usage('--profile needs a file name');
  if (values['state-dir'] === '') throw usage('--state-dir needs a directory');

  return {
    kind: 'run',
    invocation: {
      command,
      target: resolveTarget(values, env),
      terminalId,
      currency,
      timeoutSeconds,
      profilePath: values.profile ?? DEFAULT_PROFILE_PATH,
      stateDir: values['state-dir'],
      json: values.json === true,
      trace: values.trace === true,
    },
  };
}
