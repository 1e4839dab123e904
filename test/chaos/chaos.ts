/**
 * npm run chaos -- --rounds N --seed S: the chaos suite. Each round kills the kiosk service with
 * SIGKILL at a point drawn from its seed, restarts it on the same data folder, and reconciles the
 * emulator's ledger with the journal; one line per round, then
 * `chaos: N rounds, D double charges, L lost approvals, P phantoms, U unresolved, G given back`
 * (G: payments the customer completed that recovery reversed by an emergency cancel; see
 * reconcile.ts). Exits 1 when D + L + P + G > 0. `--round-seed X` replays the one round printed with seed X.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PROFILE_PATH } from '../../native/inpas/profile.js';
import { describeKill, planRound, roundSeed } from './plan.js';
import { build } from 'esbuild';
import { runRound, SOURCE_PROGRAMS, type Programs, type RoundResult } from './round.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The service and the emulator bundled once per run (esbuild, packages left external): a
 * process then starts in a fraction of the time tsx needs, which is most of a round. The same
 * sources either way; without a bundle the sources run through tsx.
 */
async function bundlePrograms(): Promise<Programs> {
  // Inside the project (so the bundles find its packages), one folder per run (runs may overlap).
  const outdir = join(ROOT, 'node_modules', '.cache', 'chaos', String(process.pid));
  try {
    await build({
      entryPoints: [join(ROOT, 'test', 'chaos', 'service-child.ts'), join(ROOT, 'native', 'cli', 'emulator-main.ts')],
      outbase: ROOT,
      outdir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    return { service: [join(outdir, 'test', 'chaos', 'service-child.js')], emulator: [join(outdir, 'native', 'cli', 'emulator-main.js')] };
  } catch {
    return SOURCE_PROGRAMS;
  }
}

export interface ChaosSummary {
  readonly rounds: number;
  readonly doubleCharges: number;
  readonly lostApprovals: number;
  readonly phantoms: number;
  readonly unresolved: number;
  readonly givenBack: number;
  readonly methodMismatches: number;
  readonly failedSeeds: number[];
}

export function summaryLine(s: ChaosSummary): string {
  return `chaos: ${s.rounds} rounds, ${s.doubleCharges} double charges, ${s.lostApprovals} lost approvals, ${s.phantoms} phantoms, ${s.unresolved} unresolved, ${s.givenBack} given back`;
}

function roundLine(index: number, r: RoundResult): string {
  const p = r.plan;
  const bad = roundFailed(r);
  return (
    `round ${index + 1} seed ${p.seed}: ${p.flowName} scenario=${p.scenario} fault=${p.fault} kill=${describeKill(p.kill)} then=${describeKill(p.secondKill)}` +
    ` reverseLate=${p.reverseLatePayments}${p.focus ? ` [${p.focus}]` : ''} → D${r.doubleCharges} L${r.lostApprovals} P${r.phantoms} U${r.unresolved} G${r.givenBack}` +
    `${r.methodMismatches ? ` M${r.methodMismatches}` : ''} ${bad ? 'FAIL' : r.unresolved ? 'unresolved' : 'ok'} (${(r.ms / 1000).toFixed(1)} s; ${r.notes.join('; ')})` +
    (bad || r.unresolved ? `\n    ${r.evidence.join('\n    ')}` : '')
  );
}

/** A round fails on money out of place: a double charge, a lost approval, a phantom, a payment given back, a method recorded wrong. */
function roundFailed(r: RoundResult): boolean {
  return r.doubleCharges + r.lostApprovals + r.phantoms + r.givenBack + r.methodMismatches > 0;
}

/** Runs the rounds of `seeds`, `parallel` at a time (each round has its own emulator, link and data folder); `log` gets one line per round. */
export async function runChaos(seeds: readonly number[], log: (line: string) => void, parallel = 1): Promise<ChaosSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
  // The run's terminal profile: short QR margins, so late-payment watches end within a round.
  const profile = JSON.parse(readFileSync(DEFAULT_PROFILE_PATH, 'utf8')) as { sbp: Record<string, unknown> };
  profile.sbp.qrLifetimeSeconds = 10;
  profile.sbp.latePaymentMarginSeconds = 5;
  const profilePath = join(dir, 'profile.json');
  writeFileSync(profilePath, JSON.stringify(profile, null, 2));
  const programs = await bundlePrograms();
  const summary = { rounds: 0, doubleCharges: 0, lostApprovals: 0, phantoms: 0, unresolved: 0, givenBack: 0, methodMismatches: 0, failedSeeds: [] as number[] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < seeds.length) {
      const index = next++;
      const seed = seeds[index]!;
      const roundDir = join(dir, `round-${index + 1}`);
      mkdirSync(roundDir);
      const result = await runRound(planRound(seed), roundDir, profilePath, programs);
      summary.rounds++;
      summary.doubleCharges += result.doubleCharges;
      summary.lostApprovals += result.lostApprovals;
      summary.phantoms += result.phantoms;
      summary.unresolved += result.unresolved;
      summary.givenBack += result.givenBack;
      summary.methodMismatches += result.methodMismatches;
      const bad = roundFailed(result);
      if (bad) summary.failedSeeds.push(seed);
      log(roundLine(index, result));
      if (!bad && !result.unresolved && !process.env.KEEP_CHAOS_DIRS) rmSync(roundDir, { recursive: true, force: true });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, seeds.length)) }, () => worker()));
  } finally {
    const kept = process.env.KEEP_CHAOS_DIRS || summary.failedSeeds.length > 0 || summary.unresolved > 0;
    if (kept) log(`chaos: data folders kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    if (programs !== SOURCE_PROGRAMS) rmSync(join(ROOT, 'node_modules', '.cache', 'chaos', String(process.pid)), { recursive: true, force: true });
  }
  return summary;
}

export function seedsFor(seed: number, rounds: number): number[] {
  return Array.from({ length: rounds }, (_, i) => roundSeed(seed, i));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      seed: { type: 'string' },
      'round-seed': { type: 'string' },
      parallel: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('npm run chaos -- [--rounds N] [--seed S] [--parallel K] | --round-seed X\n');
    return;
  }
  const number = (text: string | undefined, name: string, fallback: number): number => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text)) throw new Error(`--${name} takes a whole number, got "${text}"`);
    return Number(text);
  };
  let seeds: number[];
  if (values['round-seed'] !== undefined) seeds = [number(values['round-seed'], 'round-seed', 0)];
  else {
    const seed = number(values.seed, 'seed', Date.now() % 1_000_000);
    const rounds = number(values.rounds, 'rounds', 30);
    process.stdout.write(`chaos: ${rounds} rounds, seed ${seed} (npm run chaos -- --rounds ${rounds} --seed ${seed})\n`);
    seeds = seedsFor(seed, rounds);
  }
  const parallel = number(values.parallel, 'parallel', 2);
  const summary = await runChaos(seeds, (line) => process.stdout.write(`${line}\n`), parallel);
  process.stdout.write(`${summaryLine(summary)}\n`);
  if (summary.methodMismatches > 0) process.stdout.write(`chaos: ${summary.methodMismatches} method mismatches (switched payments recorded as card)\n`);
  if (summary.failedSeeds.length > 0) process.stdout.write(`chaos: failing round seeds: ${summary.failedSeeds.join(', ')}\n`);
  process.exitCode = summary.doubleCharges + summary.lostApprovals + summary.phantoms + summary.givenBack > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
