import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../electron/contract/errors.js';
import { DEFAULT_PROFILE_PATH } from '../../../native/inpas/profile.js';
import {
  AppConfigSchema,
  defaultConfigText,
  describeConfig,
  hashPin,
  loadConfig,
  loadPinpadProfile,
  parseConfigText,
  resolveLogsDir,
  resolvePinpadTarget,
  suggestKey,
  verifyPin,
} from '../../../electron/service/config/config.js';
import { configFileError } from '../../helpers.js';

const FILE = '/etc/kiosk/config.toml';
const TOKEN = 'Qm7vR2xK9pLw4TzN8cYb3HsF6dGj1aE';

const configError = configFileError;

const errorOf = (text: string): string => configError(() => parseConfigText(text, FILE)).message;

const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration defaults', () => {
  it('an empty file gives the defaults, with the emulator standing in for the pin pad', () => {
    const config = parseConfigText('', FILE);
    expect(config).toEqual({
      mode: 'kiosk',
      locale: 'ru',
      pinpad: {
        emulator: true,
        section: undefined,
        port: undefined,
        tcp: undefined,
        baudRate: 115200,
        id: '',
        currencyCodeNumeric: 643,
        qrSBP: false,
        timeout: 180,
        profile: '',
      },
      service: { pinHash: undefined },
      bridge: { port: 5781, token: undefined, enabled: false },
      logs: { dir: '', maxSizeMB: 10, retentionDays: 30, trace: false },
      sbp: { reverseLatePayments: false },
      metrics: { listen: undefined, token: undefined },
    });
    expect(resolvePinpadTarget(config)).toEqual({ emulator: true });
  });

  it('the documented example parses to exactly the defaults', () => {
    const text = defaultConfigText();
    expect(parseConfigText(text, FILE)).toEqual(parseConfigText('', FILE));
    // It documents every key, and the doubling rule for the timeout.
    for (const key of [
      'mode',
      'locale',
      '[pinpad]',
      'port',
      'tcp',
      'baudRate',
      'id',
      'currencyCodeNumeric',
      'qrSBP',
      'timeout',
      'profile',
      '[service]',
      'pinHash',
      '[bridge]',
      'token',
      'enabled',
      '[logs]',
      'dir',
      'maxSizeMB',
      'retentionDays',
      'trace',
      '[sbp]',
      'reverseLatePayments',
    ]) {
      expect(text).toContain(key);
    }
    expect(text).toMatch(/DOUBLE the value the bank recommends/);
    expect(text).toContain('[smartsale]');
  });

  it('the example with its pin-pad section uncommented is a real serial pin pad', () => {
    const lines = defaultConfigText().split('\n');
    const start = lines.indexOf('# [pinpad]');
    expect(start).toBeGreaterThan(0);
    const end = lines.indexOf('[service]');
    // Uncomment the section header and its key lines, but keep tcp commented (exactly one of port/tcp).
    const uncommented = lines.map((line, i) =>
      i >= start && i < end && /^# (\[pinpad\]|[A-Za-z]+ = )/.test(line) && !line.startsWith('# tcp') ? line.slice(2) : line,
    );
    const config = parseConfigText(uncommented.join('\n'), FILE);
    expect(config.pinpad).toMatchObject({
      emulator: false,
      section: 'pinpad',
      port: '/dev/ttyS39',
      baudRate: 115200,
      id: '00322346',
      currencyCodeNumeric: 643,
      timeout: 180,
    });
    expect(resolvePinpadTarget(config)).toEqual({ emulator: false, target: { kind: 'serial', path: '/dev/ttyS39', baudRate: 115200 } });
  });

  it('reads every key of a full file', () => {
    const hash = hashPin('2468');
    const config = parseConfigText(
      `mode = "till"
locale = "en"
[pinpad]
tcp = "10.0.0.5:27015"
id = "00322346"
currencyCodeNumeric = 933
qrSBP = true
timeout = 120
profile = "/opt/kiosk/bank.json"
[service]
pinHash = "${hash}"
[bridge]
port = 6000
token = "${TOKEN}"
enabled = true
[logs]
dir = "/var/log/kiosk"
maxSizeMB = 2.5
retentionDays = 7
trace = true
[sbp]
reverseLatePayments = true
[metrics]
listen = "0.0.0.0:9464"
token = "${TOKEN}"
`,
      FILE,
    );
    expect(config).toEqual({
      mode: 'till',
      locale: 'en',
      pinpad: {
        emulator: false,
        section: 'pinpad',
        port: undefined,
        tcp: '10.0.0.5:27015',
        baudRate: 115200,
        id: '00322346',
        currencyCodeNumeric: 933,
        qrSBP: true,
        timeout: 120,
        profile: '/opt/kiosk/bank.json',
      },
      service: { pinHash: hash },
      bridge: { port: 6000, token: TOKEN, enabled: true },
      logs: { dir: '/var/log/kiosk', maxSizeMB: 2.5, retentionDays: 7, trace: true },
      sbp: { reverseLatePayments: true },
      metrics: { listen: { host: '0.0.0.0', port: 9464 }, token: TOKEN },
    });
    expect(resolvePinpadTarget(config)).toEqual({ emulator: false, target: { kind: 'tcp', host: '10.0.0.5', port: 27015 } });
    expect(resolveLogsDir(config, '/data')).toBe('/var/log/kiosk');
    expect(resolveLogsDir(parseConfigText('', FILE), '/data')).toBe('/data/logs');
  });

  it('an empty [pinpad] section means a serial pin pad on /dev/ttyS39 at 115200, not the emulator', () => {
    const config = parseConfigText('[pinpad]\n', FILE);
    expect(resolvePinpadTarget(config)).toEqual({ emulator: false, target: { kind: 'serial', path: '/dev/ttyS39', baudRate: 115200 } });
    expect(resolvePinpadTarget(parseConfigText('[pinpad]\ntcp = "[::1]:27015"\n', FILE))).toEqual({
      emulator: false,
      target: { kind: 'tcp', host: '::1', port: 27015 },
    });
  });

  it('the exported schema validates data the same way', () => {
    expect(AppConfigSchema.safeParse({ pinpad: { baudrate: 9600 } }).success).toBe(false);
    expect(AppConfigSchema.safeParse({ pinpad: {}, smartsale: {} }).success).toBe(false);
    expect(AppConfigSchema.parse({ pinpad: { baudRate: 9600 } }).pinpad.baudRate).toBe(9600);
  });
});

