/** The TCP transport straight to a terminal, behind the same byte-stream interface as serial. */
import net from 'node:net';
import { TransportError } from './errors.js';
import { BaseStream } from './base.js';

export interface TcpOptions {
  readonly host: string;
  readonly port: number;
  /** How long to wait for the connection, ms. */
  readonly connectTimeoutMs?: number;
}

/** A TCP connection straight to the terminal (one integration uses port 27015). */
export class TcpStream extends BaseStream {
  readonly description: string;
  readonly #socket: net.Socket;
  /** close() was called: the end of the socket is ours, not a disconnect. */
  #closing = false;

  constructor(socket: net.Socket, description: string) {
    super();
    this.#socket = socket;
    this.description = description;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.emitData(chunk));
    socket.on('close', (hadError) => this.markClosed({ disconnected: hadError || !this.#closing }));
    socket.on('error', (error) => this.markClosed({ disconnected: true, error }));
  }


  static async connect(options: TcpOptions): Promise<TcpStream> {
    const description = `tcp ${options.host}:${options.port}`;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new TransportError('link', `cannot connect to ${description}: timed out`, { delivery: 'none' }));
      }, options.connectTimeoutMs ?? 5000);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        reject(new TransportError('link', `cannot connect to ${description}: ${error.message}`, { delivery: 'none', cause: error }));
      });
    });
    return new TcpStream(socket, description);
  }

  protected async writeBytes(data: Buffer): Promise<void> {
    if (this.#socket.destroyed) throw new TransportError('link', `${this.description} is closed; nothing was written`, { delivery: 'none' });
    await new Promise<void>((resolve, reject) => {
      this.#socket.write(data, (error) =>
        error ? reject(new TransportError('link', `write to ${this.description} failed: ${error.message}`, { delivery: 'maybe', cause: error })) : resolve(),
      );
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await new Promise<void>((resolve) => {
      if (this.#socket.destroyed) {
        resolve();
        return;
      }
      this.#socket.once('close', () => resolve());
      this.#socket.end();
      setTimeout(() => this.#socket.destroy(), 500).unref();
    });
    this.markClosed({ disconnected: false });
  }
}
