/** Runs the emulated pin pad where a till can reach it: a pseudo-terminal (with unplug and replug) or a TCP port. */
import net from 'node:net';
import type { LinkTraceEvent } from '../inpas/link.js';
import type { TerminalProfile } from '../inpas/profile.js';
import { SerialStream } from '../transport/serial.js';
import { TcpStream } from '../transport/tcp.js';
import type { ByteStream } from '../transport/types.js';
import { Bank } from './bank.js';
import { PseudoTerminalPair } from './pty.js';
import type { ScenarioName } from './scenarios.js';
import type { EmulatorFaults, EmulatorQuirks, EmulatorTiming } from './options.js';
import { EmulatedTerminal } from './terminal.js';

export interface EmulatorHostOptions {
  readonly pty?: string;
  readonly tcpPort?: number;
  readonly tcpHost?: string;
  readonly terminalId: string;
  readonly profile: TerminalProfile;
  readonly scenario: ScenarioName;
  readonly ledgerPath?: string;
  readonly timing: EmulatorTiming;
  readonly quirks: EmulatorQuirks;
  readonly faults: EmulatorFaults;
  readonly packetSize: number;
  /** After the unplug fault, bring the device back after this many ms; undefined = stay unplugged. */
  readonly replugAfterMs?: number;
  readonly log?: (line: string) => void;
  readonly trace?: (event: LinkTraceEvent) => void;
}

/** Runs an emulated terminal on a pseudo-terminal (with unplug/replug) or a TCP port. */
export class EmulatorHost {
  readonly terminal: EmulatedTerminal;
  readonly bank: Bank;
  readonly options: EmulatorHostOptions;
  #pty: PseudoTerminalPair | undefined;
  #server: net.Server | undefined;
  #stream: ByteStream | undefined;
  #replugTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(options: EmulatorHostOptions) {
    this.options = options;
    this.bank = new Bank({ terminalId: options.terminalId, ...(options.ledgerPath ? { ledgerPath: options.ledgerPath } : {}) });
    this.terminal = new EmulatedTerminal({
      terminalId: options.terminalId,
      profile: options.profile,
      bank: this.bank,
      scenario: options.scenario,
      timing: options.timing,
      quirks: options.quirks,
      faults: options.faults,
      packetSize: options.packetSize,
      ...(options.log ? { log: options.log } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
      onUnplug: async () => {
        await this.unplug();
        if (this.options.replugAfterMs !== undefined) this.#replugTimer = setTimeout(() => void this.replug(), this.options.replugAfterMs);
      },
    });
  }

  static async start(options: EmulatorHostOptions): Promise<EmulatorHost> {
    if ((options.pty === undefined) === (options.tcpPort === undefined)) throw new Error('give exactly one of a pseudo-terminal path or a TCP port');
    const host = new EmulatorHost(options);
    if (options.pty !== undefined) {
      host.#pty = new PseudoTerminalPair(options.pty);
      await host.replug();
    } else {
      await host.#listen(options.tcpPort!, options.tcpHost ?? '127.0.0.1');
    }
    return host;
  }

  /** Where a driver connects: the link path or host:port. */
  get address(): string {
    if (this.#pty) return this.#pty.linkPath;
    const address = this.#server?.address();
    return typeof address === 'object' && address ? `${address.address}:${address.port}` : '';
  }

  get connected(): boolean {
    return this.#stream?.isOpen ?? false;
  }

  #log(line: string): void {
    this.options.log?.(line);
  }

  async #listen(port: number, host: string): Promise<void> {
    const server = net.createServer((socket) => {
      if (this.#stream?.isOpen) {
        this.#log('a second till connected; the first connection is closed');
        void this.#stream.close();
      }
      const stream = new TcpStream(socket, `tcp ${socket.remoteAddress}:${socket.remotePort}`);
      this.#stream = stream;
      this.terminal.attach(stream);
      this.#log(`till connected from ${socket.remoteAddress}:${socket.remotePort}`);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  }

  /** Removes the pseudo-terminal (a pulled USB cable). */
  async unplug(): Promise<void> {
    if (!this.#pty) throw new Error('unplug needs a pseudo-terminal');
    this.#log(`device removed: ${this.#pty.linkPath}`);
    const stream = this.#stream;
    this.#stream = undefined;
    await this.#pty.stop();
    await stream?.close().catch(() => undefined);
  }

  /** Brings the pseudo-terminal back (the device re-enumerated). */
  async replug(): Promise<void> {
    if (!this.#pty || this.#stopped) return;
    await this.#pty.start();
    const stream = await SerialStream.open({ path: this.#pty.devicePath, baudRate: 115200 });
    this.#stream = stream;
    this.terminal.attach(stream);
    this.#log(`device present: ${this.#pty.linkPath}`);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#replugTimer) clearTimeout(this.#replugTimer);
    this.terminal.close();
    await this.#stream?.close().catch(() => undefined);
    if (this.#pty) await this.#pty.dispose();
    if (this.#server) await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }
}
