/**
 * Service rig: a PaymentService on a Journal, talking to an EmulatedTerminal (with its Bank)
 * over an in-memory byte pair. Fast, no pseudo-terminals. Every rig made through `useServiceRigs()`
 * is torn down after its test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Bank } from '../../native/emulator/bank.js';
import type { ScenarioName } from '../../native/emulator/scenarios.js';
import { FAST_TIMING, NO_FAULTS, NO_QUIRKS, type EmulatorFaults, type EmulatorQuirks, type EmulatorTiming } from '../../native/emulator/options.js';
import { EmulatedTerminal } from '../../native/emulator/terminal.js';
import type { PinpadDriver } from '../../native/inpas/driver.js';
import { Link } from '../../native/inpas/link.js';
import { Message, type FieldInput } from '../../native/inpas/message.js';
import { encodeFrame } from '../../native/inpas/codec.js';
import type { TerminalProfile } from '../../native/inpas/profile.js';
import { buildPinpadStack } from '../../native/inpas/stack.js';
import { Tag } from '../../native/inpas/tags.js';
import { memoryPair, type MemoryStream } from '../../native/transport/memory.js';
import type { Part, PaymentEvent, PinpadHealth, Receipt } from '../../electron/contract/types.js';
import { Journal } from '../../electron/service/journal/journal.js';
import { PaymentService, type PaymentServiceOptions, type PinpadAccess } from '../../electron/service/payments/payment-service.js';
import { PROFILE, sum, TERMINAL_ID, waitFor } from '../helpers.js';

// Shared with every rig (declared once in test/helpers.ts).
export { PROFILE, sum, TERMINAL_ID, waitFor };

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A profile copy with some bank flags changed (the loaded profile is shared). */
export function profileWith(bank: Partial<TerminalProfile['bank']>): TerminalProfile {
  const copy = structuredClone(PROFILE);
  return { ...copy, bank: { ...copy.bank, ...bank } };
}

/** A clock the test moves by hand; starts at noon so "a day later" never crosses midnight oddly. */
export class Clock {
  #ms: number;
  constructor(start = new Date(2026, 2, 10, 12, 0, 0)) {
    this.#ms = start.getTime();
  }
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
  advanceDays(days: number): void {
    this.#ms += days * DAY_MS;
  }
}

export interface ServiceRigOptions {
  readonly mode?: 'kiosk' | 'till';
  readonly qrSbp?: boolean;
  readonly profile?: TerminalProfile;
  readonly scenario?: ScenarioName;
  readonly timing?: Partial<EmulatorTiming>;
  readonly quirks?: Partial<EmulatorQuirks>;
  readonly faults?: Partial<EmulatorFaults>;
  readonly reverseLatePayments?: boolean;
  readonly sbpPollMs?: number;
  readonly sbpLateWindowMs?: number;
  /** A journal file instead of ':memory:'. */
  readonly journalPath?: string;
  /** Reuse this journal (another "process" on the same file, or a prepared one). */
  readonly journal?: Journal;
  readonly responseTimeoutMs?: number;
  /** The service's pin-pad operation timeout (recovery's deadline for a status query that gets no answer). */
  readonly operationTimeoutMs?: number;
  readonly clock?: Clock;
}

export class ServiceRig {
  readonly journal: Journal;
  readonly service: PaymentService;
  readonly terminal: EmulatedTerminal;
  readonly bank: Bank;
  readonly driver: PinpadDriver;
  readonly till: MemoryStream;
  readonly term: MemoryStream;
  readonly clock: Clock;
  readonly profile: TerminalProfile;
  /** Every frame the terminal received from the till, in order (requests, resends, command answers). */
  readonly received: Message[] = [];
  /** Called (synchronously) for every frame the terminal receives, before it acts on it: lets a test flip faults per request. */
  readonly onReceive: Array<(message: Message) => void> = [];
  /** Every `payment` event. */
  readonly events: PaymentEvent[] = [];
  readonly log: string[] = [];
  readonly #ownsJournal: boolean;

