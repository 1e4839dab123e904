/**
 * Crash points for the crash matrix and the chaos run (reliability.md, "crash matrix"): when the
 * hooks a service was given arm a step, the process kills itself with SIGKILL right there — no
 * cleanup, no flush, as a power cut would. Unarmed (always, in production) they do nothing.
 */
export const CRASH_STEPS = [
  /** Before the payment's journal row is written. */
  'before-journal',
  /** After the INTENT row is committed, before SENT. */
  'after-journal',
  /** After SENT is committed, before the first byte is written. */
  'before-send',
  /** Half of the request frame written. */
  'mid-frame',
  /** The terminal ACKed the request. */
  'after-ack',
  /** Waiting for the final answer (first WAIT frame received). */
  'waiting',
  /** The final answer arrived, before the journal records it. */
  'after-response',
  /** During recovery: the emergency cancel was answered, before the journal records it. */
  'during-reversal',
] as const;
export type CrashStep = (typeof CRASH_STEPS)[number];

/** Further steps the chaos suite kills at (not part of the crash matrix's table). */
export const CHAOS_STEPS = [
  /** The pin pad shows the QR (its WAIT frame with the QR was journaled). */
  'qr-shown',
] as const;
export type ChaosStep = (typeof CHAOS_STEPS)[number];

/**
 * Where the service may kill itself. The service is given its hooks (its options' `crash`); only
 * the crash and chaos children arm them, from their own environment. Production never does.
 */
export interface CrashHooks {
  /** True when this step is the one armed (a stream wraps itself only then). */
  armed(step: CrashStep | ChaosStep): boolean;
  /** Dies here when this step is armed and its skips are used up; else nothing. */
  point(step: CrashStep | ChaosStep): void;
}

/** The hooks of every real start: nothing is armed. */
export const NO_CRASHES: CrashHooks = Object.freeze({ armed: () => false, point: () => undefined });

/**
 * Hooks armed by KIOSK_CRASH_AT (the step) and KIOSK_CRASH_SKIP (how many times the step is
 * passed before it kills; default 0, the first time) of the given environment.
 */
export function crashHooksFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): CrashHooks {
  const armed = env.KIOSK_CRASH_AT;
  if (armed === undefined || armed === '') return NO_CRASHES;
  let skip = Number(env.KIOSK_CRASH_SKIP ?? '0') || 0;
  return {
    armed: (step) => armed === step,
    point: (step) => {
      if (armed !== step) return;
      if (skip > 0) skip--;
      else kill();
    },
  };
}
