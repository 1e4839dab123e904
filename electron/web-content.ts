/**
 * What the built UI is served with, by the bridge's HTTP server (browser mode) and by the
 * Electron shell's app:// scheme alike: content types, the content security policy, and the
 * reading of a request path. Neither of the two imports the other.
 */

/** Content types of the built UI's files. */
export const MIME: Readonly<Record<string, string>> = {
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

/** The request path, percent-decoded; undefined when it is not a well-formed origin-form path. */
export function requestPath(rawUrl: string | undefined): string | undefined {
  if (rawUrl === undefined || !rawUrl.startsWith('/') || rawUrl.startsWith('//')) return undefined;
  const end = rawUrl.search(/[?#]/);
  const encoded = end === -1 ? rawUrl : rawUrl.slice(0, end);
  let path: string;
  try {
    path = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  // NUL and other control characters have no place in a file name of the UI.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return undefined;
  return path;
}
