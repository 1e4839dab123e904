/**
 * electron/window-health.ts on its own, with a hand-driven clock: each way the screen heals
 * itself, and the cases where it must do nothing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  childProcessWatcher,
  HANG_GRACE_MS,
  RENDERER_DEATH_LIMIT,
  RENDERER_DEATH_WINDOW_MS,
  softwareRenderingChosen,
  SOFTWARE_RENDERING_FILE,
  UNAVAILABLE_HTML,
  UNAVAILABLE_RETRY_MS,
  UNAVAILABLE_URL,
  watchWindowHealth,
  type HealthClock,
} from '../../electron/window-health.js';

const PAGE = 'app://ui/index.html';
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

class ManualClock implements HealthClock {
  at = 1_000_000;
  #next = 1;
  readonly #timers = new Map<number, { due: number; run: () => void }>();
  now(): number {
    return this.at;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { due: this.at + ms, run });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  get pending(): number {
    return this.#timers.size;
  }
  advance(ms: number): void {
    const end = this.at + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.at = due[1].due;
      due[1].run();
    }
    this.at = end;
  }
}

function setup(options: { devTools?: boolean } = {}) {
  const clock = new ManualClock();
  const loads: string[] = [];
  const lines: Array<{ level: string; line: string; data: Record<string, unknown> }> = [];
  const counted: string[] = [];
  const contents = {
    destroyed: false,
    crashes: 0,
    isDestroyed: () => contents.destroyed,
    isDevToolsOpened: () => options.devTools ?? false,
    forcefullyCrashRenderer: () => void contents.crashes++,
    reload: () => void loads.push('reload'),
    loadURL: (url: string) => {
      loads.push(url);
      return Promise.resolve();
    },
  };
  const log = (level: string) => (data: Record<string, unknown>, line: string) => void lines.push({ level, line, data });
  const health = watchWindowHealth({
    contents,
    pageUrl: PAGE,
    clock,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    countRestart: (reason) => void counted.push(reason),
  });
  return { clock, loads, lines, counted, contents, health };
}

describe('the screen heals itself', () => {
  it('a renderer crash reloads the kiosk page, counts it and logs why', () => {
    const t = setup();
    t.health.rendererGone({ reason: 'crashed', exitCode: 139 });
    expect(t.loads).toEqual([PAGE]);
    expect(t.counted).toEqual(['crashed']);
    expect(t.lines).toContainEqual(expect.objectContaining({ level: 'warn', data: { reason: 'crashed', exitCode: 139 } }));
    t.health.rendererGone({ reason: 'oom', exitCode: 0 });
    t.health.rendererGone({ reason: 'something new', exitCode: 1 });
    expect(t.loads).toEqual([PAGE, PAGE, PAGE]);
    expect(t.counted).toEqual(['crashed', 'oom', 'other']);
    expect(t.health.unavailable).toBe(false);
  });

  it('a hang longer than the grace ends the renderer and reloads in a new process; its own kill is not counted again', () => {
    const t = setup();
    t.health.unresponsive();
    t.clock.advance(HANG_GRACE_MS - 1);
    expect(t.contents.crashes).toBe(0);
    expect(t.loads).toEqual([]);
    t.clock.advance(1);
    expect(t.contents.crashes).toBe(1);
    expect(t.loads).toEqual(['reload']);
    expect(t.counted).toEqual(['unresponsive']);
    // The render-process-gone of the renderer we ended: no second reload, no second count.
    t.health.rendererGone({ reason: 'killed', exitCode: 9 });
    expect(t.loads).toEqual(['reload']);
    expect(t.counted).toEqual(['unresponsive']);
    // A real crash later is handled as one.
    t.clock.advance(60_000);
    t.health.rendererGone({ reason: 'crashed', exitCode: 139 });
    expect(t.loads).toEqual(['reload', PAGE]);
    expect(t.counted).toEqual(['unresponsive', 'crashed']);
  });

  it('a page that answers again within the grace is left alone; repeated unresponsive events start one timer', () => {
    const t = setup();
    t.health.unresponsive();
    t.health.unresponsive();
    t.clock.advance(HANG_GRACE_MS - 100);
    t.health.responsive();
    t.clock.advance(10 * HANG_GRACE_MS);
    expect(t.contents.crashes).toBe(0);
    expect(t.loads).toEqual([]);
    expect(t.counted).toEqual([]);
    expect(t.clock.pending).toBe(0);
  });

  it('a page paused in DevTools is not hung', () => {
    const t = setup({ devTools: true });
    t.health.unresponsive();
    t.clock.advance(10 * HANG_GRACE_MS);
    expect(t.contents.crashes).toBe(0);
    expect(t.loads).toEqual([]);
  });

  it(`more than ${RENDERER_DEATH_LIMIT} deaths in ${RENDERER_DEATH_WINDOW_MS / 60_000} minutes: the static out-of-order page, an error line, the crash-loop count; the kiosk page again later`, () => {
    const t = setup();
    for (let i = 0; i < RENDERER_DEATH_LIMIT; i++) {
      t.health.rendererGone({ reason: 'crashed', exitCode: 139 });
      t.clock.advance(30_000);
    }
    expect(t.loads).toEqual(Array(RENDERER_DEATH_LIMIT).fill(PAGE));
    t.health.rendererGone({ reason: 'crashed', exitCode: 139 });
    expect(t.loads.at(-1)).toBe(UNAVAILABLE_URL);
    expect(t.health.unavailable).toBe(true);
    expect(t.counted).toEqual([...Array(RENDERER_DEATH_LIMIT).fill('crashed'), 'crash-loop']);
    expect(t.lines.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ reason: 'crashed', deaths: RENDERER_DEATH_LIMIT + 1 }) }),
    ]);
    // A hang report while the static page shows changes nothing.
    t.health.unresponsive();
    t.clock.advance(UNAVAILABLE_RETRY_MS - 1);
    expect(t.loads.at(-1)).toBe(UNAVAILABLE_URL);
    expect(t.contents.crashes).toBe(0);
    // After the pause, the kiosk page is tried again with a clean count.
    t.clock.advance(1);
    expect(t.loads.at(-1)).toBe(PAGE);
    expect(t.health.unavailable).toBe(false);
    t.health.rendererGone({ reason: 'crashed', exitCode: 139 });
    expect(t.loads.at(-1)).toBe(PAGE);
  });

  it('deaths spread wider than the window never make a crash loop', () => {
    const t = setup();
    for (let i = 0; i < 10; i++) {
      t.health.rendererGone({ reason: 'crashed', exitCode: 139 });
      t.clock.advance(RENDERER_DEATH_WINDOW_MS / RENDERER_DEATH_LIMIT + 1);
    }
    expect(t.loads).toEqual(Array(10).fill(PAGE));
    expect(t.health.unavailable).toBe(false);
  });

  it('hangs count towards the crash loop too', () => {
    const t = setup();
    for (let i = 0; i <= RENDERER_DEATH_LIMIT; i++) {
      t.health.unresponsive();
      t.clock.advance(HANG_GRACE_MS);
      t.health.rendererGone({ reason: 'killed', exitCode: 9 });
    }
    expect(t.contents.crashes).toBe(RENDERER_DEATH_LIMIT + 1);
    expect(t.loads).toEqual([...Array(RENDERER_DEATH_LIMIT).fill('reload'), UNAVAILABLE_URL]);
    expect(t.counted).toEqual([...Array(RENDERER_DEATH_LIMIT).fill('unresponsive'), 'crash-loop']);
  });

  it('a closing window is left alone', () => {
    const t = setup();
    t.health.unresponsive();
    t.health.dispose();
    t.clock.advance(10 * HANG_GRACE_MS);
    t.health.rendererGone({ reason: 'clean-exit', exitCode: 0 });
    expect(t.loads).toEqual([]);
    expect(t.contents.crashes).toBe(0);
    const destroyed = setup();
    destroyed.contents.destroyed = true;
    destroyed.health.rendererGone({ reason: 'crashed', exitCode: 139 });
    expect(destroyed.loads).toEqual([]);
  });

  it('the out-of-order page is self-contained: no script, no outside resource', () => {
    expect(UNAVAILABLE_URL).toBe('app://ui/kiosk-unavailable.html');
    expect(UNAVAILABLE_HTML).toContain('Касса временно не работает');
    expect(UNAVAILABLE_HTML).not.toMatch(/<script|src=|href=|url\(/i);
    expect(UNAVAILABLE_HTML).toContain("default-src 'none'");
  });
});

describe('a GPU process death → software rendering', () => {
  function gpuSetup() {
    const dataDir = mkdtempSync(join(tmpdir(), 'gpu-'));
    dirs.push(dataDir);
    const lines: Array<{ level: string; line: string }> = [];
    let repaints = 0;
    const log = (level: string) => (_data: Record<string, unknown>, line: string) => void lines.push({ level, line });
    const gone = childProcessWatcher({
      dataDir,
      clock: { now: () => Date.parse('2026-05-01T10:00:00Z') },
      log: { info: log('info'), warn: log('warn'), error: log('error') },
      repaint: () => void repaints++,
    });
    return { dataDir, lines, gone, repaints: () => repaints };
  }

  it('a crashed GPU process is recorded (0600) so the next start chooses software rendering; the window is repainted', () => {
    const t = gpuSetup();
    expect(softwareRenderingChosen(t.dataDir)).toBeUndefined();
    t.gone({ type: 'GPU', reason: 'crashed', exitCode: 134 });
    expect(t.repaints()).toBe(1);
    expect(softwareRenderingChosen(t.dataDir)).toEqual({ at: '2026-05-01T10:00:00.000Z', reason: 'crashed' });
    expect(statSync(join(t.dataDir, SOFTWARE_RENDERING_FILE)).mode & 0o777).toBe(0o600);
    expect(t.lines).toEqual([expect.objectContaining({ level: 'error', line: expect.stringMatching(/software rendering from now on/) })]);
    // Again: the first record stays, and it is said.
    t.gone({ type: 'GPU', reason: 'oom', exitCode: 0 });
    expect(softwareRenderingChosen(t.dataDir)?.reason).toBe('crashed');
    expect(t.lines[1]).toMatchObject({ level: 'error', line: expect.stringMatching(/already chosen/) });
  });

  it('a GPU process killed from outside or ended cleanly is logged only; other helpers are logged', () => {
    const t = gpuSetup();
    t.gone({ type: 'GPU', reason: 'killed', exitCode: 9 });
    t.gone({ type: 'GPU', reason: 'clean-exit', exitCode: 0 });
    t.gone({ type: 'Utility', reason: 'crashed', exitCode: 11, serviceName: 'network.mojom.NetworkService', name: 'Network Service' });
    t.gone({ type: 'Utility', reason: 'clean-exit', exitCode: 0 });
    expect(softwareRenderingChosen(t.dataDir)).toBeUndefined();
    expect(t.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'warn']);
    expect(t.lines[2]!.line).toMatch(/helper process/);
  });

  it('an unreadable record still means software rendering', () => {
    const t = gpuSetup();
    writeFileSync(join(t.dataDir, SOFTWARE_RENDERING_FILE), 'not json');
    expect(softwareRenderingChosen(t.dataDir)).toEqual({});
    expect(readFileSync(join(t.dataDir, SOFTWARE_RENDERING_FILE), 'utf8')).toBe('not json');
  });
});
