/**
 * The one live region of the app (`role="status"`): what is happening with the money now.
 * Its text contains "Оплачено" after an approval, "Отказ" after a decline and
 * "Не оплачивайте повторно" after an unknown outcome. Nothing else has this role.
 */
import { useApp, useT } from '../context.js';
import { hasOpenWatch, paymentOutcome, paymentRunning, shownPaymentOf, statusMessages, type AppState } from '../store.js';

export type Tone = 'idle' | 'progress' | 'approved' | 'declined' | 'unknown';

export function statusTone(s: AppState): Tone {
  const outcome = paymentOutcome(s);
  if (s.cancellingReceipt || paymentRunning(s) || s.refund.running || s.checkingStatus || s.service.busy) return 'progress';
  if (outcome === 'unknown') return 'unknown';
  const p = shownPaymentOf(s);
  // The money turned after a decline (a QR paid late), or may still turn (its watch is open).
  if (s.view === 'main' && outcome !== undefined && outcome !== 'approved' && s.receipt?.state === 'paid') return 'approved';
  if (s.view === 'main' && outcome !== undefined && outcome !== 'approved' && p && 'id' in p && hasOpenWatch(s.receipt, p.id)) return 'progress';
  if (s.view === 'main' && outcome === 'approved') return 'approved';
  if (s.view === 'main' && outcome !== undefined) return 'declined';
  if (s.receipt?.blockedReason !== undefined && s.view === 'main') return 'unknown';
  if (s.receipt?.state === 'paid' && s.view === 'main') return 'approved';
  return 'idle';
}

export function StatusRegion() {
  const t = useT();
  const messages = useApp(statusMessagesShallow);
  const tone = useApp(statusTone);
  const texts = JSON.parse(messages) as Parameters<typeof t.msg>[0][];
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className={`status status--${tone}${texts.length === 0 ? ' status--empty' : ''}`}>
      {texts.map((m, i) => (
        <p key={i} className={i === 0 ? 'status__main' : 'status__more'}>
          {t.msg(m)}{' '}
        </p>
      ))}
    </div>
  );
}

/** Messages as a string, so the selector's result compares by value (no re-render loop). */
function statusMessagesShallow(s: AppState): string {
  return JSON.stringify(statusMessages(s));
}
