/**
 * What a chaos round does, drawn from its seed: the flow (card, SBP, key-1 switch, split
 * receipt, refunds), the emulator's scenario, timing and link fault, where the service is
 * killed, and whether the restarted service is killed again while recovering.
 *
 * A share of the rounds (drawn from the seed on a stream of its own, so that every other round
 * is the same as before it existed) is the case of issue 16: an SBP payment killed on the QR (or
 * a card payment killed at its first WAIT), the pin pad's final answer lost on the line once, and
 * WAIT frames a second apart as a real pin pad sends them, so that the restarted service's status
 * query often reaches the pin pad while it is still busy with the sale — between two WAITs, where
 * nothing says it is busy.
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
  /** Set when the round is the case of issue 16 (busy pin pad, answer lost): its name on the round's line. */
  readonly focus: string | undefined;
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

/** Share of the rounds that are the case of issue 16, and the salt of the stream that picks them. */
const BUSY_LOST_SHARE = 0.15;
const BUSY_LOST_SALT = 0x1616_2026;

export function planRound(seed: number): RoundPlan {
  const plan = basePlan(seed);
  const focus = seededRandom((seed ^ BUSY_LOST_SALT) >>> 0);
  return focus() < BUSY_LOST_SHARE ? busyLostAnswer(plan, focus) : plan;
}

/**
 * Issue 16: killed while the pin pad works on the sale (on the QR, or at the card's first WAIT),
 * its final answer lost once, WAIT frames 1 s apart; the customer pays. Nothing may be given back.
 */
function busyLostAnswer(plan: RoundPlan, random: () => number): RoundPlan {
  const card = random() < 0.25;
  const amount = plan.flow.parts[0]!.amount;
  const method = card ? 'card' : 'sbp';
  const qrPayDelay = 800 + Math.floor(random() * 2200);
  const cardDelay = card ? 300 + Math.floor(random() * 1500) : 0;
  const processing = card ? 300 + Math.floor(random() * 1200) : Math.floor(random() * 400);
  // Long enough that the QR is always paid (the pay delay is below it): no late payment to wait for.
  const qrLifetime = 4;
  return {
    ...plan,
    flowName: method,
    flow: { receiptId: `chaos-${plan.seed}`, parts: [{ method, amount }], refund: false },
    scenario: 'approve',
    fault: 'lose-response',
    kill: card ? { kind: 'step', step: 'waiting', skip: 0 } : { kind: 'step', step: 'qr-shown', skip: 0 },
    emulatorArgs: [
      '--scenario',
      'approve',
      '--card-delay',
      String(cardDelay),
      '--processing-delay',
      String(processing),
      '--wait-interval',
      '1000',
      '--qr-pay-delay',
      String(qrPayDelay),
      '--qr-lifetime',
      String(qrLifetime),
      '--lose-response',
    ],
    lateBoundMs: cardDelay + processing + qrPayDelay + 3000,
    focus: 'busy pin pad + lost answer',
  };
}

function basePlan(seed: number): RoundPlan {
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
    focus: undefined,
  };
}

export function describeKill(kill: Kill | undefined): string {
  if (!kill) return 'none';
  if (kill.kind === 'step') return `${kill.step}#${kill.skip + 1}`;
  if (kill.kind === 'time') return `at ${kill.ms}ms`;
  return 'after the flow';
}
