/** The short category of a payment that did not go through (renderer/src/decline.ts). */
import { describe, expect, it } from 'vitest';
import { declineReason } from '../../renderer/src/decline.js';
import { t } from '../../renderer/src/i18n.js';

describe('decline categories', () => {
  it("a bank answer, the pin pad's own card time-out, a break-off and anything else are told apart", () => {
    expect(declineReason({ state: 'DECLINED', text: 'ОТКАЗ. НЕДОСТАТОЧНО СРЕДСТВ', responseCode: '51' })).toBe('bank');
    expect(declineReason({ state: 'DECLINED', text: 'ОТКАЗ. ОПЕРАЦИЯ ОТКЛОНЕНА', responseCode: undefined })).toBe('bank');
    // The pin pad stopped waiting for the card: not a bank answer, even with a code.
    expect(declineReason({ state: 'DECLINED', text: 'ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО', responseCode: undefined })).toBe('card-timeout');
    expect(declineReason({ state: 'DECLINED', text: 'ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО', responseCode: '00' })).toBe('card-timeout');
    expect(declineReason({ state: 'DECLINED', text: 'ОПЕРАЦИЯ ПРЕРВАНА', responseCode: undefined })).toBe('aborted');
    expect(declineReason({ state: 'FAILED', text: undefined, responseCode: undefined })).toBe('not-done');
  });

  it("an SBP payment whose QR code ran out is told as such, by the terminal's words or by the QR's own expiry", () => {
    const qr = { payload: 'https://qr.nspk.ru/x', expiresAt: Date.parse('2026-12-06T10:05:00Z') };
    // The emulator's wording, with the status "aborted": not "the pin pad did not make the payment".
    expect(
      declineReason({
        state: 'DECLINED',
        text: 'ВРЕМЯ ДЕЙСТВИЯ QR-КОДА ИСТЕКЛО',
        responseCode: undefined,
        method: 'sbp',
        qr,
        updatedAt: '2026-12-06T10:05:01Z',
      }),
    ).toBe('qr-expired');
    // Other words, but the part ended after its QR's lifetime.
    expect(declineReason({ state: 'DECLINED', text: 'ОПЕРАЦИЯ ПРЕРВАНА', responseCode: undefined, method: 'sbp', qr, updatedAt: '2026-12-06T10:05:02Z' })).toBe(
      'qr-expired',
    );
    // Broken off before the QR ran out: still a break-off.
    expect(declineReason({ state: 'DECLINED', text: 'ОПЕРАЦИЯ ПРЕРВАНА', responseCode: undefined, method: 'sbp', qr, updatedAt: '2026-12-06T10:01:00Z' })).toBe(
      'aborted',
    );
    // A bank's answer with a code stays the bank's, and a card's wording never makes a QR category.
    expect(declineReason({ state: 'DECLINED', text: 'ОТКАЗ', responseCode: '05', method: 'sbp', qr, updatedAt: '2026-12-06T10:06:00Z' })).toBe('bank');
    expect(
      declineReason({
        state: 'DECLINED',
        text: 'ИСТЕК СРОК ДЕЙСТВИЯ КАРТЫ',
        responseCode: undefined,
        method: 'card',
        qr: undefined,
        updatedAt: '2026-12-06T10:06:00Z',
      }),
    ).not.toBe('qr-expired');
  });

  it('every category has a short text in both languages', () => {
    for (const reason of ['bank', 'card-timeout', 'qr-expired', 'aborted', 'not-done'] as const) {
      expect(t('ru', `result.reason.${reason}`).length).toBeGreaterThan(5);
      expect(t('en', `result.reason.${reason}`).length).toBeGreaterThan(5);
    }
    expect(t('ru', 'result.reason.card-timeout')).toBe('Пин-пад не дождался карты');
  });
});