  constructor(options: ServiceRigOptions = {}) {
    this.clock = options.clock ?? new Clock();
    this.profile = options.profile ?? PROFILE;
    this.#ownsJournal = options.journal === undefined;
    this.journal = options.journal ?? new Journal(options.journalPath ?? ':memory:', { now: this.clock.now });
    this.bank = new Bank({ terminalId: TERMINAL_ID, rrnSeed: 100_000 });
    const [till, term] = memoryPair();
    this.till = till;
    this.term = term;
    this.terminal = new EmulatedTerminal({
      terminalId: TERMINAL_ID,
      // The terminal always runs the default wire profile; the bank flags only change the till's decisions.
      profile: PROFILE,
      bank: this.bank,
      scenario: options.scenario ?? 'approve',
      // Copies: the emulator reads these objects live and tests change them.
      timing: { ...FAST_TIMING, waitIntervalMs: 50, ...options.timing },
      quirks: { ...NO_QUIRKS, ...options.quirks },
      faults: { ...NO_FAULTS, ...options.faults },
      packetSize: 1024,
      log: (line) => this.log.push(line),
      trace: (event) => {
        if (event.direction === 'rx' && event.kind === 'frame') {
          this.received.push(event.message);
          for (const hook of this.onReceive) hook(event.message);
        }
      },
    });
    this.terminal.attach(term);
    this.driver = buildPinpadStack(till, {
      profile: this.profile,
      terminalId: TERMINAL_ID,
      responseTimeoutMs: options.responseTimeoutMs ?? 1000,
      // The service's clock: a QR's expiry and the late window are read on the same clock.
      now: this.clock.now,
    }).driver;
    const health: PinpadHealth = {
      state: 'connected',
      emulator: true,
      target: 'memory',
      terminalId: TERMINAL_ID,
      model: undefined,
      problem: undefined,
      since: new Date().toISOString(),
    };
    const driver = this.driver;
    const pinpad: PinpadAccess = { driver: () => driver, health };
    const serviceOptions: PaymentServiceOptions = {
      journal: this.journal,
      pinpad,
      profile: this.profile,
      mode: options.mode ?? 'till',
      qrSbp: options.qrSbp ?? true,
      now: this.clock.now,
      ...(options.reverseLatePayments !== undefined ? { reverseLatePayments: options.reverseLatePayments } : {}),
      ...(options.sbpPollMs !== undefined ? { sbpPollMs: options.sbpPollMs } : {}),
      ...(options.sbpLateWindowMs !== undefined ? { sbpLateWindowMs: options.sbpLateWindowMs } : {}),
      ...(options.operationTimeoutMs !== undefined ? { operationTimeoutMs: options.operationTimeoutMs } : {}),
    };
    this.service = new PaymentService(serviceOptions);
    this.service.on('payment', (event) => this.events.push(event));
  }

  get faults(): EmulatorFaults {
    return this.terminal.options.faults;
  }

  get quirks(): EmulatorQuirks {
    return this.terminal.options.quirks;
  }

  /**
   * Replaces the emulator by a terminal played from the test: every request gets the final
   * answer `answer` returns (the request's 25/26/27 are copied unless given), or no answer at all.
   */
  scriptTerminal(answer: (request: Message) => FieldInput | undefined): void {
    this.terminal.close();
    const link = new Link(this.term);
    link.on('message', (request) => {
      this.received.push(request);
      const fields = answer(request);
      if (!fields) return;
      const response = Message.of({ 25: request.text(Tag.operation), 26: request.text(Tag.ecrNumber), 27: TERMINAL_ID, ...fields });
      setTimeout(() => void link.sendFrame(encodeFrame(response), response).catch(() => undefined), 5);
    });
  }

  /** Request frames the terminal received (operation codes), from index `from` on; command-mode answers left out. */
  requestOps(from = 0): number[] {
    return this.received
      .slice(from)
      .filter((m) => !m.has(Tag.commandResult))
      .map((m) => m.int(Tag.operation) ?? -1);
  }

  part(id: string): Part {
    const part = this.journal.getPart(id);
    if (!part) throw new Error(`no part ${id}`);
    return part;
  }

  receipt(id: string): Receipt {
    return this.service.getReceipt(id);
  }

  /** Waits until the payment `id` is finished: a 'done' event was published and the service let go of the pin pad for it. */
  async settled(id: string, timeoutMs = 5000): Promise<Part> {
    const receiptId = this.part(id).receiptId;
    await waitFor(
      () => this.events.some((e) => e.paymentId === id && e.phase === 'done') && this.service.busyWith !== `payment of receipt ${receiptId}`,
      `payment ${id} to finish`,
      timeoutMs,
    );
    return this.part(id);
  }

  /** Starts a payment and waits for its outcome. */
  async pay(receiptId: string, method: 'card' | 'sbp' | 'cash', amount: number): Promise<Part> {
    const { paymentId } = this.service.startPayment({ receiptId, method, amount });
    if (method === 'cash') return this.part(paymentId);
    return this.settled(paymentId);
  }

  #closed = false;

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.service.stop();
    await waitFor(() => this.service.busyWith === undefined, 'the service to let go of the pin pad', 5000).catch(() => undefined);
    this.terminal.close();
    await this.till.close().catch(() => undefined);
    if (this.#ownsJournal) this.journal.close();
  }
}

/** Registers an afterEach that closes every rig (and temp dir) made in the test. */
export function useServiceRigs(): { rig: (options?: ServiceRigOptions) => ServiceRig; tempDir: () => string } {
  const rigs: ServiceRig[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const rig of rigs.splice(0)) await rig.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    rig: (options) => {
      const rig = new ServiceRig(options);
      rigs.push(rig);
      return rig;
    },
    tempDir: () => {
      const dir = mkdtempSync(join(tmpdir(), 'pay-service-'));
      dirs.push(dir);
      return dir;
    },
  };
}

/** The ServiceError code a call throws (sync or async), or a failure when it does not throw one. */
export async function errorCode(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if ((error as Error).name === 'ServiceError' && typeof code === 'string') return code;
    throw error;
  }
  throw new Error('expected a ServiceError, nothing was thrown');
}

