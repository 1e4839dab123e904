/**
 * The refund slice (till): find the receipt, choose payments and amounts, show the bank's plan
 * for exactly those items, and only then send the refund.
 */
import type { Part, PaymentPhase, Receipt, RefundPlanItem } from '../../../electron/contract/types.js';
import type { Locale } from '../i18n.js';
import { kopecksToInput, parseRoubles } from '../money.js';
import { actionKeys } from './action-key.js';
import type { Kit } from './kit.js';
import { paymentRunning } from './payment.js';
import type { AppState } from './types.js';
import { toUiError, type UiError } from './ui-error.js';

interface RefundDraft {
  readonly include: boolean;
  readonly amountText: string;
  /** Kopecks, or undefined when the text is not an amount. */
  readonly amount: number | undefined;
  /** Give it back in cash (the offer for a switched payment the bank will not refund). */
  readonly cash: boolean;
}

export type PlanRow =
  | { readonly paymentId: string; readonly amount: number; readonly cash: boolean; readonly ok: true; readonly item: RefundPlanItem }
  | { readonly paymentId: string; readonly amount: number; readonly cash: boolean; readonly ok: false; readonly error: UiError };

interface RefundPlanView {
  /** The items this plan was made for; a changed selection needs a new plan. */
  readonly key: string;
  readonly rows: readonly PlanRow[];
  /** An objection to the items together (each alone was fine). */
  readonly combined: UiError | undefined;
}

export interface RefundState {
  readonly query: string;
  readonly searching: boolean;
  readonly results: readonly Receipt[] | undefined;
  readonly receipt: Receipt | undefined;
  readonly drafts: Readonly<Record<string, RefundDraft>>;
  readonly planning: boolean;
  readonly plan: RefundPlanView | undefined;
  readonly running: boolean;
  readonly progress: { readonly paymentId: string; readonly phase: PaymentPhase; readonly text: string | undefined } | undefined;
  readonly done: readonly Part[] | undefined;
}

export interface RefundSliceState {
  readonly refund: RefundState;
}

export interface RefundActions {
  refundSearch(query: string): Promise<void>;
  refundChoose(receiptId: string): Promise<void>;
  refundDraft(paymentId: string, change: { include?: boolean; amountText?: string; cash?: boolean }): void;
  refundPlan(): Promise<void>;
  refundOfferCash(paymentId: string): Promise<void>;
  refundStart(): Promise<void>;
  refundReset(): void;
}

export interface RefundItemInput {
  readonly paymentId: string;
  readonly amount: number;
  readonly cash?: boolean;
}

export const INITIAL_REFUND: RefundState = {
  query: '',
  searching: false,
  results: undefined,
  receipt: undefined,
  drafts: {},
  planning: false,
  plan: undefined,
  running: false,
  progress: undefined,
  done: undefined,
};

// --- selectors ----------------------------------------------------------------------------------------

function refundLeft(part: Part): number {
  return Math.max(part.amount - part.refunded, 0);
}

/** Payments of a receipt that can still be given back. */
export function refundablePayments(receipt: Receipt): Part[] {
  return receipt.parts.filter((p) => p.kind === 'payment' && p.state === 'APPROVED' && refundLeft(p) > 0);
}

function draftsFor(receipt: Receipt, locale: Locale): Record<string, RefundDraft> {
  const drafts: Record<string, RefundDraft> = {};
  for (const part of refundablePayments(receipt)) {
    const left = refundLeft(part);
    drafts[part.id] = { include: false, amountText: kopecksToInput(left, locale), amount: left, cash: part.method === 'cash' };
  }
  return drafts;
}

/** The refund items the cashier selected, or undefined when an amount is not valid. */
export function selectedRefundItems(f: RefundState): RefundItemInput[] | undefined {
  const items: RefundItemInput[] = [];
  for (const [paymentId, d] of Object.entries(f.drafts)) {
    if (!d.include) continue;
    if (d.amount === undefined || d.amount <= 0) return undefined;
    const part = f.receipt?.parts.find((p) => p.id === paymentId);
    // A cash payment is given back in cash by the service anyway; {cash:true} is for the switched-QR offer.
    items.push(d.cash && part?.method !== 'cash' ? { paymentId, amount: d.amount, cash: true } : { paymentId, amount: d.amount });
  }
  return items;
}

function itemsKey(receiptId: string | undefined, items: readonly RefundItemInput[]): string {
  return JSON.stringify([receiptId, items]);
}