describe('the legacy [smartsale] section', () => {
  it('is read with the same keys', () => {
    const config = parseConfigText('[smartsale]\nport = "/dev/ttyS39"\nbaudRate = 57600\nid = "00322346"\nqrSBP = true\ntimeout = 90\n', FILE);
    expect(config.pinpad).toMatchObject({
      emulator: false,
      section: 'smartsale',
      port: '/dev/ttyS39',
      baudRate: 57600,
      id: '00322346',
      qrSBP: true,
      timeout: 90,
    });
    expect(resolvePinpadTarget(config)).toEqual({ emulator: false, target: { kind: 'serial', path: '/dev/ttyS39', baudRate: 57600 } });
  });

  it('its errors name the legacy section', () => {
    expect(errorOf('[smartsale]\nbaudrate = 115200\n')).toBe(`${FILE}: smartsale.baudrate: unknown key (did you mean "baudRate"?)`);
  });

  it('both [pinpad] and [smartsale] is an error, never a silent pick', () => {
    const error = configError(() => parseConfigText('[pinpad]\nport = "/dev/ttyS39"\n[smartsale]\nport = "/dev/ttyS0"\n', FILE));
    expect(error.message).toBe(`${FILE}: smartsale: two pin-pad sections, [pinpad] and the legacy [smartsale]: keep one`);
    expect(error.data).toMatchObject({ source: FILE, keys: ['smartsale'] });
  });

  it('both sections is reported even next to a type error in one of them', () => {
    const message = errorOf('[pinpad]\ntimeout = "180"\n[smartsale]\n');
    expect(message).toContain(`${FILE}: smartsale: two pin-pad sections`);
    expect(message).toContain(`${FILE}: pinpad.timeout: expected a number, got string "180"`);
  });
});

