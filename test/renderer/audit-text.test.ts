/** Every event code the journal writes has a Russian and an English name for staff. */
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENTS } from '../../electron/contract/audit-events.js';
import { auditEventText } from '../../renderer/src/audit-text.js';

describe('journal event names', () => {
  it('every code of the audit trail is named in both languages, never shown as its code', () => {
    for (const event of AUDIT_EVENTS) {
      const ru = auditEventText(event, 'ru');
      const en = auditEventText(event, 'en');
      expect(ru, event).not.toBe(event);
      expect(en, event).not.toBe(event);
      expect(ru, event).toMatch(/[А-Яа-яЁё]/);
      expect(en, event).not.toMatch(/[А-Яа-яЁё]/);
    }
    expect(auditEventText('late-watch-opened', 'ru')).toBe('Ждём позднюю оплату по QR');
    expect(auditEventText('sale-declined', 'ru')).toBe('Оплата: не прошла');
    expect(AUDIT_EVENTS.length).toBeGreaterThan(40);
  });

  it('a code from a newer service is shown as it is, not hidden', () => {
    expect(auditEventText('something-new', 'ru')).toBe('something-new');
  });
});

describe('late-payment watch reasons in staff words', () => {
  it("the service's reasons become what happened to the QR, with the terminal's words kept", async () => {
    const { lateWatchReasonText } = await import('../../renderer/src/audit-text.js');
    expect(lateWatchReasonText('sale declined: ВРЕМЯ ДЕЙСТВИЯ QR-КОДА ИСТЕКЛО', 'ru')).toBe('QR-код не оплачен: ВРЕМЯ ДЕЙСТВИЯ QR-КОДА ИСТЕКЛО');
    expect(lateWatchReasonText('sale declined: no text', 'en')).toBe('The QR code was not paid');
    expect(lateWatchReasonText('reversed by recovery', 'ru')).toBe('Отменён после перезапуска, деньги возвращены');
    expect(lateWatchReasonText('declined by recovery; the QR may still be paid', 'ru')).toBe('После перезапуска: не оплачен');
    expect(lateWatchReasonText('declined by the cashier', 'ru')).toMatch(/Сотрудник/);
    expect(lateWatchReasonText('something newer', 'ru')).toBe('something newer');
  });
});
