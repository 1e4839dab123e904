/** The short category of a payment that did not go through (renderer/src/decline.ts). */
import { describe, expect, it } from 'vitest';
import { declineReason } from '../../renderer/src/decline.js';
import { t } from '../../renderer/src/i18n.js';

describe('decline categories', () => {
  it('a bank answer, the pin pad\'s own card time-out, a break-off and anything else are told apart', () => {
    expect(declineReason({ state: 'DECLINED', text: 'ОТКАЗ. НЕДОСТАТОЧНО СРЕДСТВ', responseCode: '51' })).toBe('bank');
    expect(declineReason({ state: 'DECLINED', text: 'ОТКАЗ. ОПЕРАЦИЯ ОТКЛОНЕНА', responseCode: undefined })).toBe('bank');
    // The pin pad stopped waiting for the card: not a bank answer, even with a code.
    expect(declineReason({ state: 'DECLINED', text: 'ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО', responseCode: undefined })).toBe('card-timeout');
    expect(declineReason({ state: 'DECLINED', text: 'ВРЕМЯ ОЖИДАНИЯ КАРТЫ ИСТЕКЛО', responseCode: '00' })).toBe('card-timeout');
    expect(declineReason({ state: 'DECLINED', text: 'ОПЕРАЦИЯ ПРЕРВАНА', responseCode: undefined })).toBe('aborted');
    expect(declineReason({ state: 'FAILED', text: undefined, responseCode: undefined })).toBe('not-done');
  });

  it('every category has a short text in both languages', () => {
    for (const reason of ['bank', 'card-timeout', 'aborted', 'not-done'] as const) {
      expect(t('ru', `result.reason.${reason}`).length).toBeGreaterThan(5);
      expect(t('en', `result.reason.${reason}`).length).toBeGreaterThan(5);
    }
    expect(t('ru', 'result.reason.card-timeout')).toBe('Пин-пад не дождался карты');
  });
});
