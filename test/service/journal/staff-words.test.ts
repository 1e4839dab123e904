/**
 * The staff journal shows people's words only: the terminal's answer texts and a staff member's
 * own note, never the service's English bookkeeping (UTC times, kopecks, "cancel pressed on the
 * screen"), which stays in the journal itself for the engineer. Real entries from real flows.
 */
import { describe, expect, it } from 'vitest';
import { auditDetailText } from '../../../renderer/src/audit-text.js';
import { useServiceRigs, waitFor } from '../rig.js';

const { rig: makeRig } = useServiceRigs();
const CYRILLIC = /[А-Яа-яЁё]/;

describe("the staff journal in people's words", () => {
  it('a card sale, a cancelled card, a switch to SBP, a QR that expired and a watch ended by staff', async () => {
    const rig = makeRig({ scenario: 'card-removed', timing: { qrLifetimeMs: 150, qrPayDelayMs: 400 }, sbpPollMs: 60_000 });
    const cancelled = rig.service.openReceipt({ lines: [], total: 5_000 });
    const { paymentId: cancelledId } = rig.service.startPayment({ receiptId: cancelled.id, method: 'card', amount: 5_000 });
    await waitFor(() => rig.events.some((e) => e.paymentId === cancelledId && e.phase === 'screen'), 'the card prompt');
    rig.service.cancelPayment(cancelledId);
    await rig.settled(cancelledId);

    rig.terminal.options.scenario = 'approve';
    const sold = rig.service.openReceipt({ lines: [], total: 7_000 });
    expect((await rig.pay(sold.id, 'card', 7_000)).state).toBe('APPROVED');

    rig.terminal.options.scenario = 'qr-late-pay';
    const late = rig.service.openReceipt({ lines: [], total: 9_000 });
    const qrPart = await rig.pay(late.id, 'sbp', 9_000);
    expect(qrPart.state).toBe('DECLINED');
    const note = 'покупатель показал отказ банка';
    rig.service.endLateWatch(qrPart.id, note);

    const entries = rig.journal.audit({ limit: 500 });
    // The journal keeps the service's own details for the engineer …
    expect(entries.some((e) => e.event === 'qr-shown' && /expires \d{4}-/.test(e.detail ?? ''))).toBe(true);
    expect(entries.some((e) => e.event === 'cancel-requested' && e.detail === 'cancel pressed on the screen')).toBe(true);
    expect(entries.some((e) => e.event === 'receipt-opened' && /total \d+/.test(e.detail ?? ''))).toBe(true);
    // … and the screen shows none of them: what it shows is the terminal's words or the staff note.
    for (const entry of entries) {
      const shown = auditDetailText(entry.event, entry.detail);
      if (shown === '') continue;
      expect(shown === note || CYRILLIC.test(shown), `${entry.event}: ${shown}`).toBe(true);
      expect(shown, entry.event).not.toMatch(/\d{4}-\d\d-\d\dT|kopeck|\bthe\b/i);
    }
    const shownOf = (event: string) => entries.filter((e) => e.event === event).map((e) => auditDetailText(e.event, e.detail));
    expect(shownOf('sale-approved').every((text) => CYRILLIC.test(text))).toBe(true);
    expect(shownOf('sale-declined')).toContain('ОПЕРАЦИЯ ПРЕРВАНА');
    expect(shownOf('late-watch-decided')).toEqual([note]);
    expect(shownOf('qr-shown')).toEqual(['']);
  });
});
