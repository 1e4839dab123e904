/**
 * Hostile input on the loopback bridge: malformed HTTP, wrong methods and Host headers, frames
 * with any JSON in any field, a handler or a subscriber that throws, weak tokens, token guessing.
 * Each gets a typed answer or ends its own connection; the service goes on in this process.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBridge } from '../../electron/bridge/server.js';
import { HelloThrottle } from '../../electron/bridge/throttle.js';
import { weakTokenReason } from '../../electron/contract/token-strength.js';
import { createDispatcher, payloadDepth } from '../../electron/ipc/dispatch.js';
import { nodeSocket, startRig, TOKEN, type Rig } from './rig.js';

/** A fresh token of 192 random bits, as the setup makes one. */
const newToken = (): string => randomBytes(24).toString('base64url');

/** Sends raw bytes over HTTP and returns the status code of the answer (0 when the socket closed without one). */
export function rawHttp(port: number, request: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.write(request, 'latin1');
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

function get(port: number, path: string, host = `127.0.0.1:${port}`, method = 'GET'): Promise<{ status: number; text: string }> {
  return rawHttp(port, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}

/** A raw authenticated socket that collects what the bridge sends. */
async function authed(url: string): Promise<{ socket: WebSocket; messages: Array<Record<string, unknown>>; closed: Promise<number> }> {
  const socket = nodeSocket(url);
  const messages: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'hello', token: TOKEN }));
  await waitUntil(() => messages.some((m) => m.type === 'ready'));
  return { socket, messages, closed };
}

async function waitUntil(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HTTP: every request gets an answer, none stops the service', () => {
  let rig: Rig;
  let port: number;
  const staticDir = mkdtempSync(join(tmpdir(), 'hostile-ui-'));

  beforeAll(async () => {
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><div id="root"></div>');
    rig = await startRig({ staticDir });
    port = rig.web.bridge.port;
  }, 60_000);

  afterAll(async () => {
    await rig.stop();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it.each(['/%', '/%E0%A4%A', '/assets/%c0%af', '//', '/%00', '/..%5c..%5cetc/passwd', '*'])('a malformed path %s → 400', async (path) => {
    expect((await get(port, path)).status).toBe(400);
  });

  it('methods other than GET and HEAD → 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) {
      const answer = await get(port, '/', undefined, method);
      expect(answer.status, method).toBe(405);
      expect(answer.text).toMatch(/allow: GET, HEAD/i);
    }
    expect((await get(port, '/', undefined, 'HEAD')).status).toBe(200);
  });

  it('a Host other than the loopback name and port → 421', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `10.0.0.1:${port}`, '']) {
      expect((await get(port, '/', host)).status, host).toBe(421);
    }
    expect((await rawHttp(port, 'GET / HTTP/1.0\r\n\r\n')).status).toBe(421);
    expect((await get(port, '/', `localhost:${port}`)).status).toBe(200);
    expect((await get(port, '/', `127.0.0.1:${port}`)).status).toBe(200);
  });

  it('garbage that is not HTTP → 400 or a closed socket, and the service still serves', async () => {
    for (const garbage of ['\x00\x01\x02\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `GET /${'a'.repeat(100_000)} HTTP/1.1\r\n\r\n`]) {
      const answer = await rawHttp(port, garbage);
      expect([0, 400, 414, 431, 505]).toContain(answer.status);
    }
    expect((await get(port, '/')).status).toBe(200);
  });

  it('the socket of a foreign Host is refused before the bridge', async () => {
    const socket = new WebSocket(rig.web.bridge.wsUrl, { headers: { Host: 'evil.example' } });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });

  it('a client offering per-message deflate gets plain frames (no zlib state per connection)', async () => {
    const socket = new WebSocket(rig.web.bridge.wsUrl, { perMessageDeflate: true });
    const offered = new Promise<string | undefined>((resolve) => socket.once('upgrade', (res) => resolve(res.headers['sec-websocket-extensions'])));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    expect(await offered).toBeUndefined();
    expect(socket.extensions).toBe('');
    socket.close();
  });

  it('after all of it, the same process approves a card payment', async () => {
    const pid = process.pid;
    const receipt = await rig.client.invoke('receipt.open', { lines: [{ name: 'Хлеб', quantity: 1, amount: 5000 }], total: 5000 });
    await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 5000 });
    const done = await rig.waitFor('payment', (event) => event.phase === 'done', 60_000);
    expect(done.part?.state).toBe('APPROVED');
    expect(process.pid).toBe(pid);
  }, 90_000);
});

