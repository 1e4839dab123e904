/** The pin pad's service functions behind the service PIN: connection test, settlement, reports, slip copy. */
import type { PinpadDriver } from '../../native/inpas/driver.js';
import type { PinpadResult } from '../../native/inpas/result.js';
import type { Journal } from './journal.js';
import type { ServiceOperationResult } from '../contract/types.js';
import type { PaymentServiceOptions } from './service-types.js';
import type { TerminalLock } from './terminal-lock.js';

export interface ServiceFunctionsHost {
  readonly options: PaymentServiceOptions;
  readonly journal: Journal;
  readonly lock: TerminalLock;
  /** The driver, or a `pinpad-offline` error. */
  driver(): PinpadDriver;
}

export class ServiceFunctions {
  readonly #host: ServiceFunctionsHost;

  constructor(host: ServiceFunctionsHost) {
    this.#host = host;
  }

  async #run(name: string, run: (driver: PinpadDriver) => Promise<PinpadResult>): Promise<ServiceOperationResult> {
    const driver = this.#host.driver();
    this.#host.lock.claim(name);
    try {
      const result = await run(driver);
      if (name === 'connection test' && result.status === 'approved')
        this.#host.options.pinpad.noteTerminal?.({ terminalId: result.terminalId, model: result.model });
      return { status: result.status, text: result.text, slip: result.slip, terminalId: result.terminalId, model: result.model };
    } finally {
      this.#host.lock.release(name);
    }
  }

  test(options: { operationTimeoutMs?: number } = {}): Promise<ServiceOperationResult> {
    return this.#run('connection test', (d) => d.test(options.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: options.operationTimeoutMs }));
  }

  settle(): Promise<ServiceOperationResult> {
    return this.#run('settlement', async (d) => {
      const result = await d.settle(this.#host.journal.nextEcrNumber());
      if (result.status === 'approved') this.#host.journal.markSettled();
      return result;
    });
  }

  report(full: boolean): Promise<ServiceOperationResult> {
    return this.#run(full ? 'full report' : 'short report', (d) => d.userCommand(full ? 'full-report' : 'report'));
  }

  slipCopy(): Promise<ServiceOperationResult> {
    return this.#run('slip copy', (d) => d.userCommand('slip-copy'));
  }
}
