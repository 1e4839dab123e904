import { describe, expect, it } from 'vitest';
import { PaymentService } from '../../../electron/service/payments/payment-service.js';
import { PinpadError } from '../../../native/inpas/errors.js';
import { Tag } from '../../../native/inpas/tags.js';
import { errorCode, TERMINAL_ID, useServiceRigs } from '../rig.js';

const { rig: makeRig } = useServiceRigs();

describe('service functions', () => {
  it('testConnection returns the terminal id and model and tells the connection about them', async () => {
    const rig = makeRig();
    const noted: Array<{ terminalId?: string | undefined; model?: string | undefined }> = [];
    const service = new PaymentService({
      ...rig.service.options,
      pinpad: { ...rig.service.options.pinpad, driver: () => rig.driver, noteTerminal: (info) => noted.push(info) },
    });
    const result = await service.testConnection();
    expect(result).toMatchObject({ status: 'approved', terminalId: TERMINAL_ID, model: 'PAX S300' });
    expect(result.text).toBe('СВЯЗЬ УСТАНОВЛЕНА');
    expect(noted).toEqual([{ terminalId: TERMINAL_ID, model: 'PAX S300' }]);
    expect(rig.requestOps()).toEqual([rig.profile.operations.testConnection]);
    expect(service.busyWith).toBeUndefined();
    service.stop();
  });

  it('settle closes the day at the bank and marks the approved card and SBP parts settled', async () => {
    const rig = makeRig({ mode: 'till' });
    const receipt = rig.service.openReceipt({ lines: [], total: 100_000 });
    const cash = await rig.pay(receipt.id, 'cash', 10_000);
    const card = await rig.pay(receipt.id, 'card', 40_000);
    const sbp = await rig.pay(receipt.id, 'sbp', 20_000);
    const declined = await rig.pay(receipt.id, 'card', 10_051);
    const lastEcr = Math.max(card.ecrNumber!, sbp.ecrNumber!, declined.ecrNumber!);

    const result = await rig.service.settle();
    expect(result.status).toBe('approved');
    expect(result.text).toBe('ИТОГИ СОВПАЛИ');
    expect(result.slip?.customer).toContain('СВЕРКА ИТОГОВ');
    expect(rig.bank.ledger.settlements).toEqual([expect.objectContaining({ day: 1, count: 2, total: 60_000 })]);
    expect(rig.part(card.id).settled).toBe(true);
    expect(rig.part(sbp.id).settled).toBe(true);
    expect(rig.part(cash.id).settled).toBe(false);
    expect(rig.part(declined.id).settled).toBe(false);
    // The settlement took its own till number.
    const settleFrame = rig.received.find((m) => m.int(Tag.operation) === rig.profile.operations.settlement)!;
    expect(settleFrame.int(Tag.ecrNumber)).toBeGreaterThan(lastEcr);
    expect(rig.journal.audit().some((a) => a.event === 'settlement')).toBe(true);
    // Afterwards a refund is a refund, not a void.
    expect(rig.service.planRefund(receipt.id, [{ paymentId: card.id, amount: 100 }])[0]!.how).toBe('refund');
  });

  it('reports and a slip copy go through user commands', async () => {
    const rig = makeRig();
    expect((await rig.service.slipCopy()).status).toBe('declined');
    const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
    await rig.pay(receipt.id, 'card', 10_000);
    const short = await rig.service.report(false);
    expect(short.status).toBe('approved');
    expect(short.slip?.customer).toContain('КРАТКИЙ ОТЧЕТ');
    const full = await rig.service.report(true);
    expect(full.slip?.customer).toContain('ПОЛНЫЙ ОТЧЕТ');
    const copy = await rig.service.slipCopy();
    expect(copy.status).toBe('approved');
    expect(copy.slip?.customer).toContain('КОПИЯ');
    expect(rig.service.busyWith).toBeUndefined();
  });

  it('with the pin pad away the service functions say pinpad-offline', async () => {
    const rig = makeRig();
    const away = new PaymentService({
      ...rig.service.options,
      pinpad: {
        health: rig.service.options.pinpad.health,
        driver: () => {
          throw new PinpadError('link', 'not connected', { delivery: 'none' });
        },
      },
    });
    expect(await errorCode(() => away.testConnection())).toBe('pinpad-offline');
    expect(await errorCode(() => away.settle())).toBe('pinpad-offline');
    away.stop();
  });
});
