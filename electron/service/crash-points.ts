/**
 * Crash points for the chaos tests (reliability.md, "crash matrix"): when the environment
 * variable KIOSK_CRASH_AT names a step, the process kills itself with SIGKILL right there —
 * no cleanup, no flush, as a power cut would. Unset (always, in production) it does nothing.
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

const armed = process.env.KIOSK_CRASH_AT;
/** How many times the armed step is passed before it kills (KIOSK_CRASH_SKIP, default 0: the first time). */
let skip = Number(process.env.KIOSK_CRASH_SKIP ?? '0') || 0;

export function crashArmed(step: CrashStep | ChaosStep): boolean {
  return armed === step;
}

export function crashPoint(step: CrashStep | ChaosStep): void {
  if (armed !== step) return;
  if (skip > 0) skip--;
  else process.kill(process.pid, 'SIGKILL');
}
