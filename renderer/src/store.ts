/**
 * The UI's state: a plain zustand store fed by the contract's events and the answers to its
 * calls. It decides nothing about money — the service does. What it does decide is what the
 * screen may offer, with explicit guards:
 *
 * - an event for another payment is dropped (stale or foreign);
 * - events that arrive before `payment.start` has answered are held, then replayed for the
 *   payment id it returns (the service emits them before the answer crosses the wire);
 * - an older receipt never replaces a newer one;
 * - after an unknown outcome nothing offers to pay again until the service resolves it;
 * - the idle timeout never fires while money may be in flight or is partly paid;
 * - a refund is sent only after its plan (the bank's rules) was shown for exactly those items.
 *
 * Side effects (the API, the clock) are parameters, so tests drive it without a DOM.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditView, KioskApi, PublicConfig } from '../../electron/ipc/contract.js';
import type { PinpadHealth } from '../../electron/service/connection.js';
import type { Part, PartMethod, PartState, Receipt } from '../../electron/service/model.js';
import type { LatePaymentEvent, PaymentEvent, PaymentPhase, RefundPlanItem, ServiceOperationResult } from '../../electron/service/payment-service.js';
import type { ReconciliationExport } from '../../electron/service/reconciliation-export.js';
import { DEMO_CATALOGUE, FREE_ITEM_PREFIX, type CartLine, type DemoItem } from './demo-catalogue.js';
import type { Locale, Message, TextKey } from './i18n.js';
import { kopecksToInput, parseRoubles } from './money.js';

export type Mode = 'kiosk' | 'till';
export type View = 'main' | 'refund' | 'service';

/** An error as it crossed the contract. */
export interface UiError {
  readonly code: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/** How a payment ended, as the screen tells it. */
export type Outcome = 'approved' | 'declined' | 'failed' | 'cancelled' | 'unknown' | 'reversed';

export interface CurrentPayment {
  /** Undefined until `payment.start` answers. */
  readonly id: string | undefined;
  readonly receiptId: string;
  readonly requestedMethod: PartMethod;
  /** Follows a key-1 switch: a switched card sale is an SBP payment. */
  readonly method: PartMethod;
  readonly amount: number;
  readonly phase: PaymentPhase | 'starting';
  readonly switched: boolean;
  readonly qr: { readonly payload: string | undefined; readonly expiresAt: number } | undefined;
  /** What the pin pad asked the till to show. */
  readonly screenText: string | undefined;
  readonly cancelRequested: boolean;
  readonly outcome: Outcome | undefined;
  readonly part: Part | undefined;
  readonly startedAt: number;
  /** Events of this receipt that came before the payment id was known. */
  readonly early: readonly PaymentEvent[];
  /** Part ids of the receipt when the payment started: a lost start is found among the new ones. */
  readonly knownParts: readonly string[];
  /** The connection dropped before `payment.start` answered: the service decides; we wait. */
  readonly lost: boolean;
}

export interface RefundDraft {
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

export interface RefundPlanView {
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

export type ServiceOp = 'test' | 'settle' | 'reportShort' | 'reportFull' | 'slipCopy';

export interface ServiceState {
  readonly unlocked: boolean;
  readonly pinError: boolean;
  readonly busy: ServiceOp | 'resolve' | undefined;
  readonly lastOp: { readonly op: ServiceOp; readonly result: ServiceOperationResult } | undefined;
  readonly journal: readonly AuditView[] | undefined;
  readonly unknowns: readonly Part[] | undefined;
  readonly bundlePath: string | undefined;
}

export interface AppState {
  readonly ready: boolean;
  readonly bootError: UiError | undefined;
  /** The connection to the service (always true in Electron). */
  readonly bridgeUp: boolean;
  readonly config: PublicConfig | undefined;
  readonly mode: Mode;
  readonly locale: Locale;
  readonly health: PinpadHealth | undefined;
  readonly view: View;

  readonly cart: readonly CartLine[];
  readonly opening: boolean;
  readonly receipt: Receipt | undefined;
  /** The receipt was opened here from the cart (not by a POS core): an unpaid one may be closed quietly. */
  readonly ownReceipt: boolean;
  readonly payment: CurrentPayment | undefined;
  readonly methodOpen: boolean;
  readonly confirmCancel: boolean;
  readonly cancellingReceipt: boolean;
  readonly checkingStatus: boolean;

  readonly error: UiError | undefined;
  readonly notice: Message | undefined;
  readonly lastActivity: number;
  /** Events dropped as stale or foreign (diagnostics and tests). */
  readonly droppedEvents: number;

  readonly refund: RefundState;
  readonly service: ServiceState;
}

export interface AppActions {
  init(): Promise<void>;
  setBridge(up: boolean): void;
  resync(): Promise<void>;
  onPaymentEvent(event: PaymentEvent): void;
  onReceiptEvent(receipt: Receipt): void;
  onPinpadEvent(health: PinpadHealth): void;
  onLatePayment(event: LatePaymentEvent): void;

  setLocale(locale: Locale): void;
  setView(view: View): void;
  touch(): void;
  tick(): void;
  clearError(): void;
  clearNotice(): void;

