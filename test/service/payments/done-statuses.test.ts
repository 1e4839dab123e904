/**
 * A card sale the terminal answers "done with conditions" (39=2) or "completed offline" (39=17)
 * took the customer's money: the part is approved, the receipt is paid, and the journal says
 * which condition the terminal gave.
 */
import { describe, expect, it } from 'vitest';
import { useServiceRigs } from '../rig.js';

const { rig: makeRig } = useServiceRigs();

describe('done answers other than the plain success', () => {
  it.each([
    ['approve-with-conditions', 2, /with conditions \(39=2\)/],
    ['approve-offline', 17, /completed offline \(39=17\)/],
  ] as const)('%s: the sale is approved, the receipt paid, the condition journaled', async (scenario, code, note) => {
    const rig = makeRig({ scenario });
    const receipt = rig.service.openReceipt({ lines: [{ name: 'Молоко', quantity: 1, amount: 8_990 }], total: 8_990 });
    const part = await rig.pay(receipt.id, 'card', 8_990);
    expect(part).toMatchObject({ state: 'APPROVED', method: 'card', amount: 8_990 });
    expect(rig.receipt(receipt.id)).toMatchObject({ state: 'paid', paid: 8_990, remaining: 0 });
    const approved = rig.journal.audit({ partId: part.id }).find((a) => a.event === 'sale-approved');
    expect(approved?.detail).toMatch(note);
    // The terminal's own text comes first.
    expect(approved?.detail).toMatch(code === 2 ? /^ОДОБРЕНО С УСЛОВИЕМ; / : /^ОДОБРЕНО ОФФЛАЙН; /);
    // The bank holds the charge once: what the journal says matches the ledger.
    expect(rig.bank.ledger.charges.map((c) => [c.method, c.amount])).toEqual([['card', 8_990]]);
  });

  it("a plain approval journals the terminal's text alone", async () => {
    const rig = makeRig();
    const receipt = rig.service.openReceipt({ lines: [], total: 1_000 });
    const part = await rig.pay(receipt.id, 'card', 1_000);
    expect(part.state).toBe('APPROVED');
    expect(rig.journal.audit({ partId: part.id }).find((a) => a.event === 'sale-approved')?.detail).toBe('ОДОБРЕНО');
  });
});
