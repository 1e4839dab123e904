/**
 * Close-of-day reconciliation: the journal's totals for the period a settlement closes, the
 * terminal's totals from its settlement answer, and each difference explained where the
 * journal can (parts still unknown, manual decisions, late QR payments, operations made outside the app).
 */
import type { TerminalProfile } from '../../../native/inpas/profile.js';
import type { PinpadResult } from '../../../native/inpas/result.js';
import { emptyTotals, terminalTotals, TOTAL_KINDS } from '../../../native/inpas/settlement-totals.js';
import type { Explanation, Reconciliation, ReconciliationDifference, SettlementTotals, Total, TotalKind } from '../../contract/types.js';
import type { Journal } from '../journal/journal.js';
import { UNRESOLVED_STATES } from '../journal/part-lifecycle.js';
import { ReconciliationStore, type PeriodPart } from '../journal/reconciliation-store.js';
import { localDay } from '../journal/business-day.js';

export type { Reconciliation, ReconciliationDifference } from '../../contract/types.js';

type SwitchedAs = 'sbp' | 'card';

/** The total a part counts in at the terminal, or undefined (cash). */
function kindOf(part: PeriodPart, switchedAs: SwitchedAs): TotalKind | undefined {
  if (part.method === 'cash') return undefined;
  if (part.kind === 'payment') return part.method === 'card' || (part.switchedToSbp && switchedAs === 'card') ? 'cardSales' : 'sbpSales';
  if (part.how === 'void') return 'voids';
  if (part.how === 'refund') return 'refunds';
  return undefined;
}

/** Counted by the journal: a sale the terminal approved (given back later or not), a void or refund it approved. */
function counted(part: PeriodPart): boolean {
  return part.kind === 'payment' ? part.state === 'APPROVED' || part.state === 'REFUNDED' : part.state === 'APPROVED';
}

export function journalTotals(parts: readonly PeriodPart[], switchedAs: SwitchedAs): SettlementTotals {
  const out = emptyTotals();
  for (const part of parts) {
    const kind = kindOf(part, switchedAs);
    if (!kind || !counted(part)) continue;
    out[kind] = { count: out[kind].count + 1, amount: out[kind].amount + part.amount };
  }
  return out;
}

function same(a: Total, b: Total): boolean {
  return a.count === b.count && a.amount === b.amount;
}

function describe(part: PeriodPart): string {
  const what = part.kind === 'payment' ? `${part.method} sale` : (part.how ?? 'refund');
  return `${what} ${part.id} of receipt ${part.receiptId}, ${part.amount} kop.${part.ecrNumber !== undefined ? `, till no. ${part.ecrNumber}` : ''}`;
}

/** Journal parts that may account for a difference of `kind` in the direction it goes. */
function candidates(kind: TotalKind, terminalHasMore: boolean, parts: readonly PeriodPart[], switchedAs: SwitchedAs): Explanation[] {
  const out: Explanation[] = [];
  const sales = kind === 'cardSales' || kind === 'sbpSales';
  for (const part of parts) {
    const own = kindOf(part, switchedAs);
    // A sale of unknown outcome may have been switched to QR on the pin pad: it may count in either sales total.
    const fits = own === kind || (sales && part.kind === 'payment' && own !== undefined && own !== kind && UNRESOLVED_STATES.has(part.state));
    if (!fits) continue;
    const base = { partId: part.id, receiptId: part.receiptId, count: 1, amount: part.amount };
    if (UNRESOLVED_STATES.has(part.state)) {
      if (terminalHasMore) out.push({ ...base, reason: 'unknown', text: `outcome still unknown in the journal: ${describe(part)}` });
    } else if (part.manual) {
      const approvedByHand = counted(part);
      if (approvedByHand !== terminalHasMore)
        out.push({ ...base, reason: 'manual', text: `decided by hand as ${approvedByHand ? 'approved' : 'declined'}: ${describe(part)}` });
    } else if (part.latePayment) {
      if (!terminalHasMore)
        out.push({ ...base, reason: 'late-payment', text: `late QR payment, the bank may have counted it on another day: ${describe(part)}` });
    } else if (terminalHasMore && part.kind === 'payment' && part.qrShown && (part.state === 'DECLINED' || part.state === 'FAILED')) {
      out.push({ ...base, reason: 'late-payment', text: `QR expired or cancelled, may have been paid late: ${describe(part)}` });
    }
  }
  return out;
}