  addToCart(itemId: string): void;
  addFreeAmount(kopecks: number): void;
  removeFromCart(lineId: string): void;
  /** Shows a receipt opened elsewhere (a POS core) or before a reload; `onlyOpen` skips a closed one. */
  loadReceipt(receiptId: string, options?: { onlyOpen?: boolean }): Promise<void>;
  /** Kiosk: opens the receipt if needed, then the method dialog (or card at once without QR). */
  checkout(): Promise<void>;
  /** Till: opens a receipt for the cart. */
  openReceipt(): Promise<Receipt | undefined>;
  chooseMethod(method: 'card' | 'sbp'): Promise<void>;
  closeMethodDialog(): void;
  startPayment(method: PartMethod, amount?: number): Promise<boolean>;
  retry(): Promise<void>;
  otherMethod(): void;
  cancelPayment(): Promise<void>;
  requestCancelReceipt(): void;
  abortCancelReceipt(): void;
  confirmCancelReceipt(cashForUnrefundable?: boolean): Promise<void>;
  checkStatus(paymentId?: string): Promise<void>;
  /** Kiosk: back to the start screen. Till: ready for a new receipt. */
  finish(): void;

  refundSearch(query: string): Promise<void>;
  refundChoose(receiptId: string): Promise<void>;
  refundDraft(paymentId: string, change: { include?: boolean; amountText?: string; cash?: boolean }): void;
  refundPlan(): Promise<void>;
  refundOfferCash(paymentId: string): Promise<void>;
  refundStart(): Promise<void>;
  refundReset(): void;

