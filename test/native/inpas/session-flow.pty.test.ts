import { describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../native/inpas/driver.js';
import { useRigs, waitFor } from '../rig.js';

const rig = useRigs();

describe('cancel from the till and command mode', () => {
  it("'card-removed': the till aborts after the first WAIT, the terminal answers 39=53, nothing charged", async () => {
    const r = await rig({ scenario: 'card-removed', timing: { cardTimeoutMs: 20_000, waitIntervalMs: 100 } });
    const controller = new AbortController();
    let waits = 0;
    const result = await r.driver.sale(
      { amount: 10000, ecrNumber: 1, method: 'card' },
      {
        signal: controller.signal,
        onEvent: (event) => {
          r.onEvent(event);
          if (event.type === 'wait' && ++waits === 1) controller.abort();
        },
      },
    );
    expect(result.status).toBe('declined');
    expect(result.transactionStatus).toBe(53);
    expect(result.text).toBe('ОПЕРАЦИЯ ПРЕРВАНА');
    expect(r.events.some((e) => e.type === 'abort-sent')).toBe(true);
    expect(r.trace).toContain('TX EOT');
    expect(r.ledger.charges).toHaveLength(0);
    await waitFor(() => !r.host.terminal.busy, 'the pin pad to finish the cancelled sale', 2000);

    // The pin pad is free again: the next sale goes through.
    r.host.terminal.options.scenario = 'approve';
    const next = await r.driver.sale({ amount: 10000, ecrNumber: 2, method: 'card' });
    expect(next.status).toBe('approved');
    expect(r.ledger.charges).toHaveLength(1);
  });

  it("'card-removed' without a cancel: the pin pad gives up waiting for the card", async () => {
    const r = await rig({ scenario: 'card-removed', timing: { cardTimeoutMs: 300, waitIntervalMs: 50 } });
    const result = await r.driver.sale({ amount: 10000, ecrNumber: 3, method: 'card' });
    expect(result.status).toBe('declined');
    expect(result.transactionStatus).toBe(0);
    expect(result.text).toContain('ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО');
    expect(r.ledger.charges).toHaveLength(0);
  });

  it('cancelling an SBP QR sale from the till: declined, the QR is cancelled at the bank', async () => {
    const r = await rig({ timing: { qrPayDelayMs: 20_000, waitIntervalMs: 100 } });
    const controller = new AbortController();
    const result = await r.driver.sale(
      { amount: 5000, ecrNumber: 4, method: 'sbp' },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'qr') controller.abort();
        },
      },
    );
    expect(result.status).toBe('declined');
    expect(result.transactionStatus).toBe(53);
    expect(r.ledger.charges).toHaveLength(0);
    const status = await r.driver.status({ ofEcrNumber: 4, refund: false });
    expect(status.sbpState).toBe('rejected');
  });

  it("'host-link': the till answers the 65=16 request with 67=1 and the sale is still approved", async () => {
    const r = await rig({ scenario: 'host-link' });
    const result = await r.driver.sale({ amount: 10000, ecrNumber: 10, method: 'card' }, { onEvent: r.onEvent });
    expect(result.status).toBe('approved');
    expect(r.events).toContainEqual({ type: 'command', command: 16, result: 1 });
    expect(r.log).toContain('till answered the host-link request with 67=1');
    // The till's answer on the wire: 25=63, 65=16, 67=1.
    expect(
      r.trace.some((line) => line.includes('25(operation)="63"') && line.includes('65(commandMode2)="16"') && line.includes('67(commandResult)="1"')),
    ).toBe(true);
    expect(r.ledger.charges).toHaveLength(1);
  });

  it("'screen-text': the text for the till screen reaches onEvent, the till answers 67=0", async () => {
    const r = await rig({ scenario: 'screen-text' });
    const result = await r.driver.sale({ amount: 10000, ecrNumber: 11, method: 'card' }, { onEvent: r.onEvent });
    expect(result.status).toBe('approved');
    expect(r.events).toContainEqual({ type: 'screen', text: 'ВВЕДИТЕ ПИН-КОД НА ПИН-ПАДЕ' });
    expect(r.events).toContainEqual({ type: 'command', command: 1, result: 0 });
    // WAIT frames carry screen texts too.
    expect(r.events.some((e: DriverEvent) => e.type === 'screen' && e.text.includes('КАРТУ'))).toBe(true);
    expect(r.ledger.charges).toHaveLength(1);
  });
});
