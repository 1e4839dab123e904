/**
 * The page's own part of the hardening: the bridge token leaves the address bar and the history
 * as soon as it is read (a reload still connects), and a wrong terminal id is shown as such.
 */
import { describe, expect, it } from 'vitest';
import type { PinpadHealth } from '../../electron/contract/types.js';
import { takeToken, withoutToken } from '../../renderer/src/page-token.js';
import { t } from '../../renderer/src/i18n.js';
import { PINPAD_STATE_TEXT, wrongTerminalIdText } from '../../renderer/src/pinpad-state.js';

function fakeWindow(href: { pathname: string; search: string; hash: string }) {
  const storage = new Map<string, string>();
  const history: Array<{ url: string }> = [];
  const win = {
    location: { ...href },
    history: {
      state: null,
      replaceState: (_state: unknown, _title: string, url: string) => {
        history.push({ url });
        const hashAt = url.indexOf('#');
        win.location.hash = hashAt === -1 ? '' : url.slice(hashAt);
      },
    },
    sessionStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    },
  };
  return { win, history, storage };
}

describe('the bridge token in the page address', () => {
  it('is read once, then removed from the address bar (other options stay)', () => {
    const { win, history } = fakeWindow({ pathname: '/', search: '', hash: '#token=Secr3t-Tok3n-Value&idle=30&receipt=r-1' });
    expect(takeToken(win)).toBe('Secr3t-Tok3n-Value');
    expect(history).toEqual([{ url: '/#idle=30&receipt=r-1' }]);
    expect(win.location.hash).not.toContain('token');
    // A reload (no token in the address any more) still connects within this tab.
    expect(takeToken(win)).toBe('Secr3t-Tok3n-Value');
  });

  it('a fragment holding only the token leaves an empty fragment', () => {
    expect(withoutToken('#token=abc')).toBe('');
    expect(withoutToken('#idle=5&token=abc')).toBe('#idle=5');
  });
});

describe('a wrong terminal id on screen', () => {
  const wrong: PinpadHealth = {
    state: 'wrong-terminal-id',
    emulator: false,
    target: '/dev/ttyS39',
    terminalId: '11112222',
    model: undefined,
    problem: "the pin pad's terminal id is 00322346, the configuration says 11112222",
    since: new Date(0).toISOString(),
  };

  it('the status line says so, the cashier and the service screen get both ids, the customer is sent to staff', () => {
    expect(t('en', PINPAD_STATE_TEXT[wrong.state]!)).toBe('wrong terminal id');
    for (const [mode, view] of [
      ['till', 'main'],
      ['kiosk', 'service'],
    ] as const) {
      const text = wrongTerminalIdText(wrong, mode, view)!;
      expect(t('en', text.key, text.params)).toContain('00322346');
    }
    const customer = wrongTerminalIdText(wrong, 'kiosk', 'main')!;
    expect(t('ru', customer.key, customer.params)).toContain('Обратитесь к сотруднику');
    expect(t('ru', customer.key, customer.params)).not.toContain('00322346');
    expect(wrongTerminalIdText({ ...wrong, state: 'connected' }, 'till', 'main')).toBeUndefined();
  });
});
