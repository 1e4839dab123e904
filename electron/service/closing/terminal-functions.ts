/** The terminal's own functions behind the service PIN: connection test, settlement, reports, slip copy. */
import type { PinpadDriver } from '../../../native/inpas/driver.js';
import type { PinpadResult } from '../../../native/inpas/result.js';
import type { Journal } from '../journal/journal.js';
import type { ServiceOperationResult, SettlementResult } from '../../contract/types.js';
import { beginClosing } from './reconciliation.js';
import type { PaymentServiceOptions } from '../payments/payment-types.js';
import type { TerminalLock } from '../pinpad/terminal-lock.js';

/** What the terminal's functions need of the payments (payments/ledger.ts). */
export interface TerminalFunctionsHost {
  readonly options: PaymentServiceOptions;
  readonly journal: Journal;
  readonly lock: TerminalLock;
  now(): Date;
  /** The driver, or a `pinpad-offline` error. */
  driverOrThrow(): PinpadDriver;
}

export class TerminalFunctions {
  readonly #host: TerminalFunctionsHost;

  constructor(host: TerminalFunctionsHost) {
    this.#host = host;
  }

  async #run(name: string, run: (driver: PinpadDriver) => Promise<PinpadResult>): Promise<ServiceOperationResult> {
    const driver = this.#host.driverOrThrow();
    this.#host.lock.claim(name);
    try {
      const result = await run(driver);
      if (name === 'connection test' && result.status === 'approved')
        this.#host.options.pinpad.noteTerminal?.({ terminalId: result.terminalId, model: result.model });
      return {
        status: result.status,
        text: result.text,
        slip: result.slip,
        terminalId: result.terminalId,
        model: result.model,
        bankName: result.bankName,
        hostTerminalId: result.hostTerminalId,
      };
    } finally {
      this.#host.lock.release(name);
    }
  }

  test(options: { operationTimeoutMs?: number } = {}): Promise<ServiceOperationResult> {
    return this.#run('connection test', (d) => d.test(options.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: options.operationTimeoutMs }));
  }

  /** Settlement, reconciled with the journal's totals for the day it closes (kept in the journal). */
  async settle(): Promise<SettlementResult> {
    const { journal, options } = this.#host;
    const closing = beginClosing(journal, options.profile, () => this.#host.now());
    let answer: PinpadResult | undefined;
    const result = await this.#run('settlement', async (d) => {
      answer = await d.settle(journal.nextEcrNumber());
      if (answer.status === 'approved') journal.markSettled();
      return answer;
    });
    return { ...result, reconciliation: answer?.status === 'approved' ? closing.finish(answer) : undefined };
  }

  report(full: boolean): Promise<ServiceOperationResult> {
    return this.#run(full ? 'full report' : 'short report', (d) => d.userCommand(full ? 'full-report' : 'report'));
  }

  slipCopy(): Promise<ServiceOperationResult> {
    return this.#run('slip copy', (d) => d.userCommand('slip-copy'));
  }
}
