import { runProbe, probeSummary } from './probe.js';
import { parseArgs } from 'node:util';
import { scrubText } from '../inpas/card-data.js';
import { MAX_AMOUNT_KOPECKS, PinpadDriver, type DriverEvent, type OperationOptions } from '../inpas/driver.js';
import { asPinpadError, PinpadError } from '../inpas/errors.js';
import { Link } from '../inpas/link.js';
import { DEFAULT_PROFILE_PATH, loadProfile, type TerminalProfile } from '../inpas/profile.js';
import { resultFromError, type OperationName, type PaymentMethod, type PinpadResult, type ResultContext, type ResultStatus } from '../inpas/result.js';
import { Session } from '../inpas/session.js';
import { formatTrace } from '../inpas/trace.js';
import { SerialStream, STANDARD_BAUD_RATES } from '../transport/serial.js';
import { TcpStream } from '../transport/tcp.js';
import type { ByteStream } from '../transport/types.js';
import { ecrSourceFor, MAX_ECR, type EcrSource } from './ecr-counter.js';

/** Where the pin pad is. */
export type Target =
  { readonly kind: 'serial'; readonly path: string; readonly baudRate: number } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export interface PinpadIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Aborting it cancels the running operation as the first Ctrl-C does. When given, no SIGINT handler is installed. */
  readonly signal?: AbortSignal;
  /** Subscribes to Ctrl-C while an operation runs; returns the unsubscribe. Default: process SIGINT (unless `signal` is given). */
  readonly onInterrupt?: (listener: () => void) => () => void;
  /** Opens the byte stream to the pin pad. Default: serial port or TCP. Tests pass an in-memory pair. */
  readonly connect?: (target: Target) => Promise<ByteStream>;
}

export const DEFAULT_PORT = '/dev/ttyS39';
export const DEFAULT_BAUD = 115_200;
export const DEFAULT_CURRENCY = '643';
export const DEFAULT_OPERATION_TIMEOUT_S = 180;
/** Longest --timeout accepted; settlement can take minutes, not hours. */
export const MAX_TIMEOUT_S = 3600;

export const EXIT = { approved: 0, declined: 1, usage: 2, failed: 3, unknown: 4 } as const;

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
cardMasked, ecrNumber, terminalId, slip, switchedToSbp, sbpState, model, serialNumber, error
(null when absent). Usage and configuration errors: {"status":"error","error":{code,message}}.
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

