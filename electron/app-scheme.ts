/**
 * The UI's own origin in Electron, app://ui/: files of the built renderer folder only, with the
 * CSP on every answer. No electron import: main.ts registers it, tests call it directly.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy, MIME, requestPath } from './web-content.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'ui';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The file an app:// URL names inside `root`; undefined for another host, a bad path or a way out of the folder. */
export function appUrlToFile(url: string, root: string): string | undefined {
  const prefix = `${APP_ORIGIN}/`;
  if (!url.startsWith(prefix)) return undefined;
  const decoded = requestPath(url.slice(APP_ORIGIN.length));
  if (decoded === undefined) return undefined;
  const path = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const file = normalize(join(root, path));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}

/**
 * Answers one app:// request: the file with its type and the CSP, or 404; never throws.
 * `pages` are built-in pages (exact URL → HTML) that need no file, such as the out-of-order page.
 */
export async function appSchemeResponse(
  request: { readonly url: string; readonly method?: string },
  root: string,
  pages?: ReadonlyMap<string, string>,
): Promise<Response> {
  const headers = { 'Content-Security-Policy': contentSecurityPolicy(undefined), 'X-Content-Type-Options': 'nosniff' };
  if (request.method !== undefined && request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405, headers });
  const page = pages?.get(request.url);
  if (page !== undefined) return new Response(page, { status: 200, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
  const file = appUrlToFile(request.url, root);
  try {
    if (file && (await stat(file)).isFile()) {
      return new Response(await readFile(file), { status: 200, headers: { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' } });
    }
  } catch {
    // Missing or unreadable: 404 below.
  }
  return new Response('not found', { status: 404, headers });
}
