/**
 * What a chaos round does, drawn from its seed: the flow (card, SBP, key-1 switch, split
 * receipt, refunds), the emulator's scenario, timing and link fault, where the service is
 * killed, and whether the restarted service is killed again while recovering.
 */
import { seededRandom } from '../seeded.js';
import type { Flow } from './service-child.js';

/** The seed of round `index` of a run with master seed `seed`. */
export function roundSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 2654435761) + Math.imul(index + 1, 40503)) >>> 0;
}

export type FlowName = 'card' | 'sbp' | 'switch' | 'split' | 'refund-card' | 'refund-sbp';

/** Where the first service process dies: a crash step (the Nth time it is passed), a kill at a random moment, or after the flow. */
export type Kill =
  { readonly kind: 'step'; readonly step: string; readonly skip: number } | { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'after-flow' };

export interface RoundPlan {
  readonly seed: number;
  readonly flowName: FlowName;
  readonly flow: Flow;
  readonly scenario: string;
  readonly fault: string;
  readonly emulatorArgs: readonly string[];
  readonly kill: Kill;
  /** The second process (recovering) is killed too. */
  readonly secondKill: Kill | undefined;
  readonly reverseLatePayments: boolean;
  /** Upper bound of the time a late QR payment may still land after the first process ended (no QR is asked for later), ms. */
  readonly lateBoundMs: number;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const FAULTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['none', []],
  ['none', []],
  ['none', []],
  ['lose-response', ['--lose-response']],
  ['nak-first', ['--nak-first']],
  ['corrupt-crc', ['--corrupt-crc']],
  ['junk', ['--junk']],
  ['drop-ack', ['--drop-ack', '1']],
  ['ack-delay', ['--ack-delay', '300']],
];

export function planRound(seed: number): RoundPlan {
  const random = seededRandom(seed);
  const flowName = pick<FlowName>(random, ['card', 'sbp', 'sbp', 'switch', 'split', 'refund-card', 'refund-sbp']);
  const amount = 1000 + Math.floor(random() * 90) * 100;
  const scenario =
    flowName === 'switch'
      ? 'switch-to-qr'
      : flowName === 'sbp' || flowName === 'split'
        ? pick(random, ['approve', 'qr-expire', 'qr-late-pay', 'qr-late-pay'])
        : flowName === 'card'
          ? pick(random, ['approve', 'approve', 'decline'])
          : 'approve';
  const parts: Flow['parts'] =
    flowName === 'split'
      ? [
          { method: 'card', amount },
          { method: 'sbp', amount: amount + 500 },
        ]
      : [{ method: flowName === 'sbp' || flowName === 'refund-sbp' ? 'sbp' : 'card', amount }];
  const [fault, faultArgs] = pick(random, FAULTS);
  const cardDelay = Math.floor(random() * 1200);
  const qrPayDelay = 200 + Math.floor(random() * 2300);
  const qrLifetime = pick(random, [2, 3]);
  const moneyOps = parts.length + (flowName.startsWith('refund') ? 1 : 0);
  const steps = [
    'before-send',
    'mid-frame',
    'after-ack',
    'waiting',
    'after-response',
    ...(parts.some((p) => p.method === 'sbp') || flowName === 'switch' ? ['qr-shown'] : []),
  ];
  const killKind = pick(random, ['step', 'step', 'step', 'time', 'after-flow'] as const);
  const kill: Kill =
    killKind === 'step'
      ? (() => {
          const step = pick(random, steps);
          // WAIT frames come many per operation: die at one of the first few; other steps at one of the flow's money requests.
          const skip = step === 'waiting' ? Math.floor(random() * 6) : Math.floor(random() * moneyOps);
          return { kind: 'step', step, skip };
        })()
      : killKind === 'time'
        ? { kind: 'time', ms: Math.floor(random() * 3000) }
        : { kind: 'after-flow' };
  const second = random();
  const secondKill: Kill | undefined =
    second < 0.15 ? { kind: 'step', step: 'during-reversal', skip: 0 } : second < 0.3 ? { kind: 'time', ms: 200 + Math.floor(random() * 1500) } : undefined;
  const emulatorArgs = [
    '--scenario',
    scenario,
    '--card-delay',
    String(cardDelay),
    '--processing-delay',
    String(Math.floor(random() * 400)),
    '--wait-interval',
    '100',
    '--qr-pay-delay',
    String(qrPayDelay),
    '--qr-lifetime',
    String(qrLifetime),
    ...faultArgs,
  ];
  return {
    seed,
    flowName,
    flow: { receiptId: `chaos-${seed}`, parts, refund: flowName.startsWith('refund') },
    scenario,
    fault,
    emulatorArgs,
    kill,
    secondKill,
    reverseLatePayments: random() < 0.5,
    lateBoundMs: cardDelay + 500 + qrLifetime * 1000 + qrPayDelay + 4000,
  };
}

export function describeKill(kill: Kill | undefined): string {
  if (!kill) return 'none';
  if (kill.kind === 'step') return `${kill.step}#${kill.skip + 1}`;
  if (kill.kind === 'time') return `at ${kill.ms}ms`;
  return 'after the flow';
}
