/**
 * The chaos suite's sample for every test run: rounds of `npm run chaos` with a fixed seed (the
 * service killed with SIGKILL at points drawn from it, restarted, reconciled with the emulator's
 * ledger), and the seeds of schedules that once failed. Every round must end with no double
 * charge, no lost approval, no phantom, no completed payment given back by recovery and nothing
 * left unresolved. The sample's seed draws rounds of issue 16's case (killed on the QR, the final
 * answer lost once, the status asked while the pin pad is busy), marked on their lines.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, seedsFor, summaryLine } from '../chaos/chaos.js';

/** The seed of the sample; the rounds it draws are printed with their own seeds. */
const SAMPLE_SEED = 20261201;
const SAMPLE_ROUNDS = 30;
/** Round seeds of schedules found failing once (replay one with `npm run chaos -- --round-seed X`). */
const REGRESSION_SEEDS: readonly number[] = [
  // A late QR payment given back while the service was stopped mid-reversal (the refund left UNKNOWN for the next start).
  1401869694,
  // A QR paid late while the service was down, found only after the watch's deadline had passed by the service's clock.
  3569428485,
  // Late QR payments that landed while the watch was still open (the settle once stopped the service before the watch's deadline).
  3070212024,
  3071467617,
  3075882444,
];

describe('chaos sample: kill, restart, reconcile', () => {
  it(`${SAMPLE_ROUNDS} rounds of seed ${SAMPLE_SEED} and the regression seeds: 0 double charges, 0 lost approvals, 0 phantoms, 0 unresolved, 0 given back`, async () => {
    const lines: string[] = [];
    const summary = await runChaos([...seedsFor(SAMPLE_SEED, SAMPLE_ROUNDS), ...REGRESSION_SEEDS], (line) => lines.push(line), 3);
    console.log([...lines, summaryLine(summary)].join('\n'));
    expect(summary.rounds).toBe(SAMPLE_ROUNDS + REGRESSION_SEEDS.length);
    expect(summaryLine(summary)).toBe(`chaos: ${summary.rounds} rounds, 0 double charges, 0 lost approvals, 0 phantoms, 0 unresolved, 0 given back`);
    // The sample holds rounds of the case of issue 16 (a busy pin pad whose answer is lost).
    expect(lines.filter((line) => line.includes('[busy pin pad + lost answer]')).length).toBeGreaterThanOrEqual(2);
    expect(summary.methodMismatches).toBe(0);
  }, 1_800_000);
});
