/**
 * The hostile-input fuzzer of the loopback service (fast-check): raw HTTP request lines and
 * bridge frames with any JSON in any field, against browser mode with the built-in emulator.
 * Every input must get an answer (or a closed connection of its own), never a 500 or an exit;
 * afterwards a card payment must still be approved in the same process.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import { METHOD_NAMES } from '../../electron/contract/channels.js';
import { randomBytes } from 'node:crypto';
import { startWebMode } from '../../scripts/web.js';

export interface FuzzOptions {
  readonly httpRuns: number;
  readonly frameRuns: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export interface FuzzReport {
  readonly httpRequests: number;
  readonly frames: number;
  readonly inputs: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly replies: Readonly<Record<string, number>>;
  readonly pid: number;
  readonly paymentState: string | undefined;
  readonly unhandled: number;
  readonly seed: number;
}

/** Statuses a hostile request may get; a 500 would mean an exception reached the handler. */
const ALLOWED_STATUS = new Set([0, 200, 400, 404, 405, 414, 421, 431, 501, 505]);

function rawHttp(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (head.length < 64) head += chunk;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)));
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer within 30 s')));
    socket.end(request, 'latin1');
  });
}

const token = (): fc.Arbitrary<string> => fc.string({ unit: 'binary-ascii', maxLength: 12 });
const nasty = fc.constantFrom(
  '%',
  '%E0%A4%A',
  '%c0%af',
  '..',
  '%2e%2e',
  '%00',
  '%5c',
  '\\',
  'index.html',
  'assets',
  '%%',
  '%zz',
  '?',
  '#',
  ';',
  '//',
  '\u0000',
);

function requestLine(port: number): fc.Arbitrary<string> {
  const method = fc.oneof(
    { weight: 6, arbitrary: fc.constant('GET') },
    { weight: 3, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'get', 'PRI') },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,10}$/) },
    { weight: 1, arbitrary: token() },
  );
  const target = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('/', '//', '*', '/index.html', `http://127.0.0.1:${port}/`, '') },
    { weight: 6, arbitrary: fc.array(fc.oneof(nasty, fc.webSegment(), fc.string({ maxLength: 8 })), { maxLength: 6 }).map((parts) => `/${parts.join('/')}`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  );
  const version = fc.oneof(
    { weight: 8, arbitrary: fc.constant('HTTP/1.1') },
    { weight: 2, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', '', 'HTTP/0.9') },
  );
  const host = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(`Host: 127.0.0.1:${port}\r\n`, `Host: localhost:${port}\r\n`) },
    { weight: 2, arbitrary: fc.constantFrom('Host: evil.example\r\n', `Host: [::1]:${port}\r\n`, '') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((h) => `Host: ${h}\r\n`) },
  );
  const extra = fc.oneof(
    fc.constant(''),
    fc.constantFrom('Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n', 'Content-Length: -1\r\n', 'Upgrade: websocket\r\n'),
    token().map((t) => `${t}\r\n`),
  );
  return fc.tuple(method, target, version, host, extra).map(([m, t, v, h, e]) => `${m} ${t} ${v}\r\n${h}${e}Connection: close\r\n\r\nhello`);
}

