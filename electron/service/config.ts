/**
 * The one configuration file of the kiosk / till service: TOML, documented by
 * `defaultConfigText()`. Key names are the ones field engineers know from the seed (UKM 5 +
 * Inpas SmartSale): `qrSBP`, `timeout`, `currencyCodeNumeric`, `id`, the port.
 *
 * Every section is strict: a misspelt key is an error that names the file, the key path and
 * the closest known key, never a setting silently ignored. Only one version of the pin-pad
 * settings may be active: `[pinpad]` or the legacy `[smartsale]`, never both.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { z } from 'zod';
import { PinpadError } from '../../native/inpas/errors.js';
import { ConfigError } from '../contract/errors.js';
import { DEFAULT_PROFILE_PATH, loadProfile, type TerminalProfile } from '../../native/inpas/profile.js';
import { STANDARD_BAUD_RATES } from '../../native/transport/serial.js';
import type { PinpadTarget } from './connection.js';

/** Where a PAX S300 on USB-CDC appears (the shipped udev rule names it). */
export const DEFAULT_SERIAL_PORT = '/dev/ttyS39';
export const DEFAULT_BAUD_RATE = 115_200;
/** Seconds. Twice a typical bank recommendation of 90 s. */
export const DEFAULT_TIMEOUT_S = 180;
/** Longest operation timeout accepted, seconds; settlement takes minutes, not hours. */
export const MAX_TIMEOUT_S = 3600;
export const DEFAULT_BRIDGE_PORT = 5781;
export const MIN_BRIDGE_TOKEN_LENGTH = 24;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

/** `host:port` or `[v6]:port`. */
function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^\s:[\]]+):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1]!, port } : undefined;
}

const BAUD_LIST = STANDARD_BAUD_RATES.join(', ');

/** Keys of `[pinpad]` (and of the legacy `[smartsale]`). */
const pinpadShape = {
  /** Serial device path. Exactly one of `port` / `tcp`; neither means /dev/ttyS39. */
  port: z.string().min(1, { error: 'must be a device path such as /dev/ttyS39' }).optional(),
  /** host:port of a terminal reached over the network. */
  tcp: z
    .string()
    .refine((value) => parseHostPort(value) !== undefined, { error: 'must be host:port, e.g. "10.0.0.5:27015" or "[::1]:27015"' })
    .optional(),
  /** 8N1 at this rate (serial only). */
  baudRate: z
    .number()
    .refine((value) => STANDARD_BAUD_RATES.includes(value), { error: `must be a standard baud rate (${BAUD_LIST}); a PAX S300 uses ${DEFAULT_BAUD_RATE}` })
    .optional(),
  /** Terminal id (field 27); empty = the terminal's own. */
  id: z
    .string()
    .regex(/^[0-9A-Za-z]{0,16}$/, { error: 'must be up to 16 letters or digits, in quotes (id = "00322346")' })
    .default(''),
  /** Numeric ISO 4217 currency (field 4). */
  currencyCodeNumeric: z
    .number()
    .int({ error: 'must be a whole number such as 643' })
    .min(1, { error: 'must be a numeric ISO 4217 code, 1..999 (643 = rouble)' })
    .max(999, { error: 'must be a numeric ISO 4217 code, 1..999 (643 = rouble)' })
    .default(643),
  /** Enables SBP QR payments and the "card / QR" dialog. */
  qrSBP: z.boolean().default(false),
  /** Whole-operation timeout, seconds: double the bank's recommended value. */
  timeout: z
    .number()
    .int({ error: 'must be whole seconds' })
    .positive({ error: 'must be seconds above 0 (twice the value the bank recommends)' })
    .max(MAX_TIMEOUT_S, { error: `must be at most ${MAX_TIMEOUT_S} seconds` })
    .default(DEFAULT_TIMEOUT_S),
  /** Terminal profile JSON; empty = the shipped default. */
  profile: z.string().default(''),
};

const serviceShape = {
  /** Service PIN as made by `hashPin()`; absent = the service screen stays locked until a PIN is set. */
  pinHash: z
    .string()
    .refine((value) => parsePinHash(value) !== undefined, { error: 'must be a PIN hash made by hashPin() ("scrypt$N$r$p$salt$hash"); never the PIN itself' })
    .optional(),
};

const bridgeShape = {
  /** Loopback WebSocket port of the browser-mode bridge. */
  port: z
    .number()
    .int({ error: 'must be a whole port number' })
    .min(1, { error: 'must be a port number 1..65535' })
    .max(65535, { error: 'must be a port number 1..65535' })
    .default(DEFAULT_BRIDGE_PORT),
  /** Shared secret every bridge client presents; required when enabled. */
  token: z
    .string()
    .min(MIN_BRIDGE_TOKEN_LENGTH, { error: `must be at least ${MIN_BRIDGE_TOKEN_LENGTH} characters` })
    .optional(),
  enabled: z.boolean().default(false),
};

