/**
 * The emulator's options (`--pty`, `--scenario`, timing, bank quirks, faults) parsed into what
 * EmulatorHost takes: the command line and the service's built-in emulator both use it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PROFILE_PATH } from '../inpas/profile.js';
import { isScenario, SCENARIOS, type ScenarioName } from './scenarios.js';
import { DEMO_TIMING, FAST_TIMING, NO_FAULTS, type EmulatorFaults, type EmulatorQuirks, type EmulatorTiming } from './terminal.js';

const OPTIONS = {
  pty: { type: 'string' },
  tcp: { type: 'string' },
  'terminal-id': { type: 'string' },
  scenario: { type: 'string' },
  ledger: { type: 'string' },
  profile: { type: 'string' },
  fast: { type: 'boolean' },
  'card-delay': { type: 'string' },
  'processing-delay': { type: 'string' },
  'wait-interval': { type: 'string' },
  'qr-pay-delay': { type: 'string' },
  'qr-lifetime': { type: 'string' },
  'card-timeout': { type: 'string' },
  'packet-size': { type: 'string' },
  'no-partial-qr-refund': { type: 'boolean' },
  'no-switched-refund': { type: 'boolean' },
  'void-no-template': { type: 'boolean' },
  'full-pan': { type: 'boolean' },
  'nak-first': { type: 'boolean' },
  'corrupt-crc': { type: 'boolean' },
  junk: { type: 'boolean' },
  'ack-delay': { type: 'string' },
  'drop-ack': { type: 'string' },
  'silent-after-ack': { type: 'boolean' },
  'lose-response': { type: 'boolean' },
  'unplug-after-ack': { type: 'boolean' },
  'replug-after': { type: 'string' },
  'fault-always': { type: 'boolean' },
  trace: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function ms(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--${name} takes a whole number, got "${value}"`);
  return Number(value);
}

/** A wrong option: the command prints it with the help hint. */
export class UsageError extends Error {}

export interface ParsedEmulatorArgs {
  pty?: string;
  tcpPort?: number;
  tcpHost?: string;
  terminalId: string;
  scenario: ScenarioName;
  ledgerPath?: string;
  profilePath: string;
  timing: EmulatorTiming;
  quirks: Partial<EmulatorQuirks>;
  faults: EmulatorFaults;
  packetSize: number;
  replugAfterMs?: number;
  trace: boolean;
  quiet: boolean;
}

export function parseEmulatorArgs(argv: string[]): ParsedEmulatorArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if ((values.pty === undefined) === (values.tcp === undefined)) throw new UsageError('give exactly one of --pty <link-path> or --tcp <port>');
  let tcpPort: number | undefined;
  let tcpHost: string | undefined;
  if (values.tcp !== undefined) {
    const match = /^(?:(.+):)?(\d{1,5})$/.exec(values.tcp);
    if (!match || Number(match[2]) > 65535) throw new UsageError(`--tcp takes a port or host:port, got "${values.tcp}"`);
    tcpPort = Number(match[2]);
    tcpHost = match[1];
  }
  const scenario = values.scenario ?? 'approve';
  if (!isScenario(scenario)) throw new UsageError(`unknown scenario "${scenario}"; one of: ${Object.keys(SCENARIOS).join(', ')}`);
  const terminalId = values['terminal-id'] ?? '00322346';
  if (!/^[0-9A-Za-z]{1,16}$/.test(terminalId)) throw new UsageError(`--terminal-id must be 1–16 letters or digits, got "${terminalId}"`);
  const base = values.fast ? FAST_TIMING : DEMO_TIMING;
  const timing: EmulatorTiming = {
    cardDelayMs: ms(values['card-delay'], 'card-delay', base.cardDelayMs),
    processingDelayMs: ms(values['processing-delay'], 'processing-delay', base.processingDelayMs),
    waitIntervalMs: ms(values['wait-interval'], 'wait-interval', base.waitIntervalMs),
    qrPayDelayMs: ms(values['qr-pay-delay'], 'qr-pay-delay', base.qrPayDelayMs),
    qrLifetimeMs: ms(values['qr-lifetime'], 'qr-lifetime', base.qrLifetimeMs / 1000) * 1000,
    cardTimeoutMs: ms(values['card-timeout'], 'card-timeout', base.cardTimeoutMs / 1000) * 1000,
  };
  const quirks: Partial<EmulatorQuirks> = {};
  if (values['no-partial-qr-refund']) quirks.noPartialSameDayQrRefund = true;
  if (values['no-switched-refund']) quirks.noSwitchedRefund = true;
  if (values['void-no-template']) quirks.voidNoTemplate = true;
  if (values['full-pan']) quirks.fullPan = true;
  const packetSize = ms(values['packet-size'], 'packet-size', 1024);
  if (packetSize < 16) throw new UsageError('--packet-size must be at least 16');
  return {
    ...(values.pty !== undefined ? { pty: values.pty } : {}),
    ...(tcpPort !== undefined ? { tcpPort } : {}),
    ...(tcpHost !== undefined ? { tcpHost } : {}),
    terminalId,
    scenario,
    ...(values.ledger !== undefined ? { ledgerPath: values.ledger } : {}),
    profilePath: values.profile ?? DEFAULT_PROFILE_PATH,
    timing,
    quirks,
    faults: {
      ...NO_FAULTS,
      nakFirst: values['nak-first'] ?? false,
      corruptCrc: values['corrupt-crc'] ?? false,
      junk: values.junk ?? false,
      ackDelayMs: ms(values['ack-delay'], 'ack-delay', 0),
      dropAcks: ms(values['drop-ack'], 'drop-ack', 0),
      silentAfterAck: values['silent-after-ack'] ?? false,
      loseResponse: values['lose-response'] ?? false,
      unplugAfterAck: values['unplug-after-ack'] ?? false,
      always: values['fault-always'] ?? false,
    },
    packetSize,
    ...(values['replug-after'] !== undefined ? { replugAfterMs: ms(values['replug-after'], 'replug-after', 0) } : {}),
    trace: values.trace ?? false,
    quiet: values.quiet ?? false,
  };
}
