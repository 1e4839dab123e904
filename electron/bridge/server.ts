/** The WebSocket bridge's server: the contract on loopback (token hello, the shared dispatcher, events), and the built UI in browser mode. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BRIDGE_PATH,
  CLOSE_BAD_MESSAGE,
  CLOSE_INTERNAL,
  CLOSE_PROTOCOL_VERSION,
  CLOSE_THROTTLED,
  CLOSE_UNAUTHORISED,
  HELLO_TIMEOUT_MS,
  PROTOCOL_VERSION,
  SUPPORTED_MAJORS,
  type ServerMessage,
} from '../contract/bridge-protocol.js';
import type { CallContext, EventName } from '../contract/methods.js';
import { MAX_PAYLOAD_BYTES, type Dispatch } from '../ipc/dispatch.js';
import { HelloThrottle } from './throttle.js';
import { contentSecurityPolicy, MIME, requestPath } from '../web-content.js';
import { weakTokenReason } from '../contract/token-strength.js';

export interface BridgeOptions {
  /** Loopback only; anything else is refused. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly token: string;
  readonly dispatch: Dispatch;
  /** Subscribes to the service's events; returns the unsubscribe. */
  readonly subscribe: (emit: (name: EventName, payload: unknown) => void) => () => void;
  /** Serve the built UI from here (browser mode). */
  readonly staticDir?: string;
  readonly log?: (line: string, data?: Record<string, unknown>) => void;
  /** Spacing of token checks after wrong hellos; replaceable in tests. */
  readonly throttle?: HelloThrottle;
}

export interface Bridge {
  readonly port: number;
  /** The page URL (browser mode) with the token in the fragment, which never reaches a server log. */
  readonly pageUrl: string;
  readonly wsUrl: string;
  readonly clients: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A reply without a body worth reading; errors are plain text. */
function plain(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
}

/** The Host values this bridge answers to: its loopback address or "localhost", with its port. */
function allowedHosts(host: string, port: number): ReadonlySet<string> {
  const names = host === '::1' ? ['[::1]', 'localhost'] : [host === 'localhost' ? '127.0.0.1' : host, 'localhost'];
  return new Set(names.map((name) => `${name}:${port}`.toLowerCase()));
}

/**
 * The contract over WebSocket on loopback, with a token: for browser mode, the end-to-end
 * tests, and a POS core on the same machine. Optionally serves the built UI on the same port.
 * Every request and frame gets an answer or a close of its own connection; none ends the process.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the bridge listens on loopback only, not ${host}`);
  const weak = weakTokenReason(options.token);
  if (weak) throw new Error(`the bridge token ${weak}`);
  const staticRoot = options.staticDir ? resolve(options.staticDir) : undefined;
  const throttle = options.throttle ?? new HelloThrottle();
  let origin = '';
  let hosts: ReadonlySet<string> = new Set();
  const log = (line: string, data?: Record<string, unknown>): void => {
    try {
      options.log?.(line, data);
    } catch {
      // A failing log must not turn into a failing request.
    }
  };

  const serve = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!hosts.has(String(req.headers.host ?? '').toLowerCase())) {
      plain(res, 421, 'misdirected request: this service answers to its loopback address only');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const decoded = requestPath(req.url);
    if (decoded === undefined) {
      plain(res, 400, 'bad request path');
      return;
    }
    if (!staticRoot) {
      plain(res, 404, 'not found');
      return;
    }
    const path = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
    const file = normalize(join(staticRoot, path));
    if (!file.startsWith(staticRoot + sep) || !existsSync(file) || !statSync(file).isFile()) {
      plain(res, 404, 'not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = http.createServer((req, res) => {
    try {
      serve(req, res);
    } catch (error) {
      log('bridge HTTP request failed', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    }
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    log('bridge refused a malformed HTTP request', { error: error.code ?? error.message });
    if (socket.writable && !(error.code === 'ECONNRESET')) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  // Up to 1 MiB reaches the dispatcher, which refuses anything over MAX_PAYLOAD_BYTES with a clear
  // error; a larger frame closes the socket (1009) before it is buffered. No per-message deflate
  // (ws's default, stated here so that it stays): on loopback it saves nothing, and each
  // connection's zlib contexts are native memory that fragments over weeks of running.
  const wss = new WebSocketServer({
    server,
    path: BRIDGE_PATH,
    perMessageDeflate: false,
    maxPayload: 16 * MAX_PAYLOAD_BYTES,
    verifyClient: (info: { req: http.IncomingMessage }) => hosts.has(String(info.req.headers.host ?? '').toLowerCase()),
  });
  wss.on('error', (error) => log('bridge socket server error', { error: error.message }));
  let clientCount = 0;
  let lastFailureLog = 0;
  let failuresLogged = 0;
  const noteWrongHello = (caller: string): void => {
    throttle.noteFailure();
    // Logged with a count: the first one at once, then at most every 10 s, so a flood does not fill the disk.
    const now = Date.now();
    if (throttle.failures === 1 || now - lastFailureLog >= 10_000) {
      log('bridge refused a client without the token', {
        caller,
        wrongHellos: throttle.failures,
        sinceLastLine: throttle.failures - failuresLogged,
        recent: throttle.recentFailures,
        throttled: throttle.throttled,
      });
      lastFailureLog = now;
      failuresLogged = throttle.failures;
    }
  };

  wss.on('connection', (socket: WebSocket, req) => {
    const from = `bridge ${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      log('bridge refused a foreign origin', { origin: requestOrigin.slice(0, 200) });
      socket.close(CLOSE_UNAUTHORISED, 'origin not allowed');
      return;
    }
    const ctx: CallContext = { unlocked: false, caller: from };
    let authed = false;
    let checking = false;
    let unsubscribe: (() => void) | undefined;
    const send = (message: ServerMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const refuse = (code: 'bad-message' | 'not-json', message: string, id?: number): void =>
      send({ type: 'error', code, message, ...(id !== undefined ? { id } : {}) });
    const helloTimer = setTimeout(() => {
      if (!authed) socket.close(CLOSE_UNAUTHORISED, 'no hello');
    }, HELLO_TIMEOUT_MS);

    /**
     * The right token gets in at once, whatever else is going on: a flood of wrong hellos never
     * holds up the kiosk's own screen. A wrong one is counted and, after a few, answered only in
     * its turn (one per slot, few waiting): a guesser is slowed and the log and CPU stay bounded.
     * The token's strength (at least 128 bits) is what keeps it secret; this only slows and shows.
     */
    const hello = (token: unknown): void => {
      if (tokenMatches(token, options.token)) {
        authed = true;
        clearTimeout(helloTimer);
        clientCount++;
        unsubscribe = options.subscribe((name, payload) => send({ type: 'event', name, payload }));
        send({ type: 'ready', protocol: PROTOCOL_VERSION });
        return;
      }
      const slot = throttle.reserve();
      noteWrongHello(from);
      if (!slot) {
        socket.close(CLOSE_THROTTLED, 'too many wrong hellos: try again later');
        return;
      }
      checking = true;
      const answerWrong = (): void => {
        slot.done();
        checking = false;
        if (socket.readyState === socket.OPEN) socket.close(CLOSE_UNAUTHORISED, 'bad token');
      };
      if (slot.delayMs > 0) setTimeout(answerWrong, slot.delayMs).unref?.();
      else answerWrong();
    };

