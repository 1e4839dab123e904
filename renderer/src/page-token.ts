/**
 * The bridge token in the page address (browser mode): read once, then taken out of the address
 * bar and the history (history.replaceState) and kept for this tab only, so a reload still connects.
 */

/** What this needs of `window` (a structural type, so that tests need no DOM). */
export interface PageWindow {
  readonly location: { readonly pathname: string; readonly search: string; readonly hash: string };
  readonly history: { readonly state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  readonly sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

const TOKEN_KEY = 'inpas-kiosk:token';

/** The fragment without its token: what stays in the address bar and the history. */
export function withoutToken(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('token');
  const rest = params.toString();
  return rest === '' ? '' : `#${rest}`;
}

/** The token of this page: from the fragment (which then loses it), else the one kept for this tab. */
export function takeToken(win: PageWindow): string | undefined {
  const token = new URLSearchParams(win.location.hash.replace(/^#/, '')).get('token') ?? undefined;
  if (token !== undefined) {
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${withoutToken(win.location.hash)}`);
    try {
      win.sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage off: a reload then needs the link again.
    }
    return token;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
