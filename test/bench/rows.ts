/** The bench's table: each measure adds rows through `row`; `quick` runs every measure small (CI), without goals. */
import { EmulatorHost, type EmulatorHostOptions } from '../../native/emulator/host.js';
import { FAST_TIMING, NO_FAULTS, NO_QUIRKS } from '../../native/emulator/options.js';
import { loadProfile } from '../../native/inpas/profile.js';

/** The terminal id the bench's pin pad and configurations use. */
export const BENCH_TERMINAL_ID = '00322346';

export type Row = (name: string, value: string, note?: string) => void;

export interface BenchOptions {
  /** A few seconds in all: fewer rounds, a smaller journal, no goal verdicts. */
  readonly quick: boolean;
}

/** "goal ≤ 20 ms — met" in a full run; nothing to judge in a quick one. */
export function goal(options: BenchOptions, text: string, met: boolean): string {
  return options.quick ? `goal ${text} (not judged in --quick)` : `goal ${text} — ${met ? 'met' : 'NOT met'}`;
}

/** The p-th percentile (0–100) of samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** The bench's pin pad: the emulator on a pseudo-terminal at `link`, approving at full speed. */
export function benchEmulator(link: string, trace?: EmulatorHostOptions['trace']): Promise<EmulatorHost> {
  return EmulatorHost.start({
    pty: link,
    terminalId: BENCH_TERMINAL_ID,
    profile: loadProfile(),
    scenario: 'approve',
    timing: { ...FAST_TIMING, waitIntervalMs: 0 },
    quirks: NO_QUIRKS,
    faults: NO_FAULTS,
    packetSize: 4096,
    ...(trace ? { trace } : {}),
  });
}
