/** The serial (USB-CDC) transport: a new SerialPort object per connection, known option names and baud rates only. */
import { SerialPort } from 'serialport';
import { TransportError } from './errors.js';
import { BaseStream } from './base.js';

/** Baud rates a serial pin pad can use. Anything else is a typo (11520) and is refused, not passed on. */
export const STANDARD_BAUD_RATES: readonly number[] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

export interface SerialOptions {
  /** Device path, e.g. /dev/ttyS39 (the udev name of a PAX S300 on USB-CDC). */
  readonly path: string;
  /** 8N1 at this rate; 115200 for PAX S300. */
  readonly baudRate?: number;
}

/**
 * A serial connection. Each call makes a new SerialPort object: serialport keeps writes made
 * while a port is closed and sends them when the same object reopens, which could deliver a
 * stale sale after a reconnect. A closed stream here refuses writes instead.
 */
export class SerialStream extends BaseStream {
  readonly description: string;
  readonly #port: SerialPort;

  private constructor(port: SerialPort, path: string) {
    super();
    this.#port = port;
    this.description = `serial ${path}`;
    port.on('data', (chunk: Buffer) => this.emitData(chunk));
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      this.markClosed(error ? { disconnected: error.disconnected === true, error } : { disconnected: false });
    });
    port.on('error', (error: Error) => {
      // A read error on an open port means the device went away.
      this.markClosed({ disconnected: true, error });
    });
  }

  static async open(options: SerialOptions): Promise<SerialStream> {
    const baudRate = options.baudRate ?? 115200;
    if (!STANDARD_BAUD_RATES.includes(baudRate)) {
      throw new TransportError('config', `baud rate ${baudRate} is not a standard rate (${STANDARD_BAUD_RATES.join(', ')})`, { data: { baudRate } });
    }
    const port = new SerialPort({ path: options.path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(error) : resolve()));
    }).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      throw new TransportError('link', `cannot open ${options.path}: ${message}`, { delivery: 'none', data: { path: options.path }, cause: error });
    });
    return new SerialStream(port, options.path);
  }

  protected async writeBytes(data: Buffer): Promise<void> {
    if (!this.#port.isOpen) throw new TransportError('link', `${this.description} is closed; nothing was written`, { delivery: 'none' });
    await new Promise<void>((resolve, reject) => {
      this.#port.write(data, (error) => {
        if (error) {
          reject(new TransportError('link', `write to ${this.description} failed: ${error.message}`, { delivery: 'maybe', cause: error }));
          return;
        }
        this.#port.drain((drainError) =>
          drainError
            ? reject(new TransportError('link', `drain of ${this.description} failed: ${drainError.message}`, { delivery: 'maybe', cause: drainError }))
            : resolve(),
        );
      });
    });
  }

  async close(): Promise<void> {
    if (!this.#port.isOpen) {
      this.markClosed({ disconnected: false });
      return;
    }
    await new Promise<void>((resolve) => {
      this.#port.close(() => resolve());
    });
    this.markClosed({ disconnected: false });
  }
}