  serviceUnlock(pin: string): Promise<boolean>;
  serviceLock(): Promise<void>;
  serviceRun(op: ServiceOp): Promise<void>;
  serviceJournal(filter: { receiptId?: string; paymentId?: string }): Promise<void>;
  serviceUnknowns(): Promise<void>;
  serviceResolve(paymentId?: string): Promise<void>;
  serviceResolveManually(input: { paymentId: string; decision: 'approved' | 'declined'; note: string; rrn?: string }): Promise<boolean>;
  serviceBundle(): Promise<void>;
  /** Writes a business day's reconciliations (default: the last day closed) as CSV and JSON; undefined on error. */
  serviceExportReconciliation(day?: string): Promise<ReconciliationExport | undefined>;
  quitApp(pin: string): Promise<void>;
}

export type Store = AppState & AppActions;
export type AppStore = StoreApi<Store>;

export interface StoreOptions {
  readonly api: KioskApi;
  readonly now?: () => number;
  /** Kiosk: back to the start screen after this long without a touch (never with money in flight). */
  readonly idleMs?: number;
  /** Kiosk: after a finished (paid or cancelled) receipt, back to the start this much sooner. */
  readonly doneMs?: number;
  readonly catalogue?: readonly DemoItem[];
  /** Browser mode: the bridge connection is tracked (starts down until it says up). */
  readonly bridged?: boolean;
  readonly log?: (message: string, detail?: unknown) => void;
}

export const DEFAULT_IDLE_MS = 90_000;
export const DEFAULT_DONE_MS = 20_000;

const UNRESOLVED: ReadonlySet<PartState> = new Set(['INTENT', 'SENT', 'UNKNOWN']);
const MAX_EARLY_EVENTS = 100;

// --- pure helpers (selectors); the UI and the tests use the same ones -----------------------------

export function toUiError(error: unknown): UiError {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const e = error as { code: string; message?: unknown; data?: unknown };
    return {
      code: e.code,
      message: typeof e.message === 'string' ? e.message : e.code,
      data: typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : undefined,
    };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

export function outcomeOfPart(part: Part, cancelRequested: boolean): Outcome {
  switch (part.state) {
    case 'APPROVED':
    case 'REFUNDED':
      return 'approved';
    case 'DECLINED':
      return cancelRequested ? 'cancelled' : 'declined';
    case 'FAILED':
      return cancelRequested ? 'cancelled' : 'failed';
    case 'REVERSED':
      return 'reversed';
    default:
      return 'unknown';
  }
}

export function hasUnresolvedParts(receipt: Receipt | undefined): boolean {
  return receipt !== undefined && receipt.parts.some((p) => UNRESOLVED.has(p.state));
}

/** A payment is running: started and not yet answered (or its start was lost on the way). */
export function paymentRunning(s: AppState): boolean {
  const p = s.payment;
  return p !== undefined && (p.id === undefined || p.lost || p.outcome === undefined);
}

/**
 * Money may be moving or is owed: the kiosk must not walk away from it. True while a payment
 * or refund runs, after an unknown outcome, while the receipt is blocked, and while a receipt
 * is partly paid (the amount still due stays on screen until covered or given back).
 */
export function moneyInFlight(s: AppState): boolean {
  if (paymentRunning(s) || s.payment?.outcome === 'unknown') return true;
  if (s.cancellingReceipt || s.refund.running || s.checkingStatus) return true;
  const r = s.receipt;
  if (r && (r.blockedReason !== undefined || hasUnresolvedParts(r))) return true;
  if (r && r.state === 'open' && r.paid > 0) return true;
  return false;
}

export type PaymentRefusal =
  | 'not-ready'
  | 'offline'
  | 'no-receipt'
  | 'receipt-closed'
  | 'receipt-blocked'
  | 'in-flight'
  | 'unknown-outcome'
  | 'busy'
  | 'amount'
  | 'amount-exceeds-remaining'
  | 'method-disabled'
  | 'cash-only-at-till';

/** Why a payment may not be started now, or undefined when it may. */
export function paymentRefusal(s: AppState, method: PartMethod, amount: number): PaymentRefusal | undefined {
  if (!s.config) return 'not-ready';
  if (!s.bridgeUp) return 'offline';
  const r = s.receipt;
  if (!r) return 'no-receipt';
  if (r.state !== 'open') return 'receipt-closed';
  if (paymentRunning(s)) return 'in-flight';
  if (s.payment?.outcome === 'unknown') return 'unknown-outcome';
  if (r.blockedReason !== undefined || hasUnresolvedParts(r)) return 'receipt-blocked';
  if (s.cancellingReceipt || s.refund.running || s.checkingStatus || s.opening) return 'busy';
  if (!Number.isSafeInteger(amount) || amount <= 0) return 'amount';
  if (amount > r.remaining) return 'amount-exceeds-remaining';
  if (method === 'sbp' && !s.config.qrSbp) return 'method-disabled';
  if (method === 'cash' && s.mode !== 'till') return 'cash-only-at-till';
  return undefined;
}

export type KioskAction = 'pay' | 'retry' | 'other-method' | 'cancel-payment' | 'cancel-purchase' | 'done';

/** What the kiosk screen offers now. After an unknown outcome: nothing (staff only). */
export function kioskActions(s: AppState): ReadonlySet<KioskAction> {
  const actions = new Set<KioskAction>();
  if (!s.ready || s.cancellingReceipt || s.opening) return actions;
  const p = s.payment;
  if (p && paymentRunning(s)) {
    if (p.id !== undefined && !p.lost && !p.cancelRequested) actions.add('cancel-payment');
    return actions;
  }
  if (p?.outcome === 'unknown') return actions;
  const r = s.receipt;
  if (!r) {
    if (s.cart.length > 0) actions.add('pay');
    return actions;
  }
  if (r.blockedReason !== undefined || hasUnresolvedParts(r)) return actions;
  if (r.state !== 'open') {
    actions.add('done');
    return actions;
  }
  const o = p?.outcome;
  if (o === 'declined' || o === 'failed' || o === 'cancelled' || o === 'reversed') {
    if (paymentRefusal(s, p!.method, r.remaining) === undefined) actions.add('retry');
    if (s.config?.qrSbp) actions.add('other-method');
  } else if (r.remaining > 0) {
    actions.add('pay');
  }
  actions.add('cancel-purchase');
  return actions;
}

/** The amount an approved payment added, with the remaining amount or "paid in full". */
function afterApproval(s: AppState, p: CurrentPayment): Message[] {
  const out: Message[] = [{ key: p.method === 'cash' ? 'result.approvedCash' : 'result.approved', money: { amount: p.amount } }];
  const r = s.receipt;
  if (r?.state === 'paid') out.push({ key: 'result.paidInFull' });
  else if (r && r.state === 'open' && r.remaining > 0) out.push({ key: 'result.remaining', money: { amount: r.remaining } });
  return out;
}

function paymentStatus(s: AppState, p: CurrentPayment): Message[] {
  if (p.lost) return [{ key: 'progress.lost' }];
  if (p.outcome === undefined) {
    if (p.cancelRequested) return [{ key: 'progress.cancelling' }];
    if (p.id === undefined) return [{ key: 'progress.starting' }];
    if (p.method === 'sbp' || p.switched) return [{ key: 'progress.qr' }];
    return [{ key: 'progress.card' }];
  }
  switch (p.outcome) {
    case 'approved':
      return afterApproval(s, p);
    case 'declined':
      return p.part?.text ? [{ key: 'result.declined' }, { key: 'result.bankSays', params: { text: p.part.text } }] : [{ key: 'result.declined' }];
    case 'failed':
      return [{ key: 'result.failed' }];
    case 'cancelled':
      return [{ key: 'result.cancelled' }];
    case 'reversed':
      return [{ key: 'result.reversed', money: { amount: p.amount } }];
    case 'unknown':
      return [s.mode === 'kiosk' ? { key: 'result.unknown' } : { key: 'result.unknownCashier', money: { amount: p.amount } }];
  }
}

function refundStatus(s: AppState): Message[] {
  const f = s.refund;
  if (f.running) {
    const needsCard = f.plan?.rows.some((r) => r.ok && r.item.needsCard) ?? false;
    const out: Message[] = [{ key: 'refund.running' }];
    if (needsCard && f.progress && f.progress.phase !== 'done') out.push({ key: 'refund.presentCard' });
    return out;
  }
  if (f.done) {
    return f.done.map((part): Message => {
      switch (part.state) {
        case 'APPROVED':
          return { key: 'refund.resultApproved', money: { amount: part.amount } };
        case 'DECLINED':
          return { key: 'refund.resultDeclined', money: { amount: part.amount }, params: { reason: part.text ? `: ${part.text}` : '' } };
        case 'FAILED':
          return { key: 'refund.resultFailed', money: { amount: part.amount } };
        default:
          return { key: 'refund.resultUnknown', money: { amount: part.amount } };
      }
    });
  }
  return [];
}

/** What the single `role="status"` region says now. */
export function statusMessages(s: AppState): Message[] {
  if (s.cancellingReceipt) return [{ key: 'result.cancellingReceipt' }];
  const p = s.payment;
  if (p && (paymentRunning(s) || s.view === 'main')) return paymentStatus(s, p);
  if (s.view === 'refund') return refundStatus(s);
  if (s.view === 'service') {
    if (s.service.busy) return [{ key: 'service.running', texts: { op: s.service.busy === 'resolve' ? 'service.resolve' : serviceOpLabel(s.service.busy) } }];
    const last = s.service.lastOp;
    if (last) return [{ key: 'service.result', texts: { op: serviceOpLabel(last.op), status: `service.status.${last.result.status}` as TextKey } }];
    return [];
  }
  const r = s.receipt;
  if (s.checkingStatus) return [{ key: 'till.checkingStatus' }];
  if (r && (r.blockedReason !== undefined || hasUnresolvedParts(r))) return [s.mode === 'kiosk' ? { key: 'result.unknown' } : { key: 'receipt.blocked' }];
  if (r?.state === 'paid') return [{ key: 'result.paidInFull' }];
  if (r?.state === 'cancelled') return [{ key: r.refunded > 0 || r.parts.some((x) => x.kind === 'refund') ? 'result.receiptCancelled' : 'result.receiptCancelledNothing' }];
  return [];
}

/** How fresh a receipt view is: the latest change of the receipt or any of its parts. */
function freshness(r: Receipt): string {
  let latest = r.updatedAt;
  for (const p of r.parts) if (p.updatedAt > latest) latest = p.updatedAt;
  return `${latest}#${String(r.parts.length).padStart(6, '0')}`;
}

function isNotOlder(incoming: Receipt, current: Receipt | undefined): boolean {
  return current === undefined || freshness(incoming) >= freshness(current);
}

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

export interface RefundItemInput {
  readonly paymentId: string;
  readonly amount: number;
  readonly cash?: boolean;
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

function lineName(line: CartLine, locale: Locale): string {
  return line.name[locale];
}

export function cartTotal(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.price * line.quantity, 0);
}

const INITIAL_REFUND: RefundState = {
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

const INITIAL_SERVICE: ServiceState = { unlocked: false, pinError: false, busy: undefined, lastOp: undefined, journal: undefined, unknowns: undefined, bundlePath: undefined };

const SERVICE_OP_LABEL: Readonly<Record<ServiceOp, TextKey>> = {
  test: 'service.test',
  settle: 'service.settle',
  reportShort: 'service.reportShort',
  reportFull: 'service.reportFull',
  slipCopy: 'service.slipCopy',
};
export function serviceOpLabel(op: ServiceOp): TextKey {
  return SERVICE_OP_LABEL[op];
}

// --- the store --------------------------------------------------------------------------------------

export function createAppStore(options: StoreOptions): AppStore {
  const api = options.api;
  const now = options.now ?? (() => Date.now());
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const doneMs = options.doneMs ?? DEFAULT_DONE_MS;
  const catalogue = options.catalogue ?? DEMO_CATALOGUE;
  const log = options.log ?? ((message: string, detail?: unknown) => console.warn(`[ui] ${message}`, detail ?? ''));

  return createStore<Store>()((set, get) => {
    const patchPayment = (change: Partial<CurrentPayment>): void => {
      const p = get().payment;
      if (p) set({ payment: { ...p, ...change } });
    };
    const patchRefund = (change: Partial<RefundState>): void => set({ refund: { ...get().refund, ...change } });
    const patchService = (change: Partial<ServiceState>): void => set({ service: { ...get().service, ...change } });
    const fail = (error: unknown): UiError => {
      const e = toUiError(error);
      set({ error: e });
      return e;
    };

    /** One event of the current payment (its id already matched). */
    const applyPaymentEvent = (event: PaymentEvent): void => {
      const p = get().payment;
      if (!p || p.outcome !== undefined) return; // the outcome is final for the screen; the receipt reconciles later changes
      switch (event.phase) {
        case 'intent':
        case 'sent':
        case 'wait':
          patchPayment({ phase: event.phase });
          break;
        case 'screen':
          patchPayment({ phase: event.phase, screenText: event.text });
          break;
        case 'qr':
          patchPayment({ phase: event.phase, qr: event.qr, ...(p.requestedMethod === 'card' ? { switched: true, method: 'sbp' as const } : {}) });
          break;
        case 'method-switched':
          patchPayment({ phase: event.phase, switched: true, method: 'sbp' });
          break;
        case 'cancel-requested':
          patchPayment({ phase: event.phase, cancelRequested: true });
          break;
        case 'done': {
          const part = event.part;
          if (!part) {
            patchPayment({ phase: 'done', outcome: 'unknown' });
            break;
          }
          patchPayment({ phase: 'done', part, method: part.method, switched: p.switched || part.switchedToSbp, outcome: outcomeOfPart(part, p.cancelRequested) });
          break;
        }
      }
    };

    /** The receipt says more than the events did (missed events, recovery): follow it. */
    const reconcile = (): void => {
      const { payment: p, receipt: r } = get();
      if (!p || p.id === undefined || !r || r.id !== p.receiptId) return;
      const part = r.parts.find((x) => x.id === p.id);
      if (!part) return;
      if (p.outcome === undefined && part.state !== 'INTENT' && part.state !== 'SENT') {
        patchPayment({ phase: 'done', part, method: part.method, outcome: outcomeOfPart(part, p.cancelRequested) });
      } else if (p.outcome === 'unknown' && !UNRESOLVED.has(part.state)) {
        // Resolved through the terminal (or by a cashier): the screen follows the service.
        patchPayment({ part, method: part.method, outcome: outcomeOfPart(part, false) });
      }
    };

    const adoptPaymentId = (paymentId: string): void => {
      const p = get().payment;
      if (!p || p.id !== undefined) return;
      set({ payment: { ...p, id: paymentId, early: [], lost: false } });
      for (const event of p.early) {
        if (event.paymentId === paymentId) applyPaymentEvent(event);
        else set({ droppedEvents: get().droppedEvents + 1 });
      }
      reconcile();
    };

    /** After a lost `payment.start`: did it reach the service? A new payment part of this receipt says so. */
    const findLostPayment = (): void => {
      const { payment: p, receipt: r } = get();
      if (!p || !p.lost || p.id !== undefined || !r || r.id !== p.receiptId) return;
      const fresh = r.parts.filter((x) => x.kind === 'payment' && !p.knownParts.includes(x.id));
      const found = fresh[fresh.length - 1];
      if (found) adoptPaymentId(found.id);
      else set({ payment: undefined }); // it never reached the service: nothing was charged
    };

    const setReceipt = (receipt: Receipt, force = false): void => {
      if (!force && !isNotOlder(receipt, get().receipt)) {
        set({ droppedEvents: get().droppedEvents + 1 });
        return;
      }
      set({ receipt });
      reconcile();
    };

    const quietCancel = (receiptId: string): void => {
      void api.invoke('receipt.cancel', { receiptId }).catch((error: unknown) => log('could not close an unpaid receipt', toUiError(error)));
    };

    /** An open receipt with nothing paid and nothing pending: it can be dropped without asking. */
    const disposable = (r: Receipt | undefined): r is Receipt =>
      r !== undefined && get().ownReceipt && r.state === 'open' && r.paid === 0 && !hasUnresolvedParts(r) && r.blockedReason === undefined;

    const resetToStart = (): void => {
      const s = get();
      if (disposable(s.receipt)) quietCancel(s.receipt.id);
      if (s.service.unlocked) void get().serviceLock();
      set({
        cart: [],
        receipt: undefined,
        payment: undefined,
        methodOpen: false,
        confirmCancel: false,
        error: undefined,
        notice: undefined,
        view: 'main',
        locale: s.config?.locale ?? s.locale,
        lastActivity: now(),
        refund: INITIAL_REFUND,
      });
    };

    return {
      ready: false,
      bootError: undefined,
      bridgeUp: !options.bridged,
      config: undefined,
      mode: 'kiosk',
      locale: 'ru',
      health: undefined,
      view: 'main',
      cart: [],
      opening: false,
      receipt: undefined,
      ownReceipt: false,
      payment: undefined,
      methodOpen: false,
      confirmCancel: false,
      cancellingReceipt: false,
      checkingStatus: false,
      error: undefined,
      notice: undefined,
      lastActivity: now(),
      droppedEvents: 0,
      refund: INITIAL_REFUND,
      service: INITIAL_SERVICE,

      async init() {
        try {
          const [config, health] = await Promise.all([api.invoke('config.get', {}), api.invoke('pinpad.health', {})]);
          set({ config, mode: config.mode, locale: config.locale, health, ready: true, bootError: undefined, lastActivity: now() });
        } catch (error) {
          set({ bootError: toUiError(error) });
        }
      },

      setBridge(up) {
        const was = get().bridgeUp;
        set({ bridgeUp: up });
        if (up && !was && get().ready) void get().resync();
      },

      async resync() {
        try {
          const [config, health] = await Promise.all([api.invoke('config.get', {}), api.invoke('pinpad.health', {})]);
          set({ config, mode: config.mode, health, ready: true, bootError: undefined });
          const r = get().receipt;
          if (r) setReceipt(await api.invoke('receipt.get', { receiptId: r.id }), true);
          findLostPayment();
          const f = get().refund;
          if (f.receipt) patchRefund({ receipt: await api.invoke('receipt.get', { receiptId: f.receipt.id }) });
        } catch (error) {
          log('resync failed', toUiError(error));
        }
      },

      onPaymentEvent(event) {
        const s = get();
        const p = s.payment;
        if (p && p.id === undefined && p.receiptId === event.receiptId) {
          // payment.start has not answered yet: hold the event until we know the id.
          if (p.early.length < MAX_EARLY_EVENTS) set({ payment: { ...p, early: [...p.early, event] } });
          return;
        }
        if (p && p.id === event.paymentId) {
          applyPaymentEvent(event);
          return;
        }
        const f = s.refund;
        if (f.running && f.receipt?.id === event.receiptId) {
          patchRefund({ progress: { paymentId: event.paymentId, phase: event.phase, text: event.text ?? (f.progress?.paymentId === event.paymentId ? f.progress.text : undefined) } });
          return;
        }
        set({ droppedEvents: s.droppedEvents + 1 });
      },

      onReceiptEvent(receipt) {
        const s = get();
        let used = false;
        if (s.receipt?.id === receipt.id) {
          setReceipt(receipt);
          used = true;
        }
        const f = get().refund;
        if (f.receipt?.id === receipt.id && isNotOlder(receipt, f.receipt)) {
          patchRefund({ receipt });
          used = true;
        }
        if (f.results?.some((r) => r.id === receipt.id)) {
          patchRefund({ results: f.results.map((r) => (r.id === receipt.id && isNotOlder(receipt, r) ? receipt : r)) });
          used = true;
        }
        if (!used) set({ droppedEvents: get().droppedEvents + 1 });
      },

      onPinpadEvent(health) {
        set({ health });
      },

      onLatePayment(event) {
        const s = get();
        if (s.mode === 'kiosk' && s.receipt?.id !== event.receiptId) return;
        set({ notice: { key: event.reversed ? 'late.reversed' : 'late.kept', money: { amount: event.amount } } });
      },

      setLocale(locale) {
        set({ locale, lastActivity: now() });
      },

      setView(view) {
        const s = get();
        if (view === s.view) return;
        if (s.mode === 'kiosk' && view === 'refund') return;
        if (s.view === 'service' && s.service.unlocked) void get().serviceLock();
        set({ view, error: undefined, lastActivity: now() });
      },

      touch() {
        const t = now();
        if (t - get().lastActivity > 250) set({ lastActivity: t });
      },

      tick() {
        const s = get();
        if (s.mode !== 'kiosk' || !s.ready) return;
        const idle = now() - s.lastActivity;
        if (s.view === 'service') {
          if (idle >= idleMs) {
            get().setView('main');
            set({ lastActivity: now() });
          }
          return;
        }
        const something = s.cart.length > 0 || s.receipt !== undefined || s.payment !== undefined || s.methodOpen || s.error !== undefined || s.locale !== (s.config?.locale ?? s.locale);
        if (!something || moneyInFlight(s)) return;
        const finished = s.receipt !== undefined && s.receipt.state !== 'open';
        if (idle >= (finished ? doneMs : idleMs)) resetToStart();
      },

      clearError() {
        set({ error: undefined });
      },

      clearNotice() {
        set({ notice: undefined });
      },

      addToCart(itemId) {
        const s = get();
        if (s.receipt) return; // the receipt is fixed once payment begins
        const item = catalogue.find((i) => i.id === itemId);
        if (!item) return;
        const existing = s.cart.find((l) => l.id === itemId);
        set({
          cart: existing ? s.cart.map((l) => (l.id === itemId ? { ...l, quantity: l.quantity + 1 } : l)) : [...s.cart, { id: item.id, name: item.name, price: item.price, quantity: 1 }],
          lastActivity: now(),
        });
      },

      addFreeAmount(kopecks) {
        const s = get();
        if (s.receipt || !Number.isSafeInteger(kopecks) || kopecks <= 0) return;
        const id = `${FREE_ITEM_PREFIX}${s.cart.filter((l) => l.id.startsWith(FREE_ITEM_PREFIX)).length + 1}`;
        set({ cart: [...s.cart, { id, name: { ru: 'Товар по свободной цене', en: 'Item at a free price' }, price: kopecks, quantity: 1 }] });
      },

      removeFromCart(lineId) {
        const s = get();
        if (s.receipt) return;
        set({
          cart: s.cart.flatMap((l) => (l.id !== lineId ? [l] : l.quantity > 1 ? [{ ...l, quantity: l.quantity - 1 }] : [])),
          lastActivity: now(),
        });
      },

      async loadReceipt(receiptId, loadOptions) {
        try {
          const receipt = await api.invoke('receipt.get', { receiptId });
          if (loadOptions?.onlyOpen && receipt.state !== 'open') return;
          set({ receipt, ownReceipt: false, payment: undefined, cart: [] });
        } catch (error) {
          if (loadOptions?.onlyOpen) log('the receipt from before the reload is gone', toUiError(error));
          else fail(error);
        }
      },

      async openReceipt() {
        const s = get();
        if (s.receipt || s.opening || s.cart.length === 0) return s.receipt;
        set({ opening: true, error: undefined });
        try {
          // Receipt lines are written in Russian, whatever the screen language.
          const lines = s.cart.map((l) => ({ name: lineName(l, 'ru'), quantity: l.quantity, amount: l.price * l.quantity }));
          const receipt = await api.invoke('receipt.open', { lines, total: cartTotal(s.cart) });
          set({ receipt, ownReceipt: true, payment: undefined });
          return receipt;
        } catch (error) {
          fail(error);
          return undefined;
        } finally {
          set({ opening: false });
        }
      },

      async checkout() {
        set({ lastActivity: now() });
        const receipt = get().receipt ?? (await get().openReceipt());
        if (!receipt) return;
        const s = get();
        const r = s.receipt!;
        if (paymentRefusal(s, 'card', r.remaining) !== undefined) return;
        if (s.config?.qrSbp) {
          set({ methodOpen: true, error: undefined, confirmCancel: false });
          return;
        }
        // QR is off: no dialog, card at once.
        await get().startPayment('card', r.remaining);
      },

      async chooseMethod(method) {
        const s = get();
        if (!s.methodOpen || !s.receipt) return;
        set({ methodOpen: false, lastActivity: now() });
        await get().startPayment(method, s.receipt.remaining);
      },

      closeMethodDialog() {
        const s = get();
        set({ methodOpen: false, lastActivity: now() });
        // Nothing paid yet: back to the goods; the empty receipt is closed.
        if (s.mode === 'kiosk' && disposable(s.receipt) && !paymentRunning(s)) {
          quietCancel(s.receipt.id);
          set({ receipt: undefined, payment: undefined });
        }
      },

      async startPayment(method, amount) {
        const s = get();
        const r = s.receipt;
        const sum = amount ?? r?.remaining ?? 0;
        const refusal = paymentRefusal(s, method, sum);
        if (refusal !== undefined || !r) {
          log('payment not started', refusal);
          return false;
        }
        set({
          payment: {
            id: undefined,
            receiptId: r.id,
            requestedMethod: method,
            method,
            amount: sum,
            phase: 'starting',
            switched: false,
            qr: undefined,
            screenText: undefined,
            cancelRequested: false,
            outcome: undefined,
            part: undefined,
            startedAt: now(),
            early: [],
            knownParts: r.parts.map((x) => x.id),
            lost: false,
          },
          methodOpen: false,
          confirmCancel: false,
          error: undefined,
          notice: undefined,
          lastActivity: now(),
        });
        try {
          const { paymentId } = await api.invoke('payment.start', { receiptId: r.id, method, amount: sum });
          adoptPaymentId(paymentId);
          return true;
        } catch (error) {
          const e = toUiError(error);
          if (e.code === 'bridge-closed') {
            // The request may have reached the service: wait for it to tell us, never start another.
            patchPayment({ lost: true });
            set({ error: e });
            return false;
          }
          set({ payment: undefined, error: e });
          return false;
        }
      },

      async retry() {
        const s = get();
        if (!kioskActions(s).has('retry') && s.mode === 'kiosk') return;
        const p = s.payment;
        if (!p || !s.receipt) return;
        await get().startPayment(p.method, s.mode === 'kiosk' ? s.receipt.remaining : Math.min(p.amount, s.receipt.remaining));
      },

      otherMethod() {
        const s = get();
        if (!s.config?.qrSbp || paymentRunning(s) || s.payment?.outcome === 'unknown') return;
        set({ methodOpen: true, lastActivity: now() });
      },

      async cancelPayment() {
        const p = get().payment;
        set({ lastActivity: now() });
        if (p && p.id !== undefined && p.outcome === undefined && !p.cancelRequested) {
          try {
            // The outcome is what the terminal then says; the screen waits for it.
            await api.invoke('payment.cancel', { paymentId: p.id });
          } catch (error) {
            fail(error);
          }
          return;
        }
        const f = get().refund;
        if (f.running && f.progress) {
          try {
            await api.invoke('payment.cancel', { paymentId: f.progress.paymentId });
          } catch (error) {
            fail(error);
          }
        }
      },

      requestCancelReceipt() {
        const s = get();
        if (!s.receipt || s.receipt.state !== 'open' || paymentRunning(s) || s.cancellingReceipt) return;
        if (s.mode === 'kiosk' && disposable(s.receipt)) {
          // Nothing to give back: close it at once.
          void get().confirmCancelReceipt();
          return;
        }
        set({ confirmCancel: true, methodOpen: false, lastActivity: now() });
      },

      abortCancelReceipt() {
        set({ confirmCancel: false, lastActivity: now() });
      },

      async confirmCancelReceipt(cashForUnrefundable = false) {
        const s = get();
        const r = s.receipt;
        if (!r || r.state !== 'open' || paymentRunning(s) || s.cancellingReceipt) return;
        set({ cancellingReceipt: true, confirmCancel: false, methodOpen: false, error: undefined });
        try {
          const receipt = await api.invoke('receipt.cancel', { receiptId: r.id, ...(cashForUnrefundable ? { cashForUnrefundable: true } : {}) });
          setReceipt(receipt, true);
          set({ payment: undefined });
          if (s.mode === 'kiosk' && receipt.refunded === 0 && !receipt.parts.some((p) => p.kind === 'refund')) {
            // Nothing was paid: straight back to the goods.
            set({ receipt: undefined });
          }
        } catch (error) {
          fail(error);
          try {
            setReceipt(await api.invoke('receipt.get', { receiptId: r.id }));
          } catch (again) {
            log('could not reload the receipt', toUiError(again));
          }
        } finally {
          set({ cancellingReceipt: false, lastActivity: now() });
        }
      },

      async checkStatus(paymentId) {
        const s = get();
        const id = paymentId ?? s.payment?.id ?? s.receipt?.parts.find((p) => UNRESOLVED.has(p.state))?.id;
        if (!id || s.checkingStatus) return;
        set({ checkingStatus: true, error: undefined });
        try {
          await api.invoke('unknown.resolve', { paymentId: id });
          const r = get().receipt;
          if (r) setReceipt(await api.invoke('receipt.get', { receiptId: r.id }));
        } catch (error) {
          fail(error);
        } finally {
          set({ checkingStatus: false });
        }
      },

      finish() {
        const s = get();
        if (moneyInFlight(s) && !(s.receipt && s.receipt.state !== 'open' && !hasUnresolvedParts(s.receipt))) return;
        if (s.mode === 'kiosk') {
          resetToStart();
          return;
        }
        if (disposable(s.receipt)) quietCancel(s.receipt.id);
        set({ cart: [], receipt: undefined, payment: undefined, confirmCancel: false, error: undefined, notice: undefined });
      },

      // --- refunds (till) ---------------------------------------------------------------------------

      async refundSearch(query) {
        patchRefund({ query, searching: true });
        try {
          const results = await api.invoke('receipt.search', { ...(query.trim() ? { text: query.trim() } : {}), limit: 30 });
          patchRefund({ results, searching: false });
        } catch (error) {
          patchRefund({ searching: false });
          fail(error);
        }
      },

      async refundChoose(receiptId) {
        try {
          const receipt = await api.invoke('receipt.get', { receiptId });
          patchRefund({ receipt, drafts: draftsFor(receipt, get().locale), plan: undefined, done: undefined, progress: undefined });
          set({ error: undefined });
        } catch (error) {
          fail(error);
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
        patchRefund({ drafts: { ...f.drafts, [paymentId]: next }, done: undefined, plan: undefined });
      },

      async refundPlan() {
        const f = get().refund;
        const receipt = f.receipt;
        const items = selectedRefundItems(f);
        if (!receipt || !items || items.length === 0 || f.running) return;
        patchRefund({ planning: true, plan: undefined, done: undefined });
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
        patchRefund({ planning: false, plan: { key: itemsKey(receipt.id, items), rows, combined } });
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
        patchRefund({ running: true, progress: undefined, done: undefined });
        set({ error: undefined });
        try {
          const done = await api.invoke('refund.start', { receiptId: receipt.id, items });
          patchRefund({ done });
        } catch (error) {
          fail(error);
        } finally {
          patchRefund({ running: false, progress: undefined, plan: undefined });
          try {
            const fresh = await api.invoke('receipt.get', { receiptId: receipt.id });
            patchRefund({ receipt: fresh, drafts: draftsFor(fresh, get().locale) });
          } catch (error) {
            log('could not reload the refunded receipt', toUiError(error));
          }
        }
      },

      refundReset() {
        if (get().refund.running) return;
        set({ refund: { ...INITIAL_REFUND, query: get().refund.query, results: get().refund.results } });
      },

      // --- service (behind the PIN) ---------------------------------------------------------------

      async serviceUnlock(pin) {
        try {
          const { unlocked } = await api.invoke('service.unlock', { pin });
          patchService({ unlocked, pinError: !unlocked });
          set({ lastActivity: now() });
          return unlocked;
        } catch (error) {
          fail(error);
          return false;
        }
      },

      async serviceLock() {
        patchService({ ...INITIAL_SERVICE });
        try {
          await api.invoke('service.lock', {});
        } catch (error) {
          log('service.lock failed', toUiError(error));
        }
      },

      async serviceRun(op) {
        if (get().service.busy) return;
        patchService({ busy: op, lastOp: undefined });
        set({ error: undefined });
        try {
          const result =
            op === 'test'
              ? await api.invoke('service.test', {})
              : op === 'settle'
                ? await api.invoke('service.settle', {})
                : op === 'slipCopy'
                  ? await api.invoke('service.slipCopy', {})
                  : await api.invoke('service.report', { full: op === 'reportFull' });
          patchService({ lastOp: { op, result } });
        } catch (error) {
          fail(error);
        } finally {
          patchService({ busy: undefined });
          set({ lastActivity: now() });
        }
      },

      async serviceJournal(filter) {
        try {
          const journal = await api.invoke('service.journal', {
            ...(filter.receiptId ? { receiptId: filter.receiptId } : {}),
            ...(filter.paymentId ? { paymentId: filter.paymentId } : {}),
            limit: 200,
          });
          patchService({ journal });
        } catch (error) {
          fail(error);
        }
      },

      async serviceUnknowns() {
        try {
          patchService({ unknowns: await api.invoke('unknown.list', {}) });
        } catch (error) {
          fail(error);
        }
      },

      async serviceResolve(paymentId) {
        if (get().service.busy) return;
        patchService({ busy: 'resolve' });
        try {
          await api.invoke('unknown.resolve', paymentId ? { paymentId } : {});
        } catch (error) {
          fail(error);
        } finally {
          patchService({ busy: undefined });
        }
        await get().serviceUnknowns();
        const r = get().receipt;
        if (r) {
          try {
            setReceipt(await api.invoke('receipt.get', { receiptId: r.id }));
          } catch (error) {
            log('could not reload the receipt', toUiError(error));
          }
        }
      },

      async serviceResolveManually(input) {
        try {
          await api.invoke('unknown.resolveManually', { paymentId: input.paymentId, decision: input.decision, note: input.note, ...(input.rrn ? { rrn: input.rrn } : {}) });
          await get().serviceUnknowns();
          return true;
        } catch (error) {
          fail(error);
          return false;
        }
      },

      async serviceBundle() {
        try {
          const { path } = await api.invoke('service.supportBundle', {});
          patchService({ bundlePath: path });
        } catch (error) {
          fail(error);
        }
      },

      async serviceExportReconciliation(day) {
        try {
          return await api.invoke('service.reconciliationExport', day ? { day } : {});
        } catch (error) {
          fail(error);
          return undefined;
        }
      },

      async quitApp(pin) {
        try {
          await api.invoke('app.quit', { pin });
        } catch (error) {
          fail(error);
        }
      },
    };
  });
}

/** Subscribes the store to the contract's events; returns the unsubscribe. */
export function bindEvents(store: AppStore, api: KioskApi): () => void {
  const s = (): Store => store.getState();
  const offs = [
    api.on('payment', (event) => s().onPaymentEvent(event)),
    api.on('receipt', (receipt) => s().onReceiptEvent(receipt)),
    api.on('pinpad', (health) => s().onPinpadEvent(health)),
    api.on('late-payment', (event) => s().onLatePayment(event)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
