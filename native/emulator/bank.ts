/** The emulated bank behind the pin pad: what was really charged and refunded (the ledger chaos and crash tests reconcile against). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyTotals, type SettlementTotals } from '../inpas/settlement-totals.js';

/** What the emulated bank did with money: the proof of no double charge. */
export interface LedgerCharge {
  readonly rrn: string;
  readonly ecrNumber: number;
  readonly amount: number;
  readonly method: 'card' | 'sbp';
  readonly switched: boolean;
  readonly day: number;
  readonly at: string;
}

export interface LedgerRefund {
  readonly rrn: string;
  readonly ofRrn: string;
  readonly ecrNumber: number;
  readonly amount: number;
  readonly kind: 'void' | 'refund' | 'emergency-cancel';
  /** Operating day on which the money went back. */
  readonly day: number;
  readonly at: string;
}

export interface Ledger {
  readonly terminalId: string;
  readonly charges: LedgerCharge[];
  readonly refunds: LedgerRefund[];
  readonly settlements: Array<{
    readonly day: number;
    readonly at: string;
    readonly count: number;
    readonly total: number;
    readonly totals?: SettlementTotals;
  }>;
}

export type QrState = 'pending' | 'done' | 'expired' | 'cancelled';

export interface Payment {
  readonly rrn: string;
  readonly authCode: string;
  readonly ecrNumber: number;
  readonly amount: number;
  readonly method: 'card' | 'sbp';
  readonly switched: boolean;
  readonly day: number;
  readonly cardMasked: string | undefined;
  refunded: number;
}

export interface QrPayment {
  readonly ecrNumber: number;
  readonly amount: number;
  readonly payload: string;
  readonly switched: boolean;
  state: QrState;
  rrn: string | undefined;
}

export interface RefundRecord {
  readonly rrn: string;
  readonly ofRrn: string;
  readonly ecrNumber: number;
  readonly amount: number;
}

/**
 * The emulated acquiring bank behind the pin pad: payments of the operating day, QR payments
 * waiting to be paid, refunds, and settlement. Every change is written to the ledger file.
 */
export class Bank {
  readonly terminalId: string;
  readonly #ledgerPath: string | undefined;
  readonly #ledger: Ledger;
  readonly payments: Payment[] = [];
  readonly qr: QrPayment[] = [];
  readonly refunds: RefundRecord[] = [];
  day = 1;
  #rrnCounter: number;
  #now: () => Date;

  constructor(options: { terminalId: string; ledgerPath?: string; now?: () => Date; rrnSeed?: number }) {
    this.terminalId = options.terminalId;
    this.#ledgerPath = options.ledgerPath;
    this.#now = options.now ?? (() => new Date());
    this.#rrnCounter = options.rrnSeed ?? (Math.floor(this.#now().getTime() / 1000) % 1_000_000) * 1000;
    this.#ledger = { terminalId: options.terminalId, charges: [], refunds: [], settlements: [] };
    this.#save();
  }

  get ledger(): Ledger {
    return this.#ledger;
  }

  nextRrn(): string {
    this.#rrnCounter = (this.#rrnCounter + 1) % 1_000_000_000_000;
    return String(this.#rrnCounter).padStart(12, '0');
  }

  authCode(): string {
    return String(100000 + (this.#rrnCounter % 900000)).slice(-6);
  }

  charge(input: { ecrNumber: number; amount: number; method: 'card' | 'sbp'; switched: boolean; cardMasked?: string; rrn?: string }): Payment {
    const payment: Payment = {
      rrn: input.rrn ?? this.nextRrn(),
      authCode: this.authCode(),
      ecrNumber: input.ecrNumber,
      amount: input.amount,
      method: input.method,
      switched: input.switched,
      day: this.day,
      cardMasked: input.cardMasked,
      refunded: 0,
    };
    this.payments.push(payment);
    this.#ledger.charges.push({
      rrn: payment.rrn,
      ecrNumber: payment.ecrNumber,
      amount: payment.amount,
      method: payment.method,
      switched: payment.switched,
      day: payment.day,
      at: this.#now().toISOString(),
    });
    this.#save();
    return payment;
  }

  refund(payment: Payment, amount: number, ecrNumber: number, kind: LedgerRefund['kind']): RefundRecord {
    if (amount <= 0 || payment.refunded + amount > payment.amount) throw new RangeError('refund exceeds what is left of the payment');
    payment.refunded += amount;
    const record: RefundRecord = { rrn: this.nextRrn(), ofRrn: payment.rrn, ecrNumber, amount };
    this.refunds.push(record);
    this.#ledger.refunds.push({ ...record, kind, day: this.day, at: this.#now().toISOString() });
    this.#save();
    return record;
  }

  findByRrn(rrn: string): Payment | undefined {
    return this.payments.find((p) => p.rrn === rrn);
  }

  findByEcr(ecrNumber: number): Payment | undefined {
    return this.payments.findLast((p) => p.ecrNumber === ecrNumber);
  }

  /**
   * The day's totals from the ledger, as the terminal reports them at settlement: sales by
   * method (a switched sale where `switchedAs` says), voids and refunds made that day. A sale
   * given back by an emergency cancel was reversed: it counts nowhere, and neither does the cancel.
   */
  totals(day: number = this.day, switchedAs: 'sbp' | 'card' = 'sbp'): SettlementTotals {
    const out = emptyTotals();
    const reversed = new Set(this.#ledger.refunds.filter((r) => r.kind === 'emergency-cancel').map((r) => r.ofRrn));
    const add = (kind: keyof SettlementTotals, amount: number): void => {
      out[kind] = { count: out[kind].count + 1, amount: out[kind].amount + amount };
    };
    for (const charge of this.#ledger.charges) {
      if (charge.day !== day || reversed.has(charge.rrn)) continue;
      add(charge.method === 'card' || (charge.switched && switchedAs === 'card') ? 'cardSales' : 'sbpSales', charge.amount);
    }
    for (const refund of this.#ledger.refunds) {
      if (refund.day !== day || refund.kind === 'emergency-cancel') continue;
      add(refund.kind === 'void' ? 'voids' : 'refunds', refund.amount);
    }
    return out;
  }

  settle(switchedAs: 'sbp' | 'card' = 'sbp'): { count: number; total: number; totals: SettlementTotals } {
    const today = this.payments.filter((p) => p.day === this.day);
    const total = today.reduce((sum, p) => sum + p.amount - p.refunded, 0);
    const totals = this.totals(this.day, switchedAs);
    this.#ledger.settlements.push({ day: this.day, at: this.#now().toISOString(), count: today.length, total, totals });
    this.day++;
    this.#save();
    return { count: today.length, total, totals };
  }

  #save(): void {
    if (!this.#ledgerPath) return;
    mkdirSync(dirname(this.#ledgerPath), { recursive: true });
    const tmp = `${this.#ledgerPath}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#ledger, null, 2)}\n`);
    renameSync(tmp, this.#ledgerPath);
  }
}
