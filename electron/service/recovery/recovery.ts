/**
 * Recovery of unknown outcomes through the terminal: a status query, then an emergency cancel of
 * exactly the same request — never a new sale. Runs in the background until every part is
 * resolved, waits for a pin pad still busy with a crashed process's request, and takes the pin
 * pad's own final answer to a journaled request as that request's answer.
 *
 * A payment is given back (emergency cancel) only when the status says it is not done, or when
 * the status has not answered by the deadline. A status query with no answer proves nothing: the
 * pin pad ignores it while it is busy with the request itself (whether or not WAIT frames show
 * it), and the sale's own final answer may then be lost on the line. So recovery asks again,
 * every retry interval, once the pin pad is free, until the deadline: the pin pad's operation
 * timeout after the first query that got no answer.
 */
import type { AuditEvent } from '../../contract/audit-events.js';
import type { DriverEvent, PinpadDriver } from '../../../native/inpas/driver.js';
import type { Message } from '../../../native/inpas/message.js';
import type { PinpadResult } from '../../../native/inpas/result.js';
import { Tag } from '../../../native/inpas/tags.js';
import { ServiceError } from '../../contract/errors.js';
import type { Journal, PartOutcome } from '../journal/journal.js';
import { UNRESOLVED_STATES, type Part } from '../journal/part-lifecycle.js';
import type { PaymentBook } from '../payments/payment-types.js';
import { messageFromRecord, outcomeOf, partContext } from '../payments/terminal-records.js';

/** How long recovery waits for the terminal's answer after it gives up a query it no longer needs, ms. */
const ABORT_GRACE_MS = 300;

export class Recovery {
  readonly #host: PaymentBook;
  /** When a status query of this process first got no answer, per part, ms: the deadline counts from there. */
  readonly #unansweredSince = new Map<string, number>();
  /** Recovery queries running, by part: cut short when the pin pad's own answer settles the part. */
  readonly #queries = new Map<string, AbortController>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Parts the background recovery works on. */
  readonly #pending = new Set<string>();
  #background = false;
  #stopped = false;

  constructor(host: PaymentBook) {
    this.#host = host;
  }

