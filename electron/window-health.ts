/**
 * The kiosk screen heals itself. The payment lives in the service, not in the page, so a page
 * that died or hung is simply loaded again and reads the payment as it stands from the service.
 *
 * - The renderer died (`render-process-gone`): load the page again.
 * - The renderer hung (`unresponsive`) and did not recover within HANG_GRACE_MS (`responsive`):
 *   end its process, then reload. A plain reload would wait on the hung process (a same-site
 *   reload stays in it), so the process is ended first; Electron documents
 *   forcefullyCrashRenderer() followed at once by reload() as the way out of `unresponsive`:
 *   the reload then happens in a new process.
 * - More than RENDERER_DEATH_LIMIT deaths within RENDERER_DEATH_WINDOW_MS: a crash loop. Show the
 *   static "Касса временно не работает" page (no script), log an error, try the kiosk page again
 *   after UNAVAILABLE_RETRY_MS.
 * - The GPU process died: see childProcessWatcher below.
 *
 * No electron import: main.ts passes the window's web contents, a clock and a log.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ORIGIN } from './app-scheme.js';
import { RENDERER_RESTART_REASONS, type RendererRestartReason } from './service/observability/metrics.js';

export const RENDERER_DEATH_LIMIT = 3;
export const RENDERER_DEATH_WINDOW_MS = 5 * 60_000;
/** Chromium reports a hang only after the page has ignored input for a while; this is the last chance on top. */
export const HANG_GRACE_MS = 3_000;
export const UNAVAILABLE_RETRY_MS = 5 * 60_000;
/** After ending a hung renderer, its `render-process-gone` is ours (already counted) if it comes within this. */
const OWN_KILL_MS = 10_000;

/** The static page of a crash loop, served from the app's own scheme (see main.ts). */
export const UNAVAILABLE_URL = `${APP_ORIGIN}/kiosk-unavailable.html`;
export const UNAVAILABLE_HTML = `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Касса временно не работает</title>
<style>
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 1.5rem;
  font-family: system-ui, sans-serif; background: #ffffff; color: #1a1a1a; text-align: center; padding: 2rem; box-sizing: border-box; }
h1 { font-size: 3rem; margin: 0; }
p { font-size: 1.6rem; margin: 0; color: #444444; }
p.en { font-size: 1.2rem; color: #777777; }
</style>
</head>
<body>
<h1>Касса временно не работает</h1>
<p>Пожалуйста, воспользуйтесь другой кассой или обратитесь к сотруднику магазина.</p>
<p class="en">This checkout is temporarily out of order. Please use another checkout or ask a member of staff.</p>
</body>
</html>
`;

/** What of the window's web contents this needs (Electron's WebContents has all of it). */
export interface HealthContents {
  isDestroyed(): boolean;
  isDevToolsOpened(): boolean;
  forcefullyCrashRenderer(): void;
  reload(): void;
  loadURL(url: string): Promise<void>;
}

export interface HealthClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HealthLog {
  info(data: Record<string, unknown>, line: string): void;
  warn(data: Record<string, unknown>, line: string): void;
  error(data: Record<string, unknown>, line: string): void;
}

export interface WindowHealthOptions {
  readonly contents: HealthContents;
  /** The kiosk page (app://ui/index.html). */
  readonly pageUrl: string;
  readonly clock: HealthClock;
  readonly log: HealthLog;
  /** Counts a restart in kiosk_renderer_restarts_total (when metrics are on). */
  countRestart(reason: RendererRestartReason): void;
}

export interface WindowHealth {
  rendererGone(details: { readonly reason: string; readonly exitCode?: number }): void;
  unresponsive(): void;
  responsive(): void;
  /** True while the static page of a crash loop is shown. */
  readonly unavailable: boolean;
  /** The window is closing: nothing more is done for it. */
  dispose(): void;
}

function restartReason(reason: string): RendererRestartReason {
  return (RENDERER_RESTART_REASONS as readonly string[]).includes(reason) ? (reason as RendererRestartReason) : 'other';
}