/** The refund may be sent: its plan was shown for exactly these items and every row is allowed. */
export function refundStartAllowed(s: AppState): boolean {
  const f = s.refund;
  if (!f.receipt || !f.plan || f.running || f.planning || paymentRunning(s) || !s.bridgeUp) return false;
  const items = selectedRefundItems(f);
  if (!items || items.length === 0) return false;
  if (f.plan.key !== itemsKey(f.receipt.id, items)) return false;
  return f.plan.combined === undefined && f.plan.rows.every((r) => r.ok);
}

// --- the slice -------------------------------------------------------------------------------------------

export function patchRefund(kit: Kit, change: Partial<RefundState>): void {
  kit.set({ refund: { ...kit.get().refund, ...change } });
}

export function createRefundSlice(kit: Kit): RefundSliceState & RefundActions {
  const { api, set, get, log } = kit;
  const patch = (change: Partial<RefundState>): void => patchRefund(kit, change);
  const refundKeys = actionKeys(kit.newKey);
  return {
    refund: INITIAL_REFUND,

    async refundSearch(query) {
      patch({ query, searching: true });
      try {
        const results = await api.invoke('receipt.search', { ...(query.trim() ? { text: query.trim() } : {}), limit: 30 });
        patch({ results, searching: false });
      } catch (error) {
        patch({ searching: false });
        kit.fail(error);
      }
    },

    async refundChoose(receiptId) {
      try {
        const receipt = await api.invoke('receipt.get', { receiptId });
        patch({ receipt, drafts: draftsFor(receipt, get().locale), plan: undefined, done: undefined, progress: undefined });
        set({ error: undefined });
      } catch (error) {
        kit.fail(error);
      }
    },

    refundDraft(paymentId, change) {
      const f = get().refund;
      const d = f.drafts[paymentId];
      if (!d || f.running) return;
      const amountText = change.amountText ?? d.amountText;
      const next: RefundDraft = {
        include: change.include ?? d.include,
        amountText,
        amount: change.amountText !== undefined ? parseRoubles(amountText) : d.amount,
        cash: change.cash ?? d.cash,
      };
      // A changed selection invalidates the plan: the rules must be shown again before sending.
      patch({ drafts: { ...f.drafts, [paymentId]: next }, done: undefined, plan: undefined });
    },

    async refundPlan() {
      const f = get().refund;
      const receipt = f.receipt;
      const items = selectedRefundItems(f);
      if (!receipt || !items || items.length === 0 || f.running) return;
      patch({ planning: true, plan: undefined, done: undefined });
      set({ error: undefined });
      const rows = await Promise.all(
        items.map(async (item): Promise<PlanRow> => {
          const base = { paymentId: item.paymentId, amount: item.amount, cash: item.cash === true };
          try {
            const [planned] = await api.invoke('refund.plan', { receiptId: receipt.id, items: [item] });
            if (!planned) return { ...base, ok: false, error: { code: 'internal', message: 'empty plan' } };
            return { ...base, ok: true, item: planned };
          } catch (error) {
            return { ...base, ok: false, error: toUiError(error) };
          }
        }),
      );
      let combined: UiError | undefined;
      if (items.length > 1 && rows.every((r) => r.ok)) {
        try {
          await api.invoke('refund.plan', { receiptId: receipt.id, items });
        } catch (error) {
          combined = toUiError(error);
        }
      }
      patch({ planning: false, plan: { key: itemsKey(receipt.id, items), rows, combined } });
    },

    async refundOfferCash(paymentId) {
      get().refundDraft(paymentId, { cash: true, include: true });
      await get().refundPlan();
    },

    async refundStart() {
      const s = get();
      if (!refundStartAllowed(s)) return;
      const f = s.refund;
      const receipt = f.receipt!;
      const items = selectedRefundItems(f)!;
      patch({ running: true, progress: undefined, done: undefined });
      set({ error: undefined });
      // Confirming the same refund again after a lost answer sends the same key: the service gives its result, not a second refund.
      const action = { receiptId: receipt.id, items };
      try {
        const done = await api.invoke('refund.start', { ...action, idempotencyKey: refundKeys.keyFor(action) });
        refundKeys.settle(action);
        patch({ done });
      } catch (error) {
        refundKeys.settle(action, error);
        kit.fail(error);
      } finally {
        patch({ running: false, progress: undefined, plan: undefined });
        try {
          const fresh = await api.invoke('receipt.get', { receiptId: receipt.id });
          patch({ receipt: fresh, drafts: draftsFor(fresh, get().locale) });
        } catch (error) {
          log('could not reload the refunded receipt', toUiError(error));
        }
      }
    },

    refundReset() {
      if (get().refund.running) return;
      set({ refund: { ...INITIAL_REFUND, query: get().refund.query, results: get().refund.results } });
    },
  };
}