const logsShape = {
  /** Empty = <data dir>/logs. */
  dir: z.string().default(''),
  /** Rotate service.log when it grows past this. */
  maxSizeMB: z.number().positive({ error: 'must be megabytes above 0' }).max(1024, { error: 'must be at most 1024 MB' }).default(10),
  /** Delete rotated logs older than this. */
  retentionDays: z
    .number()
    .int({ error: 'must be whole days' })
    .min(1, { error: 'must be at least 1 day' })
    .max(3650, { error: 'must be at most 3650 days' })
    .default(30),
  /** Frame trace (decoded, card data masked) for field debugging. */
  trace: z.boolean().default(false),
};

const sbpShape = {
  /** Reverse a QR payment that completes after the customer has gone (instead of keeping it for a manual decision). */
  reverseLatePayments: z.boolean().default(false),
};

const PinpadSectionSchema = z.strictObject(pinpadShape);

const topShape = {
  mode: z.enum(['kiosk', 'till']).default('kiosk'),
  locale: z.enum(['ru', 'en']).default('ru'),
  pinpad: PinpadSectionSchema.optional(),
  /** Legacy name of [pinpad] (UKM 5 / SmartSale settings); same keys. */
  smartsale: PinpadSectionSchema.optional(),
  service: z.strictObject(serviceShape).prefault({}),
  bridge: z.strictObject(bridgeShape).prefault({}),
  logs: z.strictObject(logsShape).prefault({}),
  sbp: z.strictObject(sbpShape).prefault({}),
};

/** Known keys per table, for "did you mean" suggestions. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(topShape),
  pinpad: Object.keys(pinpadShape),
  smartsale: Object.keys(pinpadShape),
  service: Object.keys(serviceShape),
  bridge: Object.keys(bridgeShape),
  logs: Object.keys(logsShape),
  sbp: Object.keys(sbpShape),
};

/** Values never echoed in an error message. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['service.pinHash', 'bridge.token']);

interface KeyIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Checks across keys: two pin-pad sections, port and tcp together, a baud rate for TCP, a
 * bridge enabled without a token. Works on raw data so that they are reported together with
 * type errors (zod skips refinements once a field has the wrong type).
 */
function crossFieldIssues(raw: unknown): KeyIssue[] {
  if (!isTable(raw)) return [];
  const issues: KeyIssue[] = [];
  if (raw.pinpad !== undefined && raw.smartsale !== undefined) {
    issues.push({ path: ['smartsale'], message: 'two pin-pad sections, [pinpad] and the legacy [smartsale]: keep one' });
  }
  for (const section of ['pinpad', 'smartsale'] as const) {
    const table = raw[section];
    if (!isTable(table)) continue;
    if (table.port !== undefined && table.tcp !== undefined) {
      issues.push({
        path: [section, 'tcp'],
        message: `both ${section}.port and ${section}.tcp are set: keep one (port for a serial device, tcp for host:port)`,
      });
    } else if (table.tcp !== undefined && table.baudRate !== undefined) {
      issues.push({ path: [section, 'baudRate'], message: `applies to a serial port, not to ${section}.tcp: remove it` });
    }
  }
  const bridge = raw.bridge;
  if (isTable(bridge) && bridge.enabled === true && bridge.token === undefined) {
    issues.push({ path: ['bridge', 'token'], message: `required when bridge.enabled = true (at least ${MIN_BRIDGE_TOKEN_LENGTH} random characters)` });
  }
  return issues;
}

/** The file as written, validated (strict at every level); output: the settings with defaults filled in. */
export const AppConfigSchema = z
  .strictObject(topShape)
  .superRefine((value, ctx) => {
    for (const issue of crossFieldIssues(value)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input: undefined });
  })
  .transform((file) => {
    const section: 'pinpad' | 'smartsale' | undefined = file.pinpad ? 'pinpad' : file.smartsale ? 'smartsale' : undefined;
    const written = file.pinpad ?? file.smartsale;
    const defaults = PinpadSectionSchema.parse({});
    const settings = written ?? defaults;
    const serial = written !== undefined && written.tcp === undefined;
    return {
      mode: file.mode,
      locale: file.locale,
      pinpad: {
        /** No pin-pad section: the built-in emulator stands in (and the app says so). */
        emulator: written === undefined,
        /** Which section the settings came from. */
        section,
        port: serial ? (written.port ?? DEFAULT_SERIAL_PORT) : undefined,
        tcp: written?.tcp,
        baudRate: settings.baudRate ?? DEFAULT_BAUD_RATE,
        id: settings.id,
        currencyCodeNumeric: settings.currencyCodeNumeric,
        qrSBP: settings.qrSBP,
        timeout: settings.timeout,
        profile: settings.profile,
      },
      service: { pinHash: file.service.pinHash },
      bridge: { port: file.bridge.port, token: file.bridge.token, enabled: file.bridge.enabled },
      logs: { ...file.logs },
      sbp: { ...file.sbp },
    };
  });