export function watchWindowHealth(options: WindowHealthOptions): WindowHealth {
  const { contents, clock, log } = options;
  let deaths: number[] = [];
  let unavailable = false;
  let disposed = false;
  let hangTimer: unknown;
  let retryTimer: unknown;
  /** Set while the `render-process-gone` of a renderer we ended ourselves is still to come. */
  let ownKill: unknown;

  const alive = (): boolean => !disposed && !contents.isDestroyed();
  const load = (url: string): void => {
    contents
      .loadURL(url)
      .catch((error: unknown) => log.warn({ url, error: error instanceof Error ? error.message : String(error) }, 'screen: loading the page failed'));
  };

  function showUnavailable(reason: string): void {
    unavailable = true;
    options.countRestart('crash-loop');
    log.error(
      { reason, deaths: deaths.length, windowMinutes: RENDERER_DEATH_WINDOW_MS / 60_000, retryMinutes: UNAVAILABLE_RETRY_MS / 60_000 },
      'screen: the renderer keeps dying; showing the out-of-order page instead of the kiosk',
    );
    load(UNAVAILABLE_URL);
    if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
    retryTimer = clock.setTimeout(() => {
      retryTimer = undefined;
      if (!alive()) return;
      unavailable = false;
      deaths = [];
      log.info({}, 'screen: trying the kiosk page again after the out-of-order pause');
      load(options.pageUrl);
    }, UNAVAILABLE_RETRY_MS);
  }

  /** Counts a death; says whether this one makes a crash loop. */
  function noteDeath(): boolean {
    const now = clock.now();
    deaths = deaths.filter((at) => now - at < RENDERER_DEATH_WINDOW_MS);
    deaths.push(now);
    return deaths.length > RENDERER_DEATH_LIMIT;
  }

  function endHang(): void {
    hangTimer = undefined;
    if (!alive() || unavailable) return;
    if (ownKill !== undefined) clock.clearTimeout(ownKill);
    ownKill = clock.setTimeout(() => (ownKill = undefined), OWN_KILL_MS);
    contents.forcefullyCrashRenderer();
    if (noteDeath()) {
      showUnavailable('unresponsive');
      return;
    }
    options.countRestart('unresponsive');
    log.warn({ graceSeconds: HANG_GRACE_MS / 1000 }, 'screen: the renderer hung; ended it and reloading the page');
    contents.reload();
  }

  return {
    get unavailable() {
      return unavailable;
    },

    rendererGone(details) {
      if (!alive()) return;
      if (hangTimer !== undefined) {
        clock.clearTimeout(hangTimer);
        hangTimer = undefined;
      }
      if (ownKill !== undefined) {
        // The hung renderer we ended: already counted and reloaded.
        clock.clearTimeout(ownKill);
        ownKill = undefined;
        log.info({ reason: details.reason }, 'screen: the hung renderer has ended');
        return;
      }
      const reason = restartReason(details.reason);
      if (unavailable) {
        // The static page's own renderer died: show it again (it has no script; this is rare).
        options.countRestart('crash-loop');
        log.error({ reason: details.reason, exitCode: details.exitCode }, 'screen: the renderer of the out-of-order page died; showing it again');
        load(UNAVAILABLE_URL);
        return;
      }
      if (noteDeath()) {
        showUnavailable(details.reason);
        return;
      }
      options.countRestart(reason);
      log.warn({ reason: details.reason, exitCode: details.exitCode }, 'screen: the renderer died; reloading the page (the service keeps the payment)');
      load(options.pageUrl);
    },

    unresponsive() {
      if (!alive() || unavailable || hangTimer !== undefined) return;
      // A page stopped at a breakpoint in DevTools (a till, development) is not hung.
      if (contents.isDevToolsOpened()) {
        log.info({}, 'screen: the page is not answering while DevTools are open; left alone');
        return;
      }
      log.warn({ graceSeconds: HANG_GRACE_MS / 1000 }, 'screen: the page is not answering');
      hangTimer = clock.setTimeout(endHang, HANG_GRACE_MS);
    },

    responsive() {
      if (hangTimer === undefined) return;
      clock.clearTimeout(hangTimer);
      hangTimer = undefined;
      log.info({}, 'screen: the page answers again');
    },

    dispose() {
      disposed = true;
      for (const timer of [hangTimer, retryTimer, ownKill]) if (timer !== undefined) clock.clearTimeout(timer);
      hangTimer = retryTimer = ownKill = undefined;
    },
  };
}

