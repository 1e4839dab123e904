/**
 * Durable late-payment watches: an SBP part whose QR could still be paid is asked about (status
 * query) until the payment is found, a final "not paid" comes after its deadline, or a cashier
 * decides. Watches are journaled and resume at every start.
 */
import type { PinpadDriver } from '../../../native/inpas/driver.js';
import type { PinpadResult } from '../../../native/inpas/result.js';
import { ServiceError } from '../../contract/errors.js';
import { localDay } from '../journal/business-day.js';
import { LateWatchStore, type LateWatchRow } from '../journal/late-watch-store.js';
import { UNRESOLVED_STATES, type Part } from '../journal/part-lifecycle.js';
import type { PaymentBook } from '../payments/payment-types.js';
import { outcomeOf } from '../payments/terminal-records.js';

/** Status states that say, finally, that the QR was not paid. */
const NOT_PAID = new Set(['expired', 'rejected', 'not-found', 'reversed']);

export class LateWatch {
  readonly store: LateWatchStore;
  readonly #host: PaymentBook;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(host: PaymentBook) {
    this.#host = host;
    this.store = new LateWatchStore(host.journal, () => host.now());
  }

  get #pollMs(): number {
    return this.#host.options.sbpPollMs ?? 5000;
  }

  /** How long after its QR expired a payment may still land, ms. */
  get #marginMs(): number {
    const profileSeconds = this.#host.options.profile.sbp.latePaymentMarginSeconds;
    return this.#host.options.sbpLateWindowMs ?? (profileSeconds !== undefined ? profileSeconds * 1000 : 10 * 60_000);
  }

  /** Opens (or keeps) the watch of a part whose QR may still be paid. */
  open(part: Part, reason: string): void {
    // Journaled even while stopping: the next start resumes it (#schedule does nothing once stopped).
    if (part.kind !== 'payment' || part.ecrNumber === undefined) return;
    // The QR's own expiry when it was seen; otherwise it may have been shown up to its lifetime from now.
    const now = this.#host.now().getTime();
    const expiry = part.qr?.expiresAt ?? now + this.#host.options.profile.sbp.qrLifetimeSeconds * 1000;
    // A watch opened late (the app was down when the QR expired, or the clocks differ) still watches a whole margin.
    const deadlineMs = Math.max(expiry, now) + this.#marginMs;
    this.store.open({ partId: part.id, receiptId: part.receiptId, ecrNumber: part.ecrNumber, amount: part.amount, reason, deadlineMs });
    this.#schedule(part.id, this.#pollMs);
  }

  /** At start: every watch the journal holds goes on where it stopped. */
  resumeAll(): void {
    for (const watch of this.store.active()) this.#schedule(watch.partId, 0);
  }

  /** Watches of a receipt (open and ended). */
  ofReceipt(receiptId: string): LateWatchRow[] {
    return this.store.ofReceipt(receiptId);
  }

  /** A cashier ends a watch (audited): e.g. the customer showed the payment was refused by their bank. */
  decide(partId: string, note: string): LateWatchRow {
    const watch = this.store.get(partId);
    if (!watch) throw new ServiceError('not-found', `no late-payment watch for payment ${partId}`);
    if (watch.state !== 'watching') throw new ServiceError('not-unresolved', `the late-payment watch of ${partId} is ${watch.state}`);
    if (note.trim() === '') throw new ServiceError('invalid-input', 'say why the watch is ended');
    clearTimeout(this.#timers.get(partId));
    this.#timers.delete(partId);
    return this.store.end(partId, 'decided', `by the cashier: ${note}`);
  }

  #schedule(partId: string, ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timers.get(partId));
    const timer = setTimeout(() => {
      this.#timers.delete(partId);
      const run = this.#tick(partId)
        .catch(() => this.#schedule(partId, this.#pollMs))
        .finally(() => this.#running.delete(run));
      this.#running.add(run);
    }, ms);
    timer.unref?.();
    this.#timers.set(partId, timer);
  }

  async #tick(partId: string): Promise<void> {
    const watch = this.store.get(partId);
    if (!watch || this.#stopped) return;
    if (watch.state === 'reversing') {
      await this.#reverse(watch);
      return;
    }
    if (watch.state !== 'watching') return;
    let driver: PinpadDriver;
    try {
      driver = this.#host.driver();
    } catch {
      this.#schedule(partId, this.#pollMs);
      return;
    }
    const owner = `late-payment check of ${partId}`;
    if (!this.#host.lock.tryClaim(owner)) {
      this.#schedule(partId, this.#pollMs);
      return;
    }
    let status: PinpadResult;
    try {
      status = await driver.status({ ofEcrNumber: watch.ecrNumber, refund: false }, { operationTimeoutMs: this.#host.options.recoveryCallMs ?? 30_000 });
    } catch {
      // The driver refused to run the query (busy with someone else's request): ask again later.
      this.#schedule(partId, this.#pollMs);
      return;
    } finally {
      this.#host.lock.release(owner);
    }
    if (this.#stopped) return;
    const answered = status.status === 'approved' || status.status === 'declined';
    if (answered && status.sbpState === 'done') {
      await this.#found(watch, status);
      return;
    }
    if (answered && status.sbpState !== undefined && NOT_PAID.has(status.sbpState) && this.#host.now().getTime() > watch.deadlineMs) {
      this.store.end(partId, 'not-paid', `the terminal says ${status.sbpState} after the deadline`);
      // The screen showing the receipt learns that no result is coming any more.
      this.#host.publish(watch.receiptId);
      return;
    }
    // Pending, expired before the deadline, or no answer: a payment may still land.
    this.#schedule(partId, this.#pollMs);
  }

  /** The QR was paid after all: a late part on the receipt, then the policy (give it back, or keep it and alert). */
  async #found(watch: LateWatchRow, status: PinpadResult): Promise<void> {
    const journal = this.#host.journal;
    const original = journal.getPart(watch.partId)!;
    const amount = status.amount ?? watch.amount;
    const known = status.rrn ? journal.partsOf(watch.receiptId).find((p) => p.kind === 'payment' && p.rrn === status.rrn && p.id !== original.id) : undefined;
    if (known) {
      this.store.end(watch.partId, 'paid', `already on the receipt as ${known.id}`, known.id);
      return;
    }
    const receipt = this.#host.getReceipt(watch.receiptId);
    // Money beyond the receipt's total (it was paid another way meanwhile, or closed) always goes back.
    const overpaid = receipt.state !== 'open' || receipt.paid + amount > receipt.total;
    const reverse = this.#host.options.reverseLatePayments === true || overpaid;
    let lateId = '';
    journal.atomically(() => {
      const late = journal.createPart({
        receiptId: watch.receiptId,
        kind: 'payment',
        method: 'sbp',
        amount,
        needsEcrNumber: false,
        businessDay: localDay(this.#host.now()),
      });
      journal.transition(
        late.id,
        'APPROVED',
        { ...outcomeOf(status), switchedToSbp: original.method === 'card', text: `late QR payment for till no. ${watch.ecrNumber}` },
        'late-payment',
        `paid after the QR for ${watch.partId} expired or was cancelled`,
      );
      lateId = late.id;
      this.store.end(watch.partId, reverse ? 'reversing' : 'paid', reverse ? 'paid late: to be given back' : 'paid late: kept on the receipt', late.id);
      // Kept: the receipt it completes is paid in the same commit.
      if (!reverse) this.#host.closeIfCovered(watch.receiptId);
    });
    if (!reverse) {
      this.#host.publish(watch.receiptId);
      this.#host.emitLate({ receiptId: watch.receiptId, paymentId: watch.partId, latePartId: lateId, amount, reversed: false });
      return;
    }
    await this.#reverse(this.store.get(watch.partId)!);
  }

  /** Gives a late payment back through the terminal (a journaled refund); asks again later while it cannot yet. */
  async #reverse(watch: LateWatchRow): Promise<void> {
    const journal = this.#host.journal;
    const late = watch.latePartId ? journal.getPart(watch.latePartId) : undefined;
    const done = (reversed: boolean, detail: string): void => {
      journal.atomically(() => {
        this.store.end(watch.partId, 'paid', detail);
        // Kept after all (it could not be given back): the receipt it completes is paid in the same commit.
        this.#host.closeIfCovered(watch.receiptId);
      });
      this.#host.emitLate({ receiptId: watch.receiptId, paymentId: watch.partId, latePartId: late?.id ?? '', amount: late?.amount ?? watch.amount, reversed });
      this.#host.publish(watch.receiptId);
    };
    if (!late || late.state === 'REFUNDED') {
      done(late !== undefined, late ? 'paid late and given back' : 'paid late');
      return;
    }
    const pending = journal.partsOf(watch.receiptId).some((p) => p.kind === 'refund' && p.refundOf === late.id && UNRESOLVED_STATES.has(p.state));
    if (late.state !== 'APPROVED' || pending) {
      this.#schedule(watch.partId, this.#pollMs);
      return;
    }
    try {
      const refunds = await this.#host.refund(watch.receiptId, [{ paymentId: late.id, amount: late.amount - late.refunded }]);
      if (refunds.every((r) => r.state === 'APPROVED')) done(true, 'paid late and given back');
      else if (refunds.some((r) => UNRESOLVED_STATES.has(r.state))) this.#schedule(watch.partId, this.#pollMs);
      else done(false, `paid late; the refund was refused (${refunds.map((r) => r.text ?? r.state).join('; ')}): kept on the receipt`);
    } catch (error) {
      const code = error instanceof ServiceError ? error.code : undefined;
      if (code === 'pinpad-busy' || code === 'pinpad-offline' || code === 'receipt-blocked' || code === 'stopping') this.#schedule(watch.partId, this.#pollMs);
      else done(false, `paid late; it cannot be given back (${error instanceof Error ? error.message : String(error)}): kept on the receipt`);
    }
  }

  /** Stops asking; resolves once the checks running now have ended. The journal keeps every watch for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([...this.#running]);
  }
}
