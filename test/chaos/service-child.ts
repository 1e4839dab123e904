/**
 * The kiosk service of a chaos round, headless: `node --import tsx test/chaos/service-child.ts`.
 * It starts the real service app on the round's data folder (pin pad: the emulator process) and
 * then, with CHAOS_FLOW set, runs that flow once (receipts, parts, refunds); with or without it,
 * it stays up — recovering and watching — until SIGTERM, when it stops cleanly. It prints one
 * line `flow-started` when the first money operation begins and `flow-done` when the flow ended.
 *
 * Environment: CHAOS_DATA_DIR, CHAOS_CONFIG (required); CHAOS_FLOW (JSON of a Flow, optional);
 * KIOSK_CRASH_AT / KIOSK_CRASH_SKIP (the service kills itself there).
 */
import { startServiceApp } from '../../electron/service/app.js';
import { crashHooksFromEnv } from '../../electron/service/crash-points.js';
import type { Part } from '../../electron/service/journal/part-lifecycle.js';
import type { PaymentService } from '../../electron/service/payments/payment-service.js';

/** One receipt: its parts paid in order, then optionally every approved part given back. */
export interface Flow {
  readonly receiptId: string;
  readonly parts: ReadonlyArray<{ readonly method: 'card' | 'sbp'; readonly amount: number }>;
  readonly refund: boolean;
}

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

/** Waits for the pin pad to be free (recovery, a late-payment check), then runs `start`. */
async function whenFree<T>(service: PaymentService, start: () => T): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return start();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== 'pinpad-busy' && code !== 'pinpad-offline') || i > 400) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function payPart(service: PaymentService, receiptId: string, method: 'card' | 'sbp', amount: number): Promise<Part> {
  const done = new Promise<Part>((resolve) => {
    const listener = (event: { receiptId: string; phase: string; part?: Part }): void => {
      if (event.receiptId === receiptId && event.phase === 'done' && event.part) {
        service.off('payment', listener);
        resolve(event.part);
      }
    };
    service.on('payment', listener);
  });
  await whenFree(service, () => service.startPayment({ receiptId, method, amount }));
  return done;
}

async function runFlow(service: PaymentService, flow: Flow): Promise<void> {
  const total = flow.parts.reduce((s, p) => s + p.amount, 0);
  service.openReceipt({ id: flow.receiptId, lines: [], total });
  process.stdout.write('flow-started\n');
  for (const part of flow.parts) {
    const ended = await payPart(service, flow.receiptId, part.method, part.amount);
    if (ended.state !== 'APPROVED') break;
  }
  if (flow.refund) {
    const receipt = service.getReceipt(flow.receiptId);
    const items = receipt.parts
      .filter((p) => p.kind === 'payment' && p.state === 'APPROVED' && p.amount > p.refunded)
      .map((p) => ({ paymentId: p.id, amount: p.amount - p.refunded }));
    // A bank that will not refund a switched payment answers with an error: that is a valid outcome here.
    if (items.length > 0) await whenFree(service, () => service.refund(flow.receiptId, items)).catch(() => undefined);
  }
  process.stdout.write('flow-done\n');
}

const app = await startServiceApp({
  configPath: env('CHAOS_CONFIG'),
  dataDir: env('CHAOS_DATA_DIR'),
  responseTimeoutSeconds: 2,
  recoveryRetryMs: 300,
  sbpPollMs: 300,
  connectionTestAtStart: false,
  crash: crashHooksFromEnv(process.env),
});
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void app.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdout.write('started\n');
const flow = process.env.CHAOS_FLOW;
if (flow) {
  await runFlow(app.service, JSON.parse(flow) as Flow).catch((error: unknown) => {
    process.stdout.write(`flow-error ${error instanceof Error ? error.message : String(error)}\n`);
  });
}
// Stays up (recovery and late-payment watches run in the background) until SIGTERM.
setInterval(() => undefined, 60_000);
