/**
 * The schema of the configuration file (TOML): every section strict, defaults filled in, checks
 * across keys. Key names are the ones field engineers know from the seed (UKM 5 + Inpas SmartSale).
 */
import { z } from 'zod';
import { STANDARD_BAUD_RATES } from '../../../native/transport/serial.js';
import { weakTokenReason } from '../../contract/token-strength.js';
import { parsePinHash } from '../access/service-pin.js';

/** Where a PAX S300 on USB-CDC appears (the shipped udev rule names it). */
export const DEFAULT_SERIAL_PORT = '/dev/ttyS39';
export const DEFAULT_BAUD_RATE = 115_200;
/** Seconds. Twice a typical bank recommendation of 90 s. */
export const DEFAULT_TIMEOUT_S = 180;
/** Longest operation timeout accepted, seconds; settlement takes minutes, not hours. */
export const MAX_TIMEOUT_S = 3600;
export const DEFAULT_BRIDGE_PORT = 5781;

/** `host:port` or `[v6]:port`. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^\s:[\]]+):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1]!, port } : undefined;
}

export const BAUD_LIST = STANDARD_BAUD_RATES.join(', ');

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
    .check((ctx) => {
      const weak = weakTokenReason(ctx.value);
      if (weak) ctx.issues.push({ code: 'custom', message: weak, input: ctx.value });
    })
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

const metricsShape = {
  /** host:port of the Prometheus endpoint (GET /metrics); absent = no endpoint. */
  listen: z
    .string()
    .refine((value) => parseHostPort(value) !== undefined, { error: 'must be host:port, e.g. "127.0.0.1:9464" or "[::1]:9464"' })
    .optional(),
  /** Bearer token Prometheus presents (`authorization` in its scrape config); absent = none asked. */
  token: z
    .string()
    .max(512, { error: 'must be at most 512 characters' })
    .check((ctx) => {
      const weak = weakTokenReason(ctx.value);
      if (weak) ctx.issues.push({ code: 'custom', message: weak, input: ctx.value });
    })
    .optional(),
};

export const PinpadSectionSchema = z.strictObject(pinpadShape);

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
  metrics: z.strictObject(metricsShape).prefault({}),
};

/** Known keys per table, for "did you mean" suggestions. */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(topShape),
  pinpad: Object.keys(pinpadShape),
  smartsale: Object.keys(pinpadShape),
  service: Object.keys(serviceShape),
  bridge: Object.keys(bridgeShape),
  logs: Object.keys(logsShape),
  sbp: Object.keys(sbpShape),
  metrics: Object.keys(metricsShape),
};

/** Values never echoed in an error message. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['service.pinHash', 'bridge.token', 'metrics.token']);

export interface KeyIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Checks across keys: two pin-pad sections, port and tcp together, a baud rate for TCP, a
 * bridge enabled without a token. Works on raw data so that they are reported together with
 * type errors (zod skips refinements once a field has the wrong type).
 */
export function crossFieldIssues(raw: unknown): KeyIssue[] {
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
    issues.push({ path: ['bridge', 'token'], message: `required when bridge.enabled = true (at least 128 random bits, e.g. 32 random base64url characters)` });
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
      metrics: { listen: file.metrics.listen === undefined ? undefined : parseHostPort(file.metrics.listen), token: file.metrics.token },
    };
  });

export type AppConfig = z.output<typeof AppConfigSchema>;
export type PinpadSettings = AppConfig['pinpad'];