/** Kopecks → "100.00 ₽", by integer arithmetic. */
export function formatRubles(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ₽`;
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

function operationOf(command: Command): OperationName {
  switch (command.name) {
    case 'status':
      return command.refund ? 'refund-status' : 'status';
    case 'report':
      return command.full ? 'full-report' : 'report';
    case 'probe':
      return 'test';
    default:
      return command.name;
  }
}

/** Operations that take a fresh till transaction number. */
function needsEcrNumber(command: Command): boolean {
  return command.name === 'sale' || command.name === 'void' || command.name === 'refund' || command.name === 'settle';
}

function contextOf(invocation: Invocation, ecrNumber: number | undefined): ResultContext {
  const { command } = invocation;
  const base = { operation: operationOf(command), terminalId: invocation.terminalId || undefined };
  switch (command.name) {
    case 'sale':
    case 'void':
    case 'refund':
      return { ...base, requestedMethod: command.method, amount: command.amount, ecrNumber };
    case 'status':
      return { ...base, requestedMethod: 'sbp', ecrNumber: command.ecr };
    default:
      return { ...base, ecrNumber };
  }
}

export function exitCodeOf(status: ResultStatus): number {
  return EXIT[status];
}

async function defaultConnect(target: Target): Promise<ByteStream> {
  return target.kind === 'serial'
    ? SerialStream.open({ path: target.path, baudRate: target.baudRate })
    : TcpStream.connect({ host: target.host, port: target.port });
}

function processInterrupts(listener: () => void): () => void {
  process.on('SIGINT', listener);
  return () => {
    process.off('SIGINT', listener);
  };
}

function describeTarget(target: Target): string {
  return target.kind === 'serial' ? `${target.path} at ${target.baudRate} baud` : `tcp ${target.host}:${target.port}`;
}

/** The one JSON object of --json: every documented key, null when absent. */
export function resultJson(result: PinpadResult): Record<string, unknown> {
  return {
    status: result.status,
    operation: result.operation,
    amount: result.amount ?? null,
    method: result.method ?? null,
    rrn: result.rrn ?? null,
    authCode: result.authCode ?? null,
    responseCode: result.responseCode ?? null,
    text: result.text ?? null,
    cardMasked: result.cardMasked ?? null,
    ecrNumber: result.ecrNumber ?? null,
    terminalId: result.terminalId ?? null,
    slip: result.slip ? { customer: result.slip.customer ?? null, cashier: result.slip.cashier ?? null, cardType: result.slip.cardType ?? null } : null,
    switchedToSbp: result.switchedToSbp,
    sbpState: result.sbpState ?? null,
    model: result.model ?? null,
    serialNumber: result.serialNumber ?? null,
    error: result.error ?? null,
  };
}

const OPERATION_LABEL: Readonly<Record<OperationName, string>> = {
  test: 'connection test',
  sale: 'sale',
  void: 'void',
  refund: 'refund',
  'emergency-cancel': 'emergency cancel',
  status: 'status of the SBP payment',
  'refund-status': 'status of the SBP refund',
  settle: 'settlement',
  report: 'report',
  'full-report': 'full report',
  'slip-copy': 'slip copy',
};

const MONEY: ReadonlySet<OperationName> = new Set(['sale', 'void', 'refund']);

function statusWords(result: PinpadResult): string {
  switch (result.status) {
    case 'approved':
      return MONEY.has(result.operation) ? 'APPROVED' : 'DONE';
    case 'declined':
      return MONEY.has(result.operation) ? 'DECLINED' : 'NOT DONE (the terminal refused)';
    case 'failed':
      return 'FAILED: the pin pad did not act';
    case 'unknown':
      return 'OUTCOME UNKNOWN: the pin pad may have acted';
  }
}

/** The human summary on stdout. Every value in a result is already masked. */
export function humanSummary(result: PinpadResult): string {
  const lines = [`${OPERATION_LABEL[result.operation]}: ${statusWords(result)}`];
  const row = (label: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') lines.push(`  ${label.padEnd(12)}${value}`);
  };
  row('amount', result.amount === undefined ? undefined : formatRubles(result.amount));
  if (result.method !== undefined)
    row('method', result.method === 'sbp' ? `SBP QR${result.switchedToSbp ? ' (customer switched from card with key 1)' : ''}` : 'card');
  row('SBP state', result.sbpState);
  row('RRN', result.rrn);
  row('auth code', result.authCode);
  row('card', result.cardMasked);
  row('response', result.responseCode);
  row('text', result.text);
  row('till no.', result.ecrNumber);
  row('terminal', result.terminalId);
  row('model', result.model);
  row('serial no.', result.serialNumber);
  if (result.error !== undefined) row('error', result.error.code);
  if (result.status === 'unknown') {
    lines.push(
      MONEY.has(result.operation)
        ? `  Do not repeat the ${result.operation}. Find out first: "pinpad slip-copy", "pinpad report --full"` +
            `${result.method === 'sbp' && result.ecrNumber !== undefined ? `, "pinpad status --ecr ${result.ecrNumber}"` : ''}` +
            `${result.operation === 'sale' && result.method !== 'sbp' ? '; a same-day card sale can be cancelled with "pinpad void"' : ''}.`
        : '  Check the terminal before repeating: "pinpad report".',
    );
  }
  const slip = result.slip?.customer;
  if (slip !== undefined) {
    const isReport = result.operation === 'report' || result.operation === 'full-report';
    lines.push('', isReport ? '--- report ---' : '--- customer slip ---', slip, '---');
  }
  return `${lines.join('\n')}\n`;
}

function clock(ms: number): string {
  const date = new Date(ms);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Progress on stderr: screen texts always; with --trace every driver event, prefixed "  · ". */
function eventPrinter(io: PinpadIo, trace: boolean): (event: DriverEvent) => void {
  let lastScreen: string | undefined;
  const line = (text: string): void => io.stderr(trace ? `  · ${text}\n` : `${text}\n`);
  return (event) => {
    switch (event.type) {
      case 'sent':
        if (trace) line('request taken, waiting for the terminal');
        break;
      case 'wait':
        if (trace) line('WAIT: the terminal is working');
        break;
      case 'screen': {
        const text = scrubText(event.text);
        // The same text comes with every WAIT; a person needs it once.
        if (trace || text !== lastScreen) line(`pin pad: ${text}`);
        lastScreen = text;
        break;
      }
      case 'cashier-request':
        line(`pin pad asks the cashier: ${scrubText(event.text)} (answered "not supported")`);
        break;
      case 'command':
        if (trace) line(`command-mode request 65=${event.command ?? '?'} answered ${event.result === 0 ? 'done' : 'not supported'}`);
        break;
      case 'abort-sent':
        line('EOT sent: the pin pad was asked to stop');
        break;
      case 'qr':
        line(`QR code on the pin pad${event.payload === undefined ? '' : `: ${scrubText(event.payload)}`} (valid until ${clock(event.expiresAt)})`);
        break;
      case 'method-switched':
        line('the customer switched to SBP QR (key 1)');
        break;
    }
  };
}

function runDriver(driver: PinpadDriver, invocation: Invocation, ecr: number | undefined, options: OperationOptions): Promise<PinpadResult> {
  const { command } = invocation;
  // Settlement and reports keep the driver's longer default unless --timeout is given; an
  // explicit undefined would override that default, so the key is left out instead.
  const long: OperationOptions = invocation.timeoutSeconds === undefined ? options : { ...options, operationTimeoutMs: invocation.timeoutSeconds * 1000 };
  switch (command.name) {
    case 'test':
      return driver.test(options);
    case 'sale':
      return driver.sale({ amount: command.amount, ecrNumber: ecr!, method: command.method }, options);
    case 'void':
      return driver.void({ amount: command.amount, ecrNumber: ecr!, rrn: command.rrn, authCode: command.authCode, method: command.method }, options);
    case 'refund':
      return driver.refund({ amount: command.amount, ecrNumber: ecr!, rrn: command.rrn, authCode: command.authCode, method: command.method }, options);
    case 'status':
      return driver.status({ ofEcrNumber: command.ecr, rrn: command.rrn, refund: command.refund }, options);
    case 'settle':
      return driver.settle(ecr!, long);
    case 'report':
      return driver.userCommand(command.full ? 'full-report' : 'report', long);
    case 'slip-copy':
      return driver.userCommand('slip-copy', long);
    case 'probe':
      return driver.test(options);
  }
}

/**
 * Runs the operation with Ctrl-C handling: the first interrupt aborts it through the driver
 * (the terminal gets EOT and the result is what it then says); a second stops waiting and
 * the outcome is unknown.
 */
async function runInterruptible(driver: PinpadDriver, invocation: Invocation, ecr: number | undefined, io: PinpadIo): Promise<PinpadResult> {
  const controller = new AbortController();
  let interrupts = 0;
  let giveUp: () => void = () => undefined;
  const givenUp = new Promise<'given-up'>((resolve) => {
    giveUp = () => resolve('given-up');
  });
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr('cancelling… (the pin pad is asked to stop; press Ctrl-C again to stop waiting, the outcome is then unknown)\n');
      controller.abort();
    } else if (interrupts === 2) {
      giveUp();
    }
  };
  const unsubscribes: Array<() => void> = [];
  const { signal } = io;
  if (signal !== undefined) {
    if (signal.aborted) onInterrupt();
    else {
      signal.addEventListener('abort', onInterrupt, { once: true });
      unsubscribes.push(() => signal.removeEventListener('abort', onInterrupt));
    }
  }
  const subscribe = io.onInterrupt ?? (signal === undefined ? processInterrupts : undefined);
  if (subscribe !== undefined) unsubscribes.push(subscribe(onInterrupt));

  const ctx = contextOf(invocation, ecr);
  try {
    const operation = runDriver(driver, invocation, ecr, { signal: controller.signal, onEvent: eventPrinter(io, invocation.trace) }).catch((error: unknown) => {
      // The driver throws only for wrong arguments (usage, config) and a busy session, both
      // before sending. Anything else is unexpected: a money request may have gone out.
      const pe = error instanceof PinpadError ? error : asPinpadError(error).withDelivery(MONEY.has(ctx.operation) ? 'maybe' : 'none');
      if (pe.code === 'usage' || pe.code === 'config') throw pe;
      return resultFromError(pe, ctx);
    });
    const outcome = await Promise.race([operation, givenUp]);
    if (outcome !== 'given-up') return outcome;
    const message = `stopped waiting after a second Ctrl-C: the outcome of the ${OPERATION_LABEL[ctx.operation]} is unknown`;
    io.stderr(`${message}\n`);
    return resultFromError(new PinpadError('cancelled', message, { delivery: 'maybe' }), ctx);
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
  }
}

function printSetupError(error: PinpadError, json: boolean, io: PinpadIo): number {
  io.stderr(`pinpad: ${error.message}\n${error.code === 'usage' ? 'Run "pinpad --help" for usage.\n' : ''}`);
  if (json) io.stdout(`${JSON.stringify({ status: 'error', error: { code: error.code, message: error.message } })}\n`);
  return EXIT.usage;
}

function printResult(result: PinpadResult, json: boolean, io: PinpadIo): number {
  io.stdout(json ? `${JSON.stringify(resultJson(result))}\n` : humanSummary(result));
  return exitCodeOf(result.status);
}

/**
 * The `pinpad` command. Returns the exit code: 0 approved/done, 1 declined, 2 usage or
 * configuration error, 3 failed before the terminal could act, 4 outcome unknown.
 */
export async function runPinpad(argv: string[], io: PinpadIo): Promise<number> {
  const json = wantsJson(argv);
  let invocation: Invocation;
  try {
    const parsed = parseCommandLine(argv, io.env);
    if (parsed.kind === 'help') {
      io.stdout(usageText());
      return EXIT.approved;
    }
    invocation = parsed.invocation;
  } catch (error) {
    return printSetupError(asPinpadError(error, 'usage'), json, io);
  }

  let profile: TerminalProfile;
  try {
    profile = loadProfile(invocation.profilePath);
  } catch (error) {
    return printSetupError(asPinpadError(error, 'config'), json, io);
  }
  let counter: EcrSource | undefined;
  try {
    counter = needsEcrNumber(invocation.command) ? ecrSourceFor({ stateDir: invocation.stateDir, env: io.env }) : undefined;
  } catch (error) {
    return printSetupError(asPinpadError(error, 'config'), invocation.json, io);
  }

  /** Errors before anything was sent: configuration → 2, anything else → failed (3). */
  const beforeSending = (error: unknown, ecr: number | undefined): number => {
    const pe = asPinpadError(error);
    if (pe.code === 'usage' || pe.code === 'config') return printSetupError(pe, invocation.json, io);
    return printResult(resultFromError(pe.delivery === 'none' ? pe : pe.withDelivery('none'), contextOf(invocation, ecr)), invocation.json, io);
  };

  let stream: ByteStream;
  try {
    stream = await (io.connect ?? defaultConnect)(invocation.target);
  } catch (error) {
    return beforeSending(error, undefined);
  }
  if (invocation.trace) io.stderr(`  · connected to ${describeTarget(invocation.target)}\n`);

  const link = new Link(stream, { ackOptional: invocation.target.kind === 'tcp' });
  try {
    if (invocation.trace) link.on('trace', (event) => io.stderr(`${formatTrace(event)}\n`));
    const session = new Session(link, { waitOperation: profile.operations.wait, commandOperation: profile.operations.userCommand });
    let driver: PinpadDriver;
    let ecr: number | undefined;
    try {
      driver = new PinpadDriver({
        session,
        profile,
        terminalId: invocation.terminalId,
        currency: invocation.currency,
        operationTimeoutMs: (invocation.timeoutSeconds ?? DEFAULT_OPERATION_TIMEOUT_S) * 1000,
      });
      // Durable on disk before the request that carries it is built, let alone sent.
      ecr = counter?.next();
    } catch (error) {
      return beforeSending(error, undefined);
    }
    if (invocation.trace && ecr !== undefined) io.stderr(`  · till transaction number ${ecr} (${counter!.file})\n`);
    if (invocation.command.name === 'probe') {
      const report = await runProbe(driver, profile, invocation.profilePath, invocation.terminalId, io, invocation.trace);
      io.stdout(invocation.json ? `${JSON.stringify(report)}\n` : probeSummary(report));
      return exitCodeOf(report.status);
    }
    let result: PinpadResult;
    try {
      result = await runInterruptible(driver, invocation, ecr, io);
    } catch (error) {
      return beforeSending(error, ecr);
    }
    return printResult(result, invocation.json, io);
  } finally {
    // Closing the stream first ends a session still waiting after a second Ctrl-C.
    try {
      await stream.close();
    } catch (error) {
      io.stderr(`pinpad: closing ${stream.description} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    link.dispose();
  }
}