describe('bridge frames: any JSON in any field gets a typed answer', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);

  afterAll(async () => {
    await rig.stop();
  });

  it('a method that is not a string (an object with toString, an array, null) → unknown-method', async () => {
    const conn = await authed(rig.web.bridge.wsUrl);
    const methods: unknown[] = [{ toString: 1 }, { toString: null, valueOf: 1 }, [1, 2], null, true, 1e308, -0, ''];
    methods.forEach((method, i) => conn.socket.send(JSON.stringify({ type: 'invoke', id: i + 1, method, input: {} })));
    await waitUntil(() => conn.messages.filter((m) => m.type === 'result').length === methods.length);
    for (const message of conn.messages.filter((m) => m.type === 'result'))
      expect(message.result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    conn.socket.close();
  });

  it('input nested 100 000 deep → invalid-input, and the connection goes on', async () => {
    const conn = await authed(rig.web.bridge.wsUrl);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    conn.socket.send(`{"type":"invoke","id":7,"method":"receipt.open","input":${deep}}`);
    conn.socket.send(`{"type":"invoke","id":8,"method":${deep},"input":{}}`);
    conn.socket.send(JSON.stringify({ type: 'invoke', id: 9, method: 'config.get', input: {} }));
    await waitUntil(() => conn.messages.filter((m) => m.type === 'result').length === 3);
    const byId = new Map(conn.messages.filter((m) => m.type === 'result').map((m) => [m.id, m.result]));
    expect(byId.get(7)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(byId.get(8)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(byId.get(9)).toMatchObject({ ok: true });
    expect(payloadDepth(JSON.parse(deep))).toBeGreaterThan(16);
    conn.socket.close();
  });

  it('frames that are not invocations → typed error frames with the id when there is one', async () => {
    const conn = await authed(rig.web.bridge.wsUrl);
    const frames = [
      'null',
      '1',
      '"text"',
      '[]',
      '[1,2]',
      '{}',
      '{"type":"invoke"}',
      '{"type":"invoke","id":"1","method":"config.get"}',
      '{"type":"invoke","id":1.5}',
      '{"type":"hello","token":"x"}',
      '{"type":{"a":1},"id":3}',
      'not json',
      '{"__proto__":{"type":"invoke"},"id":4}',
    ];
    for (const frame of frames) conn.socket.send(frame);
    await waitUntil(() => conn.messages.filter((m) => m.type === 'error').length === frames.length);
    const errors = conn.messages.filter((m) => m.type === 'error');
    for (const error of errors) expect(['bad-message', 'not-json']).toContain(error.code);
    expect(errors.find((e) => e.id === 3)).toBeDefined();
    conn.socket.send(JSON.stringify({ type: 'invoke', id: 99, method: 'pinpad.health', input: {} }));
    await waitUntil(() => conn.messages.some((m) => m.type === 'result' && m.id === 99));
    conn.socket.close();
  });
});

describe('one connection failing ends only that connection', () => {
  it('a dispatcher or a subscriber that throws: that socket closes (1011) or gets an internal error; others go on', async () => {
    const logs: string[] = [];
    let failSubscribe = false;
    const token = newToken();
    const bridge = await startBridge({
      port: 0,
      token,
      dispatch: (method) => (method === 'boom' ? Promise.reject(new Error('boom')) : Promise.resolve({ ok: true, value: 'fine' })),
      subscribe: () => {
        if (failSubscribe) throw new Error('subscriber failed');
        return () => undefined;
      },
      log: (line) => logs.push(line),
    });
    try {
      const open = async (): Promise<{ socket: WebSocket; messages: Array<Record<string, unknown>>; closed: Promise<number> }> => {
        const socket = new WebSocket(bridge.wsUrl);
        const messages: Array<Record<string, unknown>> = [];
        socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
        const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
        await new Promise<void>((resolve) => socket.once('open', () => resolve()));
        socket.send(JSON.stringify({ type: 'hello', token }));
        return { socket, messages, closed };
      };
      const good = await open();
      await waitUntil(() => good.messages.some((m) => m.type === 'ready'));
      good.socket.send(JSON.stringify({ type: 'invoke', id: 1, method: 'boom', input: {} }));
      await waitUntil(() => good.messages.some((m) => m.id === 1));
      expect(good.messages.find((m) => m.id === 1)?.result).toMatchObject({ ok: false, error: { code: 'internal' } });

      failSubscribe = true;
      const bad = await open();
      expect(await bad.closed).toBe(1011);
      expect(logs.some((line) => line.includes('closing that connection'))).toBe(true);

      good.socket.send(JSON.stringify({ type: 'invoke', id: 2, method: 'fine', input: {} }));
      await waitUntil(() => good.messages.some((m) => m.id === 2));
      expect(good.messages.find((m) => m.id === 2)?.result).toEqual({ ok: true, value: 'fine' });
      good.socket.close();
    } finally {
      await bridge.close();
    }
  });

  it('the dispatcher answers even when its log throws', async () => {
    const dispatch = createDispatcher({} as never, () => {
      throw new Error('log failed');
    });
    expect(await dispatch({ toString: 1 }, {}, { unlocked: false, caller: 'test' })).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

/** A bridge whose every call answers null, with the given throttle; `log` gets its log lines. */
function tokenBridge(token: string, throttle: HelloThrottle, log: (line: string, data?: Record<string, unknown>) => void = () => undefined) {
  return startBridge({ port: 0, token, dispatch: () => Promise.resolve({ ok: true, value: null }), subscribe: () => () => undefined, log, throttle });
}

/** The token with its last character changed: wrong, and different for each `i` (0–9). */
function nearMiss(token: string, i: number): string {
  const others = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((c) => c !== token.at(-1));
  return `${token.slice(0, -1)}${others[i]}`;
}

describe('the bridge token', () => {
  it('a weak token is refused with a clear error; a fresh one carries at least 128 bits', async () => {
    const dispatch = (): Promise<never> => Promise.reject(new Error('unused'));
    for (const weak of ['a'.repeat(24), 'a'.repeat(64), 'password1234567890123456', 'test-token-test-token-test-token']) {
      await expect(startBridge({ port: 0, token: weak, dispatch, subscribe: () => () => undefined })).rejects.toThrow(/^the bridge token is too weak/);
    }
    for (let i = 0; i < 200; i++) expect(weakTokenReason(newToken())).toBeUndefined();
  });

  it('wrong hellos are spaced out after five and refused when too many wait', () => {
    let now = 1_000_000;
    const throttle = new HelloThrottle({ freeFailures: 5, slotMs: 250, windowMs: 60_000, maxWaiting: 3, now: () => now });
    for (let i = 0; i < 5; i++) {
      expect(throttle.reserve()?.delayMs).toBe(0);
      throttle.noteFailure();
    }
    expect(throttle.throttled).toBe(true);
    const a = throttle.reserve()!;
    const b = throttle.reserve()!;
    const c = throttle.reserve()!;
    expect([a.delayMs, b.delayMs, c.delayMs]).toEqual([0, 250, 500]);
    expect(throttle.reserve()).toBeUndefined();
    a.done();
    expect(throttle.reserve()?.delayMs).toBe(750);
    now += 61_000;
    expect(throttle.throttled).toBe(false);
    expect(throttle.failures).toBe(5);
  });

  it('wrong hellos are logged with a count, and the right token still gets in', async () => {
    const logs: Array<Record<string, unknown>> = [];
    const token = newToken();
    const bridge = await tokenBridge(token, new HelloThrottle({ slotMs: 20 }), (line, data) => logs.push({ line, ...data }));
    try {
      const hello = (given: string): Promise<number | 'ready'> =>
        new Promise((resolve) => {
          const socket = new WebSocket(bridge.wsUrl);
          socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', token: given })));
          socket.on('message', (data) => {
            if ((JSON.parse(data.toString()) as { type: string }).type === 'ready') {
              socket.close();
              resolve('ready');
            }
          });
          socket.on('close', (code) => resolve(code));
        });
      for (let i = 0; i < 8; i++) expect(await hello(nearMiss(token, i))).toBe(4401);
      const refused = logs.filter((entry) => entry.line === 'bridge refused a client without the token');
      expect(refused[0]).toMatchObject({ wrongHellos: 1 });
      expect(await hello(token)).toBe('ready');
    } finally {
      await bridge.close();
    }
  });

  it('a flood of wrong hellos never holds up the right token: it gets in while wrong ones still wait their turn', async () => {
    const token = newToken();
    // Long slots: the held wrong hellos are still waiting when the right one arrives.
    const bridge = await tokenBridge(token, new HelloThrottle({ freeFailures: 2, slotMs: 1_500, maxWaiting: 4 }));
    const order: string[] = [];
    const sockets: WebSocket[] = [];
    const hello = (given: string, name: string): Promise<void> =>
      new Promise((resolve) => {
        const socket = new WebSocket(bridge.wsUrl);
        sockets.push(socket);
        socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', token: given })));
        socket.on('message', (data) => {
          if ((JSON.parse(data.toString()) as { type: string }).type === 'ready') {
            order.push(`${name} ready`);
            resolve();
          }
        });
        socket.on('close', (code) => {
          order.push(`${name} closed ${code}`);
          resolve();
        });
      });
    try {
      // Two free refusals, then the throttle holds wrong hellos one per slot and refuses beyond four waiting.
      await hello('x'.repeat(43), 'w0');
      await hello('y'.repeat(43), 'w1');
      const flood = Array.from({ length: 10 }, (_, i) => hello(nearMiss(token, i), `f${i}`));
      // Wait until the flood is in: at most four are held, the others are answered at once.
      while (order.filter((e) => e.startsWith('f')).length < 6) await new Promise((r) => setTimeout(r, 10));
      expect(order.some((e) => e.endsWith('closed 4429'))).toBe(true);
      await hello(token, 'right');
      const rightAt = order.indexOf('right ready');
      expect(rightAt).toBeGreaterThan(-1);
      // At least one held wrong hello was answered only after the right one got in.
      await Promise.all(flood);
      const heldAfter = order.slice(rightAt + 1).filter((e) => /^f\d+ closed 4401$/.test(e));
      expect(heldAfter.length).toBeGreaterThan(0);
      // Every wrong hello was refused: 4401 (bad token, in its turn) or 4429 (too many waiting).
      expect(order.filter((e) => e.startsWith('f')).every((e) => / closed (4401|4429)$/.test(e))).toBe(true);
      expect(order.filter((e) => e.endsWith('ready'))).toEqual(['right ready']);
    } finally {
      for (const socket of sockets) socket.terminate();
      await bridge.close();
    }
  });
});
