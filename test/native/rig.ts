/**
 * Integration rig: an emulated pin pad on a fresh pseudo-terminal (socat) or TCP port, and the
 * till side (stream → Link → Session → PinpadDriver) connected to it over real file
 * descriptors. Every rig made through `useRigs()` is torn down after its test, pass or fail.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { EmulatorHost } from '../../native/emulator/host.js';
import type { ScenarioName } from '../../native/emulator/scenarios.js';
import { FAST_TIMING, NO_FAULTS, NO_QUIRKS, type EmulatorFaults, type EmulatorQuirks, type EmulatorTiming } from '../../native/emulator/options.js';
import type { LedgerCharge, LedgerRefund } from '../../native/emulator/bank.js';
import { PseudoTerminalPair } from '../../native/emulator/pty.js';
import { CONTROL_BYTE, encodeFrame, FrameDecoder, type ControlName, type DecodeEvent } from '../../native/inpas/codec.js';
import type { DriverEvent, DriverOptions, PinpadDriver } from '../../native/inpas/driver.js';
import { Message, type FieldInput } from '../../native/inpas/message.js';
import type { LinkTraceEvent } from '../../native/inpas/link.js';
import { openPinpadStack, type PinpadStack, type PinpadTarget } from '../../native/inpas/stack.js';
import { formatTrace } from '../../native/inpas/trace.js';
import { SerialStream } from '../../native/transport/serial.js';
import { PROFILE, sum, TERMINAL_ID, waitFor } from '../helpers.js';

// Shared with every rig (declared once in test/helpers.ts).
export { PROFILE, sum, TERMINAL_ID, waitFor };


export interface RigOptions {
  readonly scenario?: ScenarioName;
  readonly timing?: Partial<EmulatorTiming>;
  readonly quirks?: Partial<EmulatorQuirks>;
  readonly faults?: Partial<EmulatorFaults>;
  /** Field bytes per SOH packet (default 1024). */
  readonly packetSize?: number;
  readonly transport?: 'pty' | 'tcp';
  readonly replugAfterMs?: number;
  /** Driver settings; the session and profile are the rig's. */
  readonly driver?: Partial<Omit<DriverOptions, 'session' | 'profile'>>;
}

/** One till-side connection: a new stream object per connection, as the protocol notes demand. */
export type Connection = PinpadStack;

export class Rig {
  readonly host: EmulatorHost;
  readonly dir: string;
  /** What the driver opens: the pty link path, or host:port for TCP. */
  readonly address: string;
  readonly transport: 'pty' | 'tcp';
  /** Till-side trace, one formatTrace() string per link event. */
  readonly trace: string[] = [];
  /** Terminal-side trace (the emulator's link), also through formatTrace(). */
  readonly emulatorTrace: string[];
  /** The terminal-side link events themselves (unmasked: for checking what the terminal really sent). */
  readonly emulatorEvents: LinkTraceEvent[];
  readonly log: string[];
  /** Every driver event of every operation run with `rig.onEvent`. */
  readonly events: DriverEvent[] = [];
  readonly #connections: Connection[] = [];
  readonly #driverDefaults: RigOptions['driver'];

  constructor(init: {
    host: EmulatorHost;
    dir: string;
    transport: 'pty' | 'tcp';
    emulatorTrace: string[];
    emulatorEvents: LinkTraceEvent[];
    log: string[];
    driver: RigOptions['driver'];
  }) {
    this.host = init.host;
    this.dir = init.dir;
    this.transport = init.transport;
    this.address = init.host.address;
    this.emulatorTrace = init.emulatorTrace;
    this.emulatorEvents = init.emulatorEvents;
    this.log = init.log;
    this.#driverDefaults = init.driver;
  }

  /** The latest connection. */
  get connection(): Connection {
    const last = this.#connections.at(-1);
    if (!last) throw new Error('the rig has no till connection');
    return last;
  }

  get driver(): PinpadDriver {
    return this.connection.driver;
  }

  get ledger(): EmulatorHost['bank']['ledger'] {
    return this.host.bank.ledger;
  }

  /** Collects events into `rig.events` (and passes them on). */
  readonly onEvent = (event: DriverEvent): void => {
    this.events.push(event);
  };