/** A bridge frame: mostly objects shaped like invocations with any JSON in any field, some raw text. */
function frame(): fc.Arbitrary<string> {
  const any = fc.jsonValue({ maxDepth: 4 });
  const invocation = fc.record(
    {
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant('invoke') },
        { weight: 1, arbitrary: fc.constantFrom('hello', 'result', 'event') },
        { weight: 1, arbitrary: any },
      ),
      id: fc.oneof({ weight: 8, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.double() }, { weight: 1, arbitrary: any }),
      method: fc.oneof(fc.constantFrom(...METHOD_NAMES), any),
      input: fc.oneof(any, fc.dictionary(fc.constantFrom('receiptId', 'paymentId', 'lines', 'total', 'amount', 'method', 'items', 'pin', 'text', 'id'), any)),
      token: any,
    },
    { requiredKeys: ['type', 'id'] },
  );
  return fc.oneof(
    { weight: 8, arbitrary: invocation.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: any.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.nat({ max: 3000 }).map((depth) => `{"type":"invoke","id":1,"method":"receipt.open","input":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    },
  );
}

/** An authenticated raw socket whose next non-event message can be awaited. */
async function rawClient(url: string, secret: string): Promise<{ next(): Promise<Record<string, unknown> | 'closed'>; socket: WebSocket }> {
  const socket = new WebSocket(url);
  const queue: Array<Record<string, unknown>> = [];
  const waiters: Array<(m: Record<string, unknown> | 'closed') => void> = [];
  let closed = false;
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    if (message.type === 'event') return;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  socket.on('close', () => {
    closed = true;
    for (const waiter of waiters.splice(0)) waiter('closed');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (): Promise<Record<string, unknown> | 'closed'> => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (closed) return Promise.resolve('closed');
    return new Promise((resolve) => waiters.push(resolve));
  };
  socket.send(JSON.stringify({ type: 'hello', token: secret }));
  const ready = await next();
  if (ready === 'closed' || ready.type !== 'ready') throw new Error('the bridge did not accept the token');
  return { next, socket };
}

export async function runHostileFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const dir = mkdtempSync(join(tmpdir(), 'hostile-fuzz-'));
  const ui = join(dir, 'ui');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><div id="root"></div>');
  let unhandled = 0;
  const onUnhandled = (reason: unknown): void => {
    unhandled++;
    log(`unhandled: ${reason instanceof Error ? reason.message : String(reason)}`);
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const pid = process.pid;
  const secret = randomBytes(24).toString('base64url');
  const web = await startWebMode({ port: 0, dataDir: join(dir, 'data'), token: secret, staticDir: ui, emulatorArgs: ['--fast'], responseTimeoutSeconds: 10 });
  const statuses: Record<string, number> = {};
  const replies: Record<string, number> = {};
  let httpRequests = 0;
  let frames = 0;
  try {
    const port = web.bridge.port;
    await fc.assert(
      fc.asyncProperty(requestLine(port), async (request) => {
        const status = await rawHttp(port, request);
        httpRequests++;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (httpRequests % 5000 === 0) log(`http: ${httpRequests} requests`);
        if (!ALLOWED_STATUS.has(status)) throw new Error(`HTTP ${status} for ${JSON.stringify(request.slice(0, 120))}`);
      }),
      { numRuns: options.httpRuns, seed, endOnFailure: true },
    );

    let client = await rawClient(web.bridge.wsUrl, secret);
    await fc.assert(
      fc.asyncProperty(frame(), async (text) => {
        client.socket.send(text);
        const reply = await client.next();
        frames++;
        if (frames % 20_000 === 0) log(`bridge: ${frames} frames`);
        if (reply === 'closed') {
          // Only a frame over the size limit may close the connection; open another and go on.
          replies.closed = (replies.closed ?? 0) + 1;
          client = await rawClient(web.bridge.wsUrl, secret);
          return;
        }
        const kind =
          reply.type === 'result'
            ? `result:${(reply.result as { ok: boolean; error?: { code: string } }).ok ? 'ok' : (reply.result as { error: { code: string } }).error.code}`
            : `error:${String(reply.code)}`;
        replies[kind] = (replies[kind] ?? 0) + 1;
        if (kind === 'result:internal') throw new Error(`internal error for ${text.slice(0, 200)}`);
        if (reply.type !== 'result' && reply.type !== 'error') throw new Error(`unexpected reply ${JSON.stringify(reply).slice(0, 200)}`);
      }),
      { numRuns: options.frameRuns, seed, endOnFailure: true },
    );
    client.socket.close();

    // The service is alive: a card payment goes through in this same process.
    const api = new BridgeClient({ url: web.bridge.wsUrl, token: secret, createSocket: (url) => new WebSocket(url) as never });
    await api.connect();
    const receipt = await api.invoke('receipt.open', { lines: [{ name: 'Проверка', quantity: 1, amount: 10_000 }], total: 10_000 });
    const done = new Promise<string | undefined>((resolve) => {
      api.on('payment', (event) => {
        if (event.receiptId === receipt.id && event.phase === 'done') resolve(event.part?.state);
      });
    });
    await api.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 10_000 });
    const paymentState = await done;
    api.close();
    return { httpRequests, frames, inputs: httpRequests + frames, statuses, replies, pid, paymentState, unhandled, seed };
  } finally {
    await web.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    rmSync(dir, { recursive: true, force: true });
  }
}