    /** A hello may name the major version it speaks; one this service does not speak is told so, then closed. */
    const versionRefused = (protocol: unknown): boolean => {
      if (protocol === undefined || (typeof protocol === 'number' && SUPPORTED_MAJORS.includes(protocol))) return false;
      const asked = typeof protocol === 'number' || typeof protocol === 'string' ? String(protocol).slice(0, 20) : typeof protocol;
      log('bridge refused a hello for another protocol version', { caller: from, asked });
      clearTimeout(helloTimer);
      send({
        type: 'error',
        code: 'protocol-version',
        message: `this service speaks bridge protocol ${PROTOCOL_VERSION} (major ${SUPPORTED_MAJORS.join(', ')}); the hello asked for ${asked}`,
        data: { supported: SUPPORTED_MAJORS, version: PROTOCOL_VERSION },
      });
      socket.close(CLOSE_PROTOCOL_VERSION, 'protocol version not supported');
      return true;
    };

    const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
      if (isBinary) {
        socket.close(CLOSE_BAD_MESSAGE, 'text frames only');
        return;
      }
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        refuse('not-json', 'not JSON');
        return;
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        refuse('bad-message', 'not a message object');
        return;
      }
      const fields = message as { type?: unknown; token?: unknown; protocol?: unknown; id?: unknown; method?: unknown; input?: unknown };
      if (!authed) {
        if (checking) refuse('bad-message', 'wait for the answer to the hello');
        else if (fields.type === 'hello') {
          if (!versionRefused(fields.protocol)) hello(fields.token);
        } else {
          noteWrongHello(from);
          socket.close(CLOSE_UNAUTHORISED, 'bad token');
        }
        return;
      }
      const id = typeof fields.id === 'number' && Number.isSafeInteger(fields.id) ? fields.id : undefined;
      if (fields.type !== 'invoke' || id === undefined) {
        refuse('bad-message', 'expected {type:"invoke", id (a whole number), method, input}', id);
        return;
      }
      options.dispatch(fields.method, fields.input, ctx).then(
        (result) => send({ type: 'result', id, result }),
        (error: unknown) => {
          log('bridge call failed', { caller: from, error: error instanceof Error ? error.message : String(error) });
          send({ type: 'result', id, result: { ok: false, error: { code: 'internal', message: 'the call failed inside the service' } } });
        },
      );
    };

    socket.on('message', (data, isBinary) => {
      try {
        onMessage(data, isBinary);
      } catch (error) {
        // Only this connection ends; the service and every other client go on.
        log('bridge message failed; closing that connection', { caller: from, error: error instanceof Error ? error.message : String(error) });
        socket.close(CLOSE_INTERNAL, 'internal error');
      }
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (authed) clientCount--;
      authed = false;
      unsubscribe?.();
      unsubscribe = undefined;
    });
    socket.on('error', () => socket.terminate());
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostInUrl = host === '::1' ? '[::1]' : host;
  origin = `http://${hostInUrl}:${port}`;
  hosts = allowedHosts(host, port);
  return {
    port,
    pageUrl: `${origin}/#token=${encodeURIComponent(options.token)}`,
    wsUrl: `ws://${hostInUrl}:${port}${BRIDGE_PATH}`,
    get clients() {
      return clientCount;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
