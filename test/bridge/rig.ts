/** A browser-mode rig for the bridge tests: service, emulator and bridge started in-process, and a bridge client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import type { EventName, EventPayloads } from '../../electron/contract/methods.js';
import { startWebMode, type WebMode, type WebModeOptions } from '../../scripts/web.js';

export const TOKEN = 'test-token-0123456789abcdefghij';

export interface Rig {
  readonly web: WebMode;
  readonly client: BridgeClient;
  readonly dir: string;
  readonly events: Array<{ name: EventName; payload: unknown }>;
  /** Waits until an event matches. */
  waitFor<E extends EventName>(name: E, match: (payload: EventPayloads[E]) => boolean, timeoutMs?: number): Promise<EventPayloads[E]>;
  stop(): Promise<void>;
}

export function nodeSocket(url: string, origin?: string): WebSocket {
  return new WebSocket(url, origin ? { origin } : {});
}

export async function startRig(options: Partial<WebModeOptions> & { emulatorArgs?: readonly string[] } = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-bridge-'));
  const web = await startWebMode({ port: 0, dataDir: dir, token: TOKEN, emulatorArgs: ['--fast'], responseTimeoutSeconds: 5, ...options });
  const client = new BridgeClient({ url: web.bridge.wsUrl, token: TOKEN, createSocket: (url) => nodeSocket(url) as never });
  await client.connect();
  const events: Array<{ name: EventName; payload: unknown }> = [];
  const waiters: Array<() => void> = [];
  for (const name of ['payment', 'receipt', 'pinpad', 'late-payment'] as const) {
    client.on(name, (payload) => {
      events.push({ name, payload });
      for (const wake of waiters.splice(0)) wake();
    });
  }
  return {
    web,
    client,
    dir,
    events,
    async waitFor(name, match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let seen = 0;
      for (;;) {
        for (; seen < events.length; seen++) {
          const event = events[seen]!;
          if (event.name === name && match(event.payload as never)) return event.payload as never;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${name} event matched within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async stop() {
      client.close();
      await web.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