  get #journal(): Journal {
    return this.#host.journal;
  }

  get #callMs(): number {
    return this.#host.options.recoveryCallMs ?? 30_000;
  }

  /** Parts whose outcome is not known and that nothing is working on right now. */
  listUnresolved(): Part[] {
    return this.#journal.partsInStates(['INTENT', 'SENT', 'UNKNOWN']).filter((p) => !this.#host.lock.inFlight.has(p.id));
  }

  /** Resolves the given part (or every unresolved one); returns the parts as they are afterwards. */
  async recover(partId?: string): Promise<Part[]> {
    const parts = partId ? [this.#journal.getPart(partId)].filter((p): p is Part => p !== undefined) : this.listUnresolved();
    if (partId && parts.length === 0) throw new ServiceError('not-found', `no payment ${partId}`);
    const out: Part[] = [];
    for (const part of parts) {
      const inFlight = this.#host.lock.inFlight.has(part.id);
      if (!UNRESOLVED_STATES.has(part.state) || inFlight) {
        if (partId) throw new ServiceError('not-unresolved', `payment ${part.id} is ${inFlight ? 'in progress' : part.state}`);
        continue;
      }
      out.push(await this.#recoverOne(part));
      this.#host.publish(part.receiptId);
    }
    return out;
  }

  async #recoverOne(part: Part): Promise<Part> {
    const journal = this.#journal;
    if (part.state === 'INTENT') {
      // SENT is committed before any byte is written, so an INTENT part never reached the pin pad.
      return journal.transition(part.id, 'FAILED', { text: 'not sent: the app stopped before sending' }, 'recovered-not-sent');
    }
    const current =
      part.state === 'SENT' ? journal.transition(part.id, 'UNKNOWN', {}, 'recovery-started', 'the app stopped while waiting for the answer') : part;
    let driver: PinpadDriver;
    try {
      driver = this.#host.driver();
    } catch {
      // The pin pad is away: the part stays UNKNOWN and is tried again later.
      return current;
    }
    const owner = `recovery of ${part.id}`;
    if (!this.#host.lock.tryClaim(owner)) return current;
    const controller = new AbortController();
    this.#queries.set(part.id, controller);
    try {
      return await this.#ask(current, driver, controller.signal);
    } finally {
      this.#queries.delete(part.id);
      this.#host.lock.release(owner);
    }
  }

  /** The recovery exchange proper, with the pin pad held. */
  async #ask(part: Part, driver: PinpadDriver, signal: AbortSignal): Promise<Part> {
    const journal = this.#journal;
    let busy = false;
    const onEvent = (event: DriverEvent): void => this.#onQueryEvent(part, event, () => (busy = true));
    const status = await driver.status(
      { ofEcrNumber: part.ecrNumber!, refund: part.kind === 'refund' },
      { operationTimeoutMs: this.#callMs, signal, abortGraceMs: ABORT_GRACE_MS, onEvent },
    );
    // The pin pad's own answer to the request may have settled the part meanwhile.
    const now = journal.getPart(part.id)!;
    if (!UNRESOLVED_STATES.has(now.state)) return now;
    // The query could not start (another exchange held the session): nothing was asked; the next pass asks.
    if (status.error?.code === 'busy') return now;
    const answered = status.status === 'approved' || status.status === 'declined';
    journal.note(
      part.id,
      'recovery-status',
      `${status.status}${status.sbpState ? ` / ${status.sbpState}` : ''}${!answered && busy ? ' (the pin pad is busy)' : ''}`,
    );
    if (answered && status.sbpState === 'done') return this.#recordFound(now, status);
    if (part.kind === 'payment' && answered && status.sbpState === 'reversed') {
      // Charged, then given back by an emergency cancel whose answer was not recorded (a crash mid-reversal).
      return this.#endWatched(part.id, 'REVERSED', outcomeOf(status), 'recovered-reversed', 'the terminal reports it cancelled', 'reversed by recovery');
    }
    if (part.kind === 'refund') {
      if (answered && (status.sbpState === 'not-found' || status.sbpState === 'rejected')) {
        return journal.transition(part.id, 'DECLINED', { text: 'the terminal has no such refund' }, 'recovered-declined');
      }
      return now;
    }
    if (!answered && !this.#deadlinePassed(now, busy)) return now;
    return this.#cancel(now, driver, signal);
  }

  /**
   * The status query of a payment got no answer: whether its deadline has passed (then the
   * emergency cancel goes). Until then the part stays UNKNOWN and the next pass asks again. The
   * pin pad may be busy with the request itself — its WAIT frames say so, or it ignored the query
   * between two of them — and its final answer, which is what the customer did, may come or be
   * lost; it is free again at the latest after its operation timeout, counted here from the first
   * query that got no answer.
   */
  #deadlinePassed(part: Part, busy: boolean): boolean {
    const limit = this.#host.options.operationTimeoutMs ?? 180_000;
    const since = this.#unansweredSince.get(part.id);
    if (since === undefined) {
      this.#unansweredSince.set(part.id, this.#host.now().getTime());
      const wait = `asking again until ${Math.round(limit / 1000)} s from now before any cancel`;
      if (busy) this.#journal.note(part.id, 'recovery-waiting', `the pin pad is busy; waiting for its answer, ${wait}`);
      else
        this.#journal.note(
          part.id,
          'recovery-pending',
          `no answer to the status query (the pin pad may be busy with the request, or the answer lost); ${wait}`,
        );
      return false;
    }
    const waited = this.#host.now().getTime() - since;
    if (waited < limit) return false;
    this.#journal.note(part.id, 'recovery-deadline', `no answer to the status query for ${Math.round(waited / 1000)} s: emergency cancel`);
    return true;
  }

  /** Emergency cancel of exactly the journaled request. */
  async #cancel(part: Part, driver: PinpadDriver, signal: AbortSignal): Promise<Part> {
    const journal = this.#journal;
    const request = journal.partRequest(part.id);
    if (!request) return part;
    const cancel = await driver.emergencyCancel(messageFromRecord(request), {
      operationTimeoutMs: this.#callMs,
      signal,
      abortGraceMs: ABORT_GRACE_MS,
      onEvent: (event) => this.#onQueryEvent(part, event, () => undefined),
    });
    this.#host.crash.point('during-reversal');
    const now = journal.getPart(part.id)!;
    if (!UNRESOLVED_STATES.has(now.state)) {
      // The pin pad's own answer came first; a cancel that then went through gave that money back.
      if (now.state === 'APPROVED' && cancel.status === 'approved')
        return journal.transition(now.id, 'REVERSED', outcomeOf(cancel), 'recovered-reversed', 'emergency cancel of the same request: money given back');
      return now;
    }
    this.#unansweredSince.delete(part.id);
    if (cancel.status === 'approved') {
      return this.#endWatched(
        part.id,
        'REVERSED',
        outcomeOf(cancel),
        'recovered-reversed',
        'emergency cancel of the same request: money given back',
        'reversed by recovery',
      );
    }
    if (cancel.status === 'declined') {
      return this.#endWatched(
        part.id,
        'DECLINED',
        outcomeOf(cancel),
        'recovered-declined',
        cancel.text ?? 'nothing to cancel: it was not charged',
        'declined by recovery; the QR may still be paid',
      );
    }
    journal.note(part.id, 'recovery-pending', cancel.text ?? 'no answer');
    return now;
  }

  /**
   * Ends a part declined or reversed; a QR payment gets its late-payment watch in the same commit
   * (a kill between the two would leave a declined QR that nothing watches).
   */
  #endWatched(id: string, to: 'DECLINED' | 'REVERSED', outcome: PartOutcome, event: AuditEvent, detail: string, watchReason: string): Part {
    const journal = this.#journal;
    return journal.atomically(() => {
      const ended = journal.transition(id, to, outcome, event, detail);
      if (this.#host.isQrPayment(ended)) this.#host.watch(ended, watchReason);
      return ended;
    });
  }

  /** The status says done: record it as a live answer would be (method SBP and the switch included). */
  #recordFound(part: Part, status: PinpadResult): Part {
    const bySbp = status.foundMethod === 'sbp' || (status.foundMethod === undefined && this.#host.isQrPayment(part));
    const switched = part.kind === 'payment' && part.method === 'card' && bySbp;
    const approved = this.#journal.atomically(() => {
      const found = this.#journal.transition(
        part.id,
        'APPROVED',
        { ...outcomeOf(status), switchedToSbp: switched, ...(switched ? { method: 'sbp' as const } : {}) },
        'recovered-approved',
        'the terminal reports it done',
      );
      // The receipt's "paid" (or the payment's "refunded") in the same commit: a kill cannot leave one without the other.
      if (found.kind === 'payment') this.#host.closeIfCovered(found.receiptId);
      else if (found.refundOf) this.#host.markRefundedIfWhole(found.refundOf);
      return found;
    });
    this.#unansweredSince.delete(part.id);
    return approved;
  }

  /** What the pin pad shows while recovery asks: WAIT frames of the request it is still busy with. */
  #onQueryEvent(part: Part, event: DriverEvent, onBusy: () => void): void {
    if (event.type === 'wait') onBusy();
    if (event.type === 'qr' && part.kind === 'payment') {
      this.#journal.note(part.id, 'qr-shown', `seen while recovering; expires ${new Date(event.expiresAt).toISOString()}`, {
        qr: { payload: event.payload, expiresAt: event.expiresAt },
      });
    }
    if (event.type === 'method-switched' && part.kind === 'payment' && part.method === 'card')
      this.#journal.note(part.id, 'switched-to-sbp', 'the pin pad shows the QR the customer switched to');
  }

  /**
   * A final answer that came outside any exchange: when it answers a journaled request still
   * unresolved (same operation and till number), it is that request's answer.
   */
  onStrayAnswer(driver: PinpadDriver, message: Message): void {
    const ecr = message.int(Tag.ecrNumber);
    if (ecr === undefined || this.#stopped) return;
    const part = this.#journal.partByEcr(ecr);
    if (!part || (part.state !== 'SENT' && part.state !== 'UNKNOWN') || this.#host.lock.inFlight.has(part.id)) return;
    const record = this.#journal.partRequest(part.id);
    if (!record) return;
    const request = messageFromRecord(record);
    if (!driver.isAnswerTo(request, message)) return;
    const result = driver.resultOf(message, partContext(this.#host.options.profile, part, request));
    this.#journal.note(part.id, 'late-answer', "the pin pad's final answer to this request came after the app restarted: it is the answer");
    this.#host.settle(part, result, 'recovered');
    this.#unansweredSince.delete(part.id);
    this.#queries.get(part.id)?.abort();
    this.#host.publish(part.receiptId);
  }

  /**
   * Recovery in the background: every part a crash left unresolved is asked about again until it
   * is resolved. Parts that end unknown while the app runs are resolved from the screen, or here
   * once the pin pad comes back after being away.
   */
  startBackground(): void {
    if (this.#background || this.#stopped) return;
    this.#background = true;
    for (const part of this.listUnresolved()) this.#pending.add(part.id);
    this.#schedule(0);
  }

  /**
   * The pin pad came back: every unresolved part is asked about within a retry interval (a
   * moment later than at once, so that a recovery asked for from the screen meanwhile goes first).
   */
  kick(): void {
    if (!this.#background || this.#stopped) return;
    for (const part of this.listUnresolved()) this.#pending.add(part.id);
    if (!this.#running) this.#schedule(this.#host.options.recoveryRetryMs ?? 2000);
  }

  #schedule(ms: number): void {
    if (this.#stopped || this.#pending.size === 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#running = this.#pass().finally(() => {
        this.#running = undefined;
        this.#schedule(this.#host.options.recoveryRetryMs ?? 2000);
      });
    }, ms);
    this.#timer.unref?.();
  }

  async #pass(): Promise<void> {
    for (const id of [...this.#pending]) {
      if (this.#stopped) return;
      const part = this.#journal.getPart(id);
      if (!part || !UNRESOLVED_STATES.has(part.state)) {
        this.#pending.delete(id);
        continue;
      }
      if (this.#host.lock.inFlight.has(id)) continue;
      try {
        const [now] = await this.recover(id);
        if (now && !UNRESOLVED_STATES.has(now.state)) this.#pending.delete(id);
      } catch {
        // Settled meanwhile, or the journal refused: looked at again on the next pass.
      }
    }
  }

  /** Stops the background work; resolves once a recovery running now has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const controller of this.#queries.values()) controller.abort();
    await this.#running;
  }
}