describe('configuration errors name the file and the key', () => {
  it('unknown key, with a did-you-mean suggestion', () => {
    expect(errorOf('[pinpad]\nbaudrate = 115200\n')).toBe(`${FILE}: pinpad.baudrate: unknown key (did you mean "baudRate"?)`);
    expect(errorOf('[pinpad]\ntimout = 180\n')).toBe(`${FILE}: pinpad.timout: unknown key (did you mean "timeout"?)`);
    expect(errorOf('[logs]\nretention = 5\n')).toContain(`${FILE}: logs.retention: unknown key`);
    // A pin-pad key written above any section header: say where it belongs.
    expect(errorOf('qrSBP = true\n')).toBe(`${FILE}: qrSBP: unknown key here (it belongs in [pinpad])`);
    expect(errorOf('port = 5781\n')).toBe(`${FILE}: port: unknown key here (it belongs in [pinpad] or [bridge])`);
  });

  it('unknown section, with a suggestion', () => {
    expect(errorOf('[pinpda]\nport = "/dev/ttyS39"\n')).toBe(`${FILE}: pinpda: unknown section (did you mean "pinpad"?)`);
    expect(errorOf('[SmartSale]\n')).toBe(`${FILE}: SmartSale: unknown section (did you mean "smartsale"?)`);
  });

  it('a key far from every known one lists the known keys', () => {
    expect(errorOf('[bridge]\nhost = "0.0.0.0"\n')).toBe(`${FILE}: bridge.host: unknown key (known here: port, token, enabled)`);
  });

  it('wrong types', () => {
    expect(errorOf('[pinpad]\ntimeout = "180"\n')).toBe(`${FILE}: pinpad.timeout: expected a number, got string "180"`);
    expect(errorOf('[pinpad]\nid = 322346\n')).toBe(`${FILE}: pinpad.id: expected a string in quotes, got integer 322346`);
    expect(errorOf('[pinpad]\nqrSBP = "yes"\n')).toBe(`${FILE}: pinpad.qrSBP: expected true or false, got string "yes"`);
    expect(errorOf('pinpad = 5\n')).toBe(`${FILE}: pinpad: expected a table ([pinpad] section), got integer 5`);
    expect(errorOf('mode = "kisok"\n')).toBe(`${FILE}: mode: must be one of "kiosk", "till", got string "kisok"`);
    expect(errorOf('[pinpad]\nbaudRate = 115200.5\n')).toContain(`${FILE}: pinpad.baudRate: must be a standard baud rate`);
  });

  it('both port and tcp', () => {
    expect(errorOf('[pinpad]\nport = "/dev/ttyS39"\ntcp = "10.0.0.5:27015"\n')).toBe(
      `${FILE}: pinpad.tcp: both pinpad.port and pinpad.tcp are set: keep one (port for a serial device, tcp for host:port)`,
    );
  });

  it('a baud rate with tcp', () => {
    expect(errorOf('[pinpad]\ntcp = "10.0.0.5:27015"\nbaudRate = 115200\n')).toBe(
      `${FILE}: pinpad.baudRate: applies to a serial port, not to pinpad.tcp: remove it`,
    );
  });

  it('a bad tcp address', () => {
    expect(errorOf('[pinpad]\ntcp = "10.0.0.5"\n')).toContain(`${FILE}: pinpad.tcp: must be host:port`);
    expect(errorOf('[pinpad]\ntcp = "10.0.0.5:70000"\n')).toContain(`${FILE}: pinpad.tcp: must be host:port`);
  });

  it('a non-standard baud rate (11520)', () => {
    expect(errorOf('[pinpad]\nbaudRate = 11520\n')).toBe(
      `${FILE}: pinpad.baudRate: must be a standard baud rate (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600); a PAX S300 uses 115200, got integer 11520`,
    );
  });

  it('a timeout of zero or below', () => {
    expect(errorOf('[pinpad]\ntimeout = 0\n')).toBe(`${FILE}: pinpad.timeout: must be seconds above 0 (twice the value the bank recommends), got integer 0`);
    expect(errorOf('[pinpad]\ntimeout = -5\n')).toContain(`${FILE}: pinpad.timeout: must be seconds above 0`);
    expect(errorOf('[pinpad]\ntimeout = 99999\n')).toContain(`${FILE}: pinpad.timeout: must be at most 3600 seconds`);
  });

  it('TOML syntax errors give the line', () => {
    const error = configError(() => parseConfigText('mode = "kiosk"\n[pinpad]\nport = /dev/ttyS39\n', FILE));
    expect(error.message).toMatch(new RegExp(`^${FILE.replace(/[/.]/g, '\\$&')}: line 3, column \\d+: TOML syntax error: `));
    expect(error.data).toMatchObject({ source: FILE, line: 3 });
  });

  it('a key given twice is a syntax error with its line, not a silent pick', () => {
    expect(errorOf('[pinpad]\ntimeout = 180\ntimeout = 90\n')).toMatch(/: line 3, column \d+: TOML syntax error: /);
    expect(errorOf('[pinpad]\nport = "/dev/ttyS39"\n[pinpad]\nport = "/dev/ttyS0"\n')).toMatch(/: line 3, column \d+: TOML syntax error: /);
  });

  it('the bridge needs a random enough token when enabled; the token itself is never echoed', () => {
    expect(errorOf('[bridge]\nenabled = true\n')).toBe(
      `${FILE}: bridge.token: required when bridge.enabled = true (at least 128 random bits, e.g. 32 random base64url characters)`,
    );
    const short = errorOf('[bridge]\nenabled = true\ntoken = "sesame-short"\n');
    expect(short).toMatch(new RegExp(`^${FILE.replace(/[.]/g, '\\.')}: bridge\\.token: is too weak: about \\d+ bits of randomness, at least 128 needed`));
    expect(short).not.toContain('sesame');
    // Long but patterned: 24 times the same letter, a word repeated.
    expect(errorOf(`[bridge]\nenabled = true\ntoken = "${'a'.repeat(24)}"\n`)).toMatch(/bridge\.token: is too weak: it repeats one character/);
    expect(errorOf('[bridge]\nenabled = true\ntoken = "test-token-test-token-0123456789"\n')).toMatch(/bridge\.token: is too weak: it repeats a sequence/);
    expect(errorOf(`[bridge]\nenabled = true\ntoken = "${'a'.repeat(60)}"\n`)).not.toContain('aaaa');
  });

  it('a PIN written instead of its hash is rejected without echoing it', () => {
    const message = errorOf('[service]\npinHash = "918273"\n');
    expect(message).toContain(`${FILE}: service.pinHash: must be a PIN hash made by hashPin()`);
    expect(message).not.toContain('918273');
  });

  it('several problems are all reported, one line each', () => {
    const message = errorOf('[pinpad]\nbaudRate = 11520\ntimeout = 0\nqrsbp = true\n');
    const lines = message.split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.startsWith(`${FILE}: pinpad.`)).toBe(true);
    expect(message).toContain('pinpad.qrsbp: unknown key (did you mean "qrSBP"?)');
  });

  it('suggests keys by edit distance, not for unrelated words', () => {
    expect(suggestKey('baudrate', ['port', 'baudRate'])).toBe('baudRate');
    expect(suggestKey('curencyCodeNumeric', ['currencyCodeNumeric', 'id'])).toBe('currencyCodeNumeric');
    expect(suggestKey('prot', ['port', 'tcp'])).toBe('port');
    expect(suggestKey('colour', ['port', 'tcp'])).toBeUndefined();
  });
});

