import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../electron/service/journal/journal.js';
import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  PART_STATES,
  UNRESOLVED_STATES,
  type PartState,
} from '../../../electron/service/journal/part-lifecycle.js';

/**
 * The lifecycle of a part, written out independently of model.ts:
 * INTENT → SENT → APPROVED | DECLINED | UNKNOWN → (REVERSED | REFUNDED), plus FAILED for what
 * cannot have reached the terminal. INTENT → APPROVED is the cash / late-found path (no terminal
 * request of our own). UNKNOWN may only be resolved through the terminal (or a cashier):
 * never back to SENT (a resend) and never FAILED (it may have been charged).
 */
const LEGAL: Readonly<Record<PartState, readonly PartState[]>> = {
  INTENT: ['SENT', 'FAILED', 'APPROVED'],
  SENT: ['APPROVED', 'DECLINED', 'FAILED', 'UNKNOWN'],
  UNKNOWN: ['APPROVED', 'DECLINED', 'REVERSED', 'UNKNOWN'],
  APPROVED: ['REVERSED', 'REFUNDED'],
  DECLINED: [],
  FAILED: [],
  REVERSED: [],
  REFUNDED: [],
};

const PAIRS = PART_STATES.flatMap((from) => PART_STATES.map((to) => ({ from, to, legal: LEGAL[from].includes(to) })));

describe('part state machine', () => {
  it('knows exactly the eight states', () => {
    expect([...PART_STATES].sort()).toEqual(['APPROVED', 'DECLINED', 'FAILED', 'INTENT', 'REFUNDED', 'REVERSED', 'SENT', 'UNKNOWN']);
    expect([...UNRESOLVED_STATES].sort()).toEqual(['INTENT', 'SENT', 'UNKNOWN']);
  });

  it.each(PAIRS.filter((p) => !p.legal))('$from → $to is illegal and throws IllegalTransitionError', ({ from, to }) => {
    expect(canTransition(from, to)).toBe(false);
    let thrown: unknown;
    try {
      assertTransition('p-1', from, to);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    const e = thrown as IllegalTransitionError;
    expect(e.from).toBe(from);
    expect(e.to).toBe(to);
    expect(e.partId).toBe('p-1');
    expect(e.message).toContain('p-1');
  });

  it.each(PAIRS.filter((p) => p.legal))('$from → $to is legal', ({ from, to }) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition('p-1', from, to)).not.toThrow();
  });

  it('never lets an unknown outcome be resent or called failed, nor a final state move on', () => {
    expect(canTransition('UNKNOWN', 'SENT')).toBe(false);
    expect(canTransition('UNKNOWN', 'FAILED')).toBe(false);
    expect(canTransition('UNKNOWN', 'INTENT')).toBe(false);
    for (const final of ['DECLINED', 'FAILED', 'REVERSED', 'REFUNDED'] as const) for (const to of PART_STATES) expect(canTransition(final, to)).toBe(false);
  });
});

describe('journal.transition', () => {
  let journal: Journal;
  afterEach(() => journal.close());

  /** A part brought to `state` by legal steps. */
  function partIn(state: PartState): string {
    const receiptId = journal.createReceipt({ lines: [], total: 10_000 });
    const part = journal.createPart({ receiptId, kind: 'payment', method: 'card', amount: 5_000, needsEcrNumber: true, businessDay: '2026-03-10' }, (ecr) => ({
      25: '1',
      26: String(ecr),
    }));
    const path: Record<PartState, PartState[]> = {
      INTENT: [],
      SENT: ['SENT'],
      APPROVED: ['SENT', 'APPROVED'],
      DECLINED: ['SENT', 'DECLINED'],
      FAILED: ['SENT', 'FAILED'],
      UNKNOWN: ['SENT', 'UNKNOWN'],
      REVERSED: ['SENT', 'UNKNOWN', 'REVERSED'],
      REFUNDED: ['SENT', 'APPROVED', 'REFUNDED'],
    };
    for (const step of path[state]) journal.transition(part.id, step);
    expect(journal.getPart(part.id)!.state).toBe(state);
    return part.id;
  }

  it.each(PAIRS)('$from → $to: the journal agrees with the table (legal: $legal)', ({ from, to, legal }) => {
    journal = new Journal(':memory:');
    const id = partIn(from);
    const before = journal.db.prepare('SELECT * FROM parts WHERE id = ?').get(id);
    const auditBefore = journal.audit({ partId: id }).length;
    if (legal) {
      const after = journal.transition(id, to, { text: 'ok' });
      expect(after.state).toBe(to);
      expect(journal.audit({ partId: id }).length).toBe(auditBefore + 1);
      expect(journal.audit({ partId: id })[0]).toMatchObject({ fromState: from, toState: to });
    } else {
      expect(() => journal.transition(id, to, { text: 'must not be written', rrn: '999999999999' })).toThrow(IllegalTransitionError);
      // Nothing of the refused transition was written: not the state, not the outcome, not an audit line.
      expect(journal.db.prepare('SELECT * FROM parts WHERE id = ?').get(id)).toEqual(before);
      expect(journal.audit({ partId: id }).length).toBe(auditBefore);
    }
  });

  it('refuses a transition of a part that does not exist', () => {
    journal = new Journal(':memory:');
    expect(() => journal.transition('nope', 'SENT')).toThrow(/no payment nope/);
  });
});