export type AppConfig = z.output<typeof AppConfigSchema>;
export type PinpadSettings = AppConfig['pinpad'];

// ---------------------------------------------------------------------------------------------
// Errors that name the file and the key
// ---------------------------------------------------------------------------------------------

/** Optimal string alignment distance (a swapped pair of letters counts as one edit). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key closest to `key` (case does not count), when it is close enough to be a typo. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(key.length / 3));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (typeof value === 'bigint') return `integer ${value}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object' && value !== null) return 'a table';
  return typeof value;
}

function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object' && value !== null) return 'a table';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string in quotes',
  number: 'a number',
  boolean: 'true or false',
  object: 'a table',
};

function keyPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

function describeZodIssue(issue: z.core.$ZodIssue): KeyIssue[] {
  const path = issue.path;
  const where = keyPath(path);
  const secret = SECRET_KEYS.has(where);
  const got = (input: unknown): string => (secret ? `got ${describeType(input)}` : `got ${describeValue(input)}`);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const table = path.map(String).join('.');
      const known = KNOWN_KEYS[table] ?? [];
      return issue.keys.map((key) => {
        const value = isTable(issue.input) ? issue.input[key] : undefined;
        const what = isTable(value) ? 'unknown section' : 'unknown key';
        const suggestion = suggestKey(key, known);
        if (suggestion) return { path: [...path, key], message: `${what} (did you mean "${suggestion}"?)` };
        // A key of another section, e.g. qrSBP written above the [pinpad] header.
        const homes = Object.entries(KNOWN_KEYS)
          .filter(
            ([section, keys]) => section !== '' && section !== 'smartsale' && section !== table && keys.some((k) => k.toLowerCase() === key.toLowerCase()),
          )
          .map(([section]) => `[${section}]`);
        if (homes.length > 0) return { path: [...path, key], message: `${what} here (it belongs in ${homes.join(' or ')})` };
        return { path: [...path, key], message: `${what} (known here: ${known.join(', ')})` };
      });
    }
    case 'invalid_type': {
      const expected =
        path.length === 1 && issue.expected === 'object' ? `a table ([${String(path[0])}] section)` : (EXPECTED[issue.expected] ?? issue.expected);
      return [{ path, message: `expected ${expected}, ${got(issue.input)}` }];
    }
    case 'invalid_value':
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, ${got(issue.input)}` }];
    default:
      return [{ path, message: issue.input === undefined ? issue.message : `${issue.message}, ${got(issue.input)}` }];
  }
}

function configError(source: string, issues: readonly KeyIssue[]): ConfigError {
  const lines: string[] = [];
  for (const issue of issues) {
    const line = `${source}: ${keyPath(issue.path)}: ${issue.message}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return new ConfigError(lines.join('\n'), {
    data: { source, keys: [...new Set(issues.map((issue) => keyPath(issue.path)))], issues: lines },
  });
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** Parses and validates configuration text. `sourceName` (the file path) starts every error message. */
export function parseConfigText(text: string, sourceName: string): AppConfig {
  let raw: unknown;
  try {
    raw = parseToml(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message
        .replace(/^Invalid TOML document:\s*/, '')
        .split('\n')[0]!
        .trim();
      throw new ConfigError(`${sourceName}: line ${error.line}, column ${error.column}: TOML syntax error: ${reason}`, {
        data: { source: sourceName, line: error.line, column: error.column },
        cause: error,
      });
    }
    throw new ConfigError(`${sourceName}: cannot parse: ${(error as Error).message}`, { data: { source: sourceName }, cause: error });
  }
  const cross = crossFieldIssues(raw);
  const parsed = AppConfigSchema.safeParse(raw, { reportInput: true });
  if (parsed.success && cross.length === 0) return parsed.data;
  const issues = [...cross, ...(parsed.success ? [] : parsed.error.issues.flatMap(describeZodIssue))];
  throw configError(sourceName, issues);
}

