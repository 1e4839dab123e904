/**
 * A customer screen's own receipts (kiosk permissions) are bounded: a window or bridge client
 * lives for weeks, and its list used to grow by one receipt per purchase for all that time
 * (found by the soak row of npm run bench).
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../../electron/contract/methods.js';
import { authorize, noteOwnReceipt, OWN_RECEIPTS_KEPT, type PermissionDeps } from '../../../electron/service/access/permissions.js';

/** Every receipt is paid (no longer open): only the caller's own ones may be read. */
const deps: PermissionDeps = {
  mode: () => 'kiosk',
  journal: {
    getReceiptRow: (id: string) => ({ id, lines: [], total: 100, state: 'paid', posPrints: false, printedAt: undefined, createdAt: '', updatedAt: '' }),
    getPart: () => undefined,
  },
  repeatsEarlierCall: () => false,
};

const get = (ctx: CallContext, receiptId: string): void => authorize('receipt.get', { receiptId }, ctx, deps);

describe('kiosk permissions: own receipts of one caller', () => {
  it('keeps the most recent ones only; the oldest becomes staff-only', () => {
    const ctx: CallContext = { unlocked: false, caller: 'window 1' };
    const ids = Array.from({ length: OWN_RECEIPTS_KEPT + 50 }, (_, i) => `receipt-${i}`);
    for (const id of ids) noteOwnReceipt(ctx, id);
    expect(ctx.ownReceipts!.size).toBe(OWN_RECEIPTS_KEPT);
    for (const id of ids.slice(-OWN_RECEIPTS_KEPT)) expect(() => get(ctx, id)).not.toThrow();
    for (const id of ids.slice(0, 50)) expect(() => get(ctx, id)).toThrow(/staff only/);
  });

  it('a receipt noted again counts as the most recent', () => {
    const ctx: CallContext = { unlocked: false, caller: 'window 1' };
    for (let i = 0; i < OWN_RECEIPTS_KEPT; i++) noteOwnReceipt(ctx, `receipt-${i}`);
    noteOwnReceipt(ctx, 'receipt-0');
    noteOwnReceipt(ctx, 'receipt-new');
    expect(() => get(ctx, 'receipt-0')).not.toThrow();
    expect(() => get(ctx, 'receipt-1')).toThrow(/staff only/);
    expect(ctx.ownReceipts!.size).toBe(OWN_RECEIPTS_KEPT);
  });
});
