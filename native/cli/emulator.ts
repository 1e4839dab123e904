/** `pinpad-emulator`: its help text, and starting the emulator from its flags. */
import { loadProfile, DEFAULT_PROFILE_PATH } from '../inpas/profile.js';
import { formatTrace } from '../inpas/trace.js';
import { EmulatorHost } from '../emulator/host.js';
import { DEMO_TIMING, EmulatorOptionError, parseEmulatorArgs, resolveQuirks, type ParsedEmulatorArgs } from '../emulator/options.js';
import { SCENARIOS } from '../emulator/scenarios.js';

export interface EmulatorIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

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
  --frozen                 hang: the port stays open, nothing is ACKed or answered
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

/** Starts the emulator; resolves with the host (the caller stops it) or an exit code on error. */
export async function startEmulatorCli(argv: string[], io: EmulatorIo): Promise<EmulatorHost | number> {
  let args: ParsedEmulatorArgs | 'help';
  try {
    args = parseEmulatorArgs(argv);
  } catch (error) {
    if (error instanceof EmulatorOptionError) {
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
    const quirks = resolveQuirks(args.quirks, profile);
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