  /** Opens a new stream to the emulator and builds a fresh link, session and driver on it. */
  async connect(driver: RigOptions['driver'] = {}): Promise<Connection> {
    const connection = await connectTill(this.address, this.transport, this.trace, { ...this.#driverDefaults, ...driver });
    this.#connections.push(connection);
    return connection;
  }

  /** Closes every till stream, stops the emulator and removes the temp dir; never throws. */
  async close(): Promise<void> {
    for (const { stream, link } of this.#connections.splice(0)) {
      link.dispose();
      await stream.close().catch(() => undefined);
    }
    await this.host.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

/** The till side: a new stream object, link, session and driver (the product's stack); link events go to `trace` through formatTrace(). */
export async function connectTill(address: string, transport: 'pty' | 'tcp', trace: string[], driver: RigOptions['driver'] = {}): Promise<Connection> {
  let target: PinpadTarget;
  if (transport === 'pty') {
    target = { kind: 'serial', path: address, baudRate: 115200 };
  } else {
    const [host, port] = splitAddress(address);
    target = { kind: 'tcp', host, port };
  }
  return openPinpadStack(target, {
    terminalId: TERMINAL_ID,
    responseTimeoutMs: 3000,
    ...driver,
    profile: PROFILE,
    onTrace: (event) => trace.push(formatTrace(event)),
  });
}

/** Starts the emulator and connects one driver to it. On any failure, whatever started is stopped. */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'pinpad-it-'));
  const transport = options.transport ?? 'pty';
  const emulatorTrace: string[] = [];
  const emulatorEvents: LinkTraceEvent[] = [];
  const log: string[] = [];
  let host: EmulatorHost | undefined;
  try {
    host = await EmulatorHost.start({
      ...(transport === 'pty' ? { pty: join(dir, 'ttyPINPAD') } : { tcpPort: 0 }),
      terminalId: TERMINAL_ID,
      profile: PROFILE,
      scenario: options.scenario ?? 'approve',
      ledgerPath: join(dir, 'ledger.json'),
      // Copies: the emulator's objects are mutable and tests may change them.
      timing: { ...FAST_TIMING, ...options.timing },
      quirks: { ...NO_QUIRKS, ...options.quirks },
      faults: { ...NO_FAULTS, ...options.faults },
      packetSize: options.packetSize ?? 1024,
      ...(options.replugAfterMs === undefined ? {} : { replugAfterMs: options.replugAfterMs }),
      log: (line) => log.push(line),
      trace: (event) => {
        emulatorEvents.push(event);
        emulatorTrace.push(formatTrace(event));
      },
    });
    const rig = new Rig({ host, dir, transport, emulatorTrace, emulatorEvents, log, driver: options.driver });
    try {
      await rig.connect();
    } catch (error) {
      await rig.close();
      throw error;
    }
    return rig;
  } catch (error) {
    if (host) await host.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Registers an afterEach that tears down every rig the test started, and returns the
 * function that starts one. Call once at the top of a test file.
 */
export function useRigs(): (options?: RigOptions) => Promise<Rig> {
  const rigs: Rig[] = [];
  afterEach(async () => {
    const open = rigs.splice(0);
    await Promise.all(open.map((rig) => rig.close()));
    for (const rig of open) if (rig.transport === 'pty' && existsSync(rig.address)) throw new Error(`${rig.address} still exists after teardown`);
  });
  return async (options) => {
    const rig = await startRig(options);
    rigs.push(rig);
    return rig;
  };
}

/** Σ charges − Σ refunds of the emulated bank. */
export function ledgerNet(ledger: { readonly charges: readonly LedgerCharge[]; readonly refunds: readonly LedgerRefund[] }): number {
  return sum(ledger.charges) - sum(ledger.refunds);
}

/**
 * A terminal played by hand from a test, on a real pseudo-terminal: it sees the till's bytes
 * decoded and writes whatever the test says, so link-layer corner cases are exact.
 */
export class ScriptedTerminal {
  readonly dir: string;
  readonly linkPath: string;
  readonly till: Connection;
  /** Till-side trace. */
  readonly trace: string[];
  readonly #pair: PseudoTerminalPair;
  readonly #stream: SerialStream;
  readonly #decoder = new FrameDecoder();
  readonly #received: DecodeEvent[] = [];
  #cursor = 0;
  #wake: (() => void) | undefined;

  private constructor(init: { dir: string; pair: PseudoTerminalPair; stream: SerialStream; till: Connection; trace: string[] }) {
    this.dir = init.dir;
    this.#pair = init.pair;
    this.linkPath = init.pair.linkPath;
    this.#stream = init.stream;
    this.till = init.till;
    this.trace = init.trace;
    this.#stream.onData((chunk) => {
      this.#received.push(...this.#decoder.push(chunk));
      this.#wake?.();
    });
  }

  static async start(driver: RigOptions['driver'] = {}): Promise<ScriptedTerminal> {
    const dir = mkdtempSync(join(tmpdir(), 'pinpad-it-'));
    const pair = new PseudoTerminalPair(join(dir, 'ttyPINPAD'));
    let stream: SerialStream | undefined;
    try {
      await pair.start();
      stream = await SerialStream.open({ path: pair.devicePath });
      const trace: string[] = [];
      const till = await connectTill(pair.linkPath, 'pty', trace, driver);
      return new ScriptedTerminal({ dir, pair, stream, till, trace });
    } catch (error) {
      await stream?.close().catch(() => undefined);
      await pair.dispose().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The next thing the till sent (frame or control byte), skipping nothing. */
  async next(timeoutMs = 2000): Promise<DecodeEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.#cursor >= this.#received.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the till sent nothing within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return this.#received[this.#cursor++]!;
  }

  async nextFrame(timeoutMs = 2000): Promise<{ message: Message; raw: Buffer }> {
    const event = await this.next(timeoutMs);
    if (event.type !== 'frame') throw new Error(`expected a frame from the till, got ${JSON.stringify(event.type === 'control' ? event.control : event.type)}`);
    return { message: event.message, raw: event.raw };
  }

  async nextControl(timeoutMs = 2000): Promise<ControlName> {
    const event = await this.next(timeoutMs);
    if (event.type !== 'control') throw new Error(`expected a control byte from the till, got a ${event.type}`);
    return event.control;
  }

  async write(bytes: Buffer): Promise<void> {
    await this.#stream.write(bytes);
  }

  async send(fields: FieldInput): Promise<Buffer> {
    const frame = encodeFrame(Message.of(fields));
    await this.write(frame);
    return frame;
  }

  async control(name: ControlName): Promise<void> {
    await this.write(Buffer.from([CONTROL_BYTE[name]]));
  }

  async close(): Promise<void> {
    this.till.link.dispose();
    await this.till.stream.close().catch(() => undefined);
    await this.#stream.close().catch(() => undefined);
    await this.#pair.dispose().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Like useRigs(), for hand-played terminals. */
export function useScriptedTerminals(): (driver?: RigOptions['driver']) => Promise<ScriptedTerminal> {
  const open: ScriptedTerminal[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((terminal) => terminal.close()));
  });
  return async (driver) => {
    const terminal = await ScriptedTerminal.start(driver);
    open.push(terminal);
    return terminal;
  };
}
