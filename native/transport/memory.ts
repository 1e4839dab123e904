/** An in-memory pair of byte streams, for tests of the protocol without a device. */
import { BaseStream } from './base.js';

/** One end of an in-memory pipe; bytes are delivered asynchronously, as a real line would. */
export class MemoryStream extends BaseStream {
  readonly description: string;
  peer: MemoryStream | undefined;

  constructor(description: string) {
    super();
    this.description = description;
  }

  protected async writeBytes(data: Buffer): Promise<void> {
    const peer = this.peer;
    setImmediate(() => peer?.receive(data));
  }

  receive(data: Buffer): void {
    this.emitData(data);
  }

  /** Simulates the device going away on both ends. */
  disconnect(): void {
    this.markClosed({ disconnected: true });
    this.peer?.markClosed({ disconnected: true });
  }

  async close(): Promise<void> {
    this.markClosed({ disconnected: false });
    this.peer?.markClosed({ disconnected: true });
  }
}

export function memoryPair(): [MemoryStream, MemoryStream] {
  const a = new MemoryStream('memory till');
  const b = new MemoryStream('memory terminal');
  a.peer = b;
  b.peer = a;
  return [a, b];
}