/** Every kind whose totals differ, with what the journal knows about it; an unexplained rest is put down to operations outside the app. */
export function explainDifferences(
  terminal: SettlementTotals,
  journal: SettlementTotals,
  parts: readonly PeriodPart[],
  switchedAs: SwitchedAs,
): ReconciliationDifference[] {
  const out: ReconciliationDifference[] = [];
  for (const kind of TOTAL_KINDS) {
    const t = terminal[kind];
    const j = journal[kind];
    if (same(t, j)) continue;
    const terminalHasMore = t.amount > j.amount || (t.amount === j.amount && t.count > j.count);
    const explainedBy = candidates(kind, terminalHasMore, parts, switchedAs);
    const gapAmount = Math.abs(t.amount - j.amount) - explainedBy.reduce((s, e) => s + e.amount, 0);
    const gapCount = Math.abs(t.count - j.count) - explainedBy.length;
    if (gapAmount > 0 || gapCount > 0) {
      const amount = Math.max(gapAmount, 0);
      const count = Math.max(gapCount, 0);
      out.push({
        kind,
        terminal: t,
        journal: j,
        explainedBy: [
          ...explainedBy,
          {
            reason: 'outside-app',
            count,
            amount,
            text: terminalHasMore
              ? `${count} operation(s), ${amount} kop. at the terminal that the journal does not have: made outside the app (pinpad tool or the terminal's own menu)`
              : `${count} operation(s), ${amount} kop. in the journal that the terminal did not count: changed outside the app (pinpad tool or the terminal's own menu)`,
          },
        ],
      });
    } else {
      out.push({ kind, terminal: t, journal: j, explainedBy });
    }
  }
  return out;
}

export interface Closing {
  /** The journal's totals for the period, taken before the settlement request. */
  readonly journal: SettlementTotals;
  /** Compares with the terminal's approved settlement answer, keeps the result in the journal and returns it. */
  finish(answer: PinpadResult): Reconciliation;
}

/**
 * Starts closing the day: fixes the period (parts since the previous reconciliation) and the
 * journal's totals, before the settlement request goes to the pin pad.
 */
export function beginClosing(journal: Journal, profile: TerminalProfile, now: () => Date): Closing {
  const store = new ReconciliationStore(journal.db);
  const switchedAs: SwitchedAs = profile.settlement?.switchedCountedAs ?? 'sbp';
  const period = { after: store.closedUpTo(), upTo: store.lastPartRow() };
  const totals = journalTotals(store.partsBetween(period.after, period.upTo), switchedAs);
  return {
    journal: totals,
    finish(answer) {
      const at = now();
      // The states of the period's parts as they are now (recovery may have run meanwhile), for the explanations.
      const parts = store.partsBetween(period.after, period.upTo);
      const found = terminalTotals(answer, profile.settlement);
      const differences = found ? explainDifferences(found.totals, totals, parts, switchedAs) : [];
      return store.save(
        {
          matched: found !== undefined && differences.length === 0,
          businessDay: localDay(at),
          settledAt: at.toISOString(),
          terminalId: answer.terminalId,
          source: found?.source ?? null,
          terminal: found?.totals ?? null,
          journal: totals,
          differences,
          problem: found
            ? undefined
            : "the terminal's settlement answer carries no totals (neither the profile's totals field nor slip lines): compare its slip by hand",
        },
        period,
      );
    },
  };
}
