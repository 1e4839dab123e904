/**
 * The refund slice: a refund is sent only for the plan shown, nothing changes while it runs,
 * and its progress and result are what the status region says.
 */
import { describe, expect, it } from 'vitest';
import { KioskError } from '../../electron/contract/errors.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../../electron/contract/methods.js';
import type { Part, RefundPlanItem } from '../../electron/contract/types.js';
import { refundablePayments, refundStartAllowed, selectedRefundItems, statusMessages } from '../../renderer/src/store.js';
import { ev, part, receipt, rig, type Rig } from './rig.js';

const CARD = part({ id: 'C1', method: 'card', state: 'APPROVED', amount: 10_000 });
const CASH = part({ id: 'K1', method: 'cash', state: 'APPROVED', amount: 5_000 });
const PAID = receipt({ paid: 15_000, state: 'paid', parts: [CARD, CASH] });

function planOf(items: { paymentId: string; amount: number }[]): RefundPlanItem[] {
  return items.map((i) => ({
    paymentId: i.paymentId,
    amount: i.amount,
    how: i.paymentId === 'K1' ? 'cash' : 'refund',
    method: i.paymentId === 'K1' ? 'cash' : 'card',
    reason: 'rule',
    needsCard: i.paymentId === 'C1',
  }));
}

async function tillWithPaid(): Promise<Rig> {
  const r = await rig({ mode: 'till' }, PAID);
  r.api.handlers['refund.plan'] = (input: { items: { paymentId: string; amount: number }[] }) => planOf(input.items);
  await r.store.getState().refundChoose('R1');
  return r;
}