describe('loading the file', () => {
  it('a missing file is an error naming it (no silent fall-back to the emulator)', () => {
    const path = join(dir, 'missing.toml');
    const error = configError(() => loadConfig(path));
    expect(error.message.startsWith(`${path}: cannot read the configuration file`)).toBe(true);
  });

  it('errors from a file name that file', () => {
    const path = join(dir, 'typo.toml');
    writeFileSync(path, '[pinpad]\nbaudrate = 115200\n');
    expect(configError(() => loadConfig(path)).message).toBe(`${path}: pinpad.baudrate: unknown key (did you mean "baudRate"?)`);
  });

  it('relative profile and logs paths are taken from the folder of the file; the profile is checked at load', () => {
    const sub = join(dir, 'etc');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'bank.json'), readFileSync(DEFAULT_PROFILE_PATH));
    const path = join(sub, 'config.toml');
    writeFileSync(path, '[pinpad]\nport = "/dev/ttyS39"\nprofile = "bank.json"\n[logs]\ndir = "logs"\n');
    const config = loadConfig(path);
    expect(config.pinpad.profile).toBe(join(sub, 'bank.json'));
    expect(config.logs.dir).toBe(join(sub, 'logs'));
    expect(loadPinpadProfile(config).name).toBe('default');

    writeFileSync(path, '[smartsale]\nprofile = "nowhere.json"\n');
    const error = configError(() => loadConfig(path));
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[/.]/g, '\\$&')}: smartsale\\.profile: cannot read terminal profile`));
  });

  it('the shipped profile is used when profile is empty', () => {
    expect(loadPinpadProfile(parseConfigText('', FILE)).name).toBe('default');
  });

  it('a byte-order mark at the start (a file saved by Notepad) is accepted', () => {
    expect(parseConfigText('\uFEFFmode = "till"\n', FILE).mode).toBe('till');
  });
});

describe('service PIN', () => {
  it('hashes with scrypt and a random salt, and verifies', () => {
    const a = hashPin('1234');
    const b = hashPin('1234');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('1234');
    expect(verifyPin('1234', a)).toBe(true);
    expect(verifyPin('1234', b)).toBe(true);
  });

  it('a wrong PIN does not verify', () => {
    const hash = hashPin('1234');
    expect(verifyPin('1235', hash)).toBe(false);
    expect(verifyPin('', hash)).toBe(false);
    expect(verifyPin('12345', hash)).toBe(false);
  });

  it('a malformed or tampered hash does not verify and does not throw', () => {
    const hash = hashPin('1234');
    expect(verifyPin('1234', 'plain')).toBe(false);
    expect(verifyPin('1234', hash.replace('scrypt$16384', 'scrypt$16383'))).toBe(false);
    expect(verifyPin('1234', hash.replace('scrypt$16384', 'scrypt$1073741824'))).toBe(false);
    const parts = hash.split('$');
    const digest = Buffer.from(parts[5]!, 'base64url');
    digest[0]! ^= 0x01;
    parts[5] = digest.toString('base64url');
    expect(verifyPin('1234', parts.join('$'))).toBe(false);
  });

  it('refuses a PIN that is not 4 to 12 digits', () => {
    expect(() => hashPin('12')).toThrow(ServiceError);
    try {
      hashPin('1234567890123');
      expect.unreachable('a 13-digit PIN was hashed');
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid-input' });
    }
    expect(() => hashPin('abcd')).toThrow(/4 to 12 digits/);
  });

  it('a hash made by hashPin is accepted in the file', () => {
    const hash = hashPin('55667788');
    const config = parseConfigText(`[service]\npinHash = "${hash}"\n`, FILE);
    expect(verifyPin('55667788', config.service.pinHash!)).toBe(true);
  });
});

describe('describeConfig', () => {
  it('drops the PIN hash and the bridge token, and says whether they are set', () => {
    const hash = hashPin('1234');
    const config = parseConfigText(`[pinpad]\nport = "/dev/ttyS39"\n[service]\npinHash = "${hash}"\n[bridge]\nenabled = true\ntoken = "${TOKEN}"\n`, FILE);
    const described = describeConfig(config);
    const text = JSON.stringify(described);
    expect(text).not.toContain(hash);
    expect(text).not.toContain(hash.split('$')[5]);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/pinHash|"token"/);
    expect(described.service).toEqual({ pinSet: true });
    expect(described.bridge).toEqual({ port: 5781, enabled: true, tokenSet: true });
    expect(described.pinpad).toEqual(config.pinpad);
    expect(describeConfig(parseConfigText('', FILE)).service).toEqual({ pinSet: false });
    // The original keeps its secrets.
    expect(config.service.pinHash).toBe(hash);
  });
});
