/** The byte-stream interface the protocol code sees, whatever the transport. */
export interface CloseInfo {
  /** True when the device went away (cable pulled, pseudo-terminal removed) rather than being closed by us. */
  readonly disconnected: boolean;
  readonly error?: Error;
}

/**
 * A byte stream to a pin pad. The protocol code only ever sees this: the caller chooses
 * serial, TCP or an in-memory pair. A closed stream refuses writes; it never queues them.
 */
export interface ByteStream {
  readonly isOpen: boolean;
  /** What it is connected to, for messages and health ("serial /dev/ttyS39", "tcp 10.0.0.5:27015"). */
  readonly description: string;
  /** Resolves once the bytes are handed to the OS; rejects (and sends nothing) when closed. */
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): () => void;
  onClose(listener: (info: CloseInfo) => void): () => void;
}
