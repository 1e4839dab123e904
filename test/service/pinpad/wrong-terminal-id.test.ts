/**
 * A configured terminal id the pin pad does not have: the terminal answers with its real id, the
 * connection turns into the 'wrong-terminal-id' state (health and events say so) and money is
 * refused before anything is journaled or sent, until the setting is fixed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorHost } from '../../../native/emulator/host.js';
import { FAST_TIMING, NO_FAULTS, NO_QUIRKS } from '../../../native/emulator/options.js';
import { loadProfile } from '../../../native/inpas/profile.js';
import type { PinpadHealth } from '../../../electron/contract/types.js';
import { PinpadConnection } from '../../../electron/service/pinpad/connection.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { PaymentService } from '../../../electron/service/payments/payment-service.js';
import { ServiceError } from '../../../electron/contract/errors.js';

const PROFILE = loadProfile();
const REAL_ID = '00322346';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  configuredId: string,
): Promise<{ host: EmulatorHost; connection: PinpadConnection; service: PaymentService; journal: Journal; health: PinpadHealth[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'wrong-id-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const host = await EmulatorHost.start({
    tcpPort: 0,
    terminalId: REAL_ID,
    profile: PROFILE,
    scenario: 'approve',
    ledgerPath: join(dir, 'ledger.json'),
    timing: { ...FAST_TIMING },
    quirks: { ...NO_QUIRKS },
    faults: { ...NO_FAULTS },
    packetSize: 1024,
  });
  cleanups.push(() => host.stop());
  const [hostName, port] = host.address.split(':');
  const health: PinpadHealth[] = [];
  const connection = new PinpadConnection({
    target: { kind: 'tcp', host: hostName!, port: Number(port) },
    profile: PROFILE,
    terminalId: configuredId,
    currency: '643',
    operationTimeoutMs: 20_000,
    responseTimeoutMs: 5_000,
    emulator: true,
    onHealth: (h) => health.push(h),
  });
  await connection.start();
  cleanups.push(() => connection.stop());
  const journal = new Journal(join(dir, 'journal.sqlite'));
  cleanups.push(() => journal.close());
  const service = new PaymentService({ journal, pinpad: connection, profile: PROFILE, mode: 'kiosk', qrSbp: true, reverseLatePayments: false });
  cleanups.push(() => service.stop());
  return { host, connection, service, journal, health };
}

describe('a wrong terminal id', () => {
  it('is a pin-pad state with both ids, and card and QR payments are refused before anything is sent', async () => {
    const { host, connection, service, journal, health } = await setup('11112222');
    expect(connection.health.state).toBe('connected');
    const test = await service.testConnection();
    expect(test.status).not.toBe('approved');
    expect(connection.health.state).toBe('wrong-terminal-id');
    expect(connection.health.problem).toContain(REAL_ID);
    expect(connection.health.problem).toContain('11112222');
    expect(health.at(-1)?.state).toBe('wrong-terminal-id');

    const receipt = service.openReceipt({ lines: [{ name: 'Хлеб', quantity: 1, amount: 5000 }], total: 5000 });
    for (const method of ['card', 'sbp'] as const) {
      let refused: unknown;
      try {
        await service.startPayment({ receiptId: receipt.id, method, amount: 5000 });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(ServiceError);
      expect((refused as ServiceError).message).toContain('terminal id');
    }
    expect(journal.partsOf(receipt.id)).toEqual([]);
    expect(host.bank.ledger.charges).toEqual([]);
  }, 60_000);

  it('the right id stays connected and pays', async () => {
    const { connection, service } = await setup(REAL_ID);
    expect((await service.testConnection()).status).toBe('approved');
    expect(connection.health.state).toBe('connected');
    const receipt = service.openReceipt({ lines: [{ name: 'Хлеб', quantity: 1, amount: 5000 }], total: 5000 });
    const { paymentId } = await service.startPayment({ receiptId: receipt.id, method: 'card', amount: 5000 });
    await new Promise<void>((resolve) => {
      const check = (): void => (service.getReceipt(receipt.id).state === 'paid' ? resolve() : void setTimeout(check, 20));
      check();
    });
    expect(service.getReceipt(receipt.id).parts.find((p) => p.id === paymentId)?.state).toBe('APPROVED');
  }, 60_000);
});
