/** The WebSocket bridge's server: the contract on loopback (token hello, the shared dispatcher, events), and the built UI in browser mode. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_PATH, CLOSE_BAD_MESSAGE, CLOSE_UNAUTHORISED, type ServerMessage } from '../contract/bridge-protocol.js';
import type { CallContext, EventName } from '../contract/methods.js';
import { MAX_PAYLOAD_BYTES, type Dispatch } from '../ipc/dispatch.js';

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

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The CSP of the UI: no remote content, no eval; the bridge socket on this origin only. */
export function contentSecurityPolicy(wsOrigin: string | undefined): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    // Electron talks over IPC only: no network at all. Browser mode: the bridge socket on this origin.
    wsOrigin === undefined ? "connect-src 'none'" : `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The contract over WebSocket on loopback, with a token: for browser mode, the end-to-end
 * tests, and a POS core on the same machine. Optionally serves the built UI on the same port.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the bridge listens on loopback only, not ${host}`);
  if (options.token.length < 24) throw new Error('the bridge token must be at least 24 characters');
  const staticRoot = options.staticDir ? resolve(options.staticDir) : undefined;
  let origin = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!staticRoot) {
      res.writeHead(404).end('not found');
      return;
    }
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(staticRoot, path));
    if (!file.startsWith(staticRoot + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });

  // Up to 1 MiB reaches the dispatcher, which refuses anything over MAX_PAYLOAD_BYTES with a clear
  // error; a larger frame closes the socket (1009) before it is buffered.
  const wss = new WebSocketServer({ server, path: BRIDGE_PATH, maxPayload: 16 * MAX_PAYLOAD_BYTES });
  let clientCount = 0;

  wss.on('connection', (socket: WebSocket, req) => {
    const from = `bridge ${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      options.log?.('bridge refused a foreign origin', { origin: requestOrigin });
      socket.close(CLOSE_UNAUTHORISED, 'origin not allowed');
      return;
    }
    const ctx: CallContext = { unlocked: false, caller: from };
    let authed = false;
    let unsubscribe: (() => void) | undefined;
    const send = (message: ServerMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const helloTimer = setTimeout(() => {
      if (!authed) socket.close(CLOSE_UNAUTHORISED, 'no hello');
    }, 5000);
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.close(CLOSE_BAD_MESSAGE, 'text frames only');
        return;
      }
      let message: { type?: unknown; token?: unknown; id?: unknown; method?: unknown; input?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        send({ type: 'error', message: 'not JSON' });
        return;
      }
      if (typeof message !== 'object' || message === null) {
        send({ type: 'error', message: 'not a message object' });
        return;
      }
      if (!authed) {
        if (message.type === 'hello' && tokenMatches(message.token, options.token)) {
          authed = true;
          clearTimeout(helloTimer);
          clientCount++;
          unsubscribe = options.subscribe((name, payload) => send({ type: 'event', name, payload }));
          send({ type: 'ready' });
        } else {
          options.log?.('bridge refused a client without the token', { caller: from });
          socket.close(CLOSE_UNAUTHORISED, 'bad token');
        }
        return;
      }
      if (message.type !== 'invoke' || typeof message.id !== 'number' || !Number.isSafeInteger(message.id)) {
        send({ type: 'error', message: 'expected {type:"invoke", id, method, input}' });
        return;
      }
      const id = message.id;
      void options.dispatch(message.method, message.input, ctx).then((result) => send({ type: 'result', id, result }));
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (authed) clientCount--;
      unsubscribe?.();
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