// --- the GPU process ----------------------------------------------------------------------------

/**
 * A GPU process death → software rendering. How, and why this way:
 * - `app.disableHardwareAcceleration()` works only before the app is ready, so it cannot switch
 *   the running app; relaunching with it (or `--disable-gpu`) would stop the service, and with it
 *   a customer's payment, for the sake of the picture.
 * - Within this run Chromium restarts the GPU process by itself and, after repeated GPU crashes
 *   in a short time (about 3), falls back to a less demanding mode down to software compositing.
 *   The window is repainted after each death so nothing stale stays on the screen.
 * - The death is recorded in the data folder (SOFTWARE_RENDERING_FILE); every later start reads
 *   it before the app is ready and disables hardware acceleration: the kiosk stays on software
 *   rendering from then on. Delete the file to try the GPU again.
 * A GPU process that was killed from outside (`killed`: the OOM killer, a shutdown) or ended
 * cleanly says nothing against the GPU and is only logged.
 */
export const SOFTWARE_RENDERING_FILE = 'software-rendering.json';
const GPU_FAILURES: ReadonlySet<string> = new Set(['crashed', 'abnormal-exit', 'launch-failed', 'integrity-failure', 'oom']);

/** When and why software rendering was chosen, if it was (read before the app is ready; never throws). */
export function softwareRenderingChosen(dataDir: string): { readonly at?: string; readonly reason?: string } | undefined {
  const file = join(dataDir, SOFTWARE_RENDERING_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { at, reason } = parsed as Record<string, unknown>;
    return { ...(typeof at === 'string' ? { at } : {}), ...(typeof reason === 'string' ? { reason } : {}) };
  } catch {
    // Present but unreadable: it was written for a reason; stay on software rendering.
    return {};
  }
}

export interface ChildProcessDetails {
  readonly type: string;
  readonly reason: string;
  readonly exitCode?: number;
  readonly name?: string;
  readonly serviceName?: string;
}

export function childProcessWatcher(options: {
  readonly dataDir: string;
  readonly clock: { now(): number };
  readonly log: HealthLog;
  /** Repaints the window after a GPU process death. */
  repaint(): void;
}): (details: ChildProcessDetails) => void {
  const { log } = options;
  return (details) => {
    const data = { type: details.type, reason: details.reason, exitCode: details.exitCode, name: details.name, serviceName: details.serviceName };
    if (details.type !== 'GPU') {
      if (details.reason !== 'clean-exit') log.warn(data, 'a helper process of the app ended');
      return;
    }
    options.repaint();
    if (!GPU_FAILURES.has(details.reason)) {
      log.warn(data, 'the GPU process ended (not a GPU failure)');
      return;
    }
    const file = join(options.dataDir, SOFTWARE_RENDERING_FILE);
    if (softwareRenderingChosen(options.dataDir)) {
      log.error(data, 'the GPU process died again; software rendering is already chosen for the next start');
      return;
    }
    try {
      const record = { at: new Date(options.clock.now()).toISOString(), reason: details.reason, exitCode: details.exitCode };
      writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
      log.error(
        { ...data, file },
        'the GPU process died: Chromium falls back by itself now, and the app starts with software rendering from now on (delete the file to try the GPU again)',
      );
    } catch (error) {
      log.error(
        { ...data, file, error: error instanceof Error ? error.message : String(error) },
        'the GPU process died, and software rendering could not be recorded for the next start',
      );
    }
  };
}