/**
 * Reads, parses and validates the configuration file. Relative `pinpad.profile` and `logs.dir`
 * are taken relative to the file's folder; an explicit terminal profile is loaded once here,
 * so that a broken profile stops the start with the file and key named, not the first payment.
 * A missing file is an error: silently falling back to the emulator on a real kiosk would be worse.
 */
export function loadConfig(path: string): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the configuration file: ${(error as Error).message}`, { data: { source: path }, cause: error });
  }
  const config = parseConfigText(text, path);
  const base = dirname(resolve(path));
  const absolute = (value: string): string => (value === '' || isAbsolute(value) ? value : resolve(base, value));
  const resolved: AppConfig = {
    ...config,
    pinpad: { ...config.pinpad, profile: absolute(config.pinpad.profile) },
    logs: { ...config.logs, dir: absolute(config.logs.dir) },
  };
  if (resolved.pinpad.profile !== '') loadPinpadProfile(resolved, path);
  return resolved;
}

/** The terminal profile the configuration names (the shipped default when `profile` is empty). */
export function loadPinpadProfile(config: AppConfig, sourceName = 'configuration'): TerminalProfile {
  if (config.pinpad.profile === '') return loadProfile(DEFAULT_PROFILE_PATH);
  try {
    return loadProfile(config.pinpad.profile);
  } catch (error) {
    const key = `${config.pinpad.section ?? 'pinpad'}.profile`;
    throw new ConfigError(`${sourceName}: ${key}: ${(error as Error).message}`, { data: { source: sourceName, keys: [key] }, cause: error });
  }
}

/** Where the pin pad is: the built-in emulator, or a serial / TCP target. */
export function resolvePinpadTarget(config: AppConfig): { readonly emulator: true } | { readonly emulator: false; readonly target: PinpadTarget } {
  const pinpad = config.pinpad;
  if (pinpad.emulator) return { emulator: true };
  if (pinpad.tcp !== undefined) {
    const hostPort = parseHostPort(pinpad.tcp);
    // The schema has checked it; this is for a config built by hand.
    if (!hostPort) throw new ConfigError(`${pinpad.section ?? 'pinpad'}.tcp: must be host:port, got "${pinpad.tcp}"`);
    return { emulator: false, target: { kind: 'tcp', host: hostPort.host, port: hostPort.port } };
  }
  return { emulator: false, target: { kind: 'serial', path: pinpad.port ?? DEFAULT_SERIAL_PORT, baudRate: pinpad.baudRate } };
}

/** The logs folder: `logs.dir`, or `<dataDir>/logs` when it is empty. */
export function resolveLogsDir(config: AppConfig, dataDir: string): string {
  return config.logs.dir === '' ? resolve(dataDir, 'logs') : config.logs.dir;
}

/** The configuration without secrets, for the service screen and the support bundle. */
export function describeConfig(config: AppConfig): {
  mode: AppConfig['mode'];
  locale: AppConfig['locale'];
  pinpad: PinpadSettings;
  service: { pinSet: boolean };
  bridge: { port: number; enabled: boolean; tokenSet: boolean };
  logs: AppConfig['logs'];
  sbp: AppConfig['sbp'];
} {
  return {
    mode: config.mode,
    locale: config.locale,
    pinpad: { ...config.pinpad },
    service: { pinSet: config.service.pinHash !== undefined },
    bridge: { port: config.bridge.port, enabled: config.bridge.enabled, tokenSet: config.bridge.token !== undefined },
    logs: { ...config.logs },
    sbp: { ...config.sbp },
  };
}

// ---------------------------------------------------------------------------------------------
// Service PIN
// ---------------------------------------------------------------------------------------------

const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
/** Bounds on parameters read from a file, so that a crafted hash cannot stall the process. */
const SCRYPT_LIMITS = { maxN: 1 << 20, maxR: 32, maxP: 16 } as const;

interface PinHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parsePinHash(encoded: string): PinHash | undefined {
  const match = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/.exec(encoded);
  if (!match) return undefined;
  const N = Number(match[1]);
  const r = Number(match[2]);
  const p = Number(match[3]);
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > SCRYPT_LIMITS.maxN || r < 1 || r > SCRYPT_LIMITS.maxR || p < 1 || p > SCRYPT_LIMITS.maxP) return undefined;
  return { N, r, p, salt: Buffer.from(match[4]!, 'base64url'), hash: Buffer.from(match[5]!, 'base64url') };
}

/** A service PIN is 4 to 12 digits (typed on a touch keypad). */
export const SERVICE_PIN = /^\d{4,12}$/;

/** Hashes a service PIN: scrypt with a random salt, encoded `scrypt$N$r$p$salt$hash` (base64url). */
export function hashPin(pin: string): string {
  if (!SERVICE_PIN.test(pin)) throw new PinpadError('usage', 'a service PIN is 4 to 12 digits');
  const salt = randomBytes(SCRYPT.saltLength);
  const hash = scryptSync(pin, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** True when `pin` matches `encoded` (compared in constant time); false for a wrong PIN or a malformed hash. */
export function verifyPin(pin: string, encoded: string): boolean {
  const parsed = parsePinHash(encoded);
  if (!parsed || parsed.hash.length < 16) return false;
  const candidate = scryptSync(pin, parsed.salt, parsed.hash.length, {
    N: parsed.N,
    r: parsed.r,
    p: parsed.p,
    maxmem: 256 * parsed.N * parsed.r + 1024 * 1024,
  });
  return timingSafeEqual(candidate, parsed.hash);
}

// ---------------------------------------------------------------------------------------------
// The documented example
// ---------------------------------------------------------------------------------------------

/** A fully commented configuration file; as shipped, it parses to the defaults (no [pinpad]: the emulator). */
export function defaultConfigText(): string {
  return `# Kiosk / till payment service configuration (TOML).
