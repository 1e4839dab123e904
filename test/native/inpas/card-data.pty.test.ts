import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containsCardData } from '../../../native/inpas/card-data.js';
import { useRigs } from '../rig.js';

const rig = useRigs();

describe('card data never leaves the driver unmasked', () => {
  it('fullPan: the result, the trace lines and the ledger hold no full card number', async () => {
    const r = await rig({ quirks: { fullPan: true }, packetSize: 128 });
    const results = [];
    const sale = await r.driver.sale({ amount: 10000, ecrNumber: 1, method: 'card' }, { onEvent: r.onEvent });
    expect(sale.status).toBe('approved');
    results.push(sale);
    results.push(await r.driver.sale({ amount: 10051, ecrNumber: 2, method: 'card' }));
    expect(results[1]!.status).toBe('declined');
    r.host.bank.settle();
    results.push(await r.driver.refund({ amount: 10000, ecrNumber: 3, rrn: sale.rrn!, authCode: sale.authCode!, method: 'card' }));
    expect(results[2]!.status).toBe('approved');
    results.push(await r.driver.userCommand('slip-copy'));

    // The terminal really did send full card numbers, in SOH packets.
    const sentPans = r.emulatorEvents.flatMap((event) => (event.direction === 'tx' && event.kind === 'frame' ? [event.message.text(10)] : []));
    expect(sentPans.some((pan) => pan !== undefined && /^\d{16}$/.test(pan) && containsCardData(pan))).toBe(true);
    expect(r.trace.some((line) => line.startsWith('RX packet'))).toBe(true);

    for (const result of results) {
      if (result.cardMasked !== undefined) {
        expect(result.cardMasked).toMatch(/^\d{6}\*+\d{4}$/);
      }
      expect(containsCardData(JSON.stringify(result))).toBe(false);
    }
    expect(sale.cardMasked).toMatch(/^220070\*{6}\d{4}$/);
    expect(r.trace.length).toBeGreaterThan(10);
    for (const line of [...r.trace, ...r.emulatorTrace]) expect(containsCardData(line), line).toBe(false);
    expect(containsCardData(JSON.stringify(r.events))).toBe(false);
    expect(containsCardData(r.log.join('\n'))).toBe(false);
    expect(containsCardData(readFileSync(join(r.dir, 'ledger.json'), 'utf8'))).toBe(false);
  });

  it('the check itself finds a full card number', () => {
    // Guards the test above against a containsCardData that always says false.
    // Built at run time so that no full card number sits in the repository.
    const pan = ['2200', '7001', '2345', '6781'].join('');
    expect(containsCardData(`card ${pan} ok`)).toBe(true);
    expect(containsCardData('220070******6785')).toBe(false);
  });
});