describe('refund slice', () => {
  it('offers only approved payments with something left, each in full by default', async () => {
    const partly = part({ id: 'C2', state: 'APPROVED', amount: 10_000, refunded: 4_000 });
    const gone = part({ id: 'C3', state: 'APPROVED', amount: 10_000, refunded: 10_000 });
    const declined = part({ id: 'C4', state: 'DECLINED' });
    const back = part({ id: 'V1', kind: 'refund', state: 'APPROVED' });
    expect(refundablePayments(receipt({ parts: [partly, gone, declined, back] })).map((p) => p.id)).toEqual(['C2']);

    const r = await tillWithPaid();
    const drafts = r.store.getState().refund.drafts;
    expect(Object.keys(drafts)).toEqual(['C1', 'K1']);
    expect(drafts['C1']).toMatchObject({ include: false, amount: 10_000, cash: false });
    expect(drafts['K1']).toMatchObject({ amount: 5_000, cash: true });
  });

  it('reads the amounts typed: an invalid one selects nothing; cash is asked only for a non-cash payment', async () => {
    const r = await tillWithPaid();
    const s = () => r.store.getState();
    s().refundDraft('C1', { include: true, amountText: 'много' });
    expect(selectedRefundItems(s().refund)).toBeUndefined();
    s().refundDraft('C1', { amountText: '40,5' });
    s().refundDraft('K1', { include: true });
    expect(selectedRefundItems(s().refund)).toEqual([
      { paymentId: 'C1', amount: 4_050 },
      { paymentId: 'K1', amount: 5_000 },
    ]);
    s().refundDraft('C1', { cash: true });
    expect(selectedRefundItems(s().refund)?.[0]).toEqual({ paymentId: 'C1', amount: 4_050, cash: true });
    s().refundDraft('nope', { include: true });
    expect(Object.keys(s().refund.drafts)).toEqual(['C1', 'K1']);
  });

  it('sends nothing without a plan, with an objection to the items together, or while a payment runs', async () => {
    const r = await tillWithPaid();
    const s = () => r.store.getState();
    s().refundDraft('C1', { include: true });
    s().refundDraft('K1', { include: true });
    expect(refundStartAllowed(s())).toBe(false);

    r.api.handlers['refund.plan'] = (input: { items: { paymentId: string; amount: number }[] }) => {
      if (input.items.length > 1) throw new KioskError('refund-exceeds-paid', 'not together');
      return planOf(input.items);
    };
    await s().refundPlan();
    expect(s().refund.plan?.rows.every((row) => row.ok)).toBe(true);
    expect(s().refund.plan?.combined?.code).toBe('refund-exceeds-paid');
    expect(refundStartAllowed(s())).toBe(false);
    await s().refundStart();
    expect(r.api.called('refund.start')).toHaveLength(0);

    s().refundDraft('K1', { include: false });
    await s().refundPlan();
    expect(refundStartAllowed(s())).toBe(true);
    r.store.setState({ bridgeUp: false });
    expect(refundStartAllowed(s())).toBe(false);
    r.store.setState({ bridgeUp: true });

    // A sale running at the till holds the refund back.
    r.store.setState({ receipt: receipt() });
    await s().startPayment('card', 5_000);
    expect(refundStartAllowed(s())).toBe(false);
  });

  it('a refund whose answer was lost is sent again with the same key; an answered one, or other items, get a new key', async () => {
    const r = await tillWithPaid();
    const s = () => r.store.getState();
    const confirm = async (...ids: string[]): Promise<void> => {
      for (const id of ids) s().refundDraft(id, { include: true });
      await s().refundPlan();
      expect(refundStartAllowed(s())).toBe(true);
      await s().refundStart();
    };
    const lost = (): never => {
      throw new KioskError('bridge-closed', 'the connection to the service was lost');
    };
    const answers: Array<() => unknown> = [lost, () => [part({ id: 'V1', kind: 'refund', state: 'APPROVED', amount: 10_000 })], lost, lost];
    r.api.handlers['refund.start'] = () => answers.shift()!();
    await confirm('C1'); // lost
    expect(s().error?.code).toBe('bridge-closed');
    await confirm('C1'); // the same refund again: answered
    expect(s().refund.done?.[0]?.id).toBe('V1');
    await confirm('C1'); // a new refund after the answer, lost
    await confirm('C1', 'K1'); // other items: another action
    const sent = r.api.called('refund.start') as Array<{ idempotencyKey: string; items: unknown[] }>;
    expect(sent).toHaveLength(4);
    for (const input of sent) expect(input.idempotencyKey).toMatch(IDEMPOTENCY_KEY_PATTERN);
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
    expect(sent[2]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
    expect(sent[3]!.items).toHaveLength(2);
    expect(sent[3]!.idempotencyKey).not.toBe(sent[2]!.idempotencyKey);
  });

  it('changes nothing while the refund runs, shows its progress, then its result', async () => {
    const r = await tillWithPaid();
    const s = () => r.store.getState();
    s().refundDraft('C1', { include: true });
    await s().refundPlan();
    let finish: (parts: Part[]) => void = () => undefined;
    r.api.handlers['refund.start'] = () => new Promise((resolve) => (finish = resolve));
    const running = s().refundStart();
    expect(s().refund.running).toBe(true);

    const drafts = s().refund.drafts;
    s().refundDraft('C1', { amountText: '1' });
    s().refundReset();
    await s().refundPlan();
    expect(s().refund.drafts).toBe(drafts);
    expect(s().refund.receipt?.id).toBe('R1');
    expect(r.api.called('refund.plan')).toHaveLength(1);

    r.api.emit('payment', ev('V1', 'wait'));
    expect(s().refund.progress).toMatchObject({ paymentId: 'V1', phase: 'wait' });
    const view = { ...s(), view: 'refund' as const };
    expect(statusMessages(view).map((m) => m.key)).toEqual(['refund.running', 'refund.presentCard']);

    // "Отмена" during a refund cancels the refund's own operation.
    await s().cancelPayment();
    expect(r.api.called('payment.cancel')).toEqual([{ paymentId: 'V1' }]);

    finish([part({ id: 'V1', kind: 'refund', state: 'DECLINED', amount: 10_000, text: 'ОТКАЗ' })]);
    await running;
    expect(s().refund.running).toBe(false);
    expect(s().refund.plan).toBeUndefined();
    expect(statusMessages({ ...s(), view: 'refund' })).toEqual([{ key: 'refund.resultDeclined', money: { amount: 10_000 }, params: { reason: ': ОТКАЗ' } }]);
    s().refundReset();
    expect(s().refund.receipt).toBeUndefined();
  });

  it('a receipt event updates the refund receipt and the search results, never with an older view', async () => {
    const r = await rig({ mode: 'till' }, PAID);
    r.api.handlers['receipt.search'] = () => [PAID];
    await r.store.getState().refundSearch('  ');
    expect(r.api.called('receipt.search')).toEqual([{ limit: 30 }]);
    await r.store.getState().refundChoose('R1');
    const newer = { ...PAID, refunded: 5_000, updatedAt: '2026-03-10T10:00:00.000Z' };
    r.api.emit('receipt', newer);
    expect(r.store.getState().refund.receipt?.refunded).toBe(5_000);
    expect(r.store.getState().refund.results?.[0]?.refunded).toBe(5_000);
    r.api.emit('receipt', PAID);
    expect(r.store.getState().refund.receipt?.refunded).toBe(5_000);
    expect(r.store.getState().refund.results?.[0]?.refunded).toBe(5_000);
  });
});