# Every active key below shows its default value; in the commented-out [pinpad] example the
# values are examples (defaults are named in the comments). A misspelt key or section is an
# error that names this file and the key, never a setting silently ignored. Strings go in
# "quotes"; only one pin-pad section may be present.

# kiosk = self-checkout (customer, touch screen); till = cashier desk (split payments with cash).
mode = "kiosk"
# Language of the screens: ru | en.
locale = "ru"

# --- Pin pad (Inpas SmartSale) -------------------------------------------------------------
# With no [pinpad] section the BUILT-IN EMULATOR is used and the app says so on screen:
# no real money moves. Uncomment the section header and the keys you need for a real pin pad.
# An empty [pinpad] section means a serial pin pad on ${DEFAULT_SERIAL_PORT} at ${DEFAULT_BAUD_RATE} baud.
# The legacy section name [smartsale] is accepted with the same keys; having both
# [pinpad] and [smartsale] is an error (only one version of the settings may be active).
#
# [pinpad]
# Serial device; default ${DEFAULT_SERIAL_PORT}, where a PAX S300 on USB appears (the shipped udev rule names it).
# port = "${DEFAULT_SERIAL_PORT}"
# OR a terminal on the network, host:port. Give exactly one of port / tcp.
# tcp = "10.0.0.5:27015"
# Serial speed, one of ${BAUD_LIST} (serial only; remove it for tcp).
# baudRate = ${DEFAULT_BAUD_RATE}
# Terminal id (field 27), in quotes so leading zeros stay; default "" = the terminal's own.
# id = "00322346"
# Numeric ISO 4217 currency (field 4); 643 = Russian rouble.
# currencyCodeNumeric = 643
# SBP QR payments: true shows the "Оплата картой" / "Оплата QR СБП" dialog and lets the
# customer switch from card to QR with key 1 on the pin pad. Default false: enable it only
# when the bank has set up SBP on this terminal.
# qrSBP = false
# Operation timeout in seconds: set it to DOUBLE the value the bank recommends
# (bank says 90 s -> 180). At most ${MAX_TIMEOUT_S}.
# timeout = ${DEFAULT_TIMEOUT_S}
# Terminal profile (JSON with this bank's operation codes); empty = the shipped default.
# A relative path is taken from the folder of this file.
# profile = ""

[service]
# Service PIN (test, settlement, reports, journal, quitting the kiosk), stored HASHED:
# "scrypt$N$r$p$salt$hash". Never write the PIN itself here. While absent, the service
# screen is locked until a PIN is set.
# pinHash = "scrypt$16384$8$1$..."

[bridge]
# The same contract as the app, over a WebSocket on loopback (browser mode, second
# display, a POS core on the same machine).
enabled = false
port = ${DEFAULT_BRIDGE_PORT}
# Shared secret every bridge client must present; required when enabled, at least
# ${MIN_BRIDGE_TOKEN_LENGTH} random characters.
# token = ""

[logs]
# Folder of service.log and pinpad-trace.log; empty = <data dir>/logs.
# A relative path is taken from the folder of this file.
dir = ""
# Rotate a log file when it grows past this many megabytes.
maxSizeMB = 10
# Delete rotated log files older than this many days.
retentionDays = 30
# Frame trace (decoded, card data masked) in pinpad-trace.log, for field debugging.
trace = false

[sbp]
# A QR payment that completes after the customer has gone (the QR was paid late):
# false = keep it and flag it for staff; true = reverse it automatically.
reverseLatePayments = false
`;
}
