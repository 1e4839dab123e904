/**
 * The emulator's options: timing, bank quirks, faults, their defaults and the parser of the
 * `pinpad-emulator` flags, shared by its command line and the service's built-in emulator.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PROFILE_PATH, type TerminalProfile } from '../inpas/profile.js';
import { isScenario, SCENARIOS, type ScenarioName } from './scenarios.js';

export interface EmulatorTiming {
  /** How long the customer takes to present a card, ms. */
  cardDelayMs: number;
  /** Bank authorisation time, ms. */
  processingDelayMs: number;
  /** WAIT frames are sent this often while the terminal works, ms. */
  waitIntervalMs: number;
  /** How long the customer takes to pay a QR code, ms. */
  qrPayDelayMs: number;
  /** How long a QR code is valid, ms. */
  qrLifetimeMs: number;
  /** How long the pin pad waits for a card before giving up, ms. */
  cardTimeoutMs: number;
}

export interface EmulatorQuirks {
  /** The bank does not cancel part of a QR payment on the day it was made. */
  noPartialSameDayQrRefund: boolean;
  /** The bank does not refund a payment switched from card to QR with key 1. */
  noSwitchedRefund: boolean;
  /** A same-day void that worked answers 39=0 with "ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА". */
  voidNoTemplate: boolean;
  /** Sends the full card number in field 10 and prints it on the slip (a badly set up terminal), to prove the till masks it. */
  fullPan: boolean;
}

export interface EmulatorFaults {
  /** NAK the first request frame (the till must resend it unchanged). */
  nakFirst: boolean;
  /** Send the first response frame with a bad CRC. */
  corruptCrc: boolean;
  /** Junk bytes (with a stray STX) before every frame sent. */
  junk: boolean;
  /** Delay every ACK by this many ms. */
  ackDelayMs: number;
  /** Leave this many request frames without an ACK (the till resends). */
  dropAcks: number;
  /** ACK the request, then never answer (nothing is charged). */
  silentAfterAck: boolean;
  /** Do the operation at the bank, then never send the final answer. */
  loseResponse: boolean;
  /** Remove the pseudo-terminal right after ACKing the request; the operation still goes through at the bank. */
  unplugAfterAck: boolean;
  /** The pin pad hangs: its port stays open, but it neither ACKs nor answers anything (until cleared). */
  frozen: boolean;
  /** Apply the request faults to every transaction, not only the first. */
  always: boolean;
}

export const FAST_TIMING: EmulatorTiming = {
  cardDelayMs: 0,
  processingDelayMs: 0,
  waitIntervalMs: 200,
  qrPayDelayMs: 0,
  qrLifetimeMs: 120_000,
  cardTimeoutMs: 60_000,
};
export const DEMO_TIMING: EmulatorTiming = {
  cardDelayMs: 2500,
  processingDelayMs: 1500,
  waitIntervalMs: 1000,
  qrPayDelayMs: 6000,
  qrLifetimeMs: 120_000,
  cardTimeoutMs: 60_000,
};
export const NO_QUIRKS: EmulatorQuirks = { noPartialSameDayQrRefund: false, noSwitchedRefund: false, voidNoTemplate: false, fullPan: false };
export const NO_FAULTS: EmulatorFaults = {
  nakFirst: false,
  corruptCrc: false,
  junk: false,
  ackDelayMs: 0,
  dropAcks: 0,
  silentAfterAck: false,
  frozen: false,
  loseResponse: false,
  unplugAfterAck: false,
  always: false,
};

const DEFAULT_EMULATOR_TERMINAL_ID = '00322346';
const DEFAULT_PACKET_SIZE = 1024;

const FLAGS = {
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
  frozen: { type: 'boolean' },
  'lose-response': { type: 'boolean' },
  'unplug-after-ack': { type: 'boolean' },
  'replug-after': { type: 'string' },
  'fault-always': { type: 'boolean' },
  trace: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A flag the emulator does not accept, or a value it cannot use; the message names it. */
export class EmulatorOptionError extends Error {}

function ms(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) throw new EmulatorOptionError(`--${name} takes a whole number, got "${value}"`);
  return Number(value);
}

export interface ParsedEmulatorArgs {
  pty?: string;
  tcpPort?: number;
  tcpHost?: string;
  terminalId: string;
  scenario: ScenarioName;
  ledgerPath?: string;
  profilePath: string;
  timing: EmulatorTiming;
  /** Only the quirks given as flags; `resolveQuirks` fills the rest from the profile. */
  quirks: Partial<EmulatorQuirks>;
  faults: EmulatorFaults;
  packetSize: number;
  replugAfterMs?: number;
  trace: boolean;
  quiet: boolean;
}

/** Reads `pinpad-emulator` flags; throws EmulatorOptionError on anything it cannot use. */
export function parseEmulatorArgs(argv: readonly string[]): ParsedEmulatorArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new EmulatorOptionError((error as Error).message);
  }
  if (values.help) return 'help';
  if ((values.pty === undefined) === (values.tcp === undefined)) throw new EmulatorOptionError('give exactly one of --pty <link-path> or --tcp <port>');
  let tcpPort: number | undefined;
  let tcpHost: string | undefined;
  if (values.tcp !== undefined) {
    const match = /^(?:(.+):)?(\d{1,5})$/.exec(values.tcp);
    if (!match || Number(match[2]) > 65535) throw new EmulatorOptionError(`--tcp takes a port or host:port, got "${values.tcp}"`);
    tcpPort = Number(match[2]);
    tcpHost = match[1];
  }
  const scenario = values.scenario ?? 'approve';
  if (!isScenario(scenario)) throw new EmulatorOptionError(`unknown scenario "${scenario}"; one of: ${Object.keys(SCENARIOS).join(', ')}`);
  const terminalId = values['terminal-id'] ?? DEFAULT_EMULATOR_TERMINAL_ID;
  if (!/^[0-9A-Za-z]{1,16}$/.test(terminalId)) throw new EmulatorOptionError(`--terminal-id must be 1–16 letters or digits, got "${terminalId}"`);
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
  const packetSize = ms(values['packet-size'], 'packet-size', DEFAULT_PACKET_SIZE);
  if (packetSize < 16) throw new EmulatorOptionError('--packet-size must be at least 16');
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
      frozen: values.frozen ?? false,
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

/** The bank quirks: the flags given, else what the profile's "bank" section says. */
export function resolveQuirks(given: Partial<EmulatorQuirks>, profile: TerminalProfile): EmulatorQuirks {
  return {
    noPartialSameDayQrRefund: given.noPartialSameDayQrRefund ?? !profile.bank.partialSameDayQrRefund,
    noSwitchedRefund: given.noSwitchedRefund ?? !profile.bank.refundSwitchedPayment,
    voidNoTemplate: given.voidNoTemplate ?? false,
    fullPan: given.fullPan ?? false,
  };
}
