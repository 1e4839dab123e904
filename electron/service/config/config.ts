/**
 * The one configuration file of the kiosk / till service: TOML, documented by
 * `defaultConfigText()`. Key names are the ones field engineers know from the seed (UKM 5 +
 * Inpas SmartSale): `qrSBP`, `timeout`, `currencyCodeNumeric`, `id`, the port.
 *
 * Every section is strict: a misspelt key is an error that names the file, the key path and
 * the closest known key, never a setting silently ignored. Only one version of the pin-pad
 * settings may be active: `[pinpad]` or the legacy `[smartsale]`, never both.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigError } from '../../contract/errors.js';
import { DEFAULT_PROFILE_PATH, loadProfile, type TerminalProfile } from '../../../native/inpas/profile.js';
import type { PinpadTarget } from '../pinpad/connection.js';
import { AppConfigSchema, crossFieldIssues, DEFAULT_SERIAL_PORT, parseHostPort, type AppConfig, type PinpadSettings } from './schema.js';
import { configError, describeZodIssue } from './messages.js';

export { AppConfigSchema, DEFAULT_SERIAL_PORT, type AppConfig, type PinpadSettings } from './schema.js';
export { suggestKey } from './messages.js';
export { hashPin, SERVICE_PIN, verifyPin } from '../access/service-pin.js';
export { defaultConfigText } from './text.js';

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
  metrics: { listen: string | undefined; tokenSet: boolean };
} {
  return {
    mode: config.mode,
    locale: config.locale,
    pinpad: { ...config.pinpad },
    service: { pinSet: config.service.pinHash !== undefined },
    bridge: { port: config.bridge.port, enabled: config.bridge.enabled, tokenSet: config.bridge.token !== undefined },
    logs: { ...config.logs },
    sbp: { ...config.sbp },
    metrics: {
      listen: config.metrics.listen
        ? `${config.metrics.listen.host.includes(':') ? `[${config.metrics.listen.host}]` : config.metrics.listen.host}:${config.metrics.listen.port}`
        : undefined,
      tokenSet: config.metrics.token !== undefined,
    },
  };
}
