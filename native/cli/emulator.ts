import { parseArgs } from 'node:util';
import { loadProfile, DEFAULT_PROFILE_PATH } from '../inpas/profile.js';
import { formatTrace } from '../inpas/trace.js';
import { EmulatorHost } from '../emulator/host.js';
import { isScenario, SCENARIOS, type ScenarioName } from '../emulator/scenarios.js';
import { DEMO_TIMING, FAST_TIMING, NO_FAULTS, type EmulatorFaults, type EmulatorQuirks, type EmulatorTiming } from '../emulator/terminal.js';

export interface EmulatorIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

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

export function emulatorUsage(): string {
  const scenarios = Object.entries(SCENARIOS)
    .map(([name, text]) => `  ${name.padEnd(14)} ${text}`)
    .join('\n');
  return `pinpad-emulator — a PAX S300 pin pad running Inpas SmartSale, with its bank, for tests and demos

usage: pinpad-emulator (--pty <link-path> | --tcp <port>) [--terminal-id ID] [--scenario NAME]
                       [--ledger FILE] [options]

where it listens:
  --pty <link-path>        make a pseudo-terminal and link it at this path (needs socat);
                           a driver opens it like /dev/ttyS39
  --tcp <port>             listen on 127.0.0.1:<port> (or <host:port>)

terminal:
  --terminal-id ID         terminal id (field 27), default 00322346
  --profile FILE           terminal profile JSON, default ${DEFAULT_PROFILE_PATH}
  --scenario NAME          default approve; one of:
${scenarios}
  --ledger FILE            keep a JSON ledger of what the bank charged and refunded
  --packet-size N          field bytes per SOH packet; longer answers are split (default 1024)

timing (ms unless said):
  --fast                   no customer or bank delays (tests, benchmarks)
  --card-delay MS          customer presents the card after (default ${DEMO_TIMING.cardDelayMs})
  --processing-delay MS    bank answers after (default ${DEMO_TIMING.processingDelayMs})
  --wait-interval MS       WAIT frames this often (default ${DEMO_TIMING.waitIntervalMs})
  --qr-pay-delay MS        customer pays the QR after (default ${DEMO_TIMING.qrPayDelayMs})
  --qr-lifetime S          QR code valid for S seconds (default ${DEMO_TIMING.qrLifetimeMs / 1000})
  --card-timeout S         pin pad stops waiting for a card after S seconds (default ${DEMO_TIMING.cardTimeoutMs / 1000})

bank quirks (defaults follow the profile's "bank" section):
  --no-partial-qr-refund   no partial refund of a QR payment on its own day
  --no-switched-refund     no refund of a payment switched to QR with key 1
  --void-no-template       a same-day void that worked answers 39=0 "ОДОБРЕНО. НЕТ ШАБЛОНА ЧЕКА"
  --full-pan               send the full card number in field 10 (a badly set up terminal)

faults (on the first transaction unless --fault-always):
  --nak-first              NAK the first request frame once
  --corrupt-crc            send the first answer with a bad CRC
  --junk                   junk bytes with stray STX before every frame sent
  --ack-delay MS           delay every ACK
  --drop-ack N             leave the first N request frames without ACK
  --silent-after-ack       ACK the request, then never answer (nothing charged)
  --lose-response          do the operation at the bank, then never answer
  --unplug-after-ack       remove the pseudo-terminal right after the ACK (the bank still charges)
  --replug-after MS        bring the device back MS after an unplug (default: stays away)
  --fault-always           apply the faults above to every transaction

output:
  --trace                  every frame both ways on stderr (card numbers masked)
  --quiet                  no log lines on stderr
  -h, --help               this text
`;
}

function ms(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--${name} takes a whole number, got "${value}"`);
  return Number(value);
}

class UsageError extends Error {}

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

/** Starts the emulator; resolves with the host (the caller stops it) or an exit code on error. */
export async function startEmulatorCli(argv: string[], io: EmulatorIo): Promise<EmulatorHost | number> {
  let args: ParsedEmulatorArgs | 'help';
  try {
    args = parseEmulatorArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`pinpad-emulator: ${error.message}\nrun pinpad-emulator --help for usage\n`);
      return 2;
    }
    throw error;
  }
  if (args === 'help') {
    io.stdout(emulatorUsage());
    return 0;
  }
  try {
    const profile = loadProfile(args.profilePath);
    const quirks: EmulatorQuirks = {
      noPartialSameDayQrRefund: args.quirks.noPartialSameDayQrRefund ?? !profile.bank.partialSameDayQrRefund,
      noSwitchedRefund: args.quirks.noSwitchedRefund ?? !profile.bank.refundSwitchedPayment,
      voidNoTemplate: args.quirks.voidNoTemplate ?? false,
      fullPan: args.quirks.fullPan ?? false,
    };
    const log = args.quiet ? undefined : (line: string): void => io.stderr(`[emulator] ${line}\n`);
    const host = await EmulatorHost.start({
      ...(args.pty !== undefined ? { pty: args.pty } : {}),
      ...(args.tcpPort !== undefined ? { tcpPort: args.tcpPort } : {}),
      ...(args.tcpHost !== undefined ? { tcpHost: args.tcpHost } : {}),
      terminalId: args.terminalId,
      profile,
      scenario: args.scenario,
      ...(args.ledgerPath !== undefined ? { ledgerPath: args.ledgerPath } : {}),
      timing: args.timing,
      quirks,
      faults: args.faults,
      packetSize: args.packetSize,
      ...(args.replugAfterMs !== undefined ? { replugAfterMs: args.replugAfterMs } : {}),
      ...(log ? { log } : {}),
      ...(args.trace ? { trace: (event) => io.stderr(`[emulator] ${formatTrace(event)}\n`) } : {}),
    });
    io.stdout(`pinpad-emulator: PAX S300 (emulated), terminal ${args.terminalId}, scenario ${args.scenario}, ready on ${host.address}\n`);
    return host;
  } catch (error) {
    io.stderr(`pinpad-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
