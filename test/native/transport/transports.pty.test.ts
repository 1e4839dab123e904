import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asPinpadError, PinpadError } from '../../../native/inpas/errors.js';
import { TransportError } from '../../../native/transport/errors.js';
import { resultFromError } from '../../../native/inpas/result.js';
import { SerialStream } from '../../../native/transport/serial.js';
import { useRigs } from '../rig.js';

const rig = useRigs();

describe('transports', () => {
  it('TCP straight to the terminal: connection test and sale approved', async () => {
    const r = await rig({ transport: 'tcp' });
    expect(r.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(r.connection.stream.description).toBe(`tcp ${r.address}`);
    const test = await r.driver.test();
    expect(test.status).toBe('approved');
    const sale = await r.driver.sale({ amount: 10000, ecrNumber: 1, method: 'card' });
    expect(sale.status).toBe('approved');
    expect(sale.rrn).toBe(r.ledger.charges[0]!.rrn);
    expect(r.ledger.charges).toHaveLength(1);
    // ACK/NAK are used over TCP too.
    expect(r.trace).toContain('RX ACK');
  });

  it('a serial path that does not exist: PinpadError link with delivery none, a failed result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinpad-it-'));
    try {
      const path = join(dir, 'no-such-tty');
      const error = await SerialStream.open({ path }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // The transport's own error; the pin-pad layer wraps it with its code and delivery.
      expect(error).toBeInstanceOf(TransportError);
      const pe = asPinpadError(error);
      expect(pe).toBeInstanceOf(PinpadError);
      expect(pe.code).toBe('link');
      expect(pe.delivery).toBe('none');
      expect(pe.message).toContain(path);
      const result = resultFromError(pe, { operation: 'sale', requestedMethod: 'card', amount: 10000, ecrNumber: 1 });
      expect(result.status).toBe('failed');
      expect(result.error?.code).toBe('link');
      expect(result.amount).toBe(10000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a misspelled baud rate is refused before anything is opened', async () => {
    const r = await rig();
    await expect(SerialStream.open({ path: r.address, baudRate: 11520 })).rejects.toMatchObject({ code: 'config' });
    // The pin pad is untouched and still answers the open connection.
    expect((await r.driver.test()).status).toBe('approved');
  });
});
