/**
 * The contract over the bridge, for the browser UI, tests and integrations. It uses only
 * the standard WebSocket API, so the same file runs in Chromium and (with `ws`) in Node.
 */
import { SUPPORTED_MAJORS, type HelloMessage, type ServerMessage } from './bridge-protocol.js';
import { KioskError, errorFromWire, parseWireError, toWireError, type WireResult } from './errors.js';
import type { EventName, EventPayloads, KioskApi, MethodInput, MethodName, MethodOutput } from './methods.js';

interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface BridgeClientOptions {
  readonly url: string;
  readonly token: string;
  readonly createSocket?: SocketFactory;
  /** Reconnect after this many ms when the connection drops; 0 = never. */
  readonly reconnectMs?: number;
  /** Told when the bridge connection goes up or down. */
  readonly onConnection?: (up: boolean) => void;
}

export class BridgeClient implements KioskApi {
  readonly #options: BridgeClientOptions;
  #socket: SocketLike | undefined;
  #ready: Promise<void> | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>();
  #closed = false;

  constructor(options: BridgeClientOptions) {
    this.#options = options;
  }

  /** Connects and says hello; resolves when the bridge accepted the token. */
  connect(): Promise<void> {
    if (this.#ready) return this.#ready;
    const create = this.#options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    this.#ready = new Promise<void>((resolve, reject) => {
      const socket = create(this.#options.url);
      this.#socket = socket;
      let accepted = false;
      /** Why the bridge refused the hello, when it said so before closing. */
      let refusal: KioskError | undefined;
      const hello: HelloMessage = { type: 'hello', token: this.#options.token, protocol: Math.max(...SUPPORTED_MAJORS) };
      socket.addEventListener('open', () => socket.send(JSON.stringify(hello)));
      socket.addEventListener('message', (event) => {
        let message: ServerMessage;
        try {
          message = JSON.parse(String(event.data)) as ServerMessage;
        } catch {
          return;
        }
        if (message.type === 'ready') {
          accepted = true;
          this.#options.onConnection?.(true);
          resolve();
        } else if (message.type === 'result') {
          const waiter = this.#pending.get(message.id);
          if (!waiter) return;
          this.#pending.delete(message.id);
          const result = message.result;
          if (result.ok) waiter.resolve(result.value);
          else waiter.reject(errorFromWire(parseWireError(result.error)));
        } else if (message.type === 'error' && message.code === 'protocol-version' && !accepted) {
          refusal = new KioskError('protocol-version', message.message, message.data);
        } else if (message.type === 'error' && message.id !== undefined) {
          const waiter = this.#pending.get(message.id);
          if (!waiter) return;
          this.#pending.delete(message.id);
          waiter.reject(errorFromWire({ code: message.code, message: message.message }));
        } else if (message.type === 'event') {
          for (const listener of this.#listeners.get(message.name) ?? []) listener(message.payload as never);
        }
      });
      socket.addEventListener('close', (event) => {
        this.#socket = undefined;
        this.#ready = undefined;
        for (const [, waiter] of this.#pending)
          waiter.reject(new KioskError('bridge-closed', 'the connection to the service was lost; the outcome is decided by the service'));
        this.#pending.clear();
        if (!accepted)
          reject(refusal ?? new KioskError('bridge-refused', `the bridge closed the connection (${event.code ?? ''} ${event.reason ?? ''})`.trim()));
        else this.#options.onConnection?.(false);
        if (accepted) this.#scheduleReconnect();
      });
      socket.addEventListener('error', () => undefined);
    });
    return this.#ready;
  }

  /** After a drop, keeps trying every reconnectMs until the bridge is back (or close() is called). */
  #scheduleReconnect(): void {
    const again = this.#options.reconnectMs ?? 0;
    if (again <= 0 || this.#closed) return;
    setTimeout(() => {
      if (this.#closed || this.#ready) return;
      this.connect().catch(() => this.#scheduleReconnect());
    }, again);
  }

  async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    await this.connect();
    const socket = this.#socket;
    if (!socket) throw new KioskError('bridge-closed', 'not connected to the service');
    const id = this.#nextId++;
    return new Promise<MethodOutput<M>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      socket.send(JSON.stringify({ type: 'invoke', id, method, input }));
    });
  }

  /** Sends anything at all (tests of the bridge's validation). */
  async invokeRaw(method: unknown, input: unknown): Promise<WireResult<unknown>> {
    try {
      return { ok: true, value: await this.invoke(method as MethodName, input as never) };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close(1000, 'bye');
  }
}
