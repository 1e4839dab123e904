/** What every byte-stream transport shares: listener bookkeeping and refusing writes while closed. */
import { TransportError } from './errors.js';
import type { ByteStream, CloseInfo } from './types.js';

/** The listener bookkeeping every transport shares. */
export abstract class BaseStream implements ByteStream {
  abstract readonly description: string;
  #open = true;
  readonly #dataListeners = new Set<(chunk: Buffer) => void>();
  readonly #closeListeners = new Set<(info: CloseInfo) => void>();

  get isOpen(): boolean {
    return this.#open;
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.#open) throw new TransportError('link', `${this.description} is closed; nothing was written`, { delivery: 'none' });
    await this.writeBytes(Buffer.from(data));
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.#dataListeners.add(listener);
    return () => this.#dataListeners.delete(listener);
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  abstract close(): Promise<void>;
  protected abstract writeBytes(data: Buffer): Promise<void>;

  protected emitData(chunk: Buffer): void {
    if (!this.#open) return;
    for (const listener of [...this.#dataListeners]) listener(chunk);
  }

  /** Marks the stream closed once; later calls are ignored. */
  protected markClosed(info: CloseInfo): void {
    if (!this.#open) return;
    this.#open = false;
    for (const listener of [...this.#closeListeners]) listener(info);
    this.#dataListeners.clear();
    this.#closeListeners.clear();
  }
}
