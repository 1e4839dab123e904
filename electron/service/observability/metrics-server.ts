/**
 * The Prometheus endpoint: GET (or HEAD) /metrics on the configured host:port, with an optional
 * bearer token. Total on hostile input: any other path, method or token gets a plain status
 * code and one line of text, and nothing a client sends can end the process.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly token?: string | undefined;
  /** The exposition text and its content type. */
  render(): Promise<{ text: string; contentType: string }>;
  readonly log?: (line: string, data?: Record<string, unknown>) => void;
}

export interface MetricsServer {
  /** host:port actually bound (the port is known after listening on 0). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_URL_LENGTH = 2048;
/** Wrong tokens are answered ever more slowly (up to this), so guessing one takes forever. */
const MAX_FAILURE_DELAY_MS = 5000;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares the presented bearer token with the configured one in constant time. */
function tokenMatches(header: string | undefined, token: string): 'missing' | 'wrong' | 'ok' {
  if (header === undefined) return 'missing';
  const match = /^Bearer[ ]+([\x21-\x7e]{1,1024})[ ]*$/i.exec(header);
  if (!match) return 'wrong';
  return timingSafeEqual(digest(match[1]!), digest(token)) ? 'ok' : 'wrong';
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  let failures = 0;
  const reply = (res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
    res.end(`${text}\n`);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = req.url ?? '';
    if (url.length > MAX_URL_LENGTH) return reply(res, 414, 'URI too long');
    let path: string;
    try {
      path = new URL(url, 'http://metrics.invalid').pathname;
    } catch {
      return reply(res, 400, 'bad request target');
    }
    if (path !== '/metrics') return reply(res, 404, 'not found: the metrics are at /metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed: use GET', { allow: 'GET, HEAD' });
    if (options.token !== undefined) {
      const verdict = tokenMatches(req.headers.authorization, options.token);
      if (verdict !== 'ok') {
        failures++;
        const delay = Math.min(MAX_FAILURE_DELAY_MS, 100 * 2 ** Math.min(failures - 1, 10));
        options.log?.('metrics: request without the right bearer token', { remote: req.socket.remoteAddress, verdict });
        await new Promise((resolve) => setTimeout(resolve, delay));
        return verdict === 'missing'
          ? reply(res, 401, 'a bearer token is required', { 'www-authenticate': 'Bearer realm="kiosk metrics"' })
          : reply(res, 403, 'wrong bearer token');
      }
      failures = 0;
    }
    const { text, contentType } = await options.render();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  };

  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: 16_384 }, (req, res) => {
    // A request body is never read: GET needs none, and the connection is not kept for it.
    req.resume();
    handle(req, res).catch((error: unknown) => {
      options.log?.('metrics: request failed', { error: error instanceof Error ? error.message : String(error) });
      reply(res, 500, 'metrics unavailable');
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.log?.('metrics: server error', { error: error.message }));
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: `${host}:${bound.port}`,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
